"""Where a channel's conversations live: one JSON-safe dict per member, loaded and saved whole.

Every read and write of web chat and WeChat state goes through ``ConversationStates``, over the
store's per-channel member state (``services.member_state``): durable when ``save`` returns, so it
survives a restart, and read for each request, so any instance can serve a member.
"""

from __future__ import annotations

import asyncio
import hashlib
import weakref
from typing import Any

from bot.core.member_state import MemberState


class ConversationStates:
    """The state of each member of one channel (``web``, ``wechat``), by member id."""

    def __init__(self, member_state: MemberState, channel: str) -> None:
        self._member_state = member_state
        self.channel = channel
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()

    def lock(self, member_id: str) -> asyncio.Lock:
        """Held around a load-change-save, so two requests of one member never overwrite each other."""
        found = self._locks.get(member_id)
        if found is None:
            found = self._locks[member_id] = asyncio.Lock()
        return found

    async def load(self, member_id: str) -> dict[str, Any]:
        """The member's state; an empty dict for a new member."""
        return await self._member_state.load(self.channel, member_id)

    async def save(self, member_id: str, state: dict[str, Any]) -> None:
        await self._member_state.save(self.channel, member_id, state)


def member_number(channel: str, member_id: str) -> int:
    """A stable integer for a web or WeChat member, for the domains keyed by Telegram-style ids
    (feedback journal, hand-offs). Below -2**52, so it never meets a Telegram user or chat id."""
    digest = hashlib.sha256(f"{channel}:{member_id}".encode()).digest()
    return -(1 << 52) - int.from_bytes(digest[:6], "big")
