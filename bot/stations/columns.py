"""The station set as compact columns, built once by ``import-stations`` and loaded in a blink.

At national scale (ACFTU counted 186,100 stations at the end of 2024) one pydantic ``Station`` per
station costs ~4.5 KB and seconds to build. Here the set is three arrays and a few small tables:
the coordinates; one UTF-8 blob with offsets for the texts that differ from station to station
(id, name, address, phone); and, for each value that repeats (city, district, kind, hours,
facilities, source), a code into a table of its distinct values, plus the sample flag. Each array
keeps a station's values side by side, so making one station's model touches a few cache lines,
not one per field. The arrays go to one ``.npz`` file (no pickle: the tables are JSON) and come
back from it without parsing a row. A ``Station`` model is made only for the few an answer shows.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, NamedTuple, TypeVar

import numpy as np
from numpy.lib.npyio import NpzFile
from pydantic import ValidationError

from bot.core.content_loader import ContentError
from bot.core.content_models import Source, Station
from bot.core.storage import atomic_write_bytes

FORMAT = 1  # bumped when the layout changes; a file of another format is refused, not misread
TEXTS = ("id", "name", "address", "phone")  # station r's are strings r·4 … r·4+3 of the text column
CODED = ("city", "district", "kind", "hours", "facilities", "source")  # columns 0–5 of codes; 6 is the flag
SAMPLE = len(CODED)
WIDTH = len(CODED) + 1
T = TypeVar("T")


class StationFileError(ContentError):
    """The station file cannot be read (missing, damaged, or of another format); the message says which.

    A content error, so that a start-up with a damaged file stops with one clear line.
    """


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
    """Strings as one UTF-8 blob: string i is ``blob[offsets[i]:offsets[i + 1]]``."""

    blob: bytes
    offsets: np.ndarray  # int64, one more than the strings
    _ends: memoryview = field(init=False, repr=False, compare=False)  # plain ints, quicker than numpy's

    def __post_init__(self) -> None:
        object.__setattr__(self, "_ends", memoryview(self.offsets))

    @classmethod
    def of(cls, values: Sequence[str]) -> TextColumn:
        encoded = [value.encode() for value in values]
        offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
        np.cumsum(np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded)), out=offsets[1:])
        return cls(b"".join(encoded), offsets)

    def __getitem__(self, i: int) -> str:
        return self.blob[self._ends[i] : self._ends[i + 1]].decode()

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def check(self) -> None:
        ends = self.offsets
        if ends.ndim != 1 or not np.issubdtype(ends.dtype, np.integer) or len(ends) == 0:
            raise StationFileError("text offsets that are not a list of whole numbers")
        if ends[0] != 0 or ends[-1] != len(self.blob) or np.any(np.diff(ends) < 0):
            raise StationFileError("text offsets do not fit their blob")


@dataclass(frozen=True)
class CodedColumn(Generic[T]):
    """Values that repeat, as a code per row into a table of the distinct values."""

    codes: np.ndarray  # integers
    values: tuple[T, ...]

    @classmethod
    def of(cls, values: Iterable[T]) -> CodedColumn[T]:
        table: dict[T, int] = {}
        codes = np.fromiter((table.setdefault(value, len(table)) for value in values), dtype=np.int32)
        return cls(codes, tuple(table))


@dataclass(frozen=True, eq=False)
class StationColumns:
    coordinates: np.ndarray  # (n, 2) float64: lat, lon
    codes: np.ndarray  # (n, WIDTH) int32: a code for each CODED column, then the sample flag (0 or 1)
    texts: TextColumn  # n × len(TEXTS) strings, station by station
    tables: dict[str, tuple[Any, ...]]  # the distinct values of each CODED column
    _codes: memoryview = field(init=False, repr=False)
    _coordinates: memoryview = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_codes", memoryview(np.ascontiguousarray(self.codes).reshape(-1)))
        object.__setattr__(self, "_coordinates", memoryview(np.ascontiguousarray(self.coordinates).reshape(-1)))

    def __len__(self) -> int:
        return len(self.coordinates)

    def coded(self, name: str) -> CodedColumn[Any]:
        """One CODED column (city, district, …) with its table, e.g. to group stations by place."""
        return CodedColumn(self.codes[:, CODED.index(name)], self.tables[name])

    @property
    def sample(self) -> np.ndarray:
        return self.codes[:, SAMPLE].astype(bool)

    @classmethod
    def from_records(cls, records: Iterable[StationRecord]) -> StationColumns:
        rows = list(records)
        coded = {name: CodedColumn.of(getattr(r, name) for r in rows) for name in CODED}
        flags = np.fromiter((r.sample for r in rows), dtype=np.int32, count=len(rows))
        return cls(
            coordinates=np.array([(r.lat, r.lon) for r in rows], dtype=np.float64).reshape(-1, 2),
            codes=np.column_stack([*(coded[name].codes for name in CODED), flags]).astype(np.int32).reshape(-1, WIDTH),
            texts=TextColumn.of([text for r in rows for text in (r.id, r.name, r.address, r.phone)]),
            tables={name: column.values for name, column in coded.items()},
        )

    @classmethod
    def from_stations(cls, stations: Iterable[Station]) -> StationColumns:
        return cls.from_records(map(StationRecord.of, stations))

    def station(self, row: int) -> Station:
        """The model of one station, made on demand: only the few an answer shows ever need one.

        The values were checked at import; a copy of a blank model with every field replaced is
        pydantic's quickest way to a model of trusted values (quicker than ``model_construct``).
        """
        city, district, kind, hours, facilities, source, sample = self._codes[row * WIDTH : (row + 1) * WIDTH].tolist()
        tables, first = self.tables, row * len(TEXTS)
        return _BLANK.model_copy(
            update={
                "id": self.texts[first],
                "name": self.texts[first + 1],
                "address": self.texts[first + 2],
                "phone": self.texts[first + 3] or None,
                "city": tables["city"][city],
                "district": tables["district"][district],
                "kind": tables["kind"][kind],
                "hours": tables["hours"][hours],
                "facilities": list(tables["facilities"][facilities]),
                "source": tables["source"][source],
                "sample": bool(sample),
                "lat": self._coordinates[2 * row],
                "lon": self._coordinates[2 * row + 1],
            }
        )

    # -- the file -------------------------------------------------------------------

    def save(self, path: Path) -> None:
        """Write the columns to ``path`` atomically: readers see the old file or the new, never half."""
        tables = {"format": FORMAT, **{name: [_table_value(v) for v in self.tables[name]] for name in CODED}}
        arrays = {
            "coordinates": self.coordinates,
            "codes": self.codes,
            "texts_blob": np.frombuffer(self.texts.blob, dtype=np.uint8),
            "texts_offsets": self.texts.offsets,
            "tables": np.frombuffer(json.dumps(tables, ensure_ascii=False).encode(), dtype=np.uint8),
        }
        packed = io.BytesIO()
        np.savez(packed, **arrays)
        atomic_write_bytes(path, packed.getvalue())

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
        codes = data["codes"]
        if codes.ndim != 2 or codes.shape[1] != WIDTH or not np.issubdtype(codes.dtype, np.integer):
            raise StationFileError(f"{path}: codes of shape {codes.shape}, not (n, {WIDTH}) whole numbers")
        return cls(
            coordinates=data["coordinates"].astype(np.float64, copy=False),
            codes=codes.astype(np.int32, copy=False),
            texts=TextColumn(data["texts_blob"].tobytes(), data["texts_offsets"]),
            tables={name: _table(name, tables[name]) for name in CODED},
        )

    def check(self, path: Path) -> None:
        """The arrays agree on the number of stations, every code and offset is in range, every coordinate valid."""
        n = len(self.codes)
        if self.coordinates.shape != (n, 2) or len(self.texts) != n * len(TEXTS):
            raise StationFileError(f"{path}: arrays of different lengths")
        if not ((np.abs(self.coordinates) <= (90, 180)).all()):  # False for NaN too
            raise StationFileError(f"{path}: a coordinate out of range")
        sizes = [len(self.tables[name]) for name in CODED] + [2]
        if n and not ((self.codes >= 0) & (self.codes < sizes)).all():
            raise StationFileError(f"{path}: a code points outside its table")
        try:
            self.texts.check()
        except StationFileError as exc:
            raise StationFileError(f"{path}: {exc}") from None


_BLANK = Station.model_construct()


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
