"""Read the SQLite store the way another process would: a read-only sqlite3 connection of its own.

What it sees is what is committed (durable), whatever the bot under test still holds in memory;
it takes no writer lock, so it works beside a running bot (the kill tests) or open services.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from bot.core.db.engine import SQLITE_FILE


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
