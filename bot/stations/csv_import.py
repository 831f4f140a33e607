"""Staff import of the real station list from a spreadsheet (CSV), all or nothing.

Union staff keep the list in Excel, which saves CSV as UTF-8 (with a BOM) or in the system's
code page: GB18030 on a mainland Windows, Big5 on a Traditional-Chinese one (``encoding.py``
tells them apart). Every row is checked before anything is written: one bad row and the current
set stays as it is, and every bad row is reported by its spreadsheet row number (the header is
row 1; a cell with a line break in it is still one row) with a reason code, so staff can fix the
whole file in one pass. A good file replaces the set in one atomic write of compact columns
(``columns.py``), which a running bot picks up without a restart.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from bot.core.content_models import Source
from bot.stations.columns import StationColumns, StationRecord
from bot.stations.encoding import NotText, decode_spreadsheet

COLUMNS = ("name", "city", "district", "address", "lat", "lon", "kind", "facilities", "hours", "phone")
REQUIRED = ("name", "city", "address", "lat", "lon", "kind")
RANGES = {"lat": (-90.0, 90.0), "lon": (-180.0, 180.0)}
MAX_CELL = 200  # characters: longer is an unclosed quote swallowing the rows after it, not a name
IMPORT_PUBLICATION = "工会工作人员导入"
_FACILITY_SEPARATORS = re.compile(r"[、;；\n]")  # and a line break in the cell (Alt+Enter in Excel)


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
    stations: tuple[StationRecord, ...] = ()
    errors: tuple[RowError, ...] = ()
    cities: dict[str, int] = field(default_factory=dict)  # city → number of stations

    @property
    def ok(self) -> bool:
        return not self.errors


def decode(raw: bytes) -> str:
    """The text of the file: UTF-8, GB18030 or Big5, told apart by ``encoding.py``."""
    try:
        return decode_spreadsheet(raw)
    except NotText as exc:
        raise UnreadableFile("encoding", str(exc)) from None


def read_rows(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the (spreadsheet row, cells) of every non-blank row.

    The row is the record's number, not the reader's line count: a quoted cell with a line
    break spans two lines of the file but is one row in Excel.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UnreadableFile("missing", exc.strerror or str(exc)) from None
    if b"\x00" in raw:
        raise UnreadableFile("encoding", "binary file")
    reader = csv.reader(io.StringIO(decode(raw), newline=""))
    rows: list[tuple[int, list[str]]] = []
    number = 0  # rows read whole so far: the header is row 1, and blank rows count
    try:
        header = next(reader, None)
        number = 1
        for cells in reader:
            number += 1
            if any(c.strip() for c in cells):
                rows.append((number, cells))
    except csv.Error as exc:
        raise UnreadableFile("encoding", f"row {number + 1}: {exc}") from None
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
    stations: list[StationRecord] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for number, cells in rows:
        if len(cells) > len(header):
            errors.append(RowError(number, "columns", value=str(len(cells))))
            continue
        values = {name: unicodedata.normalize("NFKC", cell) for name, cell in zip(header, cells, strict=False)}
        row_errors, station = _station(number, values, source)
        if station is not None:
            if station.id in seen:
                row_errors.append(RowError(number, "duplicate", other_row=seen[station.id]))
            seen.setdefault(station.id, number)
        errors += row_errors
        if station is not None and not row_errors:
            stations.append(station)
    cities: dict[str, int] = {}
    for station in stations:
        cities[station.city] = cities.get(station.city, 0) + 1
    return ImportResult(tuple(stations), tuple(errors), cities)


def _one_line(text: str) -> str:
    """A line break or run of spaces inside a cell → one space (NFKC has made full-width spaces plain)."""
    return " ".join(text.split())


def _station(number: int, cells: dict[str, str], source: Source) -> tuple[list[RowError], StationRecord | None]:
    facilities = tuple(f for f in map(_one_line, _FACILITY_SEPARATORS.split(cells.get("facilities", ""))) if f)
    values = {name: _one_line(value) for name, value in cells.items()}
    errors = [RowError(number, "missing", column) for column in REQUIRED if not values.get(column)]
    too_long = [(column, value) for column, value in values.items() if len(value) > MAX_CELL]
    errors += [RowError(number, "invalid", column, value[:20] + "…") for column, value in too_long]
    coordinates: dict[str, float] = {}
    for column, (low, high) in RANGES.items():
        text = values.get(column, "")
        if not text or len(text) > MAX_CELL:
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
    return [], StationRecord(
        id="st-" + hashlib.sha1(identity.encode()).hexdigest()[:12],
        name=values["name"],
        city=values["city"],
        district=values.get("district", ""),
        address=values["address"],
        lat=coordinates["lat"],
        lon=coordinates["lon"],
        kind=values["kind"],
        facilities=facilities,
        hours=values.get("hours", ""),
        phone=values.get("phone", ""),
        sample=False,
        source=source,
    )


def import_stations(path: Path, target: Path, today: date | None = None) -> ImportResult:
    """Validate ``path`` and, when every row is good, replace ``target`` with it as compact columns."""
    header, rows = read_rows(path)
    check_header(header)
    result = parse_rows(header, rows, today or date.today())
    if result.ok:
        StationColumns.from_records(result.stations).save(target)
    return result
