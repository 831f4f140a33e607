"""Logging that cannot leak secrets: every record is scrubbed before it is written."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from urllib.parse import quote

REDACTED = "***"


class SecretFilter(logging.Filter):
    """Replace secret values in the formatted message and in exception text.

    The bot token appears in every Bot API URL that httpx logs, so scrubbing at the
    handler is the only place that catches all of them.
    """

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        # Each secret also as it appears percent-encoded in a URL (a token's ':' becomes %3A).
        forms = {form for s in secrets if s for form in (s, quote(s, safe=""), quote(s))}
        self._secrets = tuple(sorted(forms, key=len, reverse=True))

    def _scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._secrets:
            return True
        record.msg = self._scrub(record.getMessage())
        record.args = None
        if record.exc_info:
            record.exc_text = self._scrub(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        if record.stack_info:
            record.stack_info = self._scrub(record.stack_info)
        return True


def configure_logging(level: str, secrets: Iterable[str]) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(SecretFilter(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # httpx logs every request URL, which contains the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # Alembic narrates every start-up's migration check; the store logs one line when it upgrades.
    logging.getLogger("alembic").setLevel(logging.WARNING)
