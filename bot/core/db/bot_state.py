"""python-telegram-bot's state as rows: user data, chat data, conversation states, the callback cache.

Channel-neutral queries for ``handlers/serve/persistence.py``: reads by one key (an update's
user, chat, conversation), and one transaction that writes everything an update changed.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, select, tuple_

from bot.core.db import schema
from bot.core.db.engine import Store
from bot.core.db.upsert import upsert

CALLBACK_ROW = "cache"
Data = dict[str, Any]
ConversationRef = tuple[str, str]  # (handler name, key as JSON)


@dataclass
class Changes:
    """What to write; a value of None removes the row (dropped user or chat data)."""

    user_data: dict[int, Data | None] = field(default_factory=dict)
    chat_data: dict[int, Data | None] = field(default_factory=dict)
    conversations: dict[ConversationRef, object] = field(default_factory=dict)  # None: finished
    callback_data: Data | None = None

    def __bool__(self) -> bool:
        return bool(self.user_data or self.chat_data or self.conversations or self.callback_data is not None)


class BotState:
    def __init__(self, store: Store) -> None:
        self.store = store

    async def user_data(self, user_id: int) -> Data | None:
        table = schema.ptb_user_data
        return await self._one(select(table.c.data).where(table.c.user_id == user_id))

    async def chat_data(self, chat_id: int) -> Data | None:
        table = schema.ptb_chat_data
        return await self._one(select(table.c.data).where(table.c.chat_id == chat_id))

    async def callback_data(self) -> Data | None:
        table = schema.ptb_callback_data
        return await self._one(select(table.c.data).where(table.c.id == CALLBACK_ROW))

    async def conversations(self, refs: Iterable[ConversationRef]) -> dict[ConversationRef, object]:
        """The open states among ``refs`` (finished or unknown ones are left out)."""
        table = schema.ptb_conversations.c
        wanted = list(refs)
        if not wanted:
            return {}
        query = select(table.name, table.key, table.state).where(
            tuple_(table.name, table.key).in_(wanted), table.state.is_not(None)
        )
        async with self.store.connect() as connection:
            return {(name, key): state for name, key, state in await connection.execute(query)}

    async def conversations_named(self, name: str) -> dict[str, object]:
        """Every open state of one ConversationHandler (start-up), by key."""
        table = schema.ptb_conversations.c
        query = select(table.key, table.state).where(table.name == name, table.state.is_not(None))
        async with self.store.connect() as connection:
            return {key: state for key, state in await connection.execute(query)}

    async def write(self, changes: Changes) -> None:
        """Everything in ``changes``, in one durable transaction."""
        now = time.time()
        dialect = self.store.dialect
        async with self.store.begin() as connection:
            for table, key, rows in (
                (schema.ptb_user_data, "user_id", changes.user_data),
                (schema.ptb_chat_data, "chat_id", changes.chat_data),
            ):
                kept = [{key: id_, "data": data, "updated_at": now} for id_, data in rows.items() if data is not None]
                dropped = [id_ for id_, data in rows.items() if data is None]
                if kept:
                    await connection.execute(upsert(dialect, table, [key]), kept)
                if dropped:
                    await connection.execute(delete(table).where(table.c[key].in_(dropped)))
            if changes.conversations:
                states = [
                    {"name": name, "key": key, "state": state, "updated_at": now}
                    for (name, key), state in changes.conversations.items()
                ]
                await connection.execute(upsert(dialect, schema.ptb_conversations, ["name", "key"]), states)
            if changes.callback_data is not None:
                row = {"id": CALLBACK_ROW, "data": changes.callback_data}
                await connection.execute(upsert(dialect, schema.ptb_callback_data, ["id"]), row)

    async def _one(self, query: Any) -> Data | None:
        async with self.store.connect() as connection:
            value = await connection.scalar(query)
        return value if isinstance(value, Mapping) else None
