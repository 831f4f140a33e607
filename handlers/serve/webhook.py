"""Webhook mode: Telegram POSTs updates to a secret path; each is checked and queued for the Application.

As in PTB's customwebhookbot example, the Application is built with ``updater(None)``
and our server puts ``Update.de_json(...)`` into ``application.update_queue``.
"""

from __future__ import annotations

import hmac
import logging

from aiohttp import web
from telegram import Update

from bot.guard.webhook_secret import SECRET_HEADER, WebhookRoute
from handlers.serve.http_base import APPLICATION, WEBHOOK, ApiError, json_error

log = logging.getLogger(__name__)


async def receive_update(request: web.Request) -> web.Response:
    """Queue one update; 403 unless Telegram's secret token header matches (its value is never logged)."""
    given = request.headers.get(SECRET_HEADER)
    expected = request.app[WEBHOOK].secret.encode()
    if given is None or not hmac.compare_digest(given.encode(errors="surrogateescape"), expected):
        log.warning(
            "refused a webhook request from %s: %s secret token", request.remote, "no" if given is None else "wrong"
        )
        return json_error(403, "forbidden", "wrong or missing secret token")
    application = request.app[APPLICATION]
    try:
        data = await request.json()
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            raise ValueError("not an update")
        update = Update.de_json(data, application.bot)
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        log.warning("webhook request with an unreadable update: %s", type(exc).__name__)
        raise ApiError(400, "bad_update", "the body is not a Telegram update") from None
    await application.update_queue.put(update)
    return web.Response()


def setup(app: web.Application, route: WebhookRoute) -> None:
    app.router.add_post(route.path, receive_update)
