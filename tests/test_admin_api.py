"""The admin HTTP API on a real port beside a polling bot, talking to the fake Bot API."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest
import pytest_asyncio

from bot.services import Services
from handlers.serve.admin_api import MAX_BODY
from handlers.serve.runner import BotServer, ListenError
from tests.fake_bot_api import FakeBotAPI, message_update
from tests.serving import Serving, serving

TOKEN = "admin-token-for-tests"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def running(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Serving]:
    async with serving(tmp_path_factory.mktemp("admin_api"), admin_api_token=TOKEN) as running:
        yield running


@pytest.fixture
def fake_api(running: Serving) -> FakeBotAPI:
    return running.fake_api


@pytest.fixture
def services(running: Serving) -> Services:
    return running.services


@pytest.fixture
def server(running: Serving) -> BotServer:
    return running.server


@pytest.fixture
def http(running: Serving) -> aiohttp.ClientSession:
    return running.http


class Unchanged:
    """Snapshot of what a refused request must not touch: stored announcements and messages sent."""

    def __init__(self, services: Services, fake_api: FakeBotAPI) -> None:
        self.services, self.fake_api = services, fake_api
        self.announcements: list[str] | None = None
        self.sent = len(fake_api.of("sendMessage"))

    async def take(self) -> Unchanged:
        self.announcements = [a.id for a in await self.services.announcements.list_all()]
        return self

    async def check(self) -> None:
        assert [a.id for a in await self.services.announcements.list_all()] == self.announcements
        assert len(self.fake_api.of("sendMessage")) == self.sent


async def post(http: aiohttp.ClientSession, body: Any, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    async with http.post("/api/announcements", data=data, headers=AUTH if headers is None else headers) as resp:
        return resp.status, await resp.json()


async def test_healthz_reports_polling_mode_without_a_token(http: aiohttp.ClientSession) -> None:
    async with http.get("/healthz") as resp:
        assert resp.status == 200
        assert await resp.json() == {"status": "ok", "mode": "polling"}


async def test_announcement_is_accepted_and_delivered(
    http: aiohttp.ClientSession, services: Services, fake_api: FakeBotAPI
) -> None:
    await services.subscriptions.subscribe(4343)
    before = len(fake_api.of("sendMessage"))
    status, body = await post(http, {"text": "<b>通知</b>：周六工会活动", "target": "all"})
    assert status == 202
    assert body["status"] == "sending"  # an immediate send is under way when the POST returns
    assert body["total"] >= 1  # the recipients are frozen already
    announcement_id = body["id"]
    [sent] = [p for p in await fake_api.wait_for("sendMessage", before + 1) if p["chat_id"] == 4343]
    assert sent["text"] == "<b>工会通知 · 工会工作人员</b>\n\n<b>通知</b>：周六工会活动"
    async with http.get(f"/api/announcements/{announcement_id}", headers=AUTH) as resp:
        assert resp.status == 200
        progress = await resp.json()
    assert progress["id"] == announcement_id
    assert progress["status"] in ("sending", "done")
    assert progress["total"] == body["total"]


async def test_scheduled_announcement_is_armed_not_sent(
    http: aiohttp.ClientSession, server: BotServer, services: Services
) -> None:
    send_at = (datetime.now(UTC) + timedelta(hours=2)).isoformat()
    status, body = await post(http, {"text": "下周通知", "target": {"topics": ["loans"]}, "send_at": send_at})
    assert status == 202
    assert body["status"] == "scheduled"
    assert body["target"] == {"topics": ["loans"], "cities": []}
    assert server.application.job_queue.get_jobs_by_name(f"announcement:{body['id']}")


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer not-the-token-xyz"}, {"Authorization": TOKEN}, {"Authorization": f"Basic {TOKEN}"}],
)
async def test_missing_or_wrong_token_is_401_and_creates_nothing(
    http: aiohttp.ClientSession,
    services: Services,
    fake_api: FakeBotAPI,
    headers: dict[str, str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    unchanged = await Unchanged(services, fake_api).take()
    status, body = await post(http, {"text": "通知", "target": "all"}, headers)
    assert status == 401
    assert body["error"]["code"] == "unauthorized"
    async with http.get("/api/announcements/whatever", headers=headers) as resp:
        assert resp.status == 401
    await unchanged.check()
    assert "refused an admin API request" in caplog.text
    assert "not-the-token-xyz" not in caplog.text  # what was given is not logged
    assert TOKEN not in caplog.text


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b"{not json", 400, "bad_json"),
        (b"\xff\xfe", 400, "bad_json"),
        ([1, 2], 400, "invalid_request"),
        ({"text": "通知", "target": "all", "priority": "high"}, 400, "unknown_fields"),
        ({"text": "通知", "target": {"topics": ["loans"], "groups": ["x"]}}, 400, "unknown_fields"),
        ({"text": "通知"}, 400, "invalid_request"),
        ({"text": 5, "target": "all"}, 400, "invalid_request"),
        ({"text": "", "target": "all"}, 400, "invalid_request"),
        ({"text": "通知", "target": "everyone"}, 400, "invalid_request"),
        ({"text": "通知", "target": {"topics": "loans"}}, 400, "invalid_request"),
        ({"text": "通知", "target": "all", "send_at": 1700000000}, 400, "invalid_request"),
        ({"text": "通知", "target": "all", "send_at": "next friday"}, 400, "invalid_request"),
        ({"text": "通知", "target": "all", "send_at": "2020-01-01T09:00:00+08:00"}, 400, "send_at_past"),
        ({"text": "通知", "target": {}}, 400, "empty_target"),
        ({"text": "通知", "target": {"topics": ["astrology"]}}, 400, "unknown_topic"),
        ({"text": "<b>未闭合", "target": "all"}, 400, "invalid_html"),
        ({"text": "长" * 5000, "target": "all"}, 400, "too_long"),
        ({"text": "长" * MAX_BODY, "target": "all"}, 413, "body_too_large"),
    ],
)
async def test_bad_requests_get_a_json_error_and_create_nothing(
    http: aiohttp.ClientSession, services: Services, fake_api: FakeBotAPI, body: Any, status: int, code: str
) -> None:
    unchanged = await Unchanged(services, fake_api).take()
    got_status, got = await post(http, body)
    assert got_status == status
    assert got["error"]["code"] == code
    assert got["error"]["message"]
    await unchanged.check()


async def test_unknown_fields_are_named(http: aiohttp.ClientSession) -> None:
    _, body = await post(http, {"text": "通知", "target": "all", "priority": "high"})
    assert body["error"]["fields"] == ["priority"]


async def test_chunked_oversize_body_is_413(
    http: aiohttp.ClientSession, services: Services, fake_api: FakeBotAPI
) -> None:
    unchanged = await Unchanged(services, fake_api).take()

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(10):
            yield b" " * (MAX_BODY // 4)

    async with http.post("/api/announcements", data=chunks(), headers=AUTH) as resp:
        assert resp.status == 413
        assert (await resp.json())["error"]["code"] == "body_too_large"
    await unchanged.check()


async def test_unknown_announcement_and_route_are_json_404(http: aiohttp.ClientSession) -> None:
    async with http.get("/api/announcements/nope", headers=AUTH) as resp:
        assert resp.status == 404
        assert (await resp.json())["error"]["code"] == "not_found"
    async with http.get("/api/nothing-here", headers=AUTH) as resp:
        assert resp.status == 404
        assert (await resp.json())["error"]["code"] == "not_found"
    async with http.delete("/api/announcements", headers=AUTH) as resp:  # GET lists, POST creates
        assert resp.status == 405
        assert "error" in await resp.json()


async def test_the_polling_bot_answers_while_the_api_serves(http: aiohttp.ClientSession, fake_api: FakeBotAPI) -> None:
    fake_api.push_update(message_update("/help", user_id=4242))
    before = len(fake_api.of("sendMessage"))
    replies = await fake_api.wait_for("sendMessage", before + 1)
    assert replies[-1]["chat_id"] == 4242
    async with http.get("/healthz") as resp:
        assert resp.status == 200


async def test_listens_on_localhost_by_default_and_not_at_all_without_token_or_webhook(
    server: BotServer, services: Services
) -> None:
    assert server.listens
    assert {host for host, *_ in server.addresses} == {"127.0.0.1"}
    quiet = BotServer(replace(services, settings=replace(services.settings, admin_api_token=None)))
    assert not quiet.listens


async def test_a_port_in_use_is_a_clear_error_and_the_bot_stops(server: BotServer, services: Services) -> None:
    clash = BotServer(replace(services, settings=replace(services.settings, http_port=server.port)))
    with pytest.raises(ListenError, match=f"cannot listen on 127.0.0.1:{server.port}"):
        await clash.start()
    await clash.stop()
    assert not clash.application.running
