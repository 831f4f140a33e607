"""python-telegram-bot persistence in the SQL store, so state survives a restart and any instance can serve anyone.

user_data, chat_data, conversation states (unfinished questionnaires) and the callback-data
cache are rows of ``bot/core/db/bot_state.py``, as JSON, never pickles. ``bot_data`` is not
persisted: it holds the live ``Services`` object, rebuilt at every start.

Nothing is loaded wholesale at start-up but the open conversation states. On a shared store
(PostgreSQL) the member's own rows are read for each update (PTB's ``refresh_user_data`` /
``refresh_chat_data``, and ``refresh_conversations`` for the persistent ConversationHandlers,
which PTB has no hook for), so with several instances behind one load balancer a questionnaire
started on one goes on on another. On SQLite this process is the only writer (the writer lock),
so a member's rows are read once, at their first update, and memory is the truth after that. After each
update its changes are written in one transaction (``FlushingApplication``); unchanged data
is not rewritten, so a question costs no write. A write that fails (disk full, database
away) stays queued and is retried with the next update; until then the queued value, not
the database's older one, is what the member's next update sees.
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from telegram import Update
from telegram.ext import Application, BasePersistence, ConversationHandler, PersistenceInput

from bot.core.db.bot_state import BotState, Changes, ConversationRef
from bot.core.storage import StorageError, Store

log = logging.getLogger(__name__)

STORE_ERRORS = (SQLAlchemyError, StorageError, OSError)

# PTB's shapes (its own aliases live in a private module).
ConversationKey = tuple[int | str, ...]
ConversationDict = dict[ConversationKey, object]
CDCData = tuple[list[tuple[str, float, dict[str, Any]]], dict[str, str]]


def _as_json(value: Any) -> Any:
    """``value`` as it will read back from JSON (dict keys become strings, tuples lists)."""
    return json.loads(json.dumps(value, ensure_ascii=False))


def _fingerprint(value: Any) -> bytes:
    return hashlib.blake2b(json.dumps(value, sort_keys=True).encode(), digest_size=16).digest()


def conversation_ref(name: str, key: ConversationKey) -> ConversationRef:
    return name, json.dumps(list(key))


class StorePersistence(BasePersistence[dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """A ``BasePersistence`` over the SQL store: JSON only, one transaction per update.

    Only JSON-serialisable data can be kept; anything else is logged and left out rather
    than crash the update. Dict keys come back as strings after a restart (JSON rules).
    """

    def __init__(self, store: Store, update_interval: float = 60) -> None:
        super().__init__(store_data=PersistenceInput(bot_data=False), update_interval=update_interval)
        self._rows = BotState(store)
        self._stored: dict[tuple[str, Any], bytes] = {}  # what each row holds, to skip no-op writes
        self._pending = Changes()
        self._shared = store.shared  # other instances write the same rows: read them for every update

    # -- loading: per update, not at start-up -------------------------------------------

    async def get_user_data(self) -> dict[int, dict[Any, Any]]:
        return {}

    async def get_chat_data(self) -> dict[int, dict[Any, Any]]:
        return {}

    async def get_bot_data(self) -> dict[Any, Any]:
        return {}

    async def get_callback_data(self) -> CDCData | None:
        doc = await self._rows.callback_data()
        if doc is None:
            return None
        return [(uuid, stamp, data) for uuid, stamp, data in doc["entries"]], doc["mapping"]

    async def get_conversations(self, name: str) -> ConversationDict:
        states = await self._rows.conversations_named(name)
        for key, state in states.items():
            self._stored[("conversation", (name, key))] = _fingerprint(state)
        return {tuple(json.loads(key)): state for key, state in states.items()}

    async def refresh_user_data(self, user_id: int, user_data: dict[Any, Any]) -> None:
        if self._stale("user", user_id, self._pending.user_data):
            await self._refresh("user", user_id, user_data, self._rows.user_data)

    async def refresh_chat_data(self, chat_id: int, chat_data: dict[Any, Any]) -> None:
        if self._stale("chat", chat_id, self._pending.chat_data):
            await self._refresh("chat", chat_id, chat_data, self._rows.chat_data)

    def _stale(self, kind: str, key: Any, pending: dict[Any, Any]) -> bool:
        """Whether memory may be behind the store: always when shared, else until first read or written.

        A queued (unwritten) change is newer than the store either way.
        """
        return key not in pending and (self._shared or (kind, key) not in self._stored)

    async def refresh_bot_data(self, bot_data: dict[Any, Any]) -> None:
        """``bot_data`` holds the live services: nothing to read."""

    async def _refresh(self, kind: str, key: int, memory: dict[Any, Any], read: Any) -> None:
        try:
            stored = await read(key) or {}
        except STORE_ERRORS:
            log.exception("could not read %s data %s; answering from memory", kind, key)
            return
        self._stored[(kind, key)] = _fingerprint(stored)
        memory.clear()
        memory.update(stored)

    async def refresh_conversations(self, application: Application, update: Update) -> None:  # type: ignore[type-arg]
        """Load this update's state of every persistent ConversationHandler (another instance may have moved it).

        PTB keeps conversation states in the handler's memory and offers no refresh hook for
        them, so this sets the handler's entry for the update's key directly. Without other
        writers (SQLite) memory is the truth: PTB loaded the open states at start-up.
        """
        if not self._shared:
            return
        found: dict[ConversationRef, tuple[ConversationHandler, ConversationKey]] = {}  # type: ignore[type-arg]
        for group in application.handlers.values():
            for handler in group:
                if isinstance(handler, ConversationHandler) and handler.persistent and handler.name:
                    try:
                        key = handler._get_key(update)
                    except RuntimeError:  # no chat or user in this update: not a conversation's
                        continue
                    ref = conversation_ref(handler.name, key)
                    if ref not in self._pending.conversations:
                        found[ref] = (handler, key)
        if not found:
            return
        try:
            states = await self._rows.conversations(found)
        except STORE_ERRORS:
            log.exception("could not read conversation states; answering from memory")
            return
        for ref, (handler, key) in found.items():
            state = states.get(ref)
            self._stored[("conversation", ref)] = _fingerprint(state)
            held = handler._conversations  # PTB's TrackingDict: set without marking it for a write
            if state is None:
                held.data.pop(key, None)
            else:
                held.update_no_track({key: state})

    # -- queueing changes -------------------------------------------------------------

    def _queue(self, kind: str, pending: dict[Any, Any], key: Any, value: Any) -> None:
        """Queue ``value`` for the next flush unless the store already holds it."""
        try:
            value = _as_json(value)
        except (TypeError, ValueError) as exc:
            log.error("not persisted: %s data %s is not JSON-serialisable (%s)", kind, key, exc)
            return
        absent = _fingerprint(None if kind == "conversation" else {})
        if key in pending or self._stored.get((kind, key), absent) != _fingerprint(value):
            pending[key] = value

    async def update_user_data(self, user_id: int, data: dict[Any, Any]) -> None:
        self._queue("user", self._pending.user_data, user_id, data)

    async def update_chat_data(self, chat_id: int, data: dict[Any, Any]) -> None:
        self._queue("chat", self._pending.chat_data, chat_id, data)

    async def update_bot_data(self, data: dict[Any, Any]) -> None:
        """Never called: ``bot_data`` holds the live services and is not persisted."""

    async def update_callback_data(self, data: CDCData) -> None:
        entries, mapping = data
        queued: dict[str, Any] = {}
        self._queue("callback", queued, "cache", {"entries": entries, "mapping": mapping})
        if queued:
            self._pending.callback_data = queued["cache"]

    async def update_conversation(self, name: str, key: ConversationKey, new_state: object | None) -> None:
        # None: finished; kept as a NULL state, pruned by the daily job
        self._queue("conversation", self._pending.conversations, conversation_ref(name, key), new_state)

    async def drop_user_data(self, user_id: int) -> None:
        self._pending.user_data[user_id] = None

    async def drop_chat_data(self, chat_id: int) -> None:
        self._pending.chat_data[chat_id] = None

    # -- writing ----------------------------------------------------------------------

    async def flush(self) -> None:
        """Write every queued change in one durable transaction.

        When the store fails, what was not written stays queued (behind anything queued since)
        and is written by the next flush: memory still holds it, nothing is dropped.
        """
        changes, self._pending = self._pending, Changes()
        if not changes:
            return
        try:
            await self._rows.write(changes)
        except BaseException:
            for name in ("user_data", "chat_data", "conversations"):
                newer = getattr(self._pending, name)
                setattr(self._pending, name, {**getattr(changes, name), **newer})
            if self._pending.callback_data is None:
                self._pending.callback_data = changes.callback_data
            raise
        for kind, rows in (("user", changes.user_data), ("chat", changes.chat_data)):
            for key, value in rows.items():
                self._stored[(kind, key)] = _fingerprint({} if value is None else value)
        for ref, state in changes.conversations.items():
            self._stored[("conversation", ref)] = _fingerprint(state)
        if changes.callback_data is not None:
            self._stored[("callback", "cache")] = _fingerprint(changes.callback_data)


class FlushingApplication(Application):  # type: ignore[type-arg]
    """An Application that reads the member's state before each update and writes it after, not once a minute.

    Updates are processed one at a time, so when the reply to an update is seen, the state
    changes of every earlier update are stored; a crash loses at most the update in flight.
    """

    async def process_update(self, update: object) -> None:
        persistence = self.persistence if isinstance(self.persistence, StorePersistence) else None
        if persistence is not None and isinstance(update, Update):
            await persistence.refresh_conversations(self, update)
        await super().process_update(update)
        if self.persistence and isinstance(update, Update):
            await self.update_persistence()

    async def update_persistence(self) -> None:
        await super().update_persistence()
        if self.persistence:
            try:
                await self.persistence.flush()
            except STORE_ERRORS:
                # The member already has their reply; keep serving, and retry with the next update.
                log.exception("state not saved yet; it stays queued for the next write")
