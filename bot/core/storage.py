"""The one place writable state goes through: preferences, subscriptions, announcements, progress.

``Store`` is the interface the rest of the code uses; ``TinyStore`` is the embedded
default. A server database only has to implement ``Store``. Every write is durable
when the call returns: the file is replaced atomically (temp file, fsync, rename), so
a ``kill -9`` leaves either the old or the new file, never a torn one.

``Journal`` is the second, append-only interface, for per-recipient delivery progress:
rewriting the whole TinyDB file costs ~70 ms at 50k documents, far too slow per message,
while appending one fsync'd JSON line costs well under a millisecond on local disk.
"""

from __future__ import annotations

import copy
import json
import os
import re
import tempfile
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, BinaryIO

from tinydb import TinyDB
from tinydb.storages import Storage

Doc = dict[str, Any]


class StorageError(Exception):
    """The data file cannot be read or written; the message names the file."""


def atomic_write_text(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` so that readers see the old or the new file, never half."""
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so that readers see the old or the new file, never half."""
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


class AtomicJSONStorage(Storage):
    """TinyDB storage that keeps the data in memory and writes it through atomically.

    The process owns its data file, so reads come from memory; every write replaces
    the whole file atomically before returning.
    """

    def __init__(self, path: str) -> None:
        self._path = Path(path)
        self._data: dict[str, dict[str, Any]] | None = None

    def read(self) -> dict[str, dict[str, Any]] | None:
        if self._data is None:
            try:
                text = self._path.read_text(encoding="utf-8")
            except FileNotFoundError:
                return None
            try:
                self._data = json.loads(text) if text.strip() else {}
            except json.JSONDecodeError as exc:
                raise StorageError(f"{self._path}: not valid JSON ({exc.msg} at line {exc.lineno})") from None
        return self._data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        try:
            atomic_write_text(self._path, json.dumps(data, ensure_ascii=False, separators=(",", ":")))
        except BaseException:
            self._data = None  # memory may now differ from disk: reload on next read
            raise
        self._data = data

    def close(self) -> None:
        self._data = None


class Store(ABC):
    """Collections of JSON documents addressed by string keys."""

    @abstractmethod
    def get(self, collection: str, key: str) -> Doc | None: ...

    @abstractmethod
    def put(self, collection: str, key: str, doc: Doc) -> None:
        """Insert or replace one document, durably."""

    @abstractmethod
    def put_many(self, collection: str, docs: Mapping[str, Doc]) -> None:
        """Insert or replace many documents in one durable write."""

    @abstractmethod
    def delete(self, collection: str, key: str) -> bool: ...

    @abstractmethod
    def all(self, collection: str) -> dict[str, Doc]: ...

    def find(self, collection: str, predicate: Callable[[Doc], bool]) -> dict[str, Doc]:
        return {key: doc for key, doc in self.all(collection).items() if predicate(doc)}

    def items(self, collection: str) -> Iterator[tuple[str, Doc]]:
        return iter(self.all(collection).items())

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release resources; the default has none."""


class TinyStore(Store):
    """``Store`` on TinyDB, one JSON file in ``data_dir``; safe to call from several threads.

    Each document keeps its key in ``_key``; an in-memory key → doc_id index makes a
    lookup O(1) instead of a scan, which matters at tens of thousands of subscribers.
    """

    KEY = "_key"

    def __init__(self, data_dir: Path, filename: str = "state.json") -> None:
        self.path = Path(data_dir) / filename
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._db = TinyDB(str(self.path), storage=AtomicJSONStorage)
        self._ids: dict[str, dict[str, int]] = {}
        with self._lock:
            self._db.tables()  # fail at start-up, not at the first write, on a broken file

    def _index(self, collection: str) -> dict[str, int]:
        if collection not in self._ids:
            self._ids[collection] = {d[self.KEY]: d.doc_id for d in self._db.table(collection).all()}
        return self._ids[collection]

    def get(self, collection: str, key: str) -> Doc | None:
        with self._lock:
            doc_id = self._index(collection).get(key)
            doc = None if doc_id is None else self._db.table(collection).get(doc_id=doc_id)
        return None if doc is None else self._strip(doc)

    def put(self, collection: str, key: str, doc: Doc) -> None:
        self.put_many(collection, {key: doc})

    def put_many(self, collection: str, docs: Mapping[str, Doc]) -> None:
        if not docs:
            return
        with self._lock:
            index = self._index(collection)
            assigned = dict(index)
            next_id = max(index.values(), default=0) + 1
            for key in docs:
                if key not in assigned:
                    assigned[key] = next_id
                    next_id += 1

            def upsert(rows: dict[int, Doc]) -> None:
                for key, doc in docs.items():
                    rows[assigned[key]] = {**copy.deepcopy(doc), self.KEY: key}

            table = self._db.table(collection)
            # One storage write for the whole batch: TinyDB's public upsert writes per document.
            table._update_table(upsert)
            table._next_id = None
            self._ids[collection] = assigned

    def delete(self, collection: str, key: str) -> bool:
        with self._lock:
            doc_id = self._index(collection).pop(key, None)
            if doc_id is None:
                return False
            self._db.table(collection).remove(doc_ids=[doc_id])
        return True

    def all(self, collection: str) -> dict[str, Doc]:
        with self._lock:
            docs = self._db.table(collection).all()
        return {d[self.KEY]: self._strip(d) for d in docs}

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _strip(self, doc: Mapping[str, Any]) -> Doc:
        return {k: copy.deepcopy(v) for k, v in doc.items() if k != self.KEY}


def open_store(data_dir: Path) -> Store:
    """The configured store; the one seam where a server database would be chosen."""
    return TinyStore(data_dir)


class Journal(ABC):
    """Append-only streams of small JSON records; a record is durable when ``append`` returns."""

    @abstractmethod
    def append(self, stream: str, record: Doc) -> None: ...

    @abstractmethod
    def read(self, stream: str) -> list[Doc]:
        """Every durable record of ``stream`` in append order; an unknown stream is empty."""

    @abstractmethod
    def discard(self, stream: str) -> None:
        """Forget a stream whose records are no longer needed."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release resources; the default has none."""


class FileJournal(Journal):
    """One JSON-lines file per stream under ``directory``, each line fsync'd before returning.

    A ``kill -9`` can leave at most the last line torn; ``read`` ignores a line that is
    not complete JSON, which is exactly the record whose ``append`` never returned.
    """

    SAFE = re.compile(r"^[A-Za-z0-9_.-]+$")

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self._files: dict[str, BinaryIO] = {}
        self._lock = threading.Lock()

    def _path(self, stream: str) -> Path:
        if not self.SAFE.match(stream):
            raise StorageError(f"journal stream name {stream!r} is not a safe file name")
        return self.directory / f"{stream}.jsonl"

    def append(self, stream: str, record: Doc) -> None:
        line = json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
        with self._lock:
            fh = self._files.get(stream)
            if fh is None:
                fh = self._files[stream] = self._open(stream)
            fh.write(line)
            fh.flush()
            os.fdatasync(fh.fileno())

    def _open(self, stream: str) -> BinaryIO:
        path = self._path(stream)
        fh = path.open("ab")
        if fh.tell() > 0:
            with path.open("rb") as check:  # a torn tail from a crash: start a fresh line after it
                check.seek(-1, os.SEEK_END)
                if check.read(1) != b"\n":
                    fh.write(b"\n")
        return fh

    def read(self, stream: str) -> list[Doc]:
        try:
            raw = self._path(stream).read_bytes()
        except FileNotFoundError:
            return []
        records = []
        for line in raw.split(b"\n"):
            try:
                record = json.loads(line)
            except (json.JSONDecodeError, UnicodeDecodeError):
                continue  # an empty line, or the torn tail of an append that never returned
            if isinstance(record, dict):
                records.append(record)
        return records

    def discard(self, stream: str) -> None:
        with self._lock:
            fh = self._files.pop(stream, None)
            if fh is not None:
                fh.close()
            self._path(stream).unlink(missing_ok=True)

    def close(self) -> None:
        with self._lock:
            for fh in self._files.values():
                fh.close()
            self._files.clear()


def open_journal(data_dir: Path) -> Journal:
    """The configured journal; a server database would implement ``Journal`` as a table."""
    return FileJournal(Path(data_dir) / "journal")
