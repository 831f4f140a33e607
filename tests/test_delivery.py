"""The pure delivery engine and the announcements domain, with a fake ``send`` (no Telegram)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.core.storage import FileJournal, StorageError, TinyStore
from bot.staff.announcements import SHANGHAI, AnnouncementError, Announcements, Outcome, Status, Target, parse_send_at
from bot.staff.delivery import OK, Delivery, Kind, Pacer, Policy, SendResult
from bot.staff.notice_html import check_html
from bot.staff.subscriptions import Options, Subscriptions
from tests.conftest import CONTENT

FAST = Policy(rate=10_000, per_chat_rate=1_000, backoff=0.001, max_backoff=0.001)


def open_announcements(data_dir: Path) -> tuple[Announcements, FileJournal]:
    store = TinyStore(data_dir)
    journal = FileJournal(data_dir / "journal")
    return Announcements(store, Subscriptions(store, Options.load(CONTENT)), journal), journal


@pytest.fixture
def announcements(tmp_path: Path) -> Iterator[Announcements]:
    announcements, journal = open_announcements(tmp_path)
    yield announcements
    journal.close()


def subscribe(announcements: Announcements, chats: range) -> None:
    for chat in chats:
        announcements.subscriptions.subscribe(chat)


async def no_sleep(seconds: float) -> None:
    return None


class FakeSend:
    """Answers from a script per chat (a list of results, the last repeating); records every call."""

    def __init__(self, script: dict[int, list[SendResult]] | None = None) -> None:
        self.script = script or {}
        self.calls: Counter[int] = Counter()

    async def __call__(self, chat_id: int) -> SendResult:
        self.calls[chat_id] += 1
        answers = self.script.get(chat_id, [OK])
        return answers[min(self.calls[chat_id], len(answers)) - 1]


async def test_every_recipient_gets_exactly_one_message(announcements: Announcements) -> None:
    subscribe(announcements, range(1, 101))
    ann = announcements.create("<b>通知</b>：明天停水", Target.all(), None, created_by=9000)
    send = FakeSend()
    report = await Delivery(announcements, send, FAST).run(ann.id)
    assert set(send.calls) == set(range(1, 101))
    assert max(send.calls.values()) == 1
    assert report.counts.delivered == 100
    assert report.counts.pending == 0
    assert announcements.get(ann.id).status is Status.DONE


async def test_outcomes_are_classified_and_blocked_chats_deactivated(announcements: Announcements) -> None:
    subscribe(announcements, range(1, 6))
    send = FakeSend(
        {
            2: [SendResult(Kind.BLOCKED, detail="Forbidden: bot was blocked by the user")],
            3: [SendResult(Kind.TRANSIENT), SendResult(Kind.TRANSIENT), OK],
            4: [SendResult(Kind.TRANSIENT)],  # never recovers
            5: [SendResult(Kind.RETRY_AFTER, retry_after=0.0), OK],
        }
    )
    ann = announcements.create("通知", Target.all(), None, created_by=9000)
    report = await Delivery(announcements, send, FAST, sleep=no_sleep).run(ann.id)
    assert report.counts.to_dict() == {"total": 5, "delivered": 3, "blocked": 1, "failed": 1, "pending": 0}
    assert send.calls[3] == 3
    assert send.calls[4] == FAST.max_attempts
    assert send.calls[5] == 2
    assert announcements.subscriptions.get(2).active is False
    assert announcements.subscriptions.recipients() == [1, 3, 4, 5]  # the blocked chat is not tried again


async def test_adapter_exception_counts_as_transient(announcements: Announcements) -> None:
    subscribe(announcements, range(1, 3))

    async def broken(chat_id: int) -> SendResult:
        if chat_id == 1:
            raise RuntimeError("adapter bug")
        return OK

    ann = announcements.create("通知", Target.all(), None, created_by=9000)
    report = await Delivery(announcements, broken, FAST, sleep=no_sleep).run(ann.id)
    assert (report.counts.delivered, report.counts.failed) == (1, 1)


async def test_resume_skips_recorded_and_sends_the_rest(tmp_path: Path, announcements: Announcements) -> None:
    subscribe(announcements, range(1, 11))
    ann = announcements.create("通知", Target.all(), None, created_by=9000)
    pending = announcements.begin(ann.id)
    for chat in pending[:4]:  # the first run recorded four outcomes, then the process died
        announcements.record(ann.id, chat, Outcome.SENT)
    announcements.subscriptions.subscribe(99)  # subscribed after the notice started: not in this one
    restarted, journal = open_announcements(tmp_path)
    assert [a.id for a in restarted.list_sending()] == [ann.id]
    send = FakeSend()
    report = await Delivery(restarted, send, FAST).run(ann.id)
    journal.close()
    assert sorted(send.calls) == list(range(5, 11))
    assert report.counts.delivered == 10


def test_journal_ignores_a_torn_last_line(tmp_path: Path) -> None:
    journal = FileJournal(tmp_path)
    journal.append("s", {"c": 1, "o": "sent"})
    with (tmp_path / "s.jsonl").open("ab") as fh:
        fh.write(b'{"c": 2, "o": "se')  # kill -9 in the middle of a write
    journal.close()
    reopened = FileJournal(tmp_path)
    assert reopened.read("s") == [{"c": 1, "o": "sent"}]
    reopened.append("s", {"c": 3, "o": "sent"})
    reopened.close()
    assert reopened.read("s") == [{"c": 1, "o": "sent"}, {"c": 3, "o": "sent"}]


def test_journal_refuses_unsafe_stream_names(tmp_path: Path) -> None:
    with pytest.raises(StorageError):
        FileJournal(tmp_path).append("../escape", {})


async def test_cancel_stops_a_running_announcement(announcements: Announcements) -> None:
    subscribe(announcements, range(1, 51))
    ann = announcements.create("通知", Target.all(), None, created_by=9000)

    async def send_then_cancel(chat_id: int) -> SendResult:
        if chat_id == 10:
            announcements.cancel(ann.id)
        return OK

    report = await Delivery(announcements, send_then_cancel, Policy(rate=10_000, concurrency=1)).run(ann.id)
    assert report.cancelled
    assert report.counts.delivered == 10
    assert report.counts.pending == 40
    assert announcements.get(ann.id).status is Status.CANCELLED
    with pytest.raises(AnnouncementError) as err:
        announcements.cancel(ann.id)
    assert err.value.code == "not_cancellable"


async def test_targeting_by_topic_and_city(announcements: Announcements) -> None:
    subs = announcements.subscriptions
    subscribe(announcements, range(1, 5))
    subs.toggle(2, "topic", "loans")
    subs.toggle(3, "city", "haikou")
    subs.toggle(4, "topic", "events")
    assert subs.recipients(["loans"], []) == [1, 2, 3]
    assert subs.recipients([], ["beijing"]) == [1, 2, 4]
    assert subs.recipients(["events"], ["haikou"]) == [1, 3, 4]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "empty_text"),
        ("   ", "empty_text"),
        ("字" * 4097, "too_long"),
        ("<b>粗体", "invalid_html"),
        ("<b>x</i>", "invalid_html"),
        ("<div>x</div>", "invalid_html"),
        ("a < b", "invalid_html"),
        ("&nbsp;", "invalid_html"),
    ],
)
def test_bad_text_is_refused_before_storing(announcements: Announcements, text: str, code: str) -> None:
    with pytest.raises(AnnouncementError) as err:
        announcements.create(text, Target.all(), None, created_by=9000)
    assert err.value.code == code
    assert announcements.list_all() == []


def test_text_limit_counts_visible_characters_not_tags(announcements: Announcements) -> None:
    ann = announcements.create("<b>" + "字" * 4096 + "</b>", Target.all(), None, created_by=9000)
    assert ann.status is Status.SCHEDULED


@pytest.mark.parametrize(
    ("target", "code"),
    [({"topics": ["nope"]}, "unknown_topic"), ({"cities": ["atlantis"]}, "unknown_city"), (42, "invalid_target")],
)
def test_bad_target_is_refused(announcements: Announcements, target: object, code: str) -> None:
    with pytest.raises(AnnouncementError) as err:
        announcements.create("通知", target, None, created_by=9000)  # type: ignore[arg-type]
    assert err.value.code == code


def test_send_at_parsing() -> None:
    now = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)
    assert parse_send_at("2026-12-01 09:00", now) == datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI)
    assert parse_send_at("2026-12-01T01:00:00+00:00", now) == datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI)
    assert parse_send_at(None, now) is None
    for text, code in (("2020-01-01 09:00", "send_at_past"), ("明天早上", "send_at_invalid")):
        with pytest.raises(AnnouncementError) as err:
            parse_send_at(text, now)
        assert err.value.code == code


def test_status_and_scheduled_listing(announcements: Announcements) -> None:
    now = datetime.now(UTC)
    later = announcements.create("晚些", Target.all(), now + timedelta(days=2), created_by="api")
    sooner = announcements.create("早些", {"topics": ["loans"]}, now + timedelta(days=1), created_by="api")
    draft = announcements.create("草稿", "all", None, created_by=9000, draft=True)
    assert [a.id for a in announcements.list_scheduled()] == [sooner.id, later.id]
    status = announcements.status(sooner.id)
    assert status["status"] == "scheduled"
    assert status["pending"] == 0
    assert status["target"]["topics"] == ["loans"]
    assert announcements.confirm(draft.id).status is Status.SCHEDULED
    with pytest.raises(AnnouncementError):
        announcements.status("missing")


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


async def test_pacer_spaces_slots_and_honours_pauses() -> None:
    time = FakeTime()
    pacer = Pacer(rate=10, clock=lambda: time.now, sleep=time.sleep)
    for _ in range(3):
        await pacer.acquire()
    assert time.slept == pytest.approx([0.1, 0.1])
    pacer.pause(5.0)
    await pacer.acquire()
    assert time.slept[-1] == pytest.approx(5.0)
    assert pacer.paused_for == pytest.approx(5.0)


async def test_a_pause_holds_back_slots_reserved_before_it() -> None:
    """No catch-up burst after a 429: a worker that wakes inside the pause queues behind it."""
    time = FakeTime()
    pacer = Pacer(rate=10, clock=lambda: time.now, sleep=time.sleep)

    async def sleep_then_flood(seconds: float) -> None:
        await time.sleep(seconds)
        if len(time.slept) == 1:
            pacer.pause(1.0)  # a 429 arrived while this worker waited for its slot

    pacer._sleep = sleep_then_flood
    await pacer.acquire()
    await pacer.acquire()
    assert time.slept == pytest.approx([0.1, 1.0])


def test_retry_delay_doubles_and_respects_per_chat_rate() -> None:
    policy = Policy(backoff=0.25, max_backoff=4, per_chat_rate=1)
    assert [policy.retry_delay(n) for n in range(1, 6)] == [1, 1, 1, 2, 4]


@pytest.mark.parametrize(
    "text",
    [
        '<a href="https://example.org">链接</a>',
        '<span class="tg-spoiler">剧透</span><tg-spoiler>剧透</tg-spoiler>',
        '<pre><code class="language-python">x = 1</code></pre>',
        "<blockquote expandable>引用</blockquote>",
        '<tg-time unix="1767225600" format="r">明天</tg-time>',
        "&lt;b&gt; &amp; &quot; &#128512; a > b",
    ],
)
def test_what_telegram_accepts_is_accepted(text: str) -> None:
    assert check_html(text) is None
