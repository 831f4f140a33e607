"""bot/guard/webhook_secret.py: webhook mode always has a secret; the path never reveals it or the bot token."""

from __future__ import annotations

import pytest

from bot.core.settings import Settings, SettingsError
from bot.guard.webhook_secret import webhook_route, with_webhook


def test_polling_settings_are_unchanged() -> None:
    settings = Settings(bot_token="1:abc")
    assert with_webhook(settings, None) is settings


def test_secret_is_generated_and_path_is_derived_from_it() -> None:
    settings = with_webhook(Settings(bot_token="1:abc"), "https://example.org/tg")
    assert len(settings.webhook_secret or "") >= 32
    assert settings.webhook_secret in settings.secrets  # so the log filter scrubs it
    route = webhook_route(settings)
    assert route.public_url.startswith("https://example.org/tg/")
    assert route.path.startswith("/tg/")
    assert route.public_url.endswith(route.path)
    assert settings.webhook_secret not in route.path
    assert "1:abc" not in route.path
    assert with_webhook(Settings(), "https://example.org/tg").webhook_secret != settings.webhook_secret


def test_configured_secret_and_env_url_are_used() -> None:
    settings = with_webhook(Settings(webhook_url="https://example.org/", webhook_secret="s3cret_-X"), None)
    assert settings.webhook_secret == "s3cret_-X"
    assert webhook_route(settings).path.count("/") == 1


@pytest.mark.parametrize(
    ("url", "secret"),
    [("ftp://example.org/tg", None), ("example.org/tg", None), ("https://example.org/tg?x=1", None),
     ("https://example.org/tg", "has space"), ("https://example.org/tg", "x" * 257)],
)  # fmt: skip
def test_bad_webhook_settings_are_refused(url: str, secret: str | None) -> None:
    with pytest.raises(SettingsError, match="WEBHOOK"):
        with_webhook(Settings(webhook_secret=secret), url)
