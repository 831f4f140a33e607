"""GET /api/announcements over real HTTP: every announcement with its counts, newest first, a page at a time."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest
import pytest_asyncio

from tests.serving import Serving, serving

TOKEN = "admin-token-for-list-tests"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
FIELDS = {"id", "status", "created_at", "send_at", "total", "delivered", "failed", "possible_duplicates"}

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def running(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Serving]:
    async with serving(tmp_path_factory.mktemp("admin_api_list"), admin_api_token=TOKEN) as running:
        for chat in (501, 502, 503):
            await running.services.subscriptions.subscribe(chat)
        yield running


async def get(http: aiohttp.ClientSession, url: str, headers: dict[str, str] = AUTH) -> tuple[int, Any]:
    async with http.get(url, headers=headers) as resp:
        return resp.status, await resp.json()


async def post(http: aiohttp.ClientSession, body: dict[str, Any]) -> dict[str, Any]:
    async with http.post("/api/announcements", json=body, headers=AUTH) as resp:
        assert resp.status == 202
        return await resp.json()


async def test_an_immediate_send_says_sending_and_the_list_shows_it_with_its_counts(running: Serving) -> None:
    created = await post(running.http, {"text": "立即发送的通知", "target": "all"})
    assert created["status"] == "sending"
    assert created["total"] == 3
    later = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    scheduled = await post(running.http, {"text": "明天的通知", "target": {"cities": ["haikou"]}, "send_at": later})
    assert scheduled["status"] == "scheduled"

    await running.fake_api.wait_for("sendMessage", 3)
    status, body = await get(running.http, "/api/announcements")
    assert status == 200
    listed = body["announcements"]
    assert [a["id"] for a in listed[:2]] == [scheduled["id"], created["id"]]  # newest first
    assert all(set(a) >= FIELDS for a in listed)
    assert listed[0]["send_at"] == datetime.fromisoformat(later).astimezone(UTC).isoformat(timespec="seconds")
    assert body["next"] is None


async def test_pages_follow_one_another_without_gaps_or_repeats(running: Serving) -> None:
    services = running.services
    for n in range(7):
        await services.announcements.create(f"草稿 {n}", "all", None, created_by="9000", draft=True)
    _status, everything = await get(running.http, "/api/announcements?limit=200")
    expected = [a["id"] for a in everything["announcements"]]
    assert len(expected) >= 7

    seen: list[str] = []
    url: str | None = "/api/announcements?limit=3"
    while url:
        status, body = await get(running.http, url)
        assert status == 200
        assert len(body["announcements"]) <= 3
        seen += [a["id"] for a in body["announcements"]]
        url = body["next"]
    assert seen == expected


async def test_the_default_page_is_fifty(running: Serving) -> None:
    services = running.services
    for n in range(55):
        await services.announcements.create(f"批量 {n}", "all", None, created_by="9000", draft=True)
    _status, body = await get(running.http, "/api/announcements")
    assert len(body["announcements"]) == 50
    assert body["next"].startswith("/api/announcements?limit=50&before=")


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("limit=0", "invalid_request"),
        ("limit=201", "invalid_request"),
        ("limit=abc", "invalid_request"),
        ("limit=-1", "invalid_request"),
        ("limit=1.5", "invalid_request"),
        ("limit=%EF%BC%95", "invalid_request"),  # a full-width digit
        ("offset=10", "unknown_fields"),
        ("before=no-such-announcement", "invalid_request"),
    ],
)
async def test_bad_paging_is_a_clear_400(running: Serving, query: str, code: str) -> None:
    status, body = await get(running.http, f"/api/announcements?{query}")
    assert status == 400
    assert body["error"]["code"] == code


async def test_the_list_needs_the_token(running: Serving) -> None:
    status, body = await get(running.http, "/api/announcements", headers={})
    assert status == 401
    assert body["error"]["code"] == "unauthorized"
