"""What the HTTP views share: typed app keys, and errors that leave as JSON.

API clients get ``{"error": {"code", "message"}}`` for every failure, never aiohttp's HTML pages.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from telegram.ext import Application

from bot.guard.webhook_secret import WebhookRoute
from bot.services import Services

log = logging.getLogger(__name__)

APPLICATION = web.AppKey("application", Application)
SERVICES = web.AppKey("services", Services)
WEBHOOK = web.AppKey("webhook", WebhookRoute)
KEPT_HEADERS = ("Allow", "WWW-Authenticate")  # from aiohttp's own errors (405, 401) into our JSON ones
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class ApiError(Exception):
    """Raised by a view; the middleware turns it into a JSON error response."""

    def __init__(self, status: int, code: str, message: str, **details: Any) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details


def json_error(
    status: int, code: str, message: str, headers: dict[str, str] | None = None, **details: Any
) -> web.Response:
    return web.json_response({"error": {"code": code, "message": message, **details}}, status=status, headers=headers)


@web.middleware
async def json_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except ApiError as exc:
        return json_error(exc.status, exc.code, exc.message, **exc.details)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        kept = {name: value for name, value in exc.headers.items() if name in KEPT_HEADERS}
        return json_error(exc.status, exc.reason.lower().replace(" ", "_"), exc.reason, headers=kept)
    except Exception:
        log.exception("error while serving %s %s", request.method, request.rel_url.path)
        return json_error(500, "internal_error", "internal error; see the bot's log")
