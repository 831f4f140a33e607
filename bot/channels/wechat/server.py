"""``/wechat``: WeChat's server-address check (GET) and member messages (POST), on any aiohttp app.

A request whose signature is wrong gets 403 and a log line naming the reason (never the token,
key, signature or message); a body that is not a WeChat message gets 400, never a traceback.
Replies are passive (in the HTTP response) and ``success`` when there is nothing to say, as
WeChat's documentation asks.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from aiohttp import web

from bot.channels.web.state import ConversationStates
from bot.channels.wechat.config import WeChatConfig
from bot.channels.wechat.conversation import CHANNEL, WeChatConversation
from bot.channels.wechat.protocol import Codec, Envelope, ProtocolError, verify
from bot.services import Services

log = logging.getLogger(__name__)

PATH = "/wechat"
MAX_BODY = 16 * 1024  # WeChat's messages are a few hundred bytes
CODEC = web.AppKey("wechat_codec", Codec)
CONVERSATION = web.AppKey("wechat_conversation", WeChatConversation)


def _envelope(request: web.Request) -> Envelope:
    query = request.query
    try:
        return Envelope(
            query["signature"],
            query["timestamp"],
            query["nonce"],
            query.get("msg_signature"),
            query.get("encrypt_type") == "aes",
        )
    except KeyError:
        raise ProtocolError("missing signature parameters", 403) from None


def _refuse(request: web.Request, error: ProtocolError) -> web.Response:
    log.warning("refused a WeChat %s from %s: %s", request.method, request.remote, error.reason)
    return web.Response(status=error.status, text="forbidden" if error.status == 403 else "bad request")


async def check_address(request: web.Request) -> web.Response:
    """WeChat's server-address check: echo ``echostr`` when the signature is ours."""
    try:
        verify(request.app[CODEC].config, _envelope(request))
    except ProtocolError as error:
        return _refuse(request, error)
    return web.Response(text=request.query.get("echostr", ""))


async def receive(request: web.Request) -> web.Response:
    """One member message → one passive reply."""
    codec = request.app[CODEC]
    try:
        envelope = _envelope(request)
        verify(codec.config, envelope)
        if (request.content_length or 0) > MAX_BODY:
            raise ProtocolError("body too large", 413)
        body = await request.content.read(MAX_BODY + 1)
        if len(body) > MAX_BODY:
            raise ProtocolError("body too large", 413)
        message = codec.read(body, envelope)
    except ProtocolError as error:
        return _refuse(request, error)
    text = await request.app[CONVERSATION].reply(message)
    if text is None:
        return web.Response(text="success")
    return web.Response(text=codec.reply(message, text, envelope), content_type="application/xml")


def mount(app: web.Application, services: Services, config: WeChatConfig) -> None:
    app[CODEC] = Codec(config)
    app[CONVERSATION] = WeChatConversation(services, ConversationStates(services.member_state, CHANNEL))
    app.router.add_get(PATH, check_address)
    app.router.add_post(PATH, receive)
    log.info("WeChat on %s (%s mode)", PATH, "safe" if config.safe_mode else "plaintext")


def mount_if_configured(app: web.Application, services: Services, env: Mapping[str, str] | None = None) -> bool:
    """Mount ``/wechat`` when ``WECHAT_TOKEN`` is set; True when mounted."""
    config = WeChatConfig.from_env(env)
    if config is None:
        return False
    mount(app, services, config)
    return True
