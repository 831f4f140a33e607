"""``run_bot.py migrate``: bring the store to the newest schema (and import an old state.json), then exit.

The bot does the same at every start; this verb lets an operator do it ahead of a deploy, e.g.
once against the PostgreSQL that several instances are about to share. Exit 0 when the store is
at the newest revision, 1 when it cannot be opened (another process holds the SQLite store, or
the database is unreachable), with one line saying why.
"""

from __future__ import annotations

import asyncio
import sys

from bot.core.db.migrations import current_revision, head_revision
from bot.core.settings import Settings
from bot.core.storage import StorageError, open_store
from bot.staff.legacy import import_staff


async def _migrate(settings: Settings) -> str:
    store = await open_store(settings.data_dir, settings.database_url, importers=(import_staff,))
    try:
        async with store.connect() as connection:
            revision = await connection.run_sync(current_revision)
        return f"store {store.url}: at revision {revision} (newest {head_revision()})"
    finally:
        await store.close()


def main(settings: Settings) -> int:
    try:
        print(asyncio.run(_migrate(settings)))
    except StorageError as exc:
        print(f"存储不可用 / store unavailable: {exc}", file=sys.stderr)
        return 1
    return 0
