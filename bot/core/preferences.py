"""Per-user preferences (the locale for now), kept in the store so they survive restarts."""

from __future__ import annotations

from bot.core.i18n import SUPPORTED
from bot.core.storage import Store

USERS = "users"


class Preferences:
    def __init__(self, store: Store) -> None:
        self._store = store

    def locale(self, user_id: int) -> str | None:
        doc = self._store.get(USERS, str(user_id))
        return doc.get("locale") if doc else None

    def set_locale(self, user_id: int, locale: str) -> None:
        if locale not in SUPPORTED:
            raise ValueError(f"unsupported locale {locale!r}")
        doc = self._store.get(USERS, str(user_id)) or {}
        self._store.put(USERS, str(user_id), {**doc, "locale": locale})
