"""Several bot processes: two instances on one PostgreSQL share members' state and a notice; two on one
SQLite DATA_DIR are refused. Every bot here is a real ``run_bot.py`` process."""

from __future__ import annotations

import asyncio
import re
import socket
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from bot.core.db.bot_state import BotState
from bot.core.db.migrations import head_revision
from bot.core.settings import Settings
from bot.core.storage import open_store
from bot.guard.webhook_secret import SECRET_HEADER, webhook_route
from tests.bot_process import ADMIN, ROOT, in_flight_of, prepare, sends_to, start_bot, status_of, stop_bot, until
from tests.fake_bot_api import FakeBotAPI, error, message_update

pytestmark = pytest.mark.slow

SECRET = "two-instances-webhook-secret-0123456789"
PUBLIC_URL = "https://lb.example.org/tg"
MEMBERS = range(20_001, 20_201)
STALL_AFTER = 30  # messages the first instance gets answered before its network "hangs"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def reports(api: FakeBotAPI) -> list[str]:
    return [str(p["text"]) for p in api.of("sendMessage") if p["chat_id"] == ADMIN and "通知发送完毕" in str(p["text"])]


def replies_to(api: FakeBotAPI, chat: int) -> list[str]:
    return [str(p.get("text")) for p in api.of("sendMessage") if int(p["chat_id"]) == chat]


async def test_a_questionnaire_started_on_one_instance_goes_on_on_another(
    fake_api: FakeBotAPI, tmp_path: Path, postgres_db_url: str
) -> None:
    """Webhook mode behind a 'load balancer' that sends each update to whichever instance it likes."""
    ports = [free_port(), free_port()]
    webhook = {"DATABASE_URL": postgres_db_url, "WEBHOOK_URL": PUBLIC_URL, "WEBHOOK_SECRET": SECRET}
    with (tmp_path / "bots.log").open("ab") as log:
        bots = [
            start_bot(fake_api, tmp_path / f"bot{i}", 30, "WARNING", log, HTTP_PORT=str(port), **webhook)
            for i, port in enumerate(ports)
        ]
        try:
            await fake_api.wait_for("setWebhook", 2, within=60)  # both up (they migrated the empty database in turn)
            path = webhook_route(Settings(webhook_url=PUBLIC_URL, webhook_secret=SECRET)).path
            member, update_ids = 7001, iter(range(1, 100))
            reader = await open_store(tmp_path / "reader", postgres_db_url)
            stored = BotState(reader)

            async def to(instance: int, text: str) -> str:
                """The reply to ``text``, once the instance has also saved the member's new state.

                An instance writes the state just after the reply goes out, milliseconds before any
                person could answer it; the test, which answers at once, waits for that write.
                """
                before, state = len(replies_to(fake_api, member)), await stored.user_data(member)
                update = {"update_id": next(update_ids), **message_update(text, user_id=member)}
                async with aiohttp.ClientSession() as http:
                    url = f"http://127.0.0.1:{ports[instance]}{path}"
                    async with http.post(url, json=update, headers={SECRET_HEADER: SECRET}) as resp:
                        assert resp.status == 200
                await until(lambda: len(replies_to(fake_api, member)) > before, within=20)
                async with asyncio.timeout(20):
                    while await stored.user_data(member) == state:  # noqa: ASYNC110 - written by another process
                        await asyncio.sleep(0.01)
                return replies_to(fake_api, member)[-1]

            try:
                assert re.search(r"[（(]1/", await to(0, "/loan"))
                assert re.search(r"[（(]2/", await to(1, "1"))  # the second instance knows where it stood
                assert re.search(r"[（(]3/", await to(0, "抚顺"))
            finally:
                await reader.close()
        finally:
            for bot in bots:
                stop_bot(bot)
    assert all(bot.returncode == 0 for bot in bots)


class Network:
    """The first instance's Bot API: it answers ``STALL_AFTER`` of its messages, then takes each message and never
    answers (as if the instance's network died after Telegram accepted them). The second one's answers all."""

    def __init__(self) -> None:
        self.received: Counter[int] = Counter()  # messages Telegram accepted, per member, both instances
        self.first_sent = 0
        self.held = 0
        self.released = asyncio.Event()  # the end of the test: let the held requests go

    async def first(self, chat: int, params: dict[str, Any]) -> web.Response | None:
        self.received[chat] += 1
        self.first_sent += 1
        if self.first_sent > STALL_AFTER:
            self.held += 1
            await self.released.wait()  # accepted, never answered: the process dies meanwhile
            return error(502, "Bad Gateway")
        return None

    async def second(self, chat: int, params: dict[str, Any]) -> None:
        self.received[chat] += 1


async def test_two_instances_share_a_notice_and_a_killed_ones_claims_are_taken_over(
    tmp_path: Path, postgres_db_url: str
) -> None:
    announcement_id = await prepare(tmp_path / "prepare", MEMBERS, "<b>双实例通知</b>", postgres_db_url)
    network = Network()
    shared = {"DATABASE_URL": postgres_db_url, "BROADCAST_LEASE": "5"}  # renewed every 1.7 s, even on a busy machine
    with (tmp_path / "bots.log").open("ab") as log:
        async with FakeBotAPI() as first_api, FakeBotAPI() as second_api:
            first_api.behaviour = sends_to(MEMBERS, network.first)
            second_api.behaviour = sends_to(MEMBERS, network.second)
            first = start_bot(first_api, tmp_path / "first", 100, "WARNING", log, **shared)
            second = None
            try:
                # The second starts once the first is sending: started together, the one up first could
                # send the whole notice before the other had reached its stall.
                await until(lambda: network.first_sent > 0, within=60)
                second = start_bot(second_api, tmp_path / "second", 100, "WARNING", log, **shared)
                await until(lambda: network.held >= 3, within=60)
                first.kill()  # SIGKILL with messages in flight
                first.wait()
                in_flight = await in_flight_of(first.pid, announcement_id, tmp_path / "prepare", postgres_db_url)
                await until(lambda: bool(reports(second_api)), within=60)
            finally:
                network.released.set()
                first.kill()
                first.wait()
                if second is not None:
                    stop_bot(second)
    assert set(network.received) == set(MEMBERS)  # no miss
    doubled = sum(count - 1 for count in network.received.values())
    status = await status_of(tmp_path / "prepare", announcement_id, postgres_db_url)
    assert (status["status"], status["delivered"], status["pending"]) == ("done", len(MEMBERS), 0)
    assert 1 <= doubled <= in_flight  # only messages in flight at the kill went out twice…
    assert status["possible_duplicates"] == in_flight  # …and exactly those are counted
    [report] = reports(second_api) + reports(first_api)  # one final report, from the survivor
    assert f"可能重复 {status['possible_duplicates']} 条" in report


async def test_a_second_process_on_one_sqlite_data_dir_is_refused_and_the_first_keeps_running(
    fake_api: FakeBotAPI, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    first = start_bot(fake_api, data_dir, 30)
    try:
        await fake_api.wait_for("getUpdates", within=30)
        env_bot = start_bot(fake_api, data_dir, 30, log=subprocess.PIPE)  # type: ignore[arg-type]
        _, stderr = await asyncio.to_thread(env_bot.communicate, timeout=60)
        assert env_bot.returncode == 1
        lines = stderr.decode().strip().splitlines()
        assert len(lines) == 1, lines
        assert "another process" in lines[0]
        assert str(data_dir) in lines[0]
        assert "Traceback" not in stderr.decode()
        before = len(fake_api.of("sendMessage"))
        fake_api.push_update(message_update("/help", user_id=6262))
        replies = await fake_api.wait_for("sendMessage", before + 1, within=20)  # the first one still answers
        assert replies[-1]["chat_id"] == 6262
    finally:
        stop_bot(first)
    assert first.returncode == 0


def test_migrate_verb_brings_an_empty_store_to_the_newest_schema(tmp_path: Path) -> None:
    env = {"DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "run_bot.py", "migrate"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    head = head_revision()
    assert head is not None
    assert f"at revision {head} (newest {head})" in done.stdout
    assert (tmp_path / "state.db").exists()


def test_an_unreachable_database_is_one_line_without_its_password(tmp_path: Path) -> None:
    env = {
        "DATA_DIR": str(tmp_path),
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(ROOT),
        "BOT_TOKEN": "123456:TEST-token",
        "DATABASE_URL": f"postgresql://bot:pa55word-xyz@127.0.0.1:{free_port()}/union",
    }
    done = subprocess.run(
        [sys.executable, "run_bot.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 1
    lines = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert "store unavailable" in lines[0]
    assert "pa55word-xyz" not in lines[0]
