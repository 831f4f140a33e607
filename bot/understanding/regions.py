"""Place names in a question: China's administrative divisions and the world's countries.

The divisions come from the ``cpca`` package's data file (provinces, cities and districts with
their 12-digit codes), read with the csv module: importing cpca would load pandas, which costs
a second of start-up for a table we only need as a dictionary. Countries come from
``pycountry`` (ISO 3166 with its Chinese translation), English spellings of Chinese places from
``pypinyin``. Nothing here is typed by hand, so the list is complete and stays correct.

A code says where a division lies: its first 2 digits are the province, 4 the city, 6 the
district, so "is 龙华区 in 海口" is a prefix comparison.
"""

from __future__ import annotations

import csv
import gettext
import importlib.metadata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import pycountry
from pypinyin import lazy_pinyin

PROVINCE, CITY, DISTRICT = 1, 2, 3
FOREIGN = 0  # a country other than China
# Suffixes people drop: 黑龙江省 → 黑龙江, 哈尔滨市 → 哈尔滨, 延边朝鲜族自治州 → 延边.
_SUFFIXES = (
    "维吾尔自治区",
    "壮族自治区",
    "回族自治区",
    "特别行政区",
    "自治区",
    "自治州",
    "地区",
    "省",
    "市",
    "盟",
)
_NOT_DIVISIONS = ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划")
_OWN_COUNTRY = {"CN", "TW", "HK", "MO"}  # these are divisions in the gazetteer, not foreign countries


@dataclass(frozen=True)
class Place:
    code: str  # 12-digit division code; "" for a foreign country
    name: str  # the full name: 黑龙江省, 龙华区, 德国
    level: int

    def within(self, other: Place) -> bool:
        """True when this place lies in ``other`` (or is it)."""
        if self.level == FOREIGN or other.level == FOREIGN:
            return self == other
        digits = 2 * other.level
        return other.level <= self.level and self.code[:digits] == other.code[:digits]

    @property
    def short(self) -> str:
        return short_name(self.name) if self.level in (PROVINCE, CITY) else self.name


def short_name(name: str) -> str:
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def _level(code: str) -> int:
    if code[2:] == "0" * 10:
        return PROVINCE
    if code[4:] == "0" * 8:
        return CITY
    return DISTRICT


def _divisions() -> list[Place]:
    path = importlib.metadata.distribution("cpca").locate_file("cpca/resources/adcodes.csv")
    with open(str(path), encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return [Place(r["adcode"], r["name"], _level(r["adcode"])) for r in rows if r["name"] not in _NOT_DIVISIONS]


def _countries() -> list[tuple[Place, tuple[str, ...]]]:
    """Each foreign country with its English names (the Chinese one is the place's name)."""
    chinese = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["zh_CN"])
    found = []
    for country in pycountry.countries:
        if country.alpha_2 in _OWN_COUNTRY:
            continue
        name = chinese.gettext(country.name)
        if name == country.name:  # no Chinese name: nobody will type it in a Chinese question
            continue
        english = {country.name.lower(), getattr(country, "common_name", country.name).lower()}
        found.append((Place("", name, FOREIGN), tuple(sorted(english))))
    return found


class Gazetteer:
    """Every place name people write, full or short, and the places it may mean."""

    def __init__(self, places: Iterable[Place], english: dict[str, str] | None = None) -> None:
        self._by_name: dict[str, list[Place]] = {}
        for place in places:
            for name in {place.name, place.short}:
                if len(name) >= 2:
                    self._by_name.setdefault(name, []).append(place)
        self.english = english or {}  # English spelling → the Chinese name

    @classmethod
    @cache
    def load(cls) -> Gazetteer:
        """The shipped gazetteer, built once per process (it does not change at run time)."""
        divisions = _divisions()
        countries = _countries()
        english: dict[str, str] = {}
        for place in divisions:
            if place.level in (PROVINCE, CITY):
                english.setdefault("".join(lazy_pinyin(place.short)), place.short)
        for place, names in countries:
            for name in names:
                english[name] = place.name
        return cls([*divisions, *(p for p, _ in countries)], english)

    @property
    def names(self) -> list[str]:
        return list(self._by_name)

    def places(self, name: str) -> list[Place]:
        return self._by_name.get(name, [])

    def find(self, words: Iterable[str]) -> list[tuple[Place, ...]]:
        """The places the words name, each as its possible meanings: 北京 + 朝阳区 → (北京市,), (北京市朝阳区,).

        A name inside a longer matched name is dropped (朝阳 in 朝阳区), and an ambiguous name
        (龙华区 is in 海口 and in 深圳) keeps only the meanings inside another place named, if any.
        """
        names = [w for w in dict.fromkeys(words) if w in self._by_name]
        names = [n for n in names if not any(n != other and n in other for other in names)]
        groups = [self._by_name[n] for n in names]
        found = []
        for group in groups:
            others = [p for g in groups if g is not group for p in g]
            inside = [p for p in group if any(p != o and p.within(o) for o in others)]
            found.append(tuple(inside or group))
        return found
