"""Is the city a member typed a place? The loan questionnaire's check, behind one function.

"杭州", "浙江省杭州市", "在抚顺县", "Hangzhou" are places; "火星", "不知道", "12345" are not, and are
asked again. The names are the understanding layer's gazetteer (China's administrative
divisions, full and short, with their pinyin; the world's countries), plus the content's own
places (a programme's region).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache

from bot.core.chinese import to_simplified
from bot.understanding.regions import Gazetteer, short_name

_LATIN = re.compile(r"^[a-z][a-z .'-]{1,39}$")
_NOISE = re.compile(r"[\s\W_\d]+")
LONGEST = 12  # characters of the longest name worth looking for
_AUTONOMOUS = ("自治州", "自治县", "自治旗", "族")  # 延边朝鲜族自治州 is called 延边


@cache
def _called() -> frozenset[str]:
    """What people call an autonomous area: its first two characters (延边, 西双版纳's 西双 inside it)."""
    return frozenset(name[:2] for name in Gazetteer.load().names if name.endswith(_AUTONOMOUS))


def is_place(text: str, known: Iterable[str] = ()) -> bool:
    """True when ``text`` names a place in the gazetteer or one of the ``known`` places."""
    gazetteer = Gazetteer.load()
    folded = to_simplified(unicodedata.normalize("NFKC", text)).strip().lower()
    if _LATIN.match(folded):
        return any(name in gazetteer.english for name in (folded, folded.replace(" ", "")))
    words = _NOISE.sub("", folded)
    extra = _called() | {n for place in known for n in (place, short_name(place))}
    return any(
        gazetteer.places(words[start:end]) or words[start:end] in extra
        for start in range(len(words))
        for end in range(start + 2, min(len(words), start + LONGEST) + 1)
    )
