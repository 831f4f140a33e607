"""kill -9 half way through an announcement, restart, and every member has exactly one copy.

The bot runs as a real process (run_bot.py, long polling) against the fake Bot API. When
half the members have been answered, the fake server stops answering (requests in flight, and
those it reads later from the dead process's sockets, are held as if the network stalled), the
test waits until the bot has recorded each answered recipient in the store, and SIGKILLs it. A
second process must resume from the store. The race this leaves out — a request Telegram accepts
after, or answers just before, the kill, without its outcome recorded — is measured, not
asserted, by bench/broadcast.py.
"""

from __future__ import annotations

import asyncio
import os
import signal
from collections import Counter
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.staff.announcement import Status
from tests.bot_process import prepare, start_bot, status_of, stop_bot, until
from tests.fake_bot_api import FakeBotAPI, error
from tests.sql import scalar

MEMBERS = range(10_001, 10_201)  # 200 recipients
HALF = len(MEMBERS) // 2


async def quiet(api: FakeBotAPI, for_seconds: float = 0.3) -> None:
    """Wait until the server has seen no new request for ``for_seconds``."""
    seen = -1
    while seen != len(api.calls):
        seen = len(api.calls)
        await asyncio.sleep(for_seconds)


def recorded(data_dir: Path, announcement_id: str) -> int:
    """Recipients whose outcome the bot has committed (read beside the running bot)."""
    query = "SELECT count(*) FROM deliveries WHERE announcement_id = ? AND status != 'pending'"
    return scalar(data_dir, query, announcement_id) or 0


async def test_kill_9_half_way_then_restart_sends_each_member_exactly_once(
    tmp_path: Path, fake_api: FakeBotAPI
) -> None:
    data_dir = tmp_path / "data"
    announcement_id = await prepare(data_dir, MEMBERS, "<b>重启测试</b>")
    answered: Counter[int] = Counter()
    stalled, released = asyncio.Event(), asyncio.Event()
    first_run = True

    async def behaviour(method: str, params: dict[str, Any]) -> web.Response | list[Any] | None:
        if method == "getUpdates":
            await asyncio.sleep(0.2)  # a short long-poll: nobody writes to the bot here
            return []
        chat = int(params.get("chat_id", 0))
        if method != "sendMessage" or chat not in MEMBERS:
            return None
        if stalled.is_set():
            await released.wait()  # never answered: the process is dead by then
            return error(502, "Bad Gateway")
        answered[chat] += 1
        if first_run and sum(answered.values()) >= HALF:
            stalled.set()
        return None

    fake_api.behaviour = behaviour
    first = start_bot(fake_api, data_dir, rate=400)
    try:
        await until(stalled.is_set)
        await until(lambda: recorded(data_dir, announcement_id) >= HALF, within=10)
        os.kill(first.pid, signal.SIGKILL)
    finally:
        first.kill()
        first.wait()
    await quiet(fake_api)  # requests the dead process had already written are read now, and held too
    released.set()
    assert sum(answered.values()) == HALF

    first_run = False
    stalled.clear()
    second = start_bot(fake_api, data_dir, rate=400)
    try:
        await until(lambda: len(answered) == len(MEMBERS))
        await until(lambda: any("通知发送完毕" in str(p.get("text")) for p in fake_api.of("sendMessage")), within=10)
    finally:
        stop_bot(second)

    assert set(answered) == set(MEMBERS)  # nobody skipped
    assert max(answered.values()) == 1  # nobody got a second copy
    status = await status_of(data_dir, announcement_id)
    assert (status["status"], status["delivered"], status["pending"]) == (Status.DONE.value, len(MEMBERS), 0)
