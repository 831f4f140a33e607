"""The bot as a real process against the fake Bot API, for the restart test and bench/broadcast.py.

Both need a data dir holding subscribers and one announcement due now, a ``run_bot.py``
process pointed at the fake server, and a way to wait for what that process does.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import IO, Any

from sqlalchemy import func, select

from bot.core.db.schema import deliveries
from bot.core.storage import open_store
from bot.staff.announcements import Announcements
from bot.staff.subscriptions import Options, Subscriptions
from tests.fake_bot_api import FakeBotAPI
from tests.sql import scalar

ROOT = Path(__file__).resolve().parent.parent
ADMIN = 9000
# Settings of the developer's shell that would change what the bot process does.
SCRUBBED = ("ADMIN_API_TOKEN", "WEBHOOK_URL", "WEBHOOK_SECRET", "STAFF_CHAT_ID", "HTTP_PORT", "DATABASE_URL")


async def prepare(data_dir: Path, members: range, text: str, database_url: str | None = None) -> str:
    """Subscribe ``members`` and create an announcement to all of them, due now; its id."""
    store = await open_store(data_dir, database_url)
    try:
        subscriptions = Subscriptions(store, Options.load(ROOT / "content"))
        await subscriptions.subscribe_many(members)
        announcement = await Announcements(store, subscriptions).create(text, "all", None, ADMIN)
    finally:
        await store.close()
    return announcement.id


async def status_of(data_dir: Path, announcement_id: str, database_url: str | None = None) -> dict[str, Any]:
    """The notice's status as the admin API reports it, read once the bots are gone."""
    store = await open_store(data_dir, database_url)
    try:
        return await Announcements(store, Subscriptions(store, Options.load(ROOT / "content"))).status(announcement_id)
    finally:
        await store.close()


Answer = Any  # what a fake Bot API behaviour returns: a response, a result, or None for the default
OnSend = Callable[[int, dict[str, Any]], Awaitable[Answer]]


def sends_to(members: range, on_send: OnSend) -> Callable[[str, dict[str, Any]], Awaitable[Answer]]:
    """A fake Bot API behaviour: an idle short long-poll, and ``on_send(chat, params)`` for each message to a member.

    Everything else (the staff's messages, edits) gets the server's default answer.
    """

    async def behaviour(method: str, params: dict[str, Any]) -> Answer:
        if method == "getUpdates":
            await asyncio.sleep(0.2)  # nobody writes to the bot here
            return []
        chat = int(params.get("chat_id", 0) or 0)
        if method == "sendMessage" and chat in members:
            return await on_send(chat, params)
        return None

    return behaviour


def start_bot(
    api: FakeBotAPI,
    data_dir: Path,
    rate: float,
    log_level: str = "WARNING",
    log: IO[bytes] | None = None,
    **extra: str,
) -> subprocess.Popen[bytes]:
    """``run_bot.py`` against ``api``; ``extra`` adds environment variables (DATABASE_URL=…, BROADCAST_LEASE=…)."""
    env = {k: v for k, v in os.environ.items() if k not in SCRUBBED}
    env.update(
        BOT_TOKEN=api.token,
        TELEGRAM_API_BASE_URL=api.base_url,
        DATA_DIR=str(data_dir),
        ADMIN_IDS=str(ADMIN),
        BROADCAST_RATE=str(rate),
        LOG_LEVEL=log_level,
        PTB_TIMEDELTA="1",
        PYTHONPATH=str(ROOT),
        **extra,
    )
    return subprocess.Popen([sys.executable, str(ROOT / "run_bot.py")], cwd=ROOT, env=env, stdout=log, stderr=log)


def stop_bot(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


async def until(condition: Callable[[], bool], within: float = 60.0) -> None:
    async with asyncio.timeout(within):
        while not condition():  # noqa: ASYNC110 - the state is in another process and its files
            await asyncio.sleep(0.01)


async def in_flight_of(pid: int, announcement_id: str, data_dir: Path, database_url: str | None) -> int:
    """Recipients the dead process had started a send to without recording its outcome."""
    if database_url is None:  # the SQLite store: read it beside the (dead) writer
        query = "SELECT count(*) FROM deliveries WHERE announcement_id = ? AND status = 'pending'"
        return int(scalar(data_dir, f"{query} AND attempts > 0 AND lease_owner LIKE ?", announcement_id, f"%:{pid}:%"))
    store = await open_store(data_dir / "reader", database_url)
    try:
        row = deliveries.c
        query = select(func.count()).where(
            row.announcement_id == announcement_id,
            row.status == "pending",
            row.attempts > 0,
            row.lease_owner.like(f"%:{pid}:%"),
        )
        async with store.connect() as connection:
            return int(await connection.scalar(query) or 0)
    finally:
        await store.close()
