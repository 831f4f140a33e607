"""python-telegram-bot persistence in the project's Store, so state survives a restart.

user_data, chat_data, conversation states (unfinished questionnaires) and the callback-data
cache are kept as JSON documents in ``bot/core/storage.py`` collections, not pickled: the file
stays readable, diffable and safe to load. ``bot_data`` is not persisted: it holds the
live ``Services`` object, rebuilt at every start.

Writes are batched per update: PTB hands changed entries to ``update_*``; they are queued,
unchanged ones skipped, and ``flush`` writes each collection once. ``FlushingApplication``
flushes after every update, so state is on disk before the next update is taken.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from telegram import Update
from telegram.ext import Application, BasePersistence, PersistenceInput

from bot.core.storage import Doc, StorageError, Store

log = logging.getLogger(__name__)

USER_DATA = "ptb_user_data"
CHAT_DATA = "ptb_chat_data"
CONVERSATIONS = "ptb_conversations"
CALLBACK_DATA = "ptb_callback_data"
_CALLBACK_KEY = "cache"
_ABSENT = {USER_DATA: {"data": {}}, CHAT_DATA: {"data": {}}}  # what a missing document stands for

# PTB's shapes (its own aliases live in a private module).
ConversationKey = tuple[int | str, ...]
ConversationDict = dict[ConversationKey, object]
CDCData = tuple[list[tuple[str, float, dict[str, Any]]], dict[str, str]]


def _as_json(value: Any) -> Any:
    """``value`` as it will read back from JSON (dict keys become strings, tuples lists)."""
    return json.loads(json.dumps(value, ensure_ascii=False))


class StorePersistence(BasePersistence[dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """A ``BasePersistence`` over a ``Store``: JSON only, written in one batch per collection.

    Only JSON-serialisable data can be kept; anything else is logged and left out rather
    than crash the update. Dict keys come back as strings after a restart (JSON rules).
    """

    def __init__(self, store: Store, update_interval: float = 60) -> None:
        super().__init__(store_data=PersistenceInput(bot_data=False), update_interval=update_interval)
        self._store = store
        self._on_disk: dict[tuple[str, str], Any] = {}  # what each document holds, to skip no-op writes
        self._pending: dict[str, dict[str, Doc]] = {}

    # -- loading ----------------------------------------------------------------------

    def _load(self, collection: str) -> dict[str, Doc]:
        docs = self._store.all(collection)
        for key, doc in docs.items():
            self._on_disk[(collection, key)] = doc
        return docs

    async def get_user_data(self) -> dict[int, dict[Any, Any]]:
        return {int(key): doc["data"] for key, doc in self._load(USER_DATA).items() if doc.get("data") is not None}

    async def get_chat_data(self) -> dict[int, dict[Any, Any]]:
        return {int(key): doc["data"] for key, doc in self._load(CHAT_DATA).items() if doc.get("data") is not None}

    async def get_bot_data(self) -> dict[Any, Any]:
        return {}

    async def get_callback_data(self) -> CDCData | None:
        doc = self._load(CALLBACK_DATA).get(_CALLBACK_KEY)
        if doc is None:
            return None
        entries, mapping = doc["entries"], doc["mapping"]
        return [(uuid, stamp, data) for uuid, stamp, data in entries], mapping

    async def get_conversations(self, name: str) -> ConversationDict:
        return {
            tuple(doc["key"]): doc["state"]
            for doc in self._load(CONVERSATIONS).values()
            if doc["name"] == name and doc["state"] is not None
        }

    # -- queueing changes -------------------------------------------------------------

    def _queue(self, collection: str, key: str, doc: Doc) -> None:
        try:
            doc = _as_json(doc)
        except (TypeError, ValueError) as exc:
            log.error("not persisted: %s[%s] is not JSON-serialisable (%s)", collection, key, exc)
            return
        if self._on_disk.get((collection, key), _ABSENT.get(collection)) == doc:
            return  # unchanged, or empty data for a user never stored: nothing to write
        self._pending.setdefault(collection, {})[key] = doc

    async def update_user_data(self, user_id: int, data: dict[Any, Any]) -> None:
        self._queue(USER_DATA, str(user_id), {"data": data})

    async def update_chat_data(self, chat_id: int, data: dict[Any, Any]) -> None:
        self._queue(CHAT_DATA, str(chat_id), {"data": data})

    async def update_bot_data(self, data: dict[Any, Any]) -> None:
        """Never called: ``bot_data`` holds the live services and is not persisted."""

    async def update_callback_data(self, data: CDCData) -> None:
        entries, mapping = data
        self._queue(CALLBACK_DATA, _CALLBACK_KEY, {"entries": entries, "mapping": mapping})

    async def update_conversation(self, name: str, key: ConversationKey, new_state: object | None) -> None:
        # A finished conversation is kept as state null, so that it joins the same batch write.
        self._queue(CONVERSATIONS, json.dumps([name, *key]), {"name": name, "key": list(key), "state": new_state})

    async def drop_user_data(self, user_id: int) -> None:
        self._queue(USER_DATA, str(user_id), {"data": None})

    async def drop_chat_data(self, chat_id: int) -> None:
        self._queue(CHAT_DATA, str(chat_id), {"data": None})

    # The data in memory is authoritative: this process is the only writer.
    async def refresh_user_data(self, user_id: int, user_data: dict[Any, Any]) -> None:
        pass

    async def refresh_chat_data(self, chat_id: int, chat_data: dict[Any, Any]) -> None:
        pass

    async def refresh_bot_data(self, bot_data: dict[Any, Any]) -> None:
        pass

    # -- writing ----------------------------------------------------------------------

    async def flush(self) -> None:
        """Write every queued change: one durable store write per changed collection.

        When the store fails (disk full, file not writable), what was not written stays
        queued and is written by the next flush: memory still holds it, nothing is dropped.
        """
        for collection in list(self._pending):
            docs = self._pending[collection]
            self._store.put_many(collection, docs)
            del self._pending[collection]
            for key, doc in docs.items():
                self._on_disk[(collection, key)] = doc


class FlushingApplication(Application):  # type: ignore[type-arg]
    """An Application that writes changed state after each update, not once a minute.

    Updates are processed one at a time, so when the reply to an update is seen, the state
    changes of every earlier update are on disk; a crash loses at most the update in flight.
    """

    async def process_update(self, update: object) -> None:
        await super().process_update(update)
        if self.persistence and isinstance(update, Update):
            await self.update_persistence()

    async def update_persistence(self) -> None:
        await super().update_persistence()
        if self.persistence:
            try:
                await self.persistence.flush()
            except (StorageError, OSError):
                # The member already has their reply; keep serving, and retry with the next update.
                log.exception("state not saved yet; it stays queued for the next write")
