"""Per-user flood control: a member sending 50 messages a second is slowed down, others are not."""

from bot.guard.flood import BURST, FloodGuard, Verdict
from tests.conftest import ChatDriver, texts

TOO_FAST = "太快"


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_fifty_a_second_is_slowed_down_and_warned_once() -> None:
    clock = Clock()
    guard = FloodGuard(rate=2.0, burst=20, clock=clock)
    verdicts = []
    for _ in range(50):
        verdicts.append(guard.check(1))
        clock.now += 0.02  # 50 messages in one second
    assert verdicts.count(Verdict.ALLOW) <= 20 + 2
    assert verdicts.count(Verdict.WARN) == 1
    assert verdicts[: BURST // 2] == [Verdict.ALLOW] * (BURST // 2)


def test_other_users_are_not_slowed_by_one_flooder() -> None:
    clock = Clock()
    guard = FloodGuard(rate=2.0, burst=20, clock=clock)
    for _ in range(100):
        guard.check(1)
    assert guard.check(2) is Verdict.ALLOW
    assert guard.check(1) is Verdict.DROP


def test_a_quiet_spell_refills_the_bucket_and_rearms_the_warning() -> None:
    clock = Clock()
    guard = FloodGuard(rate=2.0, burst=4, clock=clock)
    assert [guard.check(1) for _ in range(6)][-2:] == [Verdict.WARN, Verdict.DROP]
    clock.now += 0.5  # one token back: allowed, but still the same flood
    assert [guard.check(1), guard.check(1)] == [Verdict.ALLOW, Verdict.DROP]
    clock.now += 2.0
    assert [guard.check(1) for _ in range(5)][-1] is Verdict.WARN


def test_quiet_users_are_forgotten_when_many_are_tracked(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("bot.guard.flood.MAX_TRACKED", 10)
    clock = Clock()
    guard = FloodGuard(rate=1.0, burst=2, clock=clock)
    for user in range(10):
        guard.check(user)
    clock.now += 5
    guard.check(99)
    assert len(guard._buckets) == 1


async def test_flooding_member_is_slowed_through_the_bot_others_answered(chat: ChatDriver) -> None:
    replies: list[str] = []
    for _ in range(50):
        replies += texts(await chat.send("工会法第六条", user_id=501))
    assert sum(TOO_FAST in r for r in replies) == 1
    answered = [r for r in replies if "第六条" in r or "第6条" in r]
    assert len(answered) < 40
    [other] = texts(await chat.send("工会法第六条", user_id=502))
    assert TOO_FAST not in other
    assert "工会" in other


async def test_flooded_button_presses_get_one_note_then_nothing(chat: ChatDriver) -> None:
    notes = []
    for _ in range(40):
        calls = await chat.press("menu:law", user_id=503)
        notes += [p.get("text", "") for m, p in calls if m == "answerCallbackQuery" and p.get("text")]
    assert len(notes) == 1
    assert TOO_FAST in notes[0]
