"""/wechat as WeChat's servers use it: requests signed (and in safe mode encrypted) with wechatpy."""

from __future__ import annotations

import asyncio
import base64
import logging
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import xmltodict
from aiohttp import web
from wechatpy.crypto import WeChatCrypto

from bot.channels.wechat.config import WeChatConfig, WeChatConfigError
from bot.channels.wechat.fit import LIMIT, fit
from bot.channels.wechat.protocol import signature
from bot.channels.wechat.server import mount
from bot.core.i18n import DEFAULT_LOCALE, gettext_for
from bot.core.settings import Settings
from bot.services import Services, build_services
from bot.stations.directory import StationDirectory
from bot.understanding.engine import Engine
from bot.understanding.render import render_answer
from tests.channel_serving import Running, running
from tests.conftest import CONTENT

TOKEN = "wechat-token-for-tests"
APP_ID = "wx1234567890abcdef"
AES_KEY = base64.b64encode(bytes(range(32))).decode().rstrip("=")
OPENID = "oUser-openid-1"
ACCOUNT = "gh_account"


def text_xml(content: str, msg_id: int, sender: str = OPENID) -> str:
    content = content.replace("]]>", "]]]]><![CDATA[>")  # as any XML writer must
    return (
        f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName><FromUserName><![CDATA[{sender}]]></FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId></xml>"
    )


def location_xml(lat: Any, lon: Any, msg_id: int) -> str:
    return (
        f"<xml><ToUserName>{ACCOUNT}</ToUserName><FromUserName>{OPENID}</FromUserName><CreateTime>1700000000"
        f"</CreateTime><MsgType>location</MsgType><Location_X>{lat}</Location_X><Location_Y>{lon}</Location_Y>"
        f"<Scale>15</Scale><Label>海口</Label><MsgId>{msg_id}</MsgId></xml>"
    )


def event_xml(event: str) -> str:
    return (
        f"<xml><ToUserName>{ACCOUNT}</ToUserName><FromUserName>{OPENID}</FromUserName><CreateTime>1700000001"
        f"</CreateTime><MsgType>event</MsgType><Event>{event}</Event></xml>"
    )


class WeChatServer:
    """What WeChat's servers do: sign the URL with the shared token; in safe mode encrypt the body."""

    def __init__(self, server: Running, crypto: WeChatCrypto | None = None) -> None:
        self.server = server
        self.crypto = crypto
        self.nonces = iter(range(10_000, 99_999))

    def signed(self, **extra: str) -> dict[str, str]:
        timestamp, nonce = str(int(time.time())), str(next(self.nonces))
        return {"signature": signature(TOKEN, timestamp, nonce), "timestamp": timestamp, "nonce": nonce, **extra}

    async def post(self, xml: str, params: dict[str, str] | None = None, encrypt: bool = True) -> tuple[int, str]:
        params = params or self.signed()
        body = xml
        if self.crypto is not None and encrypt:
            body = self.crypto.encrypt_message(xml, params["nonce"], params["timestamp"])
            envelope = xmltodict.parse(body)["xml"]
            params = {**params, "encrypt_type": "aes", "msg_signature": envelope["MsgSignature"]}
            encrypted = envelope["Encrypt"]
            body = f"<xml><ToUserName>{ACCOUNT}</ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
            body = f"<xml><ToUserName>{ACCOUNT}</ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
        async with self.server.http.post("/wechat", params=params, data=body.encode()) as resp:
            text = await resp.text()
            if self.crypto is not None and resp.status == 200 and text != "success":
                reply = xmltodict.parse(text)["xml"]
                text = self.crypto.decrypt_message(text, reply["MsgSignature"], reply["TimeStamp"], reply["Nonce"])
            return resp.status, text

    async def ask(self, xml: str) -> dict[str, str]:
        status, text = await self.post(xml)
        assert status == 200, text
        return xmltodict.parse(text)["xml"]

    async def say(self, content: str, msg_id: int) -> str:
        reply = await self.ask(text_xml(content, msg_id))
        assert reply["ToUserName"] == OPENID
        assert reply["FromUserName"] == ACCOUNT
        assert reply["MsgType"] == "text"
        return reply["Content"]


@pytest.fixture
async def wechat_services(
    tmp_path: Path, production_engine: tuple[Engine, StationDirectory]
) -> AsyncIterator[Services]:
    services = await build_services(Settings(data_dir=tmp_path / "data", content_dir=CONTENT), production_engine)
    yield services
    await services.close()


async def _serve(services: Services, config: WeChatConfig) -> AsyncIterator[Running]:
    app = web.Application()
    mount(app, services, config)
    async with running(app) as server:
        yield server


@pytest.fixture
async def wechat(wechat_services: Services) -> AsyncIterator[WeChatServer]:
    async for server in _serve(wechat_services, WeChatConfig(TOKEN)):
        yield WeChatServer(server)


@pytest.fixture
async def safe_wechat(wechat_services: Services) -> AsyncIterator[WeChatServer]:
    async for server in _serve(wechat_services, WeChatConfig(TOKEN, APP_ID, AES_KEY)):
        yield WeChatServer(server, WeChatCrypto(TOKEN, AES_KEY, APP_ID))


async def test_the_server_address_check_echoes_echostr(wechat: WeChatServer) -> None:
    params = wechat.signed(echostr="1234567890123")
    async with wechat.server.http.get("/wechat", params=params) as resp:
        assert resp.status == 200
        assert await resp.text() == "1234567890123"


@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_a_wrong_signature_is_refused_and_logged_without_secrets(
    wechat: WeChatServer, method: str, caplog: pytest.LogCaptureFixture
) -> None:
    params = {**wechat.signed(echostr="e"), "signature": "0" * 40}
    body = text_xml("你好", 1).encode()
    async with wechat.server.http.request(method, "/wechat", params=params, data=body) as resp:
        assert resp.status == 403
    assert "wrong signature" in caplog.text
    assert TOKEN not in caplog.text
    assert "你好" not in caplog.text
    assert params["signature"] not in caplog.text


async def test_missing_signature_parameters_are_refused(wechat: WeChatServer) -> None:
    async with wechat.server.http.get("/wechat", params={"echostr": "x"}) as resp:
        assert resp.status == 403


@pytest.mark.parametrize(
    "body",
    [
        "<xml><Content>unclosed",
        "not xml at all",
        "",
        "<xml><MsgType>text</MsgType></xml>",  # no sender
        "<other><MsgType>text</MsgType></other>",
        text_xml("你好", 1).replace("<MsgId>1</MsgId>", "<MsgId>abc</MsgId>"),
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        "<xml><Content>&b;</Content></xml>",
        "<xml>" + "<a>" * 5000 + "</a>" * 5000 + "</xml>",
    ],
)
async def test_malformed_xml_gets_a_clean_refusal(
    wechat: WeChatServer, body: str, caplog: pytest.LogCaptureFixture
) -> None:
    status, text = await wechat.post(body)
    assert status in (400, 413)
    assert text == "bad request"
    assert not [r for r in caplog.records if r.exc_info]
    assert "Traceback" not in caplog.text


async def test_a_question_gets_the_answer_with_its_source(wechat: WeChatServer) -> None:
    reply = await wechat.say("劳模去雪乡要门票吗", 1001)
    assert "雪乡" in reply
    assert "来源：" in reply
    assert len(reply.encode()) <= LIMIT


async def test_replying_with_a_number_picks_a_suggestion(wechat: WeChatServer) -> None:
    first = await wechat.say("劳模去雪乡要门票吗", 1001)
    assert "回复数字查看相关问题：" in first
    title = first.split("\n1. ", 1)[1].split("\n", 1)[0]
    assert (await wechat.say("1", 1002)).startswith(title)


async def test_a_long_answer_is_cut_at_a_sentence_and_continued_with_more(
    wechat: WeChatServer, wechat_services: Services
) -> None:
    full = render_answer(wechat_services.engine.answer("海口的站点"), gettext_for(DEFAULT_LOCALE)).plain()
    assert len(full.encode()) > LIMIT
    first = await wechat.say("海口的站点", 2001)
    assert len(first.encode()) <= LIMIT
    assert first.endswith("（回复 更多 查看全文）")
    rest = await wechat.say("更多", 2002)
    assert "来源：" in rest
    assert "更多" not in rest
    cut = first.removesuffix("\n\n（回复 更多 查看全文）")
    assert full.startswith(cut)
    assert cut[-1] in "。！？；" or full[len(cut)] == "\n"  # at the end of a sentence or a line
    assert full[len(cut) :].strip() == rest.strip()


def test_fit_cuts_at_the_last_sentence_end_within_the_limit() -> None:
    text = "第一句话。" * 200 + "结尾"
    shown, rest = fit(text, "（更多）", limit=300)
    assert len(shown.encode()) <= 300
    assert shown.endswith("。（更多）")
    assert shown.removesuffix("（更多）") + rest == text
    assert fit("短", "（更多）") == ("短", "")


def test_fit_cuts_inside_a_sentence_when_there_is_no_end_near() -> None:
    shown, rest = fit("字" * 1000, "…", limit=100)
    assert len(shown.encode()) <= 100
    assert (shown.removesuffix("…") + rest) == "字" * 1000


async def test_a_location_gets_the_nearest_stations(wechat: WeChatServer) -> None:
    reply = (await wechat.ask(location_xml(20.03, 110.33, 3001)))["Content"]
    assert "离您最近的站点" in reply
    assert "示例" in reply
    assert "https://uri.amap.com/marker?position=110." in reply
    assert len(reply.encode()) <= LIMIT


@pytest.mark.parametrize(("lat", "lon"), [(91, 0), ("north", "east")])
async def test_a_bad_location_is_answered_politely(wechat: WeChatServer, lat: Any, lon: Any) -> None:
    assert "无法识别" in (await wechat.ask(location_xml(lat, lon, 3002)))["Content"]


async def test_following_the_account_gets_a_welcome_and_what_to_type(wechat: WeChatServer) -> None:
    reply = (await wechat.ask(event_xml("subscribe")))["Content"]
    assert "欢迎关注" in reply
    assert "贷款测评" in reply
    assert "工会法第6条" in reply


async def test_other_events_get_no_reply(wechat: WeChatServer) -> None:
    assert await wechat.post(event_xml("unsubscribe")) == (200, "success")


async def test_an_image_gets_the_text_only_note(wechat: WeChatServer) -> None:
    image = text_xml("x", 4001).replace("<MsgType><![CDATA[text]]></MsgType>", "<MsgType>image</MsgType>")
    assert "只能读文字" in (await wechat.ask(image))["Content"]


async def test_the_loan_questionnaire_runs_on_numbered_replies(wechat: WeChatServer) -> None:
    step = await wechat.say("贷款测评", 5001)
    assert "（1/5）" in step
    assert "\n1. " in step
    assert "（2/5）" in await wechat.say("1", 5002)
    assert "（3/5）" in await wechat.say("1", 5003)
    assert "（4/5）" in await wechat.say("2", 5004)
    assert "（5/5）" in await wechat.say("5万", 5005)
    verdict = await wechat.say("开一家早餐店", 5006)
    assert "贷款资格测评结果" in verdict
    assert "符合条件" in verdict
    assert "来源：" in verdict or verdict.endswith("（回复 更多 查看全文）")
    assert "雪乡" in await wechat.say("劳模去雪乡要门票吗", 5007)  # closed: questions again


async def test_a_question_typed_in_the_questionnaire_is_answered_and_the_step_waits(wechat: WeChatServer) -> None:
    await wechat.say("贷款测评", 5101)
    aside = await wechat.say("工会法第六条是啥", 5102)
    assert "竭诚服务职工群众" in aside  # answered, not "没看懂这个回答"
    assert "还停在第1题" in aside
    assert "（2/5）" in await wechat.say("1", 5103)


async def test_a_retried_message_is_answered_once(wechat: WeChatServer, wechat_services: Services) -> None:
    await wechat.say("贷款测评", 6001)
    xml = text_xml("1", 6002)
    replies = await asyncio.gather(*(wechat.post(xml) for _ in range(3)))
    contents = {xmltodict.parse(text)["xml"]["Content"] for status, text in replies if status == 200}
    assert len(contents) == 1
    assert "（2/5）" in contents.pop()
    late_retry = await wechat.say("1", 6002)
    assert "（2/5）" in late_retry  # the same reply, and the questionnaire did not move on to 3/5
    assert "（3/5）" in await wechat.say("1", 6003)


async def test_reply_text_cannot_break_out_of_cdata(wechat: WeChatServer) -> None:
    await wechat.say("贷款测评", 7001)
    for n, answer in enumerate(["1", "1", "2", "5万"], start=7002):
        await wechat.say(answer, n)
    verdict = await wechat.say("卖奶茶]]><Evil>1</Evil>", 7010)
    assert "卖奶茶]]><Evil>1</Evil>" in verdict


async def test_safe_mode_decrypts_the_message_and_encrypts_the_reply(safe_wechat: WeChatServer) -> None:
    reply = await safe_wechat.ask(text_xml("工会法第6条", 8001))
    assert "第六条" in reply["Content"]
    assert reply["ToUserName"] == OPENID


async def test_safe_mode_refuses_a_wrong_message_signature(safe_wechat: WeChatServer) -> None:
    crypto = safe_wechat.crypto
    assert crypto is not None
    params = safe_wechat.signed(encrypt_type="aes", msg_signature="f" * 40)
    body = crypto.encrypt_message(text_xml("你好", 8002), params["nonce"], params["timestamp"])
    assert (await safe_wechat.post(body, params, encrypt=False))[0] == 403


async def test_safe_mode_refuses_plaintext_and_garbage(safe_wechat: WeChatServer) -> None:
    assert (await safe_wechat.post(text_xml("你好", 8003), encrypt=False))[0] == 400
    params = safe_wechat.signed(encrypt_type="aes")
    garbage = "<xml><Encrypt><![CDATA[bm90IGNpcGhlcnRleHQ=]]></Encrypt></xml>"
    params["msg_signature"] = signature(TOKEN, params["timestamp"], params["nonce"], "bm90IGNpcGhlcnRleHQ=")
    assert (await safe_wechat.post(garbage, params, encrypt=False))[0] == 400


async def test_safe_mode_refuses_a_message_for_another_app(safe_wechat: WeChatServer) -> None:
    safe_wechat.crypto = WeChatCrypto(TOKEN, AES_KEY, "wxanotherapp00000")
    status, _ = await safe_wechat.post(text_xml("你好", 8004))
    assert status == 400


def test_config_needs_both_safe_mode_variables_and_a_valid_key() -> None:
    assert WeChatConfig.from_env({}) is None
    assert not WeChatConfig.from_env({"WECHAT_TOKEN": "t"}).safe_mode
    assert WeChatConfig.from_env({"WECHAT_TOKEN": "t", "WECHAT_APP_ID": "wx", "WECHAT_AES_KEY": AES_KEY}).safe_mode
    with pytest.raises(WeChatConfigError, match="both"):
        WeChatConfig.from_env({"WECHAT_TOKEN": "t", "WECHAT_APP_ID": "wx"})
    with pytest.raises(WeChatConfigError, match="43") as raised:
        WeChatConfig.from_env({"WECHAT_TOKEN": "t", "WECHAT_APP_ID": "wx", "WECHAT_AES_KEY": "short-secret"})
    assert "short-secret" not in str(raised.value)
    assert "t" not in repr(WeChatConfig("secret-token")).replace("WeChatConfig", "").replace("app_id", "")


async def test_the_token_never_reaches_the_log(wechat: WeChatServer, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    await wechat.say("你好", 9001)
    await wechat.post("garbage")
    assert TOKEN not in caplog.text
