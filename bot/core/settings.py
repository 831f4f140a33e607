"""Configuration read from the environment, once, at start-up."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]  # the checkout: bot/core/settings.py → ../..
DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"


class SettingsError(ValueError):
    """A configuration value is malformed; the message names the variable."""


def _int_set(name: str, raw: str) -> frozenset[int]:
    try:
        return frozenset(int(part) for part in raw.replace(";", ",").split(",") if part.strip())
    except ValueError:
        raise SettingsError(f"{name} must be comma-separated Telegram user ids, got {raw!r}") from None


def _optional_int(name: str, raw: str | None) -> int | None:
    if raw is None or not raw.strip():
        return None
    try:
        return int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be an integer, got {raw!r}") from None


def _positive_int(name: str, raw: str | None, default: int) -> int:
    value = _optional_int(name, raw)
    if value is None:
        return default
    if value <= 0:
        raise SettingsError(f"{name} must be a positive whole number, got {raw!r}")
    return value


def _float(name: str, raw: str | None, default: float) -> float:
    if raw is None or not raw.strip():
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a number, got {raw!r}") from None
    if value <= 0:
        raise SettingsError(f"{name} must be positive, got {raw!r}")
    return value


def _short_text(name: str, raw: str | None, limit: int) -> str | None:
    """A name shown to people (one line, at most ``limit`` characters); None when unset."""
    if raw is None or not raw.strip():
        return None
    text = " ".join(raw.split())
    if len(text) > limit:
        raise SettingsError(f"{name} must be at most {limit} characters, got {len(text)}")
    return text


def _password(url: str | None) -> str | None:
    """The password in ``scheme://user:password@host/db``, which a log line must never show."""
    if not url:
        return None
    try:
        return urlsplit(url).password
    except ValueError:
        return None


@dataclass(frozen=True)
class Settings:
    """Everything the process needs to know about its environment.

    Secrets are kept out of ``repr`` so that logging a Settings object leaks nothing.
    """

    bot_token: str | None = field(default=None, repr=False)
    api_base_url: str = DEFAULT_API_BASE_URL
    admin_ids: frozenset[int] = frozenset()
    data_dir: Path = ROOT / "data"
    content_dir: Path = ROOT / "content"
    admin_api_token: str | None = field(default=None, repr=False)
    http_host: str = "127.0.0.1"
    http_port: int = 8080
    webhook_url: str | None = None
    webhook_secret: str | None = field(default=None, repr=False)
    staff_chat_id: int | None = None
    broadcast_rate: float = 30.0  # messages per second overall
    per_chat_rate: float = 1.0  # messages per second to one chat
    log_level: str = "INFO"
    database_url: str | None = field(default=None, repr=False)  # postgresql://…; None: SQLite in data_dir
    feedback_days: int = 180  # feedback older than this is pruned by the daily job
    broadcast_lease: float = 30.0  # seconds an instance holds claimed recipients without renewing
    union_name: str | None = None  # the issuing unit in notice headers; None: content's issuer

    @property
    def secrets(self) -> tuple[str, ...]:
        """The values a log line must never contain."""
        database = (self.database_url, _password(self.database_url))
        return tuple(s for s in (self.bot_token, self.admin_api_token, self.webhook_secret, *database) if s)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        data_dir = Path(env.get("DATA_DIR") or ROOT / "data")
        port = _optional_int("HTTP_PORT", env.get("HTTP_PORT"))
        return cls(
            bot_token=env.get("BOT_TOKEN") or None,
            api_base_url=env.get("TELEGRAM_API_BASE_URL") or DEFAULT_API_BASE_URL,
            admin_ids=_int_set("ADMIN_IDS", env.get("ADMIN_IDS", "")),
            data_dir=data_dir,
            content_dir=Path(env.get("CONTENT_DIR") or ROOT / "content"),
            admin_api_token=env.get("ADMIN_API_TOKEN") or None,
            http_host=env.get("HTTP_HOST") or "127.0.0.1",
            http_port=8080 if port is None else port,
            webhook_url=env.get("WEBHOOK_URL") or None,
            webhook_secret=env.get("WEBHOOK_SECRET") or None,
            staff_chat_id=_optional_int("STAFF_CHAT_ID", env.get("STAFF_CHAT_ID")),
            broadcast_rate=_float("BROADCAST_RATE", env.get("BROADCAST_RATE"), 30.0),
            per_chat_rate=_float("PER_CHAT_RATE", env.get("PER_CHAT_RATE"), 1.0),
            log_level=(env.get("LOG_LEVEL") or "INFO").upper(),
            database_url=env.get("DATABASE_URL") or None,
            feedback_days=_positive_int("FEEDBACK_DAYS", env.get("FEEDBACK_DAYS"), 180),
            broadcast_lease=_float("BROADCAST_LEASE", env.get("BROADCAST_LEASE"), 30.0),
            union_name=_short_text("UNION_NAME", env.get("UNION_NAME"), 40),
        )
