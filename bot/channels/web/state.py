"""Where a channel's conversations live: one JSON-safe dict per member, loaded and saved whole.

Every read and write of web chat and WeChat state goes through ``ConversationStates``, so moving
to another storage layer (an async SQL ``member_state`` service) changes only this class. For now
it sits on the project's ``Store``: durable when ``save`` returns, so it survives a restart. The
store is synchronous, so calls run in a worker thread and never block the event loop.
"""

from __future__ import annotations

import asyncio
import hashlib
import weakref
from typing import Any

from bot.core.storage import Store

COLLECTION = "channel_state"


class ConversationStates:
    """The state of each member of one channel (``web``, ``wechat``), by member id."""

    def __init__(self, store: Store, channel: str) -> None:
        self._store = store
        self.channel = channel
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()

    def lock(self, member_id: str) -> asyncio.Lock:
        """Held around a load-change-save, so two requests of one member never overwrite each other."""
        found = self._locks.get(member_id)
        if found is None:
            found = self._locks[member_id] = asyncio.Lock()
        return found

    def _key(self, member_id: str) -> str:
        return f"{self.channel}:{member_id}"

    async def load(self, member_id: str) -> dict[str, Any]:
        """The member's state; an empty dict for a new member."""
        return await asyncio.to_thread(self._store.get, COLLECTION, self._key(member_id)) or {}

    async def save(self, member_id: str, state: dict[str, Any]) -> None:
        await asyncio.to_thread(self._store.put, COLLECTION, self._key(member_id), state)


def member_number(channel: str, member_id: str) -> int:
    """A stable integer for a web or WeChat member, for the domains keyed by Telegram-style ids
    (feedback journal, hand-offs). Below -2**52, so it never meets a Telegram user or chat id."""
    digest = hashlib.sha256(f"{channel}:{member_id}".encode()).digest()
    return -(1 << 52) - int.from_bytes(digest[:6], "big")
