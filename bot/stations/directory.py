"""Outdoor-worker service stations: the nearest to a location, and those in a named place.

Channel-neutral: functions return data (stations, distances, reason flags); the words
are added by ``bot/stations/render.py``. Look-ups are answered from an indexed snapshot of
the compact station columns (``columns.py``), so a query costs the same at 20 stations as
at 200,000. A new import replaces the snapshot while the bot runs (``reload``, or by itself
a few seconds after the file changed): one attribute is swapped, so a look-up in flight
finishes on the set it started with.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import re
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bot.core.content_models import QAEntry, Source, Station
from bot.stations.columns import StationColumns, StationFileError
from bot.stations.geo import valid_coordinates
from bot.stations.places import STATION_WORDS, PlaceNames, strip_lead, unknown_place
from bot.stations.spatial_index import SpatialIndex
from bot.stations.station_files import Signature, StationFiles
from bot.understanding.engine import Answer, Kind, Query

log = logging.getLogger(__name__)

NEAREST = 3
FAR_M = 50_000  # beyond this the nearest station is no help on foot: say so plainly
PLACE_LIMIT = 10  # stations listed for a city or district; the rest are counted
CHECK_EVERY_S = 2.0  # how often look-ups may look whether the import file changed

# Needs a worker can filter by, and the words that show a station (or a question) meets them.
NEEDS: dict[str, tuple[str, ...]] = {
    "charge": ("充电",),
    "heat": ("热饭", "微波炉", "加热", "热餐"),
    "water": ("饮水", "喝水", "喝口水", "热水", "开水"),
    "toilet": ("如厕", "厕所", "洗手间", "卫生间"),
    "medicine": ("药箱", "药品", "医药"),
}
# Words that make a question about stations are the needs above and places.STATION_WORDS.
# "附近" or a bare "哪里有驿站" without a place: the answer is where the member is, so ask for it.
NEARBY_WORDS = ("附近", "周边", "身边", "离我", "最近的", "哪里有", "哪儿有", "哪有", "在哪", "去哪")
# "How many stations in 海口" (海口 站点 数量), "what do stations offer": facts in the Q&A, not a listing.
_FACT_QUESTION = re.compile(
    r"多少|几[个家座处所]|数量|总数|规模|(站点|驿站|服务站|休息室).*(什么|设施|收费|要钱|标准|怎么|如何)"
)
_NOWHERE = np.zeros(0, dtype=np.intp)


@dataclass(frozen=True)
class StationHit:
    station: Station
    distance_m: float


@dataclass(frozen=True)
class Nearby:
    """The stations nearest to a location; no hits means none at all (with that need)."""

    lat: float
    lon: float
    need: str | None
    hits: tuple[StationHit, ...]

    @property
    def far(self) -> bool:
        return bool(self.hits) and self.hits[0].distance_m > FAR_M


@dataclass(frozen=True)
class Listing:
    """The stations in a named place; ``known`` is False when we hold none there."""

    place: str
    need: str | None
    stations: tuple[Station, ...]
    total: int
    known: bool


@dataclass(frozen=True)
class LocationRequest:
    """A question about stations "nearby" with no place: the answer is to share a location."""

    need: str | None


class _Snapshot:
    """One station set with its indexes: by position (all, and per need) and by city and district.

    Never changed once built, so a reload can build the next one in another thread.
    """

    def __init__(self, columns: StationColumns) -> None:
        self.columns = columns
        coordinates = columns.coordinates
        self.index = SpatialIndex(coordinates)
        facilities = columns.coded("facilities")
        lists_needs = [_needs_of(f) for f in facilities.values]  # each distinct facility list once
        lists_meeting = {need: np.array([need in n for n in lists_needs], dtype=bool) for need in NEEDS}
        self.meets = {need: meeting[facilities.codes] for need, meeting in lists_meeting.items()}  # per station
        self.by_need = {need: np.flatnonzero(meeting) for need, meeting in self.meets.items()}
        self.need_index = {need: SpatialIndex(coordinates[positions]) for need, positions in self.by_need.items()}
        self.cities = PlaceNames(columns.coded("city"))
        self.districts = PlaceNames(columns.coded("district"))


class StationDirectory:
    """Every station, indexed by position (nearest look-up) and by city and district."""

    def __init__(self, stations: Sequence[Station] | StationColumns, qa: Sequence[QAEntry] = ()) -> None:
        columns = stations if isinstance(stations, StationColumns) else StationColumns.from_stations(stations)
        self.map_help = map_help(qa)  # goes with every miss: the honest next step
        self._snapshot = _Snapshot(columns)
        self._files: StationFiles | None = None  # set by open(): where a reload reads from
        self._signature: Signature | None = None
        self._lock = threading.Lock()
        self._next_check = time.monotonic() + CHECK_EVERY_S

    @classmethod
    def open(cls, files: StationFiles, qa: Sequence[QAEntry] = ()) -> StationDirectory:
        """The set in ``files`` (the import, else the shipped sample), reloaded when the import changes."""
        signature, columns = files.load()
        directory = cls(columns, qa)
        directory._files, directory._signature = files, signature
        _return_freed_memory()
        return directory

    def __len__(self) -> int:
        return len(self._snapshot.columns)

    @property
    def needs(self) -> tuple[str, ...]:
        """The needs at least one station meets, in the order of NEEDS: only these get buttons."""
        return tuple(need for need, positions in self._snapshot.by_need.items() if len(positions))

    # -- a new import -----------------------------------------------------------------

    def reload(self) -> int:
        """Answer from the set a restart would load now; on any error the current set stays.

        Raises StationFileError when the import file cannot be read. Returns the number of stations.
        A directory built from a list of stations (no files) has nothing to reload.
        """
        if self._files is None:
            return len(self)
        with self._lock:
            tried = self._files.signature()
            try:
                signature, columns = self._files.load()
            except StationFileError:
                self._signature = tried  # not tried again by itself until the file changes
                raise
            snapshot = _Snapshot(columns)
            self._snapshot, self._signature = snapshot, signature  # one swap; look-ups in flight keep theirs
            _return_freed_memory()
        origin = self._files.imported if signature else self._files.content_dir
        log.info("station set loaded: %d stations from %s", len(columns), origin)
        return len(columns)

    def _notice_import(self) -> None:
        """At most every CHECK_EVERY_S: when the import file changed, load it in the background."""
        if self._files is None or (now := time.monotonic()) < self._next_check:
            return
        self._next_check = now + CHECK_EVERY_S
        try:
            changed = self._files.signature() != self._signature
        except OSError as exc:
            log.warning("cannot look at %s: %s", self._files.imported, exc)
            return
        if changed and not self._lock.locked():
            threading.Thread(target=self._reload_in_background, name="stations-reload", daemon=True).start()

    def _reload_in_background(self) -> None:
        try:
            self.reload()
        except Exception:  # a thread's last stop: log, and keep the current set
            log.exception("could not load the new station set; the current one stays in use")

    # -- look-ups -------------------------------------------------------------------

    def nearest(self, lat: float, lon: float, need: str | None = None, k: int = NEAREST) -> Nearby:
        """The ``k`` stations nearest to (lat, lon), meeting ``need`` when given."""
        if not valid_coordinates(lat, lon):
            raise ValueError(f"coordinates out of range: {lat}, {lon}")
        self._notice_import()
        snapshot = self._snapshot
        if need is None:
            found = snapshot.index.nearest(lat, lon, k)
        else:
            positions = snapshot.by_need[need]  # KeyError for an unknown need: callers check is_need first
            found = [(int(positions[i]), d) for i, d in snapshot.need_index[need].nearest(lat, lon, k)]
        return Nearby(lat, lon, need, tuple(StationHit(snapshot.columns.station(i), d) for i, d in found))

    def _listing(self, snapshot: _Snapshot, place: str, positions: np.ndarray, need: str | None) -> Listing:
        if need is not None:
            positions = positions[snapshot.meets[need][positions]]
        shown = tuple(snapshot.columns.station(int(i)) for i in positions[:PLACE_LIMIT])
        return Listing(place, need, shown, len(positions), known=len(positions) > 0)

    # -- the engine resolver --------------------------------------------------------

    def resolve(self, query: Query) -> Answer | None:
        """Answer "海口龙华区的站点" or "附近哪里能热饭"; None for anything else."""
        text = query.text
        need = need_in(text)
        if not (need or any(word in text for word in STATION_WORDS)) or _FACT_QUESTION.search(text):
            return None
        self._notice_import()
        listing = self._place_listing(self._snapshot, text, need)
        if listing is not None:
            return self.answer(listing)
        if any(word in text for word in NEARBY_WORDS):
            return self.answer(LocationRequest(need))
        return None

    def _place_listing(self, snapshot: _Snapshot, text: str, need: str | None) -> Listing | None:
        cities, districts = snapshot.cities, snapshot.districts
        city = cities.find(text)
        district = districts.find(text, after=city[1] if city else 0) or districts.find(text)
        if district is not None:
            start, end, key = district
            in_city = city is not None and city[1] <= start
            between = strip_lead(text[city[1] if in_city else 0 : start])
            if between:  # "深圳龙华区": a district name we know, but not in a city we know
                return self._listing(snapshot, between + text[start:end], _NOWHERE, need)
            positions = districts.positions(key)
            if in_city:
                positions = np.intersect1d(positions, cities.positions(city[2]), assume_unique=True)
            return self._listing(snapshot, text[city[0] if in_city else start : end], positions, need)
        if city is not None:
            return self._listing(snapshot, text[city[0] : city[1]], cities.positions(city[2]), need)
        place = unknown_place(text)
        return None if place is None else self._listing(snapshot, place, _NOWHERE, need)

    # -- answers --------------------------------------------------------------------

    def answer(self, found: Nearby | Listing | LocationRequest) -> Answer:
        """Wrap a result as an engine answer: the national way to find stations goes with a miss."""
        shown: tuple[Station, ...] = ()
        if isinstance(found, Nearby):
            shown = tuple(h.station for h in found.hits)
        elif isinstance(found, Listing):
            shown = found.stations
        missed = not shown or (isinstance(found, Nearby) and found.far)
        help_entry = self.map_help if missed or isinstance(found, LocationRequest) else None
        sources: list[Source] = list(dict.fromkeys(s.source for s in shown))
        if help_entry is not None:
            sources.append(help_entry.source)
        return Answer(
            "stations",
            Kind.STATIONS,
            1.0,
            text=help_entry.answer if help_entry else "",
            sources=tuple(dict.fromkeys(sources)),
            data={"found": found},
        )


def _return_freed_memory() -> None:
    """Give the memory of a load's temporaries and of the replaced set back to the system.

    glibc keeps freed heap for reuse, and RSS counts it: without this each reload of 200,000
    stations leaves 40–90 MB behind (bench/stations.py). Elsewhere (musl, macOS) it does nothing.
    """
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).malloc_trim(0)


def map_help(qa: Sequence[QAEntry]) -> QAEntry | None:
    """The content's Q&A on finding any station on the national maps (高德/百度), if it has one."""
    both = (e for e in qa if "高德" in e.answer and "百度" in e.answer)
    either = (e for e in qa if "高德" in e.answer or "百度" in e.answer)
    return next(both, None) or next(either, None)


def _needs_of(facilities: tuple[str, ...]) -> frozenset[str]:
    joined = "、".join(facilities)
    return frozenset(need for need, words in NEEDS.items() if any(word in joined for word in words))


def meets(station: Station, need: str) -> bool:
    return need in _needs_of(tuple(station.facilities))


def is_need(value: str) -> bool:
    return value in NEEDS


def need_in(text: str) -> str | None:
    return next((need for need, words in NEEDS.items() if any(w in text for w in words)), None)
