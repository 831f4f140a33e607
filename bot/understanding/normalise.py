"""Normalise what a worker types before it is searched.

Phones produce full-width digits and punctuation, Hong Kong and Taiwan keyboards
produce Traditional characters, and pinyin input produces homophone slips (公会 for
工会). All of that is folded here so that the index sees one spelling.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import cache

import opencc

MAX_QUERY_CHARS = 300  # longer input is cut: nobody's question is longer, and cost stays bounded

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_NUMBER = r"[零〇一二两三四五六七八九十百千]+"
_ORDINAL_RE = re.compile(rf"(第|工会法)({_CN_NUMBER})(条|章|款)")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")
_SPACE_RE = re.compile(r"\s+")


@cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def chinese_to_int(text: str) -> int | None:
    """Parse a Chinese numeral such as 三十二 or 一百零五; None when it is not one."""
    if not text or any(ch not in _DIGITS and ch not in _UNITS for ch in text):
        return None
    total, digit = 0, None
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        else:
            total += (1 if digit is None else digit) * _UNITS[ch]
            digit = None
    return total + (digit or 0)


def int_to_chinese(number: int) -> str:
    """Render 1..9999 as a Chinese numeral the way the law numbers its articles (第三十二条)."""
    if number <= 0 or number >= 10000:
        return str(number)
    digits = "零一二三四五六七八九"
    parts: list[str] = []
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d, number = divmod(number, value)
        if d:
            parts.append(digits[d] + unit)
        elif parts and number and not parts[-1].endswith("零"):
            parts.append("零")
    text = "".join(parts)
    return text[1:] if text.startswith("一十") else text


def to_simplified(text: str) -> str:
    return _t2s().convert(text)


def normalise(text: str, slips: Mapping[str, str] | None = None) -> str:
    """Fold width, script, numerals and input slips; drop control characters."""
    text = unicodedata.normalize("NFKC", text)[: MAX_QUERY_CHARS * 2]
    text = _CONTROL_RE.sub("", text)
    text = _SPACE_RE.sub(" ", text).strip()[:MAX_QUERY_CHARS]
    text = to_simplified(text).lower()
    for wrong, right in (slips or {}).items():
        text = text.replace(wrong, right)
    return _ORDINAL_RE.sub(lambda m: f"{m.group(1)}{chinese_to_int(m.group(2))}{m.group(3)}", text)


def has_meaningful_text(text: str) -> bool:
    """True when the text has at least one letter or digit (emoji and punctuation alone are not)."""
    return any(unicodedata.category(ch)[0] in "LN" for ch in text)
