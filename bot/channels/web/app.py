"""The web chat's routes on an aiohttp application: the page, its static files and two JSON views.

``GET /`` the page · ``GET /static/…`` its script and style · ``GET /chat/state?after=N`` the
conversation (and the CSRF token, the page's words) · ``POST /chat/send`` one action. The views
only check the request (session, CSRF, size, rate) and hand the action to ``WebChat``; refusals
are JSON ``{"error": {"code", "message"}}`` in the member's language.
"""

from __future__ import annotations

import json
import logging
from urllib.parse import urlsplit

from aiohttp import web

from bot.channels.web import ui
from bot.channels.web.conversation import WebChat, parse_action
from bot.channels.web.limits import MAX_BODY, Limiter
from bot.channels.web.session import COOKIE, COOKIE_MAX_AGE, Sessions
from bot.core.i18n import N_, gettext_for, negotiate
from bot.core.storage import StorageError

log = logging.getLogger(__name__)

CHAT = web.AppKey("web_chat", WebChat)
SESSIONS = web.AppKey("web_sessions", Sessions)
LIMITER = web.AppKey("web_limiter", Limiter)
CSRF_HEADER = "X-CSRF-Token"
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def _session(request: web.Request) -> str | None:
    return request.app[SESSIONS].verify(request.cookies.get(COOKIE))


def _set_cookie(response: web.StreamResponse, request: web.Request, session_id: str) -> None:
    cookie = request.app[SESSIONS].cookie(session_id)
    response.set_cookie(
        COOKIE, cookie, max_age=COOKIE_MAX_AGE, httponly=True, samesite="Strict", secure=request.secure, path="/"
    )


def _refuse(request: web.Request, status: int, code: str, message: str) -> web.Response:
    """A JSON refusal in the reader's language (the browser's, as no state is read for it)."""
    _ = gettext_for(negotiate((request.headers.get("Accept-Language") or "").split(",")[0].split(";")[0]))
    return web.json_response({"error": {"code": code, "message": _(message)}}, status=status, headers=SECURITY_HEADERS)


async def index(request: web.Request) -> web.Response:
    """The page, in the member's language; a first visit gets its session cookie here."""
    session_id = _session(request)
    chat = request.app[CHAT]
    state = await chat.states.load(session_id) if session_id else {}
    locale = chat.locale(state, request.headers.get("Accept-Language"))
    response = web.Response(
        text=ui.page(locale, gettext_for(locale)), content_type="text/html", headers=SECURITY_HEADERS
    )
    if session_id is None:
        _set_cookie(response, request, Sessions.new_id())
    return response


async def conversation(request: web.Request) -> web.Response:
    """The messages after ``after`` (all by default), with what the page needs to talk back."""
    session_id = _session(request)
    is_new = session_id is None
    session_id = session_id or Sessions.new_id()
    if not request.app[LIMITER].allow(session_id, request.remote or "-"):
        return _refuse(request, 429, "rate_limited", N_("您发得太快了，请稍等几秒再发。"))
    after = request.query.get("after", "0")
    chat = request.app[CHAT]
    locale, messages = await chat.history(
        session_id, request.headers.get("Accept-Language"), int(after) if after.isdecimal() else 0
    )
    body = {
        "csrf": request.app[SESSIONS].csrf_token(session_id),
        "locale": locale,
        "ui": ui.strings(gettext_for(locale)),
        "messages": messages,
    }
    response = web.json_response(body, headers=SECURITY_HEADERS)
    if is_new:
        _set_cookie(response, request, session_id)
    return response


def _cross_site(request: web.Request) -> bool:
    """A request another site made the browser send (checked beside the CSRF token)."""
    if request.headers.get("Sec-Fetch-Site") in ("cross-site", "same-site"):
        return True
    origin = request.headers.get("Origin")
    return origin is not None and urlsplit(origin).netloc != request.host


async def send(request: web.Request) -> web.Response:
    """One action from the page: checked, then answered with the new messages."""
    session_id = _session(request)
    if session_id is None or _cross_site(request):
        return _refuse(request, 403, "forbidden", N_("页面已过期，请刷新后再试。"))
    if not request.app[SESSIONS].csrf_ok(session_id, request.headers.get(CSRF_HEADER)):
        log.warning("web chat POST without a valid CSRF token from %s", request.remote)
        return _refuse(request, 403, "forbidden", N_("页面已过期，请刷新后再试。"))
    if (request.content_length or 0) > MAX_BODY:
        return _refuse(request, 413, "too_large", N_("消息太长了，请简短一些。"))
    if not request.app[LIMITER].allow(session_id, request.remote or "-"):
        return _refuse(request, 429, "rate_limited", N_("您发得太快了，请稍等几秒再发。"))
    raw = await request.content.read(MAX_BODY + 1)
    if len(raw) > MAX_BODY:
        return _refuse(request, 413, "too_large", N_("消息太长了，请简短一些。"))
    try:
        action = parse_action(json.loads(raw))
    except (json.JSONDecodeError, UnicodeDecodeError):
        action = None
    if action is None:
        log.info("web chat request that is not one action (%d bytes)", len(raw))
        return _refuse(request, 400, "bad_request", N_("没看懂这个请求，请刷新页面后再试。"))
    chat = request.app[CHAT]
    try:
        step = await chat.act(session_id, action, request.headers.get("Accept-Language"))
    except StorageError:
        log.exception("web chat state could not be saved")
        return _refuse(request, 503, "unavailable", N_("网络出了点问题，请稍后再试。"))
    body: dict[str, object] = {"messages": step.messages, "notice": step.notice}
    if action.kind == "locale":
        body |= {"locale": action.value, "ui": ui.strings(gettext_for(action.value))}
    return web.json_response(body, headers=SECURITY_HEADERS)


def setup(app: web.Application, chat: WebChat, sessions: Sessions, limiter: Limiter | None = None) -> None:
    """Add the web chat's routes to ``app`` (its own, or the Telegram process's server)."""
    app[CHAT], app[SESSIONS], app[LIMITER] = chat, sessions, limiter or Limiter()
    app.router.add_get("/", index)
    app.router.add_get("/chat/state", conversation)
    app.router.add_post("/chat/send", send)
    app.router.add_static("/static/", ui.STATIC, append_version=False)
