"""Staff import of the real station list from a spreadsheet (CSV), all or nothing.

Union staff keep the list in Excel, which saves CSV as UTF-8 (with a BOM) or, on a
Chinese Windows, as GB18030; both are read. Every row is checked before anything is
written: one bad row and the current set stays as it is, and every bad row is reported
by its row number (the Excel row: the header is row 1) with a reason code, so staff can
fix the whole file in one pass. A good file replaces the set in one atomic write.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from pydantic import ValidationError

from bot.core.content_models import QAEntry, Source, Station, StationsFile
from bot.core.storage import atomic_write_text

COLUMNS = ("name", "city", "district", "address", "lat", "lon", "kind", "facilities", "hours", "phone")
REQUIRED = ("name", "city", "address", "lat", "lon", "kind")
RANGES = {"lat": (-90.0, 90.0), "lon": (-180.0, 180.0)}
ENCODINGS = ("utf-8-sig", "gb18030")
IMPORT_PUBLICATION = "工会工作人员导入"
_FACILITY_SEPARATORS = re.compile(r"[、;；]")


class UnreadableFile(Exception):
    """The file cannot be read as a station CSV at all; ``code`` says why, ``detail`` what."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code  # missing, encoding, empty, header
        self.detail = detail


@dataclass(frozen=True)
class RowError:
    row: int
    code: str  # columns, missing, not_number, out_of_range, duplicate, invalid
    column: str = ""
    value: str = ""
    other_row: int = 0  # for duplicate: the row it repeats


@dataclass(frozen=True)
class ImportResult:
    stations: tuple[Station, ...] = ()
    errors: tuple[RowError, ...] = ()
    cities: dict[str, int] = field(default_factory=dict)  # city → number of stations

    @property
    def ok(self) -> bool:
        return not self.errors


def decode(raw: bytes) -> str:
    """The text of the file, trying UTF-8 (with or without BOM) first, then GB18030."""
    for encoding in ENCODINGS:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFile("encoding", "not UTF-8 or GB18030")


def read_rows(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the (row number, cells) of every non-blank row."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UnreadableFile("missing", exc.strerror or str(exc)) from None
    if b"\x00" in raw:
        raise UnreadableFile("encoding", "binary file")
    reader = csv.reader(io.StringIO(decode(raw), newline=""))
    try:
        header = next(reader, None)
        rows = [(reader.line_num, cells) for cells in reader if any(c.strip() for c in cells)]
    except csv.Error as exc:
        raise UnreadableFile("encoding", f"row {reader.line_num}: {exc}") from None
    if header is None or not rows:
        raise UnreadableFile("empty")
    return [h.strip().lower() for h in header], rows


def check_header(header: list[str]) -> None:
    missing = [c for c in COLUMNS if c not in header]
    unknown = [c for c in header if c not in COLUMNS]
    if missing or unknown or len(set(header)) != len(header):
        raise UnreadableFile("header", ",".join(header))


def parse_rows(header: list[str], rows: list[tuple[int, list[str]]], today: date) -> ImportResult:
    source = Source(publication=IMPORT_PUBLICATION, date=today.isoformat())
    stations: list[Station] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for number, cells in rows:
        if len(cells) > len(header):
            errors.append(RowError(number, "columns", value=str(len(cells))))
            continue
        values = {name: unicodedata.normalize("NFKC", cell).strip() for name, cell in zip(header, cells, strict=False)}
        row_errors, station = _station(number, values, source)
        if station is not None:
            key = station.id
            if key in seen:
                row_errors.append(RowError(number, "duplicate", other_row=seen[key]))
            seen.setdefault(key, number)
        errors += row_errors
        if station is not None and not row_errors:
            stations.append(station)
    cities: dict[str, int] = {}
    for station in stations:
        cities[station.city] = cities.get(station.city, 0) + 1
    return ImportResult(tuple(stations), tuple(errors), cities)


def _station(number: int, values: dict[str, str], source: Source) -> tuple[list[RowError], Station | None]:
    errors = [RowError(number, "missing", column) for column in REQUIRED if not values.get(column)]
    coordinates: dict[str, float] = {}
    for column, (low, high) in RANGES.items():
        text = values.get(column, "")
        if not text:
            continue
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            errors.append(RowError(number, "not_number", column, text))
        elif not low <= value <= high:
            errors.append(RowError(number, "out_of_range", column, text))
        else:
            coordinates[column] = value
    if errors:
        return errors, None
    identity = "|".join((values["city"], values["name"], values["address"]))
    try:
        station = Station(
            id="st-" + hashlib.sha1(identity.encode()).hexdigest()[:12],
            name=values["name"],
            city=values["city"],
            district=values.get("district", ""),
            address=values["address"],
            lat=coordinates["lat"],
            lon=coordinates["lon"],
            kind=values["kind"],
            facilities=[f.strip() for f in _FACILITY_SEPARATORS.split(values.get("facilities", "")) if f.strip()],
            hours=values.get("hours", ""),
            phone=values.get("phone") or None,
            sample=False,
            source=source,
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        return [RowError(number, "invalid", str(first["loc"][0]) if first["loc"] else "", first["msg"])], None
    return [], station


def import_stations(path: Path, target: Path, qa: list[QAEntry], today: date | None = None) -> ImportResult:
    """Validate ``path`` and, when every row is good, replace ``target`` with it (keeping ``qa``)."""
    header, rows = read_rows(path)
    check_header(header)
    result = parse_rows(header, rows, today or date.today())
    if result.ok:
        data = StationsFile(stations=list(result.stations), qa=qa)
        atomic_write_text(target, json.dumps(data.model_dump(mode="json", exclude_none=True), ensure_ascii=False))
    return result
