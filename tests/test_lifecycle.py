"""Stopping and starting around a notice: SIGTERM pauses it (progress saved) within 5 s and the next start
resumes it; a notice whose time passed while the bot was down or busy is sent late, never dropped."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from bot.core.db.schema import announcements
from bot.core.settings import Settings
from bot.core.storage import open_store
from bot.services import Services
from handlers.app import build_application
from handlers.staff.broadcast import schedule_announcement
from tests.bot_process import ADMIN, prepare, sends_to, start_bot, status_of, stop_bot, until
from tests.fake_bot_api import FakeBotAPI
from tests.sql import scalar

MEMBERS = range(30_001, 30_301)
STOP_WITHIN = 5.0


def reports(api: FakeBotAPI, fragment: str) -> list[str]:
    return [str(p["text"]) for p in api.of("sendMessage") if p["chat_id"] == ADMIN and fragment in str(p["text"])]


def count_members(received: Counter[int]) -> Any:
    async def on_send(chat: int, params: dict[str, Any]) -> None:
        await asyncio.sleep(0.05)  # a Bot API round trip: messages are in flight when the signal comes
        received[chat] += 1

    return sends_to(MEMBERS, on_send)


@pytest.mark.slow
async def test_sigterm_pauses_a_notice_within_5_s_and_the_next_start_resumes_it(
    fake_api: FakeBotAPI, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    announcement_id = await prepare(data_dir, MEMBERS, "<b>停机测试</b>")
    received: Counter[int] = Counter()
    fake_api.behaviour = count_members(received)
    bot = start_bot(fake_api, data_dir, rate=50)  # 300 recipients: six seconds of sending
    try:
        await until(lambda: sum(received.values()) >= 60)
        asked = time.monotonic()
        bot.terminate()
        await asyncio.to_thread(bot.wait, 30)
        stopped_in = time.monotonic() - asked
    finally:
        bot.kill()
    assert bot.returncode == 0
    assert stopped_in < STOP_WITHIN
    query = "SELECT count(*) FROM deliveries WHERE announcement_id = ? AND status = 'sent'"
    assert scalar(data_dir, query, announcement_id) == sum(received.values())  # every message sent was recorded
    assert sum(received.values()) < len(MEMBERS)
    assert (await status_of(data_dir, announcement_id))["status"] == "sending"  # paused, not finished

    bot = start_bot(fake_api, data_dir, rate=200)
    try:
        await until(lambda: bool(reports(fake_api, "通知发送完毕")), within=60)
    finally:
        stop_bot(bot)
    assert set(received) == set(MEMBERS)
    assert max(received.values()) == 1  # nobody twice: the stop lost nothing in flight
    assert "可能重复" not in reports(fake_api, "通知发送完毕")[0]


@pytest.mark.slow
async def test_a_notice_due_while_the_bot_was_down_is_sent_at_start_and_staff_are_told_it_is_late(
    fake_api: FakeBotAPI, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    announcement_id = await prepare(data_dir, range(40_001, 40_011), "<b>迟到的通知</b>")
    store = await open_store(data_dir)
    try:
        async with store.begin() as connection:  # it was due two hours ago, while nothing ran
            due = time.time() - 2 * 3600
            await connection.execute(
                update(announcements).where(announcements.c.id == announcement_id).values(send_at=due)
            )
    finally:
        await store.close()
    bot = start_bot(fake_api, data_dir, rate=100)
    try:
        await until(lambda: bool(reports(fake_api, "通知发送完毕")), within=60)
    finally:
        stop_bot(bot)
    [report] = reports(fake_api, "通知发送完毕")
    assert "晚了 120 分钟" in report
    assert "送达 10" in report


async def test_a_busy_event_loop_at_the_due_time_does_not_drop_the_notice(
    settings: Settings, bot_services: Services, fake_api: FakeBotAPI
) -> None:
    """APScheduler's default would skip a job more than 1 s late and leave the notice 'scheduled' for ever."""
    services = replace(bot_services, settings=replace(bot_services.settings, broadcast_rate=500))
    await services.subscriptions.subscribe_many(range(50_001, 50_006))
    application = build_application(services)
    async with application:
        await application.start()
        try:
            soon = datetime.now(UTC) + timedelta(seconds=0.3)
            announcement = await services.announcements.create("<b>忙时通知</b>", "all", soon, created_by=ADMIN)
            schedule_announcement(application, announcement)
            time.sleep(1.6)  # noqa: ASYNC251 - the point: the loop is blocked when the job is due
            for _ in range(100):
                if (await services.announcements.get(announcement.id)).counts.delivered == 5:
                    break
                await asyncio.sleep(0.05)
        finally:
            await application.stop()
    assert (await services.announcements.get(announcement.id)).counts.delivered == 5
