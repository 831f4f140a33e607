"""Start-up as the operator meets it: a token the Bot API refuses is one clear line, exit 2, no token.

The bot runs as a real process (``run_bot.py``) against the fake Bot API, which answers 401 for a
token it does not know and, for a base URL that is not a Bot API (a typo in TELEGRAM_API_BASE_URL),
404 — the two answers python-telegram-bot turns into ``InvalidToken``.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from tests.bot_process import ROOT, SCRUBBED
from tests.fake_bot_api import FakeBotAPI, error

TOKEN = "987654:SECRET-token-never-printed"


async def run_bot(base_url: str, data_dir: Path) -> tuple[int, str]:
    """Run the bot until it exits on its own; its exit status and everything it wrote."""
    env = {k: v for k, v in os.environ.items() if k not in SCRUBBED}
    env.update(BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=base_url, DATA_DIR=str(data_dir), PYTHONPATH=str(ROOT))
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(ROOT / "run_bot.py"),
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return process.returncode, output.decode("utf-8", "replace")


def not_found(method: str, params: dict[str, Any]) -> web.Response:
    return error(404, "Not Found")


@pytest.mark.parametrize("answer", ["401 unknown token", "404 wrong base URL"])
async def test_a_rejected_token_is_one_line_without_the_token(tmp_path: Path, answer: str) -> None:
    async with FakeBotAPI(TOKEN if answer.startswith("404") else "111:another-bot") as api:
        api.behaviour = not_found  # reached only by a token the server knows
        status, output = await run_bot(api.base_url, tmp_path)
    assert status == 2
    assert TOKEN not in output
    assert TOKEN.split(":")[1] not in output  # not even the secret half
    assert "Traceback" not in output
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1, output
    assert "BOT_TOKEN" in lines[0]
    assert "TELEGRAM_API_BASE_URL" in lines[0]
    assert ("Unauthorized" if answer.startswith("401") else "Not Found") in lines[0]
