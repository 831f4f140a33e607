"""The story of a delivery a restart interrupted: recorded on the notice, told in the sender's final report.

A stop (SIGTERM) records where sending stopped; a crash is found out when the next instance takes
over the dead one's claims; either way the next claim records the resumption. SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.core.db.engine import Store
from bot.core.i18n import gettext_for
from bot.core.storage import open_store
from bot.staff.announce_render import duration_text, report_text
from bot.staff.announcement import Announcement, Counts, Interruption, Outcome, Status, Target
from bot.staff.delivery import Policy, Report, SendResult
from bot.staff.feedback import Feedback
from tests.sql import store_at_revision
from tests.test_delivery import FakeSend, open_outbox, subscribe

_ = gettext_for("zh_Hans")


async def test_a_stop_and_the_next_start_are_told_in_the_report(store: Store) -> None:
    outbox = open_outbox(store, "stopping")
    await subscribe(outbox, range(1, 31))
    ann = await outbox.announcements.create("通知", Target.all(), None, created_by=9000)
    stop = asyncio.Event()
    first = FakeSend()

    async def send(chat_id: int) -> SendResult:
        if sum(first.calls.values()) == 11:
            stop.set()  # SIGTERM with the twelfth message in flight
        return await first(chat_id)

    paused = await outbox.delivery(send, Policy(rate=1000, concurrency=1), stop=stop).run(ann.id)
    assert paused.paused
    stopped = (await outbox.announcements.get(ann.id)).interruption
    assert not stopped.resumed
    assert stopped.done == sum(first.calls.values()) == 12
    assert (await outbox.announcements.status(ann.id))["interruptions"] == 1

    await asyncio.sleep(0.3)  # the bot is down
    report = await open_outbox(store, "next-start").delivery(FakeSend()).run(ann.id)
    story = report.announcement.interruption
    assert (story.count, story.done) == (1, 12)
    assert timedelta(seconds=0.25) < story.downtime < timedelta(seconds=5)
    total = report.announcement.finished_at - report.announcement.started_at
    assert total > story.downtime  # measured from the first message, across the restart

    text = report_text(report, _)
    assert "发到第 12/30 人时中断" in text
    assert "恢复发送，中断了 0." in text
    assert "从开始到发完共用时" in text
    assert "共 30 人：送达 30" in text


async def test_a_crash_is_found_out_when_its_claims_are_taken_over(store: Store) -> None:
    dead = open_outbox(store, "killed")
    await subscribe(dead, range(1, 21))
    ann = await dead.announcements.create("通知", Target.all(), None, created_by=9000)
    await dead.announcements.begin(ann.id)
    claimed = await dead.queue.claim(ann.id, 8)
    for chat in claimed[:5]:
        await dead.queue.record(ann.id, chat, Outcome.SENT, now=1_000.0 + chat)
    assert (await dead.announcements.get(ann.id)).interruption is None  # nobody knows yet: kill -9

    restarted = open_outbox(store, "restarted")
    await restarted.queue.expire_leases()  # what start-up does on SQLite (the writer lock proves them dead)
    report = await restarted.delivery(FakeSend()).run(ann.id)
    story = report.announcement.interruption
    assert (story.count, story.done) == (1, 5)
    assert story.at == datetime.fromtimestamp(1_000.0 + claimed[4], UTC)  # the last outcome recorded
    assert report.counts.delivered == 20
    assert "发到第 5/20 人时中断" in report_text(report, _)


async def test_joining_a_live_delivery_is_not_an_interruption(store: Store) -> None:
    first, second = open_outbox(store, "first"), open_outbox(store, "second")
    await subscribe(first, range(1, 31))
    ann = await first.announcements.create("通知", Target.all(), None, created_by=9000)
    policy = Policy(rate=300, concurrency=3)
    reports = await asyncio.gather(
        first.delivery(FakeSend(), policy).run(ann.id), second.delivery(FakeSend(), policy).run(ann.id)
    )
    closed = next(r.announcement for r in reports if r.closed)
    assert closed.interruption is None
    assert "中断" not in report_text(next(r for r in reports if r.closed), _)


def _closed(interruption: Interruption | None, minutes: float = 7) -> Announcement:
    started = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)  # 09:00 in Beijing
    return Announcement(
        id="a1",
        text="通知",
        target=Target.all(),
        send_at=None,
        status=Status.DONE,
        created_by="9000",
        created_at=started,
        started_at=started,
        finished_at=started + timedelta(minutes=minutes),
        counts=Counts(total=1000, delivered=990, blocked=10),
        interruption=interruption,
    )


def _report(announcement: Announcement, seconds: float = 65.0) -> Report:
    return Report(announcement.id, announcement.counts, seconds, False, closed=True, announcement=announcement)


def test_the_story_names_where_it_stopped_when_it_went_on_and_the_whole_time() -> None:
    at = datetime(2026, 12, 2, 1, 2, tzinfo=UTC)
    story = Interruption(1, at, 480, at + timedelta(minutes=4, seconds=10), timedelta(minutes=4, seconds=10))
    lines = report_text(_report(_closed(story)), _).split("\n")
    assert lines == [
        "通知发送完毕。",
        "共 1000 人：送达 990，屏蔽了机器人 10，失败 0，未发 0。",
        "发送中途中断过一次：发到第 480/1000 人时中断（09:02，机器人重启或停止运行），"
        "09:06 恢复发送，中断了 4 分 10 秒。",
        "从开始到发完共用时 7 分 0 秒，其中中断 4 分 10 秒。",
    ]


def test_several_interruptions_and_a_day_change() -> None:
    at = datetime(2026, 12, 2, 16, 30, tzinfo=UTC)  # 00:30 on 3 December in Beijing
    story = Interruption(2, at, 700, at + timedelta(hours=2), timedelta(hours=2, minutes=5))
    text = report_text(_report(_closed(story, minutes=180)), _)
    assert "发送中途中断过 2 次，最近一次：发到第 700/1000 人时中断（12-03 00:30" in text
    assert "02:30 恢复发送，中断了 2 小时 0 分" in text
    assert "共用时 3 小时 0 分，其中中断 2 小时 5 分" in text


def test_without_an_interruption_the_report_is_as_before() -> None:
    text = report_text(_report(_closed(None)), _)
    assert "中断" not in text
    assert "用时 7 分 0 秒。" in text


def test_durations_read_like_a_person_says_them() -> None:
    assert [duration_text(s, _) for s in (8.46, 65, 3599.6, 7260)] == [
        "8.5 秒",
        "1 分 5 秒",
        "1 小时 0 分",
        "2 小时 1 分",
    ]
    assert duration_text(65, gettext_for("en")) != "1 分 5 秒"  # translated


OLD_NOTICE = (
    "INSERT INTO announcements (id, text, target, status, created_by, created_at, total, delivered, blocked,"
    " failed, duplicates, reported) VALUES ('old1', '通知', '{}', 'done', '9000', 1.0, 3, 3, 0, 0, 0, true)"
)
OLD_VOTE = "INSERT INTO feedback_votes VALUES (1, 2, 3, 'qa:x', 'down', :now)"


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
async def test_notices_and_votes_stored_before_0004_upgrade_without_a_story(
    database: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = request.getfixturevalue("postgres_db_url") if database == "postgresql" else None
    async with store_at_revision(tmp_path, url, "0003") as connection:
        await connection.execute(text(OLD_NOTICE))
        await connection.execute(text(OLD_VOTE), {"now": time.time()})
    store = await open_store(tmp_path, url)  # start-up migrates it to the newest revision
    try:
        outbox = open_outbox(store)
        announcement = await outbox.announcements.get("old1")
        assert announcement.counts.delivered == 3
        assert announcement.interruption is None
        assert (await outbox.announcements.status("old1"))["interruptions"] == 0
        [tally] = (await Feedback(store).report()).down_voted
        assert (tally.ref, tally.down, tally.question) == ("qa:x", 1, None)
    finally:
        await store.close()
