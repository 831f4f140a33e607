"""The log never contains the bot token, the admin token or the webhook secret, whatever happens."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from aiohttp import web

from bot.core.logging_setup import configure_logging
from bot.core.settings import Settings
from tests.conftest import ChatDriver
from tests.fake_bot_api import FakeBotAPI

ADMIN_TOKEN = "ADMIN-s3cret-Token-42"
WEBHOOK_SECRET = "hook-SECRET-value-99"


@pytest.fixture
def logging_restored() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    httpx_level = logging.getLogger("httpx").level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    logging.getLogger("httpx").setLevel(httpx_level)


def secrets_of(settings: Settings) -> tuple[str, ...]:
    return (settings.bot_token or "", ADMIN_TOKEN, WEBHOOK_SECRET)


def assert_clean(text: str, settings: Settings) -> None:
    for secret in secrets_of(settings):
        assert secret not in text
        assert quote(secret, safe="") not in text
    assert "***" in text


async def test_a_busy_debug_log_with_errors_leaks_no_secret(
    chat: ChatDriver,
    fake_api: FakeBotAPI,
    settings: Settings,
    capsys: pytest.CaptureFixture[str],
    logging_restored: None,
) -> None:
    configure_logging("DEBUG", secrets_of(settings))
    logging.getLogger("httpx").setLevel(logging.DEBUG)  # the worst case: every request URL is logged
    token = settings.bot_token or ""

    async def leaky(update: object, context: object) -> None:
        raise RuntimeError(f"POST {fake_api.base_url}{token}/sendMessage failed; hook {WEBHOOK_SECRET}")

    from telegram.ext import MessageHandler, filters

    chat.application.add_handler(MessageHandler(filters.Regex("^boom$"), leaky), group=-5)
    await chat.send("工会法第六条")
    await chat.send("boom")
    fake_api.behaviour = lambda method, params: web.json_response(
        {"ok": False, "error_code": 500, "description": f"bad token {token}"}, status=500
    )
    await chat.send("劳模有什么待遇")
    fake_api.behaviour = None
    log = logging.getLogger("tests.leak")
    log.warning("admin request with header X-Admin-Token: %s", ADMIN_TOKEN)
    log.warning("url-encoded %s and %s", quote(token, safe=""), quote(WEBHOOK_SECRET, safe=""))
    try:
        raise ValueError(f"webhook secret mismatch: got {WEBHOOK_SECRET!r}")
    except ValueError:
        log.exception("rejected webhook call", stack_info=True)

    err = capsys.readouterr().err
    assert "error while handling an update" in err  # the errors really were logged
    assert_clean(err, settings)
