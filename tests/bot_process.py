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
from collections.abc import Callable
from pathlib import Path
from typing import IO

from bot.core.storage import FileJournal, TinyStore
from bot.staff.announcements import Announcements
from bot.staff.subscriptions import Options, Subscriptions
from tests.fake_bot_api import FakeBotAPI

ROOT = Path(__file__).resolve().parent.parent
ADMIN = 9000
# Settings of the developer's shell that would change what the bot process does.
SCRUBBED = ("ADMIN_API_TOKEN", "WEBHOOK_URL", "WEBHOOK_SECRET", "STAFF_CHAT_ID", "HTTP_PORT")


def prepare(data_dir: Path, members: range, text: str) -> str:
    """Subscribe ``members`` and create an announcement to all of them, due now; its id."""
    store = TinyStore(data_dir)
    journal = FileJournal(data_dir / "journal")
    subscriptions = Subscriptions(store, Options.load(ROOT / "content"))
    subscriptions.subscribe_many(members)
    announcement = Announcements(store, subscriptions, journal).create(text, "all", None, ADMIN)
    journal.close()
    store.close()
    return announcement.id


def start_bot(
    api: FakeBotAPI, data_dir: Path, rate: float, log_level: str = "WARNING", log: IO[bytes] | None = None
) -> subprocess.Popen[bytes]:
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
