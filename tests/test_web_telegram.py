"""WEB_CHAT=1: the web chat and /wechat on the Telegram process's HTTP server, 转人工 through the bot."""

from __future__ import annotations

import time
from pathlib import Path

import aiohttp
import pytest

from bot.channels.wechat.protocol import signature
from tests.fake_bot_api import BOT_ID
from tests.serving import serving
from tests.sql import rows

STAFF_CHAT = -100777
STAFF = 9000


def staff_reply(text: str, reply_to: int) -> dict[str, object]:
    chat = {"id": STAFF_CHAT, "type": "supergroup", "title": "工会工作人员"}
    now = int(time.time())
    replied = {
        "message_id": reply_to,
        "date": now,
        "chat": chat,
        "from": {"id": BOT_ID, "is_bot": True, "first_name": "b"},
    }
    message = {"message_id": reply_to + 10, "date": now, "chat": chat, "text": text, "reply_to_message": replied}
    return {"message": {**message, "from": {"id": STAFF, "is_bot": False, "first_name": "李老师"}}}


async def test_the_telegram_process_serves_the_chat_and_relays_staff_replies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WEB_CHAT", "1")
    monkeypatch.setenv("WECHAT_TOKEN", "tok")
    async with serving(tmp_path, staff_chat_id=STAFF_CHAT, admin_ids=frozenset({STAFF})) as running:
        url = f"http://127.0.0.1:{running.server.port}"
        async with aiohttp.ClientSession(url, cookie_jar=aiohttp.CookieJar(unsafe=True)) as web:
            async with web.get("/chat/state") as resp:
                csrf = (await resp.json())["csrf"]
            headers = {"X-CSRF-Token": csrf, "Accept-Language": "zh-CN"}
            async with web.post("/chat/send", json={"q": "怎么办理离婚"}, headers=headers) as resp:
                unsure = (await resp.json())["messages"][-1]
            assert unsure["handoff"] is True
            async with web.post("/chat/send", json={"handoff": unsure["id"]}, headers=headers) as resp:
                told = (await resp.json())["messages"][-1]
            assert "转给工会工作人员" in told["body"]
            [posted] = await running.fake_api.wait_for("sendMessage")
            assert int(posted["chat_id"]) == STAFF_CHAT
            assert "怎么办理离婚" in posted["text"]

            [(staff_message_id,)] = rows(running.services.settings.data_dir, "SELECT staff_message_id FROM handoffs")
            running.fake_api.push_update(staff_reply("请到区工会咨询。", staff_message_id))
            sent = await running.fake_api.wait_for("sendMessage", 2)
            assert sent[1]["text"] == "✅ 已转达给职工。"
            assert int(sent[1]["chat_id"]) == STAFF_CHAT  # nothing went to a Telegram chat for the member
            async with web.get(f"/chat/state?after={told['id']}") as resp:
                [relayed] = (await resp.json())["messages"]
            assert relayed["body"] == "工会工作人员回复您的问题：\n请到区工会咨询。"

            timestamp, nonce = "1700000000", "42"
            check = {"signature": signature("tok", timestamp, nonce), "timestamp": timestamp, "nonce": nonce}
            async with web.get("/wechat", params={**check, "echostr": "ok-echo"}) as resp:
                assert await resp.text() == "ok-echo"
            async with web.get("/healthz") as resp:
                assert resp.status == 200
