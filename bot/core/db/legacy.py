"""The one-time import of the state kept before the SQL store: ``DATA_DIR/state.json`` and its journals.

The old store was one TinyDB file (``{collection: {doc_id: {…, "_key": key}}}``) plus append-only
JSON-lines journals under ``DATA_DIR/journal/`` (announcement progress, weekly feedback). At the
first start with a ``state.json``, every importer (core: members and python-telegram-bot state;
staff: subscribers, announcements, hand-offs, feedback) writes its rows in ONE transaction that
also records the import in ``store_meta``; then the file becomes ``state.json.imported`` and the
journal directory ``journal.imported``. A crash between the commit and the rename only means the
rename happens at the next start: the import itself never runs twice.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.db import schema
from bot.core.db.engine import StorageError, Store

log = logging.getLogger(__name__)

STATE_FILE = "state.json"
JOURNAL_DIR = "journal"
IMPORTED = ".imported"
META_KEY = "legacy_state_json"

Doc = dict[str, Any]


@dataclass
class LegacyState:
    """The old file's collections (key → document) and the journals' records (stream → records)."""

    collections: dict[str, dict[str, Doc]] = field(default_factory=dict)
    journals: dict[str, list[Doc]] = field(default_factory=dict)

    def docs(self, collection: str) -> Iterator[tuple[str, Doc]]:
        yield from self.collections.get(collection, {}).items()

    @classmethod
    def read(cls, data_dir: Path) -> LegacyState:
        path = data_dir / STATE_FILE
        try:
            tables = json.loads(path.read_text(encoding="utf-8") or "{}")
        except json.JSONDecodeError as exc:
            raise StorageError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno}); nothing imported") from None
        collections = {
            name: {str(doc["_key"]): doc for doc in table.values() if isinstance(doc, dict) and "_key" in doc}
            for name, table in (tables.items() if isinstance(tables, dict) else ())
            if isinstance(table, dict)
        }
        return cls(collections, read_journals(data_dir / JOURNAL_DIR))


def read_journals(directory: Path) -> dict[str, list[Doc]]:
    """Every ``*.jsonl`` stream; a torn or foreign line (a crash mid-append) is skipped, as before."""
    journals: dict[str, list[Doc]] = {}
    for path in sorted(directory.glob("*.jsonl")) if directory.is_dir() else ():
        records = journals[path.stem] = []
        for line in path.read_bytes().split(b"\n"):
            try:
                record = json.loads(line)
            except (json.JSONDecodeError, UnicodeDecodeError):
                continue
            if isinstance(record, dict):
                records.append(record)
    return journals


def epoch(value: Any, default: float | None = None) -> float | None:
    """An ISO 8601 time (the old documents' format) or a number, as seconds since the epoch."""
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str) and value:
        try:
            return datetime.fromisoformat(value).timestamp()
        except ValueError:
            return default
    return default


Importer = Callable[[AsyncConnection, LegacyState], Awaitable[int]]


async def import_core(connection: AsyncConnection, state: LegacyState) -> int:
    """Members' preferences and python-telegram-bot's state; the row count."""
    now = time.time()
    rows: dict[Any, list[Doc]] = {
        schema.members: [
            {"user_id": int(key), "locale": doc.get("locale"), "updated_at": now}
            for key, doc in state.docs("users")
            if key.lstrip("-").isdigit()
        ],
        schema.ptb_user_data: [
            {"user_id": int(key), "data": doc["data"], "updated_at": now}
            for key, doc in state.docs("ptb_user_data")
            if key.lstrip("-").isdigit() and isinstance(doc.get("data"), dict)
        ],
        schema.ptb_chat_data: [
            {"chat_id": int(key), "data": doc["data"], "updated_at": now}
            for key, doc in state.docs("ptb_chat_data")
            if key.lstrip("-").isdigit() and isinstance(doc.get("data"), dict)
        ],
        schema.ptb_conversations: [
            {"name": doc["name"], "key": json.dumps(doc["key"]), "state": doc["state"], "updated_at": now}
            for _, doc in state.docs("ptb_conversations")
            if isinstance(doc.get("name"), str) and isinstance(doc.get("key"), list) and doc.get("state") is not None
        ],
        schema.ptb_callback_data: [
            {"id": "cache", "data": {"entries": doc.get("entries", []), "mapping": doc.get("mapping", {})}}
            for key, doc in state.docs("ptb_callback_data")
            if key == "cache"
        ],
    }
    for table, values in rows.items():
        if values:
            await connection.execute(insert(table), values)
    return sum(len(values) for values in rows.values())


async def import_legacy_state(store: Store, data_dir: Path, importers: Sequence[Importer]) -> int | None:
    """Import ``data_dir/state.json`` once (see the module docstring); the rows written, None without one."""
    path = data_dir / STATE_FILE
    if not path.exists():
        return None
    async with store.begin() as connection:
        done = await connection.scalar(select(schema.store_meta.c.value).where(schema.store_meta.c.key == META_KEY))
        count = 0
        if done is None:
            state = LegacyState.read(data_dir)
            for importer in importers:
                count += await importer(connection, state)
            record = {"imported_at": time.time(), "rows": count, "file": str(path)}
            await connection.execute(insert(schema.store_meta), {"key": META_KEY, "value": record})
    for old in (path, data_dir / JOURNAL_DIR):
        if old.exists():
            kept = old.with_name(old.name + IMPORTED)
            if kept.exists():  # imported before, and a new file appeared since: keep both
                kept = old.with_name(f"{old.name}{IMPORTED}.{int(time.time())}")
            old.rename(kept)
    log.info("imported %s into the SQL store (%d rows); kept as %s%s", path, count, path.name, IMPORTED)
    return count
