"""Run the bot (long polling or webhook) and, when configured, the HTTP server in one process.

``run_polling`` would own the event loop, but the admin API needs the same loop, so the
PTB Application's life (initialize → post_init → start … stop → shutdown) runs inside
the aiohttp application's ``cleanup_ctx``: both start together and stop together, in order.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from telegram.error import InvalidToken

from bot.core.logging_setup import REDACTED
from bot.core.settings import Settings, SettingsError
from bot.guard.webhook_secret import webhook_route
from bot.services import Services, serve_until_signal
from handlers.app import build_application
from handlers.serve.http_server import build_web_app, serves_channels
from handlers.staff import broadcast

log = logging.getLogger(__name__)

SHUTDOWN_TIMEOUT = 5.0  # seconds open HTTP requests get to finish on stop
POLL_TIMEOUT = timedelta(seconds=10)  # getUpdates long poll (PTB default); stopping waits for the current poll


class ListenError(OSError):
    """The HTTP server cannot bind HTTP_HOST:HTTP_PORT (in use, or not an address of this host)."""


class BotServer:
    """The bot, plus an HTTP listener when there is an admin API token or a webhook."""

    def __init__(self, services: Services, poll_timeout: timedelta = POLL_TIMEOUT) -> None:
        self.settings = services.settings
        self.webhook = webhook_route(self.settings) if self.settings.webhook_url else None
        self.application = build_application(services, polling=self.webhook is None)
        web_app = build_web_app(self.application, services, self.webhook)
        web_app.cleanup_ctx.append(self._telegram)
        self.listens = self.webhook is not None or bool(self.settings.admin_api_token) or serves_channels()
        self._runner = web.AppRunner(web_app, access_log=None, handle_signals=False, shutdown_timeout=SHUTDOWN_TIMEOUT)
        self.port: int | None = None
        self._poll_timeout = poll_timeout

    @property
    def addresses(self) -> list[Any]:
        """The socket names, (host, port, …), the HTTP server listens on; empty when it does not."""
        return self._runner.addresses

    async def start(self) -> None:
        await self._runner.setup()  # runs _telegram up to its yield
        if self.listens:
            host, port = self.settings.http_host, self.settings.http_port
            try:
                await web.TCPSite(self._runner, host, port).start()
            except OSError as exc:
                raise ListenError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
            self.port = self.addresses[0][1]
            log.info("HTTP server listening on %s:%s", self.settings.http_host, self.port)
        if self.webhook is not None:
            # After the listener is up, so Telegram's first delivery finds it.
            await self.application.bot.set_webhook(self.webhook.public_url, secret_token=self.webhook.secret)
            log.info("webhook registered with Telegram for %s (secret path)", urlsplit(self.webhook.public_url).netloc)

    async def stop(self) -> None:
        await self._runner.cleanup()

    async def _telegram(self, _: web.Application) -> AsyncIterator[None]:
        """What ``run_polling`` does around its loop, hooks included (the JobQueue and persistence need them)."""
        app = self.application
        await app.initialize()
        try:
            if app.post_init:
                await app.post_init(app)
            if app.updater is not None:
                await app.updater.start_polling(timeout=self._poll_timeout)
                log.info("long polling against %s", self.settings.api_base_url)
            await app.start()
            yield
        finally:
            if app.updater is not None and app.updater.running:
                await app.updater.stop()
            await broadcast.pause_all(app)  # a running notice saves its progress instead of holding up the stop
            if app.running:
                await app.stop()
                if app.post_stop:
                    await app.post_stop(app)
            await app.shutdown()
            if app.post_shutdown:
                await app.post_shutdown(app)


async def serve(services: Services, stop: asyncio.Event) -> None:
    """Serve until ``stop`` is set, then shut everything down cleanly."""
    server = BotServer(services)
    try:
        await server.start()
    except BaseException:
        await server.stop()  # whatever had started; the caller reports the failure
        raise
    try:
        await stop.wait()
    finally:
        log.info("shutting down")
        await server.stop()


def token_rejected(settings: Settings, error: InvalidToken) -> SettingsError:
    """The Bot API refused the token at start-up (401 or 404): a configuration error in one line.

    PTB's own ``InvalidToken`` names the token in its message, and its traceback would print it.
    """
    reason = error.__cause__.message if isinstance(error.__cause__, InvalidToken) else error.message
    for secret in settings.secrets:
        reason = reason.replace(secret, REDACTED)
    return SettingsError(
        f"Telegram 拒绝了 BOT_TOKEN（{reason}）：请检查 BOT_TOKEN，以及 TELEGRAM_API_BASE_URL"
        f"（现为 {settings.api_base_url}）是否指向 Bot API / the Bot API rejected the token"
    )


def run(settings: Settings) -> int:
    """Open the services, serve until SIGINT or SIGTERM; the exit status for the process.

    A token the Bot API refuses raises ``SettingsError``; a store another process holds
    (``StoreLocked``) or that cannot be opened (``StorageError``) propagates. run_bot.py prints
    either as one line.
    """
    try:
        serve_until_signal(settings, serve)
    except ListenError as exc:
        log.error("%s", exc)
        return 1
    except InvalidToken as exc:
        raise token_rejected(settings, exc) from None
    return 0
