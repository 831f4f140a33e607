"""The web chat through real HTTP: sessions, CSRF, limits, and every flow the page offers.

The browser tests (tests/test_web_browser.py) drive the same server through Chromium; these check
what the page cannot show: headers, refusals, what is stored, and that it survives a restart.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from yarl import URL

from bot.channels.web.app import CHAT
from bot.channels.web.handoff import CHANNEL_HANDOFFS
from bot.channels.web.limits import MAX_BODY, Rates
from bot.channels.web.server import build_app
from bot.channels.web.session import COOKIE, KEY_FILE
from bot.core.settings import Settings
from bot.services import Services, build_services
from bot.stations.directory import StationDirectory
from bot.understanding.engine import Engine
from tests.channel_serving import Running, running
from tests.conftest import CONTENT
from tests.sql import rows

ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
SECRET = "web-session-secret-for-tests"


class Forward:
    """Stands in for the Telegram staff chat: keeps what was posted, numbers it like message ids."""

    def __init__(self) -> None:
        self.posted: list[str] = []

    async def __call__(self, text: str) -> int:
        self.posted.append(text)
        return 500 + len(self.posted)


@pytest.fixture
async def web_services(tmp_path: Path, production_engine: tuple[Engine, StationDirectory]) -> AsyncIterator[Services]:
    settings = Settings(data_dir=tmp_path / "data", content_dir=CONTENT, staff_chat_id=-100123)
    services = await build_services(settings, production_engine)
    yield services
    await services.close()


class Client:
    """A browser-like client: keeps the cookie, sends the CSRF token the state view handed out."""

    def __init__(self, server: Running) -> None:
        self.server = server
        self.http = server.http
        self.csrf = ""

    async def state(self, after: int = 0) -> dict[str, Any]:
        async with self.http.get(f"/chat/state?after={after}", headers=ZH) as resp:
            assert resp.status == 200
            body = await resp.json()
        self.csrf = body["csrf"]
        return body

    async def post(self, action: Any, headers: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:
        data = action if isinstance(action, bytes) else json.dumps(action).encode()
        sent = {**ZH, "Content-Type": "application/json", "X-CSRF-Token": self.csrf, **(headers or {})}
        async with self.http.post("/chat/send", data=data, headers=sent) as resp:
            return resp.status, await resp.json()

    async def send(self, action: dict[str, Any]) -> list[dict[str, Any]]:
        status, body = await self.post(action)
        assert status == 200, body
        return body["messages"]

    async def bot(self, action: dict[str, Any]) -> dict[str, Any]:
        """The last bot message the action produced."""
        return [m for m in await self.send(action) if m["role"] == "bot"][-1]


Start = Callable[..., Awaitable[Client]]


@pytest.fixture
async def start(web_services: Services) -> AsyncIterator[Start]:
    """Start the chat (options go to ``build_app``) and return a client that has loaded the page state."""
    stack: list[Any] = []

    async def starter(services: Services = web_services, cookies: Any = None, **options: Any) -> Client:
        context = running(build_app(services, env={"WEB_SESSION_SECRET": SECRET}, **options))
        server = await context.__aenter__()
        stack.append(context)
        client = Client(server)
        if cookies is not None:
            server.http.cookie_jar.update_cookies(cookies)
        await client.state()
        return client

    yield starter
    for context in reversed(stack):
        await context.__aexit__(None, None, None)


async def test_page_has_the_question_box_and_safe_headers(start: Start) -> None:
    client = await start()
    async with client.http.get("/", headers=ZH) as resp:
        page = await resp.text()
        assert resp.status == 200
        assert "script-src 'self'" in resp.headers["Content-Security-Policy"]
        assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert 'name="q"' in page
    assert '<label for="q"' in page
    assert "📍 发送我的位置" in page
    assert 'data-button="menu:loans"' in page
    assert SECRET not in page
    assert client.csrf not in page


async def test_first_visit_gets_a_signed_http_only_cookie(start: Start) -> None:
    client = await start()
    async with aiohttp.ClientSession(client.server.url) as fresh, fresh.get("/", headers=ZH) as resp:
        cookie = resp.cookies[COOKIE]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Strict"
    session_id, _, mac = cookie.value.partition(".")
    assert session_id
    assert mac


async def test_a_question_gets_the_answer_with_its_source_and_chips(start: Start) -> None:
    client = await start()
    messages = await client.send({"q": "劳模去雪乡要门票吗"})
    user, bot = messages
    assert user == {"role": "user", "body": "劳模去雪乡要门票吗", "id": user["id"]}
    assert bot["role"] == "bot"
    assert "雪乡" in bot["body"]
    assert bot["source"].startswith("来源：")
    assert bot["vote"]
    assert bot["vote"].startswith("qa:")
    assert {"label": "🏅 查一查我能享受哪些待遇", "data": "ben:p"} in bot["chips"]
    assert any(c["data"].startswith("ask:qa:") for c in bot["chips"])


async def test_a_suggestion_chip_answers_its_question(start: Start) -> None:
    client = await start()
    first = await client.bot({"q": "劳模去雪乡要门票吗"})
    suggestion = next(c for c in first["chips"] if c["data"].startswith("ask:"))
    user, answer = await client.send({"button": suggestion["data"]})
    assert user["body"] == suggestion["label"]  # the member's side shows the chip they pressed
    assert answer["heading"] == suggestion["label"]
    assert answer["source"]


async def test_the_conversation_survives_a_reload_and_a_restart(start: Start, web_services: Services) -> None:
    client = await start()
    await client.send({"q": "工会法第6条"})
    cookies = client.http.cookie_jar.filter_cookies(URL(client.server.url))
    await web_services.close()
    restarted = await build_services(replace(web_services.settings), None)
    try:
        again = await start(restarted, cookies=cookies)
        state = await again.state()
    finally:
        await restarted.close()
    bodies = [m["body"] for m in state["messages"]]
    assert "工会法第6条" in bodies
    assert any("第六条" in (m.get("heading") or "") for m in state["messages"])
    assert [m["id"] for m in state["messages"]] == sorted(m["id"] for m in state["messages"])


async def test_state_after_returns_only_newer_messages(start: Start) -> None:
    client = await start()
    sent = await client.send({"q": "你好"})
    assert [m["id"] for m in (await client.state(after=sent[0]["id"]))["messages"]] == [sent[1]["id"]]


async def test_looking_stores_nothing(start: Start, web_services: Services) -> None:
    client = await start()
    for _ in range(3):
        async with aiohttp.ClientSession(client.server.url) as fresh, fresh.get("/chat/state") as resp:
            assert (await resp.json())["messages"][0]["chips"]  # the welcome with the menu
    assert rows(web_services.settings.data_dir, "SELECT * FROM member_state") == []


@pytest.mark.parametrize(
    ("headers", "why"),
    [
        ({"X-CSRF-Token": ""}, "no token"),
        ({"X-CSRF-Token": "forged-token"}, "wrong token"),
        ({"Origin": "https://evil.example"}, "other origin"),
        ({"Sec-Fetch-Site": "cross-site"}, "cross-site fetch"),
    ],
)
async def test_posts_without_the_csrf_token_or_from_another_site_are_refused(
    start: Start, web_services: Services, headers: dict[str, str], why: str
) -> None:
    client = await start()
    status, body = await client.post({"q": "劳模有什么待遇"}, headers)
    assert status == 403, why
    assert body["error"]["code"] == "forbidden"
    assert "刷新" in body["error"]["message"]
    assert rows(web_services.settings.data_dir, "SELECT * FROM member_state") == []


async def test_a_post_without_a_session_cookie_is_refused(start: Start) -> None:
    client = await start()
    client.http.cookie_jar.clear()
    assert (await client.post({"q": "你好"}))[0] == 403


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b"{not json", 400, "bad_request"),
        (b'"just a string"', 400, "bad_request"),
        (json.dumps({"q": "x" * 501}).encode(), 400, "bad_request"),
        (json.dumps({"q": ""}).encode(), 400, "bad_request"),
        (json.dumps({"q": "你好", "button": "menu:law"}).encode(), 400, "bad_request"),
        (json.dumps({"location": [91, 0]}).encode(), 400, "bad_request"),
        (json.dumps({"location": ["20", "110"]}).encode(), 400, "bad_request"),
        (json.dumps({"locale": "fr"}).encode(), 400, "bad_request"),
        (json.dumps({"vote": "up", "message": True}).encode(), 400, "bad_request"),
        (json.dumps({"vote": [], "message": 1}).encode(), 400, "bad_request"),
        (json.dumps({"q": "你" * (MAX_BODY // 3 + 10)}).encode(), 413, "too_large"),
        (b"\xff\xfe", 400, "bad_request"),
    ],
)
async def test_bad_requests_get_a_clean_refusal(
    start: Start, body: bytes, status: int, code: str, caplog: pytest.LogCaptureFixture
) -> None:
    client = await start()
    got, answer = await client.post(body)
    assert (got, answer["error"]["code"]) == (status, code)
    assert answer["error"]["message"]
    assert not [r for r in caplog.records if r.exc_info]


async def test_a_fast_sender_is_slowed_down_and_told_so(start: Start) -> None:
    client = await start(rates=Rates(session_rate=0.01, session_burst=4))
    statuses = [(await client.post({"q": "你好"}))[0] for _ in range(5)]
    assert statuses[:3] == [200, 200, 200]  # the state view spent one of the four
    status, body = await client.post({"q": "你好"})
    assert status == 429
    assert body["error"]["code"] == "rate_limited"
    assert "太快" in body["error"]["message"]


async def test_one_address_is_limited_across_sessions(start: Start) -> None:
    client = await start(rates=Rates(address_rate=0.01, address_burst=3))
    async with aiohttp.ClientSession(client.server.url) as other, other.get("/chat/state") as resp:
        assert resp.status == 200
    statuses = [(await client.post({"q": "你好"}))[0] for _ in range(2)]
    assert statuses == [200, 429]


async def test_hostile_html_comes_back_as_plain_text(start: Start) -> None:
    client = await start()
    hostile = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
    user, bot = await client.send({"q": hostile})
    assert user["body"] == hostile  # stored and returned as text: the page sets textContent
    assert "<" not in json.dumps(bot["chips"])


async def test_the_loan_questionnaire_runs_on_chips_to_a_verdict(start: Start) -> None:
    client = await start()
    step = await client.bot({"button": "menu:loans"})
    assert "（1/5）" in step["body"]
    assert {c["data"] for c in step["chips"]} >= {"loan:back", "loan:cancel", "loan:group:0"}
    step = await client.bot({"button": "loan:group:0"})
    assert "（2/5）" in step["body"]
    step = await client.bot({"button": "loan:city:home"})
    step = await client.bot({"button": "loan:unpaid:no"})
    assert "（4/5）" in step["body"]
    step = await client.bot({"q": "5万"})
    assert "（5/5）" in step["body"]
    verdict = await client.bot({"q": "开一家早餐店"})
    assert verdict["heading"] == "贷款资格测评结果"
    assert "您属于扶持对象" in verdict["body"]
    assert "怎么申请" in verdict["body"]  # no details button here: they follow the verdict
    assert verdict["source"]
    assert verdict["chips"] == [{"label": "🔄 重新测评", "data": "loan:restart"}]


async def test_a_stale_loan_chip_reasks_the_open_step(start: Start) -> None:
    client = await start()
    await client.send({"button": "menu:loans"})
    await client.send({"button": "loan:group:0"})
    again = await client.bot({"button": "loan:group:1"})  # pressed on the first question's message
    assert "过期" in again["body"]
    assert "（2/5）" in again["body"]


async def test_reopening_the_loan_offers_resume_or_restart(start: Start) -> None:
    client = await start()
    await client.send({"button": "menu:loans"})
    await client.send({"button": "loan:group:0"})
    offer = await client.bot({"button": "menu:loans"})
    assert [c["data"] for c in offer["chips"]] == ["loan:resume", "loan:restart", "loan:cancel"]
    assert "（2/5）" in (await client.bot({"button": "loan:resume"}))["body"]


async def test_the_benefits_check_runs_on_chips(start: Start) -> None:
    client = await start()
    step = await client.bot({"button": "menu:benefits"})
    policy = next(c for c in step["chips"] if c["data"].startswith("ben:h:"))
    step = await client.bot({"button": policy["data"]})
    assert "荣誉" in step["body"]
    step = await client.bot({"button": step["chips"][0]["data"]})
    serving = next(c for c in step["chips"] if c["label"] == "在职")
    result = await client.bot({"button": serving["data"]})
    assert "可以享受" in result["body"]
    assert result["source"]
    forged = await client.bot({"button": "ben:r:ffff:0:s"})
    assert "失效" in forged["body"]


async def test_a_location_lists_the_nearest_stations_with_map_links(start: Start) -> None:
    client = await start()
    user, bot = await client.send({"location": [20.03, 110.33]})
    assert user["body"] == "📍 我的位置"
    assert bot["heading"] == "离您最近的站点"
    assert "示例" in bot["body"]
    assert len(bot["links"]) == 3
    assert all(link["href"].startswith("https://uri.amap.com/marker?position=110.") for link in bot["links"])
    need = next(c for c in bot["chips"] if c["data"].startswith("st:"))
    filtered = await client.bot({"button": need["data"]})
    assert need["label"] in filtered["heading"]


async def test_the_stations_topic_offers_the_location_chip(start: Start) -> None:
    client = await start()
    intro = await client.bot({"button": "menu:stations"})
    assert intro["chips"] == [{"label": "📍 发送我的位置", "data": "geo"}]


@pytest.mark.parametrize("data", ["menu:nothing", "ask:qa:no-such-entry", "st:all:999:0", "ben:s:ffff:0", "zzz"])
async def test_forged_chips_get_a_polite_reply(start: Start, data: str) -> None:
    client = await start()
    assert "失效" in (await client.bot({"button": data}))["body"]


async def test_votes_are_recorded_once_per_answer(start: Start, web_services: Services) -> None:
    client = await start()
    answer = await client.bot({"q": "工会法第6条"})
    status, body = await client.post({"vote": "down", "message": answer["id"]})
    assert status == 200
    assert body["notice"] == "谢谢反馈，我们会改进这个回答。"
    report = await web_services.feedback.report()
    assert [(t.ref, t.down) for t in report.down_voted] == [(answer["vote"], 1)]
    stored = next(m for m in (await client.state())["messages"] if m["id"] == answer["id"])
    assert stored["voted"] == "down"
    stale = await client.post({"vote": "up", "message": answer["id"] - 1})  # the member's own message
    assert stale[1]["notice"] == "这个按钮已经失效了。"


async def test_unanswered_questions_reach_the_staff_report(start: Start, web_services: Services) -> None:
    client = await start()
    await client.send({"q": "苹果手机多少钱"})
    assert [text for text, _ in (await web_services.feedback.report()).unanswered] == ["苹果手机多少钱"]


async def test_handoff_goes_to_staff_and_the_reply_comes_back(start: Start, web_services: Services) -> None:
    forward = Forward()
    client = await start(forward=forward)
    unsure = await client.bot({"q": "怎么办理离婚"})
    assert unsure["handoff"] is True
    told = await client.bot({"handoff": unsure["id"]})
    assert "转给工会工作人员" in told["body"]
    assert "刷新" not in told["body"]
    assert len(forward.posted) == 1
    assert "怎么办理离婚" in forward.posted[0]
    data_dir = web_services.settings.data_dir
    assert rows(data_dir, "SELECT count(*) FROM handoffs") == [(1,)]
    assert rows(data_dir, "SELECT count(*) FROM member_state WHERE channel = ?", CHANNEL_HANDOFFS) == [(1,)]
    again = await client.bot({"handoff": unsure["id"]})
    assert "已经转给" in again["body"]
    assert len(forward.posted) == 1
    chat = client.server.app[CHAT]
    assert await chat.handoffs.deliver(-100123, 501, "请联系单位工会。")
    assert not await chat.handoffs.deliver(-100123, 999, "不是转人工的消息")
    newest = (await client.state(after=again["id"]))["messages"]
    assert [m["body"] for m in newest] == ["工会工作人员回复您的问题：\n请联系单位工会。"]


async def test_without_staff_there_is_no_handoff_button(start: Start) -> None:
    client = await start()  # no forward: not the Telegram process
    unsure = await client.bot({"q": "怎么办理离婚"})
    assert unsure["handoff"] is False
    told = await client.bot({"handoff": unsure["id"]})
    assert "失效" in told["body"]


async def test_the_language_switch_changes_the_page_and_the_answers(start: Start) -> None:
    client = await start()
    status, body = await client.post({"locale": "en"})
    assert status == 200
    assert body["locale"] == "en"
    assert body["ui"]["send"] == "Send"
    assert body["messages"][-1]["chips"][0]["label"].startswith("📘")
    answer = await client.bot({"q": "工会法第6条"})
    assert answer["source"].startswith("Source")
    async with client.http.get("/") as resp:
        assert '<html lang="en">' in await resp.text()
    await client.post({"locale": "zh_Hant"})
    answer = await client.bot({"q": "工会法第6条"})
    assert "條" in answer["heading"]


async def test_the_session_key_is_kept_in_the_data_dir_when_not_configured(
    web_services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with running(build_app(web_services, env={})) as server, server.http.get("/chat/state") as resp:
        body = await resp.text()
    key = (web_services.settings.data_dir / KEY_FILE).read_text()
    assert (web_services.settings.data_dir / KEY_FILE).stat().st_mode & 0o077 == 0
    assert key not in body
    assert key not in caplog.text
