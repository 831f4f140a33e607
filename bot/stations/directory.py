"""Outdoor-worker service stations: the nearest to a location, and those in a named place.

Channel-neutral: functions return data (stations, distances, reason flags); the words
are added by ``bot/stations/render.py``. The directory is built once at start-up from
the station file (the staff-imported one when present) and answers every look-up from
in-memory indexes, so a query costs the same at 20 stations as at 180,000.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from bot.core.content_models import QAEntry, Source, Station, StationsFile
from bot.stations.geo import valid_coordinates
from bot.stations.spatial_index import SpatialIndex
from bot.understanding.engine import Answer, Kind, Query

NEAREST = 3
FAR_M = 50_000  # beyond this the nearest station is no help on foot: say so plainly
PLACE_LIMIT = 10  # stations listed for a city or district; the rest are counted

# Needs a worker can filter by, and the words that show a station (or a question) meets them.
NEEDS: dict[str, tuple[str, ...]] = {
    "charge": ("充电",),
    "heat": ("热饭", "微波炉", "加热", "热餐"),
    "water": ("饮水", "喝水", "热水", "开水"),
    "toilet": ("如厕", "厕所", "洗手间", "卫生间"),
    "medicine": ("药箱", "药品", "医药"),
}
# Words that make a question about stations (besides the needs above).
STATION_WORDS = ("站点", "驿站", "服务站", "休息室", "休息点", "爱心站", "歇脚")
NEARBY_WORDS = ("附近", "周边", "身边", "离我", "最近的")
# "How many stations in 海口", "what do stations offer": facts in the Q&A, not a listing.
_FACT_QUESTION = re.compile(r"多少|几[个家座处所]|(站点|驿站|服务站|休息室).*(什么|设施|收费|要钱|标准|怎么|如何)")
_PLACE_SUFFIXES = ("市", "区", "县")
_LEAD_FILLERS = ("请问", "我想知道", "我想找", "帮我找", "帮我查", "我在", "查询", "查找", "查", "找", "在", "的")
_TAIL_FILLERS = ("的", "有", "哪里有", "哪儿有", "有没有", "附近", "工会", "户外劳动者", "户外", "服务", "哪里", "哪儿")
_NOT_PLACES = re.compile(
    r"怎|如何|什么|哪|吗|谁|多少|能|可以|是|附近|这里|这边|全国|我们|身边|周边|本地|当地|环卫|快递|外卖"
)  # question words and generic words: what is left before 站点 is not a place name
_PLACE_RE = re.compile(r"^[\u4e00-\u9fff]{2,12}$")


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


class StationDirectory:
    """Every station, indexed by position (nearest look-up) and by city and district."""

    def __init__(self, stations: Sequence[Station], qa: Sequence[QAEntry] = ()) -> None:
        self.stations = tuple(stations)
        self.map_help = map_help(qa)  # goes with every miss: the honest next step
        coordinates = np.array([(s.lat, s.lon) for s in self.stations], dtype=np.float64).reshape(-1, 2)
        self._index = SpatialIndex(coordinates)
        self._by_need: dict[str, list[int]] = {need: [] for need in NEEDS}
        for i, station in enumerate(self.stations):
            for need in _needs_of(tuple(station.facilities)):
                self._by_need[need].append(i)
        self._need_index = {
            need: SpatialIndex(coordinates[np.asarray(positions, dtype=np.intp)])
            for need, positions in self._by_need.items()
        }
        self._cities, self._city_names = _group(s.city for s in self.stations)
        self._districts, self._district_names = _group(s.district for s in self.stations)
        self._longest_place = max((len(n) for n in (*self._city_names, *self._district_names)), default=0)

    @classmethod
    def from_file(cls, data: StationsFile) -> StationDirectory:
        return cls(data.stations, data.qa)

    def __len__(self) -> int:
        return len(self.stations)

    @property
    def needs(self) -> tuple[str, ...]:
        """The needs at least one station meets, in the order of NEEDS: only these get buttons."""
        return tuple(need for need, positions in self._by_need.items() if positions)

    @property
    def has_sample(self) -> bool:
        return any(s.sample for s in self.stations)

    # -- look-ups -------------------------------------------------------------------

    def nearest(self, lat: float, lon: float, need: str | None = None, k: int = NEAREST) -> Nearby:
        """The ``k`` stations nearest to (lat, lon), meeting ``need`` when given."""
        if not valid_coordinates(lat, lon):
            raise ValueError(f"coordinates out of range: {lat}, {lon}")
        if need is None:
            found = [(i, d) for i, d in self._index.nearest(lat, lon, k)]
        else:
            positions = self._by_need[need]  # KeyError for an unknown need: callers check is_need first
            found = [(positions[i], d) for i, d in self._need_index[need].nearest(lat, lon, k)]
        return Nearby(lat, lon, need, tuple(StationHit(self.stations[i], d) for i, d in found))

    def _listing(self, place: str, positions: Iterable[int], need: str | None) -> Listing:
        chosen = [self.stations[i] for i in positions if need is None or meets(self.stations[i], need)]
        return Listing(place, need, tuple(chosen[:PLACE_LIMIT]), len(chosen), known=bool(chosen))

    # -- the engine resolver --------------------------------------------------------

    def resolve(self, query: Query) -> Answer | None:
        """Answer "海口龙华区的站点" or "附近哪里能热饭"; None for anything else."""
        text = query.text
        need = need_in(text)
        if not (need or any(word in text for word in STATION_WORDS)) or _FACT_QUESTION.search(text):
            return None
        listing = self._place_listing(text, need)
        if listing is not None:
            return self.answer(listing)
        if any(word in text for word in NEARBY_WORDS):
            return self.answer(LocationRequest(need))
        return None

    def _place_listing(self, text: str, need: str | None) -> Listing | None:
        city = self._find(text, self._city_names)
        district = self._find(text, self._district_names, after=city[1] if city else 0) or self._find(
            text, self._district_names
        )
        if district is not None:
            start, end, key = district
            in_city = city is not None and city[1] <= start
            between = _strip_lead(text[city[1] if in_city else 0 : start])
            if between:  # "深圳龙华区": a district name we know, but not in a city we know
                return self._listing(between + text[start:end], [], need)
            positions = self._districts[key]
            if in_city:
                city_positions = set(self._cities[city[2]])
                positions = [i for i in positions if i in city_positions]
            return self._listing(text[city[0] if in_city else start : end], positions, need)
        if city is not None:
            return self._listing(text[city[0] : city[1]], self._cities[city[2]], need)
        place = _unknown_place(text)
        return None if place is None else self._listing(place, [], need)

    def _find(self, text: str, names: dict[str, str], after: int = 0) -> tuple[int, int, str] | None:
        """The first, longest known place name in ``text`` from ``after`` on: (start, end, key)."""
        for start in range(after, len(text)):
            for end in range(min(len(text), start + self._longest_place), start + 1, -1):
                if text[start:end] in names:
                    return start, end, names[text[start:end]]
        return None

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


def map_help(qa: Sequence[QAEntry]) -> QAEntry | None:
    """The content's Q&A on finding any station on the national maps (高德/百度), if it has one."""
    both = (e for e in qa if "高德" in e.answer and "百度" in e.answer)
    either = (e for e in qa if "高德" in e.answer or "百度" in e.answer)
    return next(both, None) or next(either, None)


@lru_cache(maxsize=4096)  # stations share a few facility lists: 150,000 stations, a few hundred lists
def _needs_of(facilities: tuple[str, ...]) -> frozenset[str]:
    joined = "、".join(facilities)
    return frozenset(need for need, words in NEEDS.items() if any(word in joined for word in words))


def meets(station: Station, need: str) -> bool:
    return need in _needs_of(tuple(station.facilities))


def is_need(value: str) -> bool:
    return value in NEEDS


def need_in(text: str) -> str | None:
    return next((need for need, words in NEEDS.items() if any(w in text for w in words)), None)


def _strip_suffix(name: str) -> str:
    name = name.strip()
    return name[:-1] if len(name) > 2 and name.endswith(_PLACE_SUFFIXES) else name


def _group(names: Iterable[str]) -> tuple[dict[str, list[int]], dict[str, str]]:
    """Positions by place (海口 and 海口市 are one place), and every spelling → that place's key."""
    groups: dict[str, list[int]] = defaultdict(list)
    spellings: dict[str, str] = {}
    for i, name in enumerate(names):
        name = name.strip()
        if not name:
            continue
        key = _strip_suffix(name)
        groups[key].append(i)
        spellings[name] = spellings[key] = key
    return dict(groups), spellings


def _strip_lead(text: str) -> str:
    changed = True
    while changed and text:
        changed = False
        for filler in _LEAD_FILLERS:
            if text.startswith(filler):
                text, changed = text[len(filler) :], True
    return text.strip()


def _unknown_place(text: str) -> str | None:
    """The place named before a station word ("北京朝阳区有驿站吗" → 北京朝阳区), if it looks like one."""
    cut = min((text.find(w) for w in STATION_WORDS if w in text), default=-1)
    if cut <= 0:
        return None
    place = _strip_lead(text[:cut])
    changed = True
    while changed and place:
        changed = False
        for filler in sorted(_TAIL_FILLERS, key=len, reverse=True):
            if place.endswith(filler):
                place, changed = place[: -len(filler)], True
    if not _PLACE_RE.match(place) or _NOT_PLACES.search(place):
        return None
    return place
