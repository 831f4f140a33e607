"""State a channel without python-telegram-bot (the web chat) keeps per member: one JSON row each.

Telegram's own per-user state goes through PTB's persistence (handlers/serve/persistence.py);
another channel saves what it needs between a member's messages here, keyed by its own name
and its own member ids, and reads it again for each message, so any instance can serve them.
"""

from __future__ import annotations

import json
import time
from typing import Any

from sqlalchemy import delete, select

from bot.core.db.schema import member_state
from bot.core.db.upsert import upsert
from bot.core.storage import Store


class MemberState:
    def __init__(self, store: Store) -> None:
        self._store = store

    async def load(self, channel: str, member_id: str) -> dict[str, Any]:
        """What ``save`` last stored for this member of ``channel``; {} when nothing was."""
        query = select(member_state.c.state).where(
            member_state.c.channel == channel, member_state.c.member_id == member_id
        )
        async with self._store.connect() as connection:
            state = await connection.scalar(query)
        return dict(state) if isinstance(state, dict) else {}

    async def save(self, channel: str, member_id: str, state: dict[str, Any]) -> None:
        """Replace the member's state, durably; an empty dict removes the row.

        Raises ``ValueError`` (before anything is written) when ``state`` holds a value JSON cannot.
        """
        try:
            json.dumps(state)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"member state for {channel}:{member_id} is not JSON-serialisable: {exc}") from None
        async with self._store.begin() as connection:
            if not state:
                await connection.execute(
                    delete(member_state).where(member_state.c.channel == channel, member_state.c.member_id == member_id)
                )
                return
            row = {"channel": channel, "member_id": member_id, "state": state, "updated_at": time.time()}
            await connection.execute(upsert(self._store.dialect, member_state, ["channel", "member_id"]), row)
