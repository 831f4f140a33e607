"""Build and run the web chat: mounted on any aiohttp app, or served alone by ``run_bot.py web``.

``mount`` wires the chat over the services (and WeChat's ``/wechat`` when ``WECHAT_TOKEN`` is set)
onto an application; ``handlers/serve/http_server.py`` calls it when ``WEB_CHAT=1`` so the chat
shares the Telegram process's server, and can pass ``forward`` to reach the staff chat.
``run`` serves it alone on ``HTTP_HOST:HTTP_PORT`` until SIGINT or SIGTERM.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable, Mapping

from aiohttp import web

from bot.channels.web import app as views
from bot.channels.web.conversation import WebChat
from bot.channels.web.handoff import ChannelHandOffs, StaffForward
from bot.channels.web.limits import Limiter, Rates
from bot.channels.web.session import Sessions, session_key
from bot.channels.web.state import ConversationStates
from bot.core.settings import Settings
from bot.services import Services, serve_until_signal

log = logging.getLogger(__name__)

CHANNEL = "web"
SHUTDOWN_TIMEOUT = 5.0


def enabled(env: Mapping[str, str] | None = None) -> bool:
    """``WEB_CHAT=1`` (or true/yes/on): the Telegram process serves the web chat too."""
    value = (os.environ if env is None else env).get("WEB_CHAT", "")
    return value.strip().lower() in ("1", "true", "yes", "on")


def build_chat(services: Services, forward: StaffForward | None = None) -> WebChat:
    states = ConversationStates(services.member_state, CHANNEL)
    return WebChat(services, states, ChannelHandOffs(services, states, forward))


def mount(
    app: web.Application,
    services: Services,
    forward: StaffForward | None = None,
    rates: Rates | None = None,
    env: Mapping[str, str] | None = None,
) -> WebChat:
    """Add the web chat (and, when configured, WeChat) to ``app``; the chat, for hand-off relays."""
    from bot.channels.wechat import server as wechat

    env = os.environ if env is None else env
    chat = build_chat(services, forward)
    sessions = Sessions(session_key(services.settings.data_dir, env.get("WEB_SESSION_SECRET")))
    views.setup(app, chat, sessions, Limiter(rates or Rates()))
    wechat.mount_if_configured(app, services, env)
    return chat


def build_app(services: Services, **options: object) -> web.Application:
    """The web chat on an application of its own, with ``/healthz``."""
    app = web.Application()

    async def healthz(_: web.Request) -> web.Response:
        return web.json_response({"status": "ok", "mode": "web"})

    app.router.add_get("/healthz", healthz)
    mount(app, services, **options)  # type: ignore[arg-type]
    return app


async def serve(services: Services, stop: asyncio.Event, announce: Callable[[str], None] = print) -> None:
    """Serve on HTTP_HOST:HTTP_PORT until ``stop`` is set; ``announce`` gets the URL once listening."""
    settings = services.settings
    runner = web.AppRunner(
        build_app(services), access_log=None, handle_signals=False, shutdown_timeout=SHUTDOWN_TIMEOUT
    )
    await runner.setup()
    try:
        await web.TCPSite(runner, settings.http_host, settings.http_port).start()
        host, port = runner.addresses[0][:2]
        announce(f"网页聊天 / web chat: http://{_url_host(host)}:{port}/")
        await stop.wait()
    finally:
        await runner.cleanup()


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def run(settings: Settings) -> int:
    """``run_bot.py web``: open the services, serve until SIGINT or SIGTERM; 1 when the address cannot be bound.

    A store that cannot be opened raises ``StorageError`` (run_bot.py prints it as one line).
    """
    try:
        serve_until_signal(settings, lambda services, stop: serve(services, stop, lambda url: print(url, flush=True)))
    except OSError as exc:
        print(f"cannot listen on {settings.http_host}:{settings.http_port}: {exc.strerror or exc}", flush=True)
        return 1
    return 0
