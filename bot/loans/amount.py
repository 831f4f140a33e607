"""Read a loan amount the way people type it: "5万", "五万块", "10万元", "100,000", "一百万".

Pure and channel-neutral. The result is either a whole number of yuan or a reason code
that the questionnaire turns into a re-ask with a hint; it never raises on user input.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from bot.core.chinese import to_simplified

MAX_AMOUNT = 1_000_000_000  # beyond any personal loan: a typo or a joke, not an amount to compare
SMALL_WITHOUT_UNIT = 1000  # "5" alone is more likely 5万 than 5 yuan, so ask rather than guess

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_LATIN_UNITS = {"w": "万", "k": "千"}
_FINANCIAL = str.maketrans("壹贰叁肆伍陆柒捌玖拾佰仟萬", "一二三四五六七八九十百千万")  # 大写数字 on forms
_NOISE_RE = re.compile(r"(人民币|rmb|cny|块钱|块|元整|元|圆|左右|大概|大约|约|差不多|¥|￥|\s|,|，)")
_TOKEN_RE = re.compile(r"\d+(?:\.\d+)?|[零〇一二两三四五六七八九]|[十百千万]")
_RANGE_RE = re.compile(r"[\d零一二两三四五六七八九十百千万]\s*[-~～到至]\s*[\d一二两三四五六七八九十]")


class AmountProblem(StrEnum):
    EMPTY = "empty"
    NOT_A_NUMBER = "not_a_number"  # "abc", "很多"
    RANGE = "range"  # "3-5万": one amount, please
    NOT_POSITIVE = "not_positive"  # "0", "-5"
    NO_UNIT = "no_unit"  # "5": yuan or 万?
    TOO_LARGE = "too_large"


@dataclass(frozen=True)
class ParsedAmount:
    yuan: int | None
    problem: AmountProblem | None = None


def parse_amount(text: str) -> ParsedAmount:
    """Parse one amount in yuan; a problem code when the text is not a sensible amount."""
    cleaned = to_simplified(unicodedata.normalize("NFKC", text)).translate(_FINANCIAL).lower().strip()
    if not cleaned:
        return ParsedAmount(None, AmountProblem.EMPTY)
    if _RANGE_RE.search(cleaned):
        return ParsedAmount(None, AmountProblem.RANGE)
    negative = cleaned.startswith(("-", "负"))
    cleaned = _NOISE_RE.sub("", cleaned.lstrip("-负+"))
    for latin, unit in _LATIN_UNITS.items():
        cleaned = re.sub(rf"(?<=[\d.]){latin}", unit, cleaned)
    value, has_unit = _read_number(cleaned)
    if value is None:
        return ParsedAmount(None, AmountProblem.NOT_A_NUMBER)
    if negative or value <= 0:
        return ParsedAmount(None, AmountProblem.NOT_POSITIVE)
    if value > MAX_AMOUNT:
        return ParsedAmount(None, AmountProblem.TOO_LARGE)
    if not has_unit and value < SMALL_WITHOUT_UNIT:
        return ParsedAmount(None, AmountProblem.NO_UNIT)
    return ParsedAmount(round(value))


def _read_number(text: str) -> tuple[float | None, bool]:
    """A number written with Arabic digits, Chinese numerals or both (5万5千, 三万五).

    Returns the value and whether it had a unit (十百千万): a bare "5" is ambiguous.
    """
    tokens = _TOKEN_RE.findall(text)
    if not tokens or "".join(tokens) != text:
        return None, False
    total = 0.0  # everything before the last 万
    section = 0.0  # the part below 万 being built
    number: float | None = None  # the digit(s) waiting for a unit
    last_unit = 0
    zero_seen = False  # 一千零五: the 零 says the tail is a plain digit
    for token in tokens:
        if token in ("零", "〇") and number is None and last_unit:
            zero_seen = True
            continue
        if token in _SMALL_UNITS or token == "万":
            unit = 10_000 if token == "万" else _SMALL_UNITS[token]
            if unit == 10_000:
                section += number or 0
                if section == 0:
                    return None, False  # "万" alone
                total += section * unit
                section = 0
            else:
                section += (1 if number is None else number) * unit
            number, last_unit = None, unit
        elif number is not None:
            return None, False  # two numbers in a row: "5 5", "五5"
        else:
            number = float(token) if token[0].isdigit() else _DIGITS[token]
    colloquial = number is not None and last_unit >= 100 and number < 10 and not zero_seen
    if colloquial and not _has_digits_after_unit(text):
        number = (number or 0) * (last_unit // 10)  # 三万五 = 35000, 一千五 = 1500
    return total + section + (number or 0), last_unit > 0


def _has_digits_after_unit(text: str) -> bool:
    """True for "5万5000" where the tail is already a full number, not a colloquial digit."""
    tail = re.split(r"[十百千万]", text)[-1]
    return len(tail) > 1
