"""The aiohttp server beside the bot: /healthz always, the admin API with ADMIN_API_TOKEN, updates in webhook mode,
the web chat with WEB_CHAT=1 and WeChat's /wechat with WECHAT_TOKEN.

One aiohttp application per process, built here; the views live in one module per role
(``handlers/serve/admin_api.py``, ``handlers/serve/webhook.py``).
"""

from __future__ import annotations

from aiohttp import web
from telegram.ext import Application

from bot.channels.web import server as web_chat
from bot.channels.wechat import server as wechat
from bot.channels.wechat.config import WeChatConfig
from bot.guard.webhook_secret import WebhookRoute
from bot.services import Services
from handlers.serve import admin_api, channel_staff, webhook
from handlers.serve.http_base import APPLICATION, SERVICES, WEBHOOK, json_errors


async def healthz(request: web.Request) -> web.Response:
    """200 while the bot is processing updates, 503 otherwise (for a load balancer or systemd watchdog)."""
    running = request.app[APPLICATION].running
    mode = "webhook" if WEBHOOK in request.app else "polling"
    return web.json_response({"status": "ok" if running else "stopped", "mode": mode}, status=200 if running else 503)


def build_web_app(application: Application, services: Services, route: WebhookRoute | None) -> web.Application:
    """The routes this process serves; which ones depends on the settings."""
    app = web.Application(middlewares=[json_errors])
    app[APPLICATION] = application
    app[SERVICES] = services
    app.router.add_get("/healthz", healthz)
    if services.settings.admin_api_token:
        admin_api.setup(app)
    if route is not None:
        app[WEBHOOK] = route
        webhook.setup(app, route)
    if web_chat.enabled():
        chat = web_chat.mount(app, services, forward=channel_staff.forwarder(application, services))
        channel_staff.relay_replies(application, services, chat.handoffs)
    else:
        wechat.mount_if_configured(app, services)
    return app


def serves_channels() -> bool:
    """The web chat or WeChat is on, so the HTTP server must listen even without an admin API or webhook."""
    return web_chat.enabled() or WeChatConfig.from_env() is not None
