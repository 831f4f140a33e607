"""Per-member preferences (the locale for now): one row per member in the store, read per update."""

from __future__ import annotations

import time

from sqlalchemy import select

from bot.core.db.schema import members
from bot.core.db.upsert import upsert
from bot.core.i18n import SUPPORTED
from bot.core.storage import Store


class Preferences:
    def __init__(self, store: Store) -> None:
        self._store = store

    async def locale(self, user_id: int) -> str | None:
        async with self._store.connect() as connection:
            return await connection.scalar(select(members.c.locale).where(members.c.user_id == user_id))

    async def set_locale(self, user_id: int, locale: str) -> None:
        """Durable when it returns: one row written."""
        if locale not in SUPPORTED:
            raise ValueError(f"unsupported locale {locale!r}")
        statement = upsert(self._store.dialect, members, ["user_id"])
        async with self._store.begin() as connection:
            await connection.execute(statement, {"user_id": user_id, "locale": locale, "updated_at": time.time()})
