"""kill -9 while the bot writes under load: the store still opens and every acknowledged
write is in it; the restarted bot remembers. The bot runs as a real process (run_bot.py)
polling the fake Bot API."""

from __future__ import annotations

import asyncio
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.core.i18n import SUPPORTED
from handlers.topics import loans
from tests.fake_bot_api import FakeBotAPI, callback_update, message_update
from tests.sql import rows

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456:TEST-token"
USERS = range(9001, 9061)
CHOICES_PER_USER = 5
THROWAWAY = 9999
QUESTIONNAIRES = range(9101, 9121)  # members who start the loan questionnaire among the language changes
KILL_AFTER_ACKS = 120

pytestmark = pytest.mark.slow


def start_bot(api: FakeBotAPI, data_dir: Path, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": api.base_url,
        "DATA_DIR": str(data_dir),
        "LOG_LEVEL": "INFO",
    }
    with log.open("ab") as fh:
        return subprocess.Popen([sys.executable, str(ROOT / "run_bot.py")], env=env, stdout=fh, stderr=fh, cwd=ROOT)


def confirmations(api: FakeBotAPI) -> list[tuple[int, str]]:
    """(user, locale) for every language change the bot confirmed, in the order it replied."""
    names = {"简体中文": "zh_Hans", "繁體中文": "zh_Hant", "English": "en"}
    found = []
    for params in api.of("sendMessage"):
        text = str(params.get("text", ""))
        for name, locale in names.items():
            if name in text:
                found.append((int(params["chat_id"]), locale))
    return found


def settled_questionnaires(api: FakeBotAPI) -> set[int]:
    """Members whose /loan was answered and followed by another update's reply: processing is one
    update at a time and state is flushed after each, so their open questionnaire is on disk."""
    chats = [int(params["chat_id"]) for params in api.of("sendMessage")]
    return {user for user in QUESTIONNAIRES if user in chats and any(c != user for c in chats[chats.index(user) + 1 :])}


def replies_to(api: FakeBotAPI, chat: int) -> list[str]:
    return [str(p.get("text")) for p in api.of("sendMessage") if int(p["chat_id"]) == chat]


async def wait_until(condition, within: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(what)
        await asyncio.sleep(0.02)


async def test_sigkill_under_load_loses_no_acknowledged_write(fake_api: FakeBotAPI, tmp_path: Path) -> None:
    data_dir, log = tmp_path / "data", tmp_path / "bot.log"
    rng = random.Random(3)
    sent: dict[int, list[str]] = {user: [] for user in USERS}
    bot = start_bot(fake_api, data_dir, log)
    try:
        await wait_until(lambda: fake_api.of("getUpdates"), 30, "the bot never polled")
        for round_ in range(CHOICES_PER_USER):
            for user in USERS:
                choice = rng.choice(SUPPORTED)
                sent[user].append(choice)
                fake_api.push_update(callback_update(f"lang:{choice}", user_id=user, message_id=round_ + 1))
                if round_ == 0 and user - USERS.start < len(QUESTIONNAIRES):
                    fake_api.push_update(message_update("/loan", user_id=QUESTIONNAIRES[user - USERS.start]))
        await wait_until(lambda: len(confirmations(fake_api)) >= KILL_AFTER_ACKS, 60, "the bot stopped confirming")
        bot.send_signal(signal.SIGKILL)
        bot.wait(10)
    finally:
        if bot.poll() is None:
            bot.kill()
    acks = confirmations(fake_api)
    assert KILL_AFTER_ACKS <= len(acks) < len(USERS) * CHOICES_PER_USER, "killed while still writing"
    started = settled_questionnaires(fake_api)
    assert started, "some questionnaires must have been started before the kill"

    stored = dict(rows(data_dir, "SELECT user_id, locale FROM members"))  # the store opens: nothing torn
    last_ack: dict[int, int] = {}
    for user, locale in acks:
        last_ack[user] = last_ack.get(user, -1) + 1  # index of the user's acknowledged choice
        assert sent[user][last_ack[user]] == locale  # replies come in order
    for user, index in last_ack.items():
        # on disk: the last acknowledged choice, or one sent later whose reply the kill cut off
        assert stored.get(user) in sent[user][index:], user
    english = next(user for user in last_ack if stored.get(user) == "en")
    query = "SELECT key FROM ptb_conversations WHERE name = ? AND state IS NOT NULL"
    open_forms = {tuple(json.loads(key)) for (key,) in rows(data_dir, query, loans.NAME)}
    assert {(user, user) for user in started} <= open_forms  # unfinished questionnaires survive

    while not fake_api.updates.empty():
        fake_api.updates.get_nowait()
    # The killed bot's last long poll may still wait on the server: with no live bot polling,
    # only it can take this throwaway update, so later updates reach the restarted bot.
    fake_api.push_update(message_update("…", user_id=THROWAWAY))
    await asyncio.sleep(0.2)
    fake_api.clear()
    bot = start_bot(fake_api, data_dir, log)
    try:
        fake_api.push_update(message_update("/start", user_id=english))
        await wait_until(lambda: replies_to(fake_api, english), 30, "the restarted bot did not answer")
        assert "Hello" in replies_to(fake_api, english)[0]
        member = min(started)
        fake_api.push_update(message_update("1", user_id=member))  # answers question 1 of the open form
        await wait_until(lambda: replies_to(fake_api, member), 30, "no reply to the questionnaire answer")
        [reply] = replies_to(fake_api, member)
        assert re.search(r"[（(]2/", reply), reply  # the questionnaire went on where it stood before the kill
    finally:
        bot.terminate()
        bot.wait(10)
        fake_api.push_update(message_update("…", user_id=THROWAWAY))  # release the last long poll at once
    assert TOKEN not in log.read_text(encoding="utf-8")
