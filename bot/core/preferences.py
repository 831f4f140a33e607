"""Per-member preferences (the locale for now): one row per member in the store, read per update.

On SQLite this process is the only writer, so what it read or wrote is kept (the most recent
``CACHED`` members) and an update costs no read; a shared store (PostgreSQL) is read every time,
as another instance may have changed it.
"""

from __future__ import annotations

import time
from collections import OrderedDict

from sqlalchemy import select

from bot.core.db.schema import members
from bot.core.db.upsert import upsert
from bot.core.i18n import SUPPORTED
from bot.core.storage import Store

CACHED = 100_000


class Preferences:
    def __init__(self, store: Store) -> None:
        self._store = store
        self._known: OrderedDict[int, str | None] | None = None if store.shared else OrderedDict()

    async def locale(self, user_id: int) -> str | None:
        if self._known is not None and user_id in self._known:
            self._known.move_to_end(user_id)
            return self._known[user_id]
        async with self._store.connect() as connection:
            locale = await connection.scalar(select(members.c.locale).where(members.c.user_id == user_id))
        self._remember(user_id, locale)
        return locale

    async def set_locale(self, user_id: int, locale: str) -> None:
        """Durable when it returns: one row written."""
        if locale not in SUPPORTED:
            raise ValueError(f"unsupported locale {locale!r}")
        statement = upsert(self._store.dialect, members, ["user_id"])
        async with self._store.begin() as connection:
            await connection.execute(statement, {"user_id": user_id, "locale": locale, "updated_at": time.time()})
        self._remember(user_id, locale)

    def _remember(self, user_id: int, locale: str | None) -> None:
        if self._known is None:
            return
        self._known[user_id] = locale
        self._known.move_to_end(user_id)
        if len(self._known) > CACHED:
            self._known.popitem(last=False)
