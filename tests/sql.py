"""Read the SQLite store the way another process would (read-only sqlite3), or set one up at an old revision.

What it sees is what is committed (durable), whatever the bot under test still holds in memory;
it takes no writer lock, so it works beside a running bot (the kill tests) or open services.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from alembic import command
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.db.engine import SQLITE_FILE, Store
from bot.core.db.migrations import alembic_config


def rows(data_dir: Path, query: str, *params: Any) -> list[tuple[Any, ...]]:
    path = Path(data_dir) / SQLITE_FILE
    if not path.exists():
        return []
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
    try:
        return connection.execute(query, params).fetchall()
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):  # the bot has not migrated it yet
            return []
        raise
    finally:
        connection.close()


def scalar(data_dir: Path, query: str, *params: Any) -> Any:
    found = rows(data_dir, query, *params)
    return found[0][0] if found else None


@asynccontextmanager
async def store_at_revision(data_dir: Path, url: str | None, revision: str) -> AsyncIterator[AsyncConnection]:
    """A store migrated only as far as ``revision`` (an older one), to fill with rows of that schema."""
    store = Store.create(data_dir, url)
    try:
        async with store.begin() as connection:
            await connection.run_sync(lambda sync: command.upgrade(alembic_config(sync), revision))
            yield connection
    finally:
        await store.close()
