"""The delivery engine and the announcements domain, with a fake ``send`` (no Telegram), on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from bot.core.storage import Store
from bot.staff.announcement import SHANGHAI, AnnouncementError, Outcome, Status, Target, parse_send_at
from bot.staff.announcements import Announcements
from bot.staff.delivery import OK, Delivery, Kind, LocalSlots, Pacer, Policy, SendResult
from bot.staff.delivery_queue import DeliveryQueue
from bot.staff.notice_html import check_html
from bot.staff.subscriptions import Options, Subscriptions
from tests.conftest import CONTENT

FAST = Policy(rate=10_000, per_chat_rate=1_000, backoff=0.001, max_backoff=0.001)


@dataclass
class Outbox:
    """The announcements of one store and this test's instance on its delivery queue."""

    announcements: Announcements
    queue: DeliveryQueue

    @property
    def subscriptions(self) -> Subscriptions:
        return self.announcements.subscriptions

    def delivery(self, send: object, policy: Policy = FAST, **kw: object) -> Delivery:
        return Delivery(self.announcements, self.queue, send, policy, **kw)  # type: ignore[arg-type]


def open_outbox(store: Store, owner: str = "test-instance", lease: float = 30.0) -> Outbox:
    announcements = Announcements(store, Subscriptions(store, Options.load(CONTENT)))
    return Outbox(announcements, DeliveryQueue(store, owner, lease))


@pytest.fixture
def outbox(store: Store) -> Outbox:
    return open_outbox(store)


async def subscribe(outbox: Outbox, chats: range) -> None:
    for chat in chats:
        await outbox.subscriptions.subscribe(chat)


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


async def test_every_recipient_gets_exactly_one_message(outbox: Outbox) -> None:
    await subscribe(outbox, range(1, 101))
    ann = await outbox.announcements.create("<b>通知</b>：明天停水", Target.all(), None, created_by=9000)
    send = FakeSend()
    report = await outbox.delivery(send).run(ann.id)
    assert set(send.calls) == set(range(1, 101))
    assert max(send.calls.values()) == 1
    assert report.counts.delivered == 100
    assert report.counts.pending == 0
    assert (await outbox.announcements.get(ann.id)).status is Status.DONE


async def test_outcomes_are_classified_and_blocked_chats_deactivated(outbox: Outbox) -> None:
    await subscribe(outbox, range(1, 6))
    send = FakeSend(
        {
            2: [SendResult(Kind.BLOCKED, detail="Forbidden: bot was blocked by the user")],
            3: [SendResult(Kind.TRANSIENT), SendResult(Kind.TRANSIENT), OK],
            4: [SendResult(Kind.TRANSIENT)],  # never recovers
            5: [SendResult(Kind.RETRY_AFTER, retry_after=0.0), OK],
        }
    )
    ann = await outbox.announcements.create("通知", Target.all(), None, created_by=9000)
    report = await outbox.delivery(send, sleep=no_sleep).run(ann.id)
    assert report.counts.to_dict() == {
        "total": 5,
        "delivered": 3,
        "blocked": 1,
        "failed": 1,
        "pending": 0,
        "possible_duplicates": 0,
    }
    assert send.calls[3] == 3
    assert send.calls[4] == FAST.max_attempts
    assert send.calls[5] == 2
    assert (await outbox.subscriptions.get(2)).active is False
    assert await outbox.subscriptions.recipients() == [1, 3, 4, 5]  # the blocked chat is not tried again


async def test_adapter_exception_counts_as_transient(outbox: Outbox) -> None:
    await subscribe(outbox, range(1, 3))

    async def broken(chat_id: int) -> SendResult:
        if chat_id == 1:
            raise RuntimeError("adapter bug")
        return OK

    ann = await outbox.announcements.create("通知", Target.all(), None, created_by=9000)
    report = await outbox.delivery(broken, sleep=no_sleep).run(ann.id)
    assert (report.counts.delivered, report.counts.failed) == (1, 1)


async def test_resume_skips_recorded_and_sends_the_rest(store: Store, outbox: Outbox) -> None:
    await subscribe(outbox, range(1, 11))
    ann = await outbox.announcements.create("通知", Target.all(), None, created_by=9000)
    assert await outbox.announcements.begin(ann.id)
    for chat in await outbox.queue.claim(ann.id, 4):  # the first run recorded four outcomes, then died
        await outbox.queue.record(ann.id, chat, Outcome.SENT)
    await outbox.subscriptions.subscribe(99)  # subscribed after the notice started: not in this one
    restarted = open_outbox(store, owner="restarted")
    assert [a.id for a in await restarted.announcements.list_sending()] == [ann.id]
    send = FakeSend()
    report = await restarted.delivery(send).run(ann.id)
    assert sorted(send.calls) == list(range(5, 11))
    assert report.counts.delivered == 10
    assert report.closed


async def test_begin_freezes_the_list_once(outbox: Outbox) -> None:
    """Instances whose jobs fire together: one freezes the recipients, the others only join."""
    await subscribe(outbox, range(1, 6))
    ann = await outbox.announcements.create("通知", Target.all(), None, created_by=9000)
    results = await asyncio.gather(*(outbox.announcements.begin(ann.id) for _ in range(3)))
    assert sorted(results) == [False, False, True]
    assert (await outbox.queue.counts(ann.id)).total == 5


async def test_claims_do_not_overlap_and_a_dead_instances_claims_are_taken_over(store: Store) -> None:
    first, second = open_outbox(store, "first", lease=30), open_outbox(store, "second", lease=30)
    await subscribe(first, range(1, 21))
    ann = await first.announcements.create("通知", Target.all(), None, created_by=9000)
    await first.announcements.begin(ann.id)
    mine = await first.queue.claim(ann.id, 8)
    theirs = await second.queue.claim(ann.id, 100)
    assert len(mine) == 8
    assert not set(mine) & set(theirs)
    assert len(theirs) == 12
    for chat in theirs:
        await second.queue.record(ann.id, chat, Outcome.SENT)
    await first.queue.started(ann.id, mine[0])  # in flight when "first" was killed
    assert await second.queue.claim(ann.id, 100) == []  # still leased to "first"
    later = await second.queue.claim(ann.id, 100, now=10**10)  # its lease has run out
    assert sorted(later) == sorted(mine)
    assert (await second.queue.counts(ann.id)).duplicates == 1  # only the one in flight may be doubled
    for chat in later:
        assert await second.queue.record(ann.id, chat, Outcome.SENT)
    assert not await first.queue.record(ann.id, mine[0], Outcome.SENT)  # the first outcome stands
    closed = await second.announcements.close(ann.id)
    assert closed is not None
    assert closed.counts.delivered == 20
    assert await first.announcements.close(ann.id) is None  # reported once


async def test_two_instances_share_one_notice_and_the_rate(store: Store) -> None:
    first, second = open_outbox(store, "first"), open_outbox(store, "second")
    await subscribe(first, range(1, 61))
    ann = await first.announcements.create("通知", Target.all(), None, created_by=9000)
    sends = [FakeSend(), FakeSend()]
    policy = Policy(rate=200, concurrency=4)
    started = asyncio.get_running_loop().time()
    reports = await asyncio.gather(
        first.delivery(sends[0], policy).run(ann.id), second.delivery(sends[1], policy).run(ann.id)
    )
    elapsed = asyncio.get_running_loop().time() - started
    assert sum(sends[0].calls.values()) + sum(sends[1].calls.values()) == 60
    assert set(sends[0].calls) | set(sends[1].calls) == set(range(1, 61))
    assert not set(sends[0].calls) & set(sends[1].calls)
    assert elapsed >= 59 / 200 * 0.9  # one shared rate, not 200 each
    assert [r.closed for r in reports].count(True) == 1


async def test_a_stop_pauses_with_progress_saved_and_a_restart_resumes(store: Store) -> None:
    outbox = open_outbox(store, "stopping")
    await subscribe(outbox, range(1, 41))
    ann = await outbox.announcements.create("通知", Target.all(), None, created_by=9000)
    stop = asyncio.Event()
    sent: list[int] = []

    async def send(chat_id: int) -> SendResult:
        sent.append(chat_id)
        if len(sent) == 10:
            stop.set()  # SIGTERM while this message is in flight
        await asyncio.sleep(0.01)
        return OK

    report = await outbox.delivery(send, Policy(rate=1000, concurrency=2), stop=stop).run(ann.id)
    assert report.paused
    assert not report.closed
    assert report.counts.delivered == len(sent)  # everything sent was recorded
    assert (await outbox.announcements.get(ann.id)).status is Status.SENDING
    resumed = open_outbox(store, "next-start")
    again = FakeSend()
    report = await resumed.delivery(again).run(ann.id)  # the stopped one handed its claims back
    assert set(again.calls) == set(range(1, 41)) - set(sent)
    assert report.counts.delivered == 40
    story = report.announcement.interruption  # for the final report (tests/test_delivery_story.py)
    assert (story.count, story.done, story.resumed) == (1, len(sent), True)
    assert report.counts.duplicates == 0


async def test_cancel_stops_a_running_announcement(outbox: Outbox) -> None:
    await subscribe(outbox, range(1, 51))
    ann = await outbox.announcements.create("通知", Target.all(), None, created_by=9000)

    async def send_then_cancel(chat_id: int) -> SendResult:
        if chat_id == 10:
            await outbox.announcements.cancel(ann.id)
        return OK

    report = await outbox.delivery(send_then_cancel, Policy(rate=10_000, concurrency=1)).run(ann.id)
    assert report.cancelled
    assert report.counts.delivered == 10
    assert report.counts.pending == 40
    assert (await outbox.announcements.get(ann.id)).status is Status.CANCELLED
    with pytest.raises(AnnouncementError) as err:
        await outbox.announcements.cancel(ann.id)
    assert err.value.code == "not_cancellable"


async def test_targeting_by_topic_and_city(outbox: Outbox) -> None:
    subs = outbox.subscriptions
    await subscribe(outbox, range(1, 5))
    await subs.toggle(2, "topic", "loans")
    await subs.toggle(3, "city", "haikou")
    await subs.toggle(4, "topic", "events")
    assert await subs.recipients(["loans"], []) == [1, 2, 3]
    assert await subs.recipients([], ["beijing"]) == [1, 2, 4]
    assert await subs.recipients(["events"], ["haikou"]) == [1, 3, 4]
    assert await subs.count(["events"], ["haikou"]) == 3


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
async def test_bad_text_is_refused_before_storing(outbox: Outbox, text: str, code: str) -> None:
    with pytest.raises(AnnouncementError) as err:
        await outbox.announcements.create(text, Target.all(), None, created_by=9000)
    assert err.value.code == code
    assert await outbox.announcements.list_all() == []


async def test_text_limit_counts_visible_characters_not_tags(outbox: Outbox) -> None:
    room = 4096 - len("Union notice · " + outbox.announcements.issuer) - 2  # the header is part of the message
    ann = await outbox.announcements.create("<b>" + "字" * room + "</b>", Target.all(), None, created_by=9000)
    assert ann.status is Status.SCHEDULED
    with pytest.raises(AnnouncementError) as err:
        await outbox.announcements.create("<b>" + "字" * (room + 1) + "</b>", Target.all(), None, created_by=9000)
    assert err.value.code == "too_long"


@pytest.mark.parametrize(
    ("target", "code"),
    [({"topics": ["nope"]}, "unknown_topic"), ({"cities": ["atlantis"]}, "unknown_city"), (42, "invalid_target")],
)
async def test_bad_target_is_refused(outbox: Outbox, target: object, code: str) -> None:
    with pytest.raises(AnnouncementError) as err:
        await outbox.announcements.create("通知", target, None, created_by=9000)  # type: ignore[arg-type]
    assert err.value.code == code


def test_send_at_parsing() -> None:
    now = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)
    assert parse_send_at("2026-12-01 09:00", now) == datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI)
    assert parse_send_at("2026-12-01T01:00:00+00:00", now) == datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI)
    assert parse_send_at(None, now) is None
    for text, code in (
        ("2020-01-01 09:00", "send_at_past"),
        ("明天早上", "send_at_no_time"),
        ("后年", "send_at_invalid"),
    ):
        with pytest.raises(AnnouncementError) as err:
            parse_send_at(text, now)
        assert err.value.code == code


async def test_status_and_scheduled_listing(outbox: Outbox) -> None:
    announcements = outbox.announcements
    now = datetime.now(UTC)
    later = await announcements.create("晚些", Target.all(), now + timedelta(days=2), created_by="api")
    sooner = await announcements.create("早些", {"topics": ["loans"]}, now + timedelta(days=1), created_by="api")
    draft = await announcements.create("草稿", "all", None, created_by=9000, draft=True)
    assert [a.id for a in await announcements.list_scheduled()] == [sooner.id, later.id]
    assert await announcements.list_due() == []
    status = await announcements.status(sooner.id)
    assert status["status"] == "scheduled"
    assert status["pending"] == 0
    assert status["target"]["topics"] == ["loans"]
    assert (await announcements.confirm(draft.id)).status is Status.SCHEDULED
    assert [a.id for a in await announcements.list_due()] == [draft.id]  # no send time: due at once
    with pytest.raises(AnnouncementError):
        await announcements.status("missing")


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
    await pacer.pause(5.0)
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
            await pacer.pause(1.0)  # a 429 arrived while this worker waited for its slot

    pacer._sleep = sleep_then_flood
    await pacer.acquire()
    await pacer.acquire()
    assert time.slept == pytest.approx([0.1, 1.0])


async def test_two_pacers_on_shared_slots_keep_one_rate() -> None:
    """Two instances reserving blocks from one slot source, each with workers: together never above the rate."""
    slots, loop = LocalSlots(), asyncio.get_running_loop()
    pacers = [Pacer(rate=200, slots=slots, clock=loop.time, block=5) for _ in range(2)]
    granted: list[float] = []

    async def worker(pacer: Pacer) -> None:
        for _ in range(10):
            granted.append(await pacer.acquire())  # the slot: a late wake-up on a busy machine is not a burst

    start = loop.time()
    await asyncio.gather(*(worker(pacer) for pacer in pacers for _ in range(3)))
    assert len(granted) == 60
    assert max(granted) - start >= 59 / 200 * 0.95
    window = 0.05  # 10 slots' worth
    assert max(sum(1 for t in granted if at <= t < at + window) for at in granted) <= 10 + 1
    assert len(set(granted)) == 60  # no slot given twice


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
