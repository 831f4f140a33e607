"""Webhook mode: a real PTB Application (no Updater) fed by our aiohttp server, replies seen by the fake Bot API."""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import pytest_asyncio

from bot.guard.webhook_secret import SECRET_HEADER, webhook_route
from tests.conftest import ROOT
from tests.fake_bot_api import FakeBotAPI, message_update
from tests.serving import Serving, serving

SECRET = "webhook-secret-for-tests_0123456789"
URL = "https://bot.example.org/tg"

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def running(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Serving]:
    async with serving(tmp_path_factory.mktemp("webhook"), webhook_url=URL, webhook_secret=SECRET) as running:
        yield running


@pytest.fixture
def fake_api(running: Serving) -> FakeBotAPI:
    return running.fake_api


UPDATE_IDS = itertools.count(1)


def update(text: str, user_id: int = 5151) -> dict[str, Any]:
    return {"update_id": next(UPDATE_IDS), **message_update(text, user_id=user_id)}


async def post_update(running: Serving, body: Any, secret: str | None) -> int:
    path = webhook_route(running.services.settings).path
    headers = {} if secret is None else {SECRET_HEADER: secret}
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    async with running.http.post(path, data=data, headers=headers) as resp:
        return resp.status


async def test_webhook_is_registered_with_the_secret_and_nothing_polls(running: Serving, fake_api: FakeBotAPI) -> None:
    [registered] = fake_api.of("setWebhook")
    route = webhook_route(running.services.settings)
    assert registered["url"] == route.public_url
    assert registered["secret_token"] == SECRET
    assert route.path.startswith("/tg/")
    assert SECRET not in route.path
    assert running.server.application.updater is None
    assert not fake_api.of("getUpdates")


async def test_an_update_with_the_right_secret_is_answered(running: Serving, fake_api: FakeBotAPI) -> None:
    before = len(fake_api.of("sendMessage"))
    assert await post_update(running, update("/help"), SECRET) == 200
    replies = await fake_api.wait_for("sendMessage", before + 1)
    assert replies[-1]["chat_id"] == 5151


@pytest.mark.parametrize("secret", [None, "", "wrong-secret-value", SECRET[:-1], SECRET + "x", "秘密"])
async def test_a_wrong_or_missing_secret_is_403_and_not_logged(
    running: Serving, fake_api: FakeBotAPI, caplog: pytest.LogCaptureFixture, secret: str | None
) -> None:
    refused_user, next_user = 7001, 7002
    assert await post_update(running, update("/help", refused_user), secret) == 403
    # Updates are processed in order: once the next good one is answered, a queued refused one would have been.
    before = len(fake_api.of("sendMessage"))
    assert await post_update(running, update("/start", next_user), SECRET) == 200
    await fake_api.wait_for("sendMessage", before + 1)
    assert [p for p in fake_api.of("sendMessage") if p["chat_id"] == refused_user] == []
    assert "refused a webhook request" in caplog.text
    assert SECRET not in caplog.text
    if secret:
        assert secret not in caplog.text


@pytest.mark.parametrize("body", [b"{nope", b"[]", b'{"message": {}}', b'{"update_id": "x"}'])
async def test_an_unreadable_update_is_400(running: Serving, body: bytes) -> None:
    assert await post_update(running, body, SECRET) == 400


async def test_webhook_mode_serves_health_but_no_admin_api_without_its_token(running: Serving) -> None:
    async with running.http.get("/healthz") as resp:
        assert await resp.json() == {"status": "ok", "mode": "webhook"}
    async with running.http.post("/api/announcements", json={"text": "x", "target": "all"}) as resp:
        assert resp.status == 404


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_run_bot_webhook_end_to_end_with_a_generated_secret(fake_api: FakeBotAPI, tmp_path: Path) -> None:
    """The CLI: a secret is generated, never logged, checked on every request; SIGTERM stops cleanly."""
    port = free_port()
    env = {
        **os.environ,
        "BOT_TOKEN": fake_api.token,
        "TELEGRAM_API_BASE_URL": fake_api.base_url,
        "DATA_DIR": str(tmp_path),
        "HTTP_PORT": str(port),
        "LOG_LEVEL": "DEBUG",
    }
    env.pop("WEBHOOK_SECRET", None)
    registered_before = len(fake_api.of("setWebhook"))
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "run_bot.py", "--webhook", URL, cwd=ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        registered = (await fake_api.wait_for("setWebhook", registered_before + 1, within=30))[-1]
        secret = registered["secret_token"]
        path = "/" + registered["url"].split("/", 3)[3]
        async with aiohttp.ClientSession(f"http://127.0.0.1:{port}") as http:
            async with http.post(path, json=update("/help", 6161), headers={SECRET_HEADER: "guess"}) as resp:
                assert resp.status == 403
            before = len(fake_api.of("sendMessage"))
            async with http.post(path, json=update("/help", 6161), headers={SECRET_HEADER: secret}) as resp:
                assert resp.status == 200
            replies = await fake_api.wait_for("sendMessage", before + 1)
            assert replies[-1]["chat_id"] == 6161
    finally:
        proc.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(proc.communicate(), 30)
    log = stderr.decode()
    assert proc.returncode == 0, log
    assert "refused a webhook request" in log
    assert secret not in log
    assert fake_api.token not in log
