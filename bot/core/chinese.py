"""Chinese numerals and script conversion, shared by the renderers (i18n) and the normaliser.

They live in core because both the locale layer and the understanding layer need them and core
may import nothing above it.
"""

from __future__ import annotations

from functools import cache

import opencc

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}


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
