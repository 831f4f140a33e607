"""Place names in a question ("海口龙华区的站点"): the cities and districts we hold, and the rest.

The stations of each place are kept as one sorted numpy array of positions, built from the
city or district column's codes in one pass, so 200,000 stations cost a few MB here, not a
Python list per place.
"""

from __future__ import annotations

import re

import numpy as np

from bot.stations.columns import CodedColumn

STATION_WORDS = (
    "站点",
    "驿站",
    "服务站",
    "休息室",
    "休息点",
    "爱心站",
    "歇脚",
    "歇一下",
    "歇一歇",
    "歇歇",
    "歇会",
    "歇一会",
)
_PLACE_SUFFIXES = ("市", "区", "县")
_LEAD_FILLERS = ("请问", "我想知道", "我想找", "帮我找", "帮我查", "我在", "查询", "查找", "查", "找", "在", "的")
_TAIL_FILLERS = ("的", "有", "哪里有", "哪儿有", "有没有", "附近", "工会", "户外劳动者", "户外", "服务", "哪里", "哪儿")
_NOT_PLACES = re.compile(
    r"怎|如何|什么|哪|吗|谁|多少|能|可以|是|附近|这里|这边|全国|我们|身边|周边|本地|当地|环卫|快递|外卖"
)  # question words and generic words: what is left before 站点 is not a place name
_PLACE_RE = re.compile(r"^[\u4e00-\u9fff]{2,12}$")
_NO_POSITIONS = np.zeros(0, dtype=np.intp)


class PlaceNames:
    """The places of one column (cities or districts): 海口 and 海口市 are one place."""

    def __init__(self, column: CodedColumn[str]) -> None:
        keys: dict[str, int] = {}
        self.spellings: dict[str, str] = {}  # every spelling → the place's key
        key_of_code = np.full(len(column.values), -1, dtype=np.intp)
        for code, name in enumerate(column.values):
            name = name.strip()
            if name:
                key = strip_suffix(name)
                key_of_code[code] = keys.setdefault(key, len(keys))
                self.spellings[name] = self.spellings[key] = key
        key_of_row = key_of_code[column.codes] if len(column.codes) else _NO_POSITIONS
        order = np.argsort(key_of_row, kind="stable")  # positions grouped by place, in input order within
        bounds = np.searchsorted(key_of_row[order], np.arange(len(keys) + 1), side="left")
        self._positions = {key: order[bounds[i] : bounds[i + 1]] for key, i in keys.items()}
        self.longest = max(map(len, self.spellings), default=0)

    def positions(self, key: str) -> np.ndarray:
        return self._positions.get(key, _NO_POSITIONS)

    def find(self, text: str, after: int = 0) -> tuple[int, int, str] | None:
        """The first, longest known place name in ``text`` from ``after`` on: (start, end, key)."""
        for start in range(after, len(text)):
            for end in range(min(len(text), start + self.longest), start + 1, -1):
                if text[start:end] in self.spellings:
                    return start, end, self.spellings[text[start:end]]
        return None


def strip_suffix(name: str) -> str:
    name = name.strip()
    return name[:-1] if len(name) > 2 and name.endswith(_PLACE_SUFFIXES) else name


def strip_lead(text: str) -> str:
    changed = True
    while changed and text:
        changed = False
        for filler in _LEAD_FILLERS:
            if text.startswith(filler):
                text, changed = text[len(filler) :], True
    return text.strip()


def unknown_place(text: str) -> str | None:
    """The place named before a station word ("北京朝阳区有驿站吗" → 北京朝阳区), if it looks like one."""
    cut = min((text.find(w) for w in STATION_WORDS if w in text), default=-1)
    if cut <= 0:
        return None
    place = strip_lead(text[:cut])
    changed = True
    while changed and place:
        changed = False
        for filler in sorted(_TAIL_FILLERS, key=len, reverse=True):
            if place.endswith(filler):
                place, changed = place[: -len(filler)], True
    if not _PLACE_RE.match(place) or _NOT_PLACES.search(place):
        return None
    return place
