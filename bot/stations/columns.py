"""The station set as compact columns, built once by ``import-stations`` and loaded in a blink.

At national scale (ACFTU counted 186,100 stations at the end of 2024) one pydantic ``Station`` per
station costs ~4.5 KB and seconds to build. Here the set is columns instead: numpy arrays for the
coordinates and the sample flag; one UTF-8 blob with offsets for each text that differs from station
to station (id, name, address, phone); and codes into a small table for each value that repeats
(city, district, kind, hours, facilities, source). The columns go to one ``.npz`` file (no pickle:
the tables are JSON) and come back from it without parsing a row. A ``Station`` model is made only
for the few stations an answer shows.
"""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, NamedTuple, TypeVar

import numpy as np
from numpy.lib.npyio import NpzFile
from pydantic import ValidationError

from bot.core.content_models import Source, Station

FORMAT = 1  # bumped when the layout changes; a file of another format is refused, not misread
TEXTS = ("id", "name", "address", "phone")
CODED = ("city", "district", "kind", "hours", "facilities", "source")
T = TypeVar("T")


class StationFileError(Exception):
    """The station file cannot be read (missing, damaged, or of another format); the message says which."""


class StationRecord(NamedTuple):
    """One station as plain values: what the spreadsheet import produces, without a model's weight."""

    id: str
    name: str
    city: str
    district: str
    address: str
    lat: float
    lon: float
    kind: str
    facilities: tuple[str, ...]
    hours: str
    phone: str  # "" when there is none
    sample: bool
    source: Source

    @classmethod
    def of(cls, station: Station) -> StationRecord:
        fields = station.model_dump(exclude={"facilities", "phone", "source"})
        return cls(**fields, facilities=tuple(station.facilities), phone=station.phone or "", source=station.source)


@dataclass(frozen=True)
class TextColumn:
    """Strings that differ per row, as one UTF-8 blob: row i is ``blob[offsets[i]:offsets[i + 1]]``."""

    blob: bytes
    offsets: np.ndarray  # int64, one more than the rows

    @classmethod
    def of(cls, values: Sequence[str]) -> TextColumn:
        encoded = [value.encode() for value in values]
        offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
        np.cumsum(np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded)), out=offsets[1:])
        return cls(b"".join(encoded), offsets)

    def __getitem__(self, row: int) -> str:
        return self.blob[self.offsets[row] : self.offsets[row + 1]].decode()

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def check(self) -> None:
        ends = self.offsets
        if not np.issubdtype(ends.dtype, np.integer) or len(ends) == 0:
            raise StationFileError("text offsets that are not whole numbers")
        if ends[0] != 0 or ends[-1] != len(self.blob) or np.any(np.diff(ends) < 0):
            raise StationFileError("text offsets do not fit their blob")


@dataclass(frozen=True)
class CodedColumn(Generic[T]):
    """Values that repeat, as a code per row into a table of the distinct values."""

    codes: np.ndarray  # int32
    values: tuple[T, ...]

    @classmethod
    def of(cls, values: Iterable[T]) -> CodedColumn[T]:
        table: dict[T, int] = {}
        codes = np.fromiter((table.setdefault(value, len(table)) for value in values), dtype=np.int32)
        return cls(codes, tuple(table))

    def __getitem__(self, row: int) -> T:
        return self.values[self.codes[row]]

    def __len__(self) -> int:
        return len(self.codes)

    def check(self) -> None:
        if not np.issubdtype(self.codes.dtype, np.integer):
            raise StationFileError("codes that are not whole numbers")
        if len(self.codes) and not (self.codes.min() >= 0 and self.codes.max() < len(self.values)):
            raise StationFileError("a code points outside its table")


@dataclass(frozen=True)
class StationColumns:
    lat: np.ndarray  # float64
    lon: np.ndarray  # float64
    sample: np.ndarray  # bool
    id: TextColumn
    name: TextColumn
    address: TextColumn
    phone: TextColumn
    city: CodedColumn[str]
    district: CodedColumn[str]
    kind: CodedColumn[str]
    hours: CodedColumn[str]
    facilities: CodedColumn[tuple[str, ...]]
    source: CodedColumn[Source]

    def __len__(self) -> int:
        return len(self.lat)

    @classmethod
    def from_records(cls, records: Iterable[StationRecord]) -> StationColumns:
        rows = list(records)
        column = {name: [getattr(r, name) for r in rows] for name in StationRecord._fields}
        return cls(
            lat=np.array(column["lat"], dtype=np.float64),
            lon=np.array(column["lon"], dtype=np.float64),
            sample=np.array(column["sample"], dtype=bool),
            **{name: TextColumn.of(column[name]) for name in TEXTS},
            **{name: CodedColumn.of(column[name]) for name in CODED},
        )

    @classmethod
    def from_stations(cls, stations: Iterable[Station]) -> StationColumns:
        return cls.from_records(map(StationRecord.of, stations))

    def station(self, row: int) -> Station:
        """The model of one station, made on demand: only the few an answer shows ever need one."""
        return Station.model_construct(
            id=self.id[row],
            name=self.name[row],
            city=self.city[row],
            district=self.district[row],
            address=self.address[row],
            lat=float(self.lat[row]),
            lon=float(self.lon[row]),
            kind=self.kind[row],
            facilities=list(self.facilities[row]),
            hours=self.hours[row],
            phone=self.phone[row] or None,
            sample=bool(self.sample[row]),
            source=self.source[row],
        )

    # -- the file -------------------------------------------------------------------

    def save(self, path: Path) -> None:
        """Write the columns to ``path`` atomically: readers see the old file or the new, never half."""
        tables: dict[str, Any] = {"format": FORMAT}
        arrays: dict[str, np.ndarray] = {"lat": self.lat, "lon": self.lon, "sample": self.sample}
        for name in TEXTS:
            text: TextColumn = getattr(self, name)
            arrays[f"{name}_blob"] = np.frombuffer(text.blob, dtype=np.uint8)
            arrays[f"{name}_offsets"] = text.offsets
        for name in CODED:
            coded: CodedColumn[Any] = getattr(self, name)
            arrays[f"{name}_codes"] = coded.codes
            tables[name] = [_table_value(value) for value in coded.values]
        arrays["tables"] = np.frombuffer(json.dumps(tables, ensure_ascii=False).encode(), dtype=np.uint8)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(handle, "wb") as out:
                np.savez(out, **arrays)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    @classmethod
    def load(cls, path: Path) -> StationColumns:
        """The columns in ``path``, checked to fit together; StationFileError when they cannot be read."""
        try:
            with path.open("rb") as handle:  # ours to close, also when numpy finds no zip in it
                data = np.load(handle, allow_pickle=False)
                if not isinstance(data, NpzFile):
                    raise StationFileError(f"{path}: not a station file")
                with data:
                    columns = cls._read(path, data)
        except StationFileError:
            raise
        except (OSError, EOFError, ValueError, KeyError, TypeError, zipfile.BadZipFile, ValidationError) as exc:
            raise StationFileError(f"{path}: {type(exc).__name__}: {exc}") from None
        columns.check(path)
        return columns

    @classmethod
    def _read(cls, path: Path, data: NpzFile) -> StationColumns:
        tables = json.loads(data["tables"].tobytes())
        if not isinstance(tables, dict) or tables.get("format") != FORMAT:
            raise StationFileError(f"{path}: not a station file of format {FORMAT}")
        return cls(
            lat=data["lat"].astype(np.float64, copy=False),
            lon=data["lon"].astype(np.float64, copy=False),
            sample=data["sample"].astype(bool, copy=False),
            **{name: TextColumn(data[f"{name}_blob"].tobytes(), data[f"{name}_offsets"]) for name in TEXTS},
            **{name: CodedColumn(data[f"{name}_codes"], _table(name, tables[name])) for name in CODED},
        )

    def check(self, path: Path) -> None:
        """Every column as long as the others, every code and offset in range, every coordinate valid."""
        parts: list[TextColumn | CodedColumn[Any]] = [getattr(self, name) for name in (*TEXTS, *CODED)]
        if {len(part) for part in parts} | {len(self.lon), len(self.sample)} != {len(self)}:
            raise StationFileError(f"{path}: columns of different lengths")
        in_range = (np.abs(self.lat) <= 90) & (np.abs(self.lon) <= 180)  # False for NaN too
        if not in_range.all():
            raise StationFileError(f"{path}: a coordinate out of range")
        try:
            for part in parts:
                part.check()
        except StationFileError as exc:
            raise StationFileError(f"{path}: {exc}") from None


def _table_value(value: object) -> object:
    if isinstance(value, Source):
        return value.model_dump(mode="json", exclude_none=True)
    return list(value) if isinstance(value, tuple) else value


def _table(name: str, values: list[Any]) -> tuple[Any, ...]:
    """A code table as read from JSON, back in the types the columns hold."""
    if name == "source":
        return tuple(Source.model_validate(value) for value in values)
    if name == "facilities":
        return tuple(tuple(str(f) for f in value) for value in values)
    return tuple(str(value) for value in values)
