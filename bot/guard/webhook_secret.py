"""Webhook mode settings: the secret Telegram sends back, and the secret path updates arrive at."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass, replace
from urllib.parse import urlsplit, urlunsplit

from bot.core.settings import Settings, SettingsError

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")  # what setWebhook accepts as secret_token


@dataclass(frozen=True)
class WebhookRoute:
    public_url: str  # registered with setWebhook
    path: str  # where the local server listens; a reverse proxy passes the path through unchanged
    secret: str


def with_webhook(settings: Settings, url: str | None) -> Settings:
    """Settings for webhook mode when ``url`` (or WEBHOOK_URL) is given; a secret is generated if unset.

    Called before logging is configured so that a generated secret is scrubbed from logs too.
    """
    url = url or settings.webhook_url
    if not url:
        return settings
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.netloc or parts.query or parts.fragment:
        raise SettingsError(f"WEBHOOK_URL must be an https URL without query or fragment, got {url!r}")
    secret = settings.webhook_secret or secrets.token_urlsafe(32)
    if not _SECRET_RE.match(secret):
        raise SettingsError("WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
    return replace(settings, webhook_url=url, webhook_secret=secret)


def webhook_route(settings: Settings) -> WebhookRoute:
    """The secret path is derived from the secret (never the bot token) so a leaked URL reveals neither."""
    if not settings.webhook_url or not settings.webhook_secret:
        raise SettingsError("webhook mode needs WEBHOOK_URL; call with_webhook first")
    digest = hashlib.sha256(f"webhook-path:{settings.webhook_secret}".encode()).hexdigest()[:32]
    parts = urlsplit(settings.webhook_url)
    path = f"{parts.path.rstrip('/')}/{digest}"
    return WebhookRoute(urlunsplit((parts.scheme, parts.netloc, path, "", "")), path, settings.webhook_secret)
