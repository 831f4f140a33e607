"""The one place writable state goes through: an SQL store, SQLite in ``DATA_DIR`` or PostgreSQL.

Members, preferences, subscriptions, python-telegram-bot's state, announcements and their
delivery, feedback and hand-offs are rows in the tables of ``bot/core/db/schema.py``; a state
change writes the rows it changes, not the whole state. Domain classes take a ``Store`` and run
SQLAlchemy Core statements on the connection ``begin()`` gives them; a transaction is durable
when the ``async with`` block returns (SQLite: WAL with ``synchronous=FULL``; PostgreSQL: its
commit).

SQLite is embedded: one process writes it, and a second one on the same ``DATA_DIR`` is refused
at start-up (``StoreLocked``) instead of both losing writes. Several instances need PostgreSQL
(``DATABASE_URL``).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from bot.core.db.engine import StorageError, Store, StoreLocked
from bot.core.db.legacy import Importer, import_core, import_legacy_state
from bot.core.db.migrations import upgrade

__all__ = ["Importer", "StorageError", "Store", "StoreLocked", "atomic_write_bytes", "open_store"]


async def open_store(data_dir: Path, configured_url: str | None = None, importers: Sequence[Importer] = ()) -> Store:
    """The store, migrated to the current schema, with an old ``state.json`` imported once.

    ``importers`` add the rows of the parts outside core (staff data) to that one-time import.

    Raises ``StoreLocked`` when another process holds the SQLite store, ``StorageError`` when the
    database cannot be reached or migrated.
    """
    store = Store.create(data_dir, configured_url)
    try:
        await upgrade(store)
        await import_legacy_state(store, Path(data_dir), (import_core, *importers))
    except (SQLAlchemyError, OSError) as exc:
        await store.close()
        raise StorageError(f"cannot open the store at {store.url}: {exc.__class__.__name__}: {exc}") from None
    except BaseException:
        await store.close()
        raise
    return store


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Replace a file staff replace whole (the imported stations) so readers see the old or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
