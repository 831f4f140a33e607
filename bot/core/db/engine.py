"""The engine over the configured database, and the lock that keeps SQLite to one writing process.

``Store`` wraps SQLAlchemy's async engine: SQLite (aiosqlite) in ``DATA_DIR`` by default,
PostgreSQL (asyncpg) when ``DATABASE_URL`` is set. A transaction is durable when ``begin()``'s
block returns: SQLite runs in WAL mode with ``synchronous=FULL``, PostgreSQL commits.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import IO, Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

log = logging.getLogger(__name__)

SQLITE_FILE = "state.db"
LOCK_FILE = "state.db.lock"
POSTGRES_SCHEMES = ("postgresql", "postgres", "postgresql+asyncpg")


class StorageError(Exception):
    """The store cannot be opened, read or written; the message says which and why."""


class StoreLocked(StorageError):
    """Another process already writes the SQLite store in this ``DATA_DIR``."""


def database_url(data_dir: Path, configured: str | None) -> URL:
    """The SQLAlchemy URL: ``DATABASE_URL`` (postgresql://…, driven by asyncpg) or SQLite in ``data_dir``."""
    if not configured:
        return URL.create("sqlite+aiosqlite", database=str(Path(data_dir) / SQLITE_FILE))
    try:
        url = make_url(configured)
    except ArgumentError:
        raise StorageError("DATABASE_URL is not a URL like postgresql://user:pass@host:5432/db") from None
    if url.drivername not in POSTGRES_SCHEMES:
        raise StorageError(f"DATABASE_URL must start with postgresql://, not {url.drivername}://")
    return url.set(drivername="postgresql+asyncpg")


class WriterLock:
    """An exclusive ``flock`` on ``DATA_DIR/state.db.lock``, held for the life of the process.

    The kernel drops it when the process dies (also on ``kill -9``), so a crash never leaves a
    stale lock behind; the file itself stays and means nothing on its own.
    """

    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / LOCK_FILE
        self._fh: IO[str] | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fh = self.path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip() or "?"
            fh.close()
            raise StoreLocked(
                f"another process (pid {holder}) is using the store in {self.path.parent}; "
                "only one may write it (set DATABASE_URL to PostgreSQL to run several instances)"
            ) from None
        fh.truncate(0)
        fh.write(str(os.getpid()))
        fh.flush()
        self._fh = fh

    def release(self) -> None:
        if self._fh is not None:
            self._fh.close()  # closing the file releases the flock
            self._fh = None


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL, and a commit that is on disk when it returns (FULL syncs the WAL on each commit)."""
    cursor = dbapi_connection.cursor()
    for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON", "busy_timeout=5000"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


class Store:
    """An async SQLAlchemy engine over the configured database, and what the process knows of it.

    ``shared`` is True on PostgreSQL, where other instances write the same rows: whatever a
    process keeps in memory must then be read again for each update.
    """

    def __init__(self, engine: AsyncEngine, lock: WriterLock | None = None) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        self.shared = self.dialect == "postgresql"
        self._lock = lock

    @classmethod
    def create(cls, data_dir: Path, configured_url: str | None = None) -> Store:
        """The engine, not yet connected; SQLite takes the writer lock here, before anything is read."""
        url = database_url(data_dir, configured_url)
        if url.drivername.startswith("sqlite"):
            lock = WriterLock(data_dir)
            lock.acquire()
            # One connection: every statement of the process is serialised, so no transaction ever
            # meets SQLITE_BUSY from a sibling; the writer lock keeps other processes out.
            engine = create_async_engine(url, json_serializer=_json, pool_size=1, max_overflow=0, pool_timeout=60)
            event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
            return cls(engine, lock)
        return cls(create_async_engine(url, json_serializer=_json, pool_pre_ping=True))

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[AsyncConnection]:
        """A transaction: committed, and durable, when the block returns; rolled back if it raises."""
        async with self.engine.begin() as connection:
            yield connection

    @asynccontextmanager
    async def connect(self) -> AsyncIterator[AsyncConnection]:
        """A connection for reads (nothing is committed)."""
        async with self.engine.connect() as connection:
            yield connection

    @property
    def url(self) -> str:
        """The database, for logs (never with its password)."""
        return self.engine.url.render_as_string(hide_password=True)

    async def close(self) -> None:
        await self.engine.dispose()
        if self._lock is not None:
            self._lock.release()
