"""A question that asks for a figure (多少钱, 有效期几年) which no candidate answer states.

The search finds the entry on the right subject — the forestry preferential card, the Xinjiang
alliance, the full-time chair — and its answer is about that subject, but it holds no amount or
period at all. Shown as sure, or offered as a suggestion, it would look like an answer to "多少钱";
the honest reply is that the sources give no such figure. What counts as asking is data
(``content/scope.json`` → ``details``); what counts as stating a figure of each kind is here.
An entry whose answer says its sources lack a detail (会费标准, 所需材料) names it (``lacks``):
its text may hold other figures (the unit's 2%), and no pattern tells a list of documents.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from bot.core.content_models import Detail, Lack
from bot.understanding.scope import STORY_CHARS

_NUMBER = r"(?:\d[\d.,]*|[零〇一二两三四五六七八九十百千万]+)"
_COUNT = r"(?<![\d.])(?:\d{1,3}|[一二两三四五六七八九十百几半]+)\s*"  # a count, not a year (2023年) or a date
_OPEN_ENDED = r"长期|终身|期满"  # a period stated without a number
FIGURES: dict[str, re.Pattern[str]] = {
    # An amount, a share, or a multiple of one (年收入二倍), or no charge at all.
    "money": re.compile(
        rf"{_NUMBER}\s*(?:万|亿|千)?\s*(?:元|块)|百分之|{_NUMBER}\s*[%％]|BP|{_NUMBER}倍|免费|不要钱|无息"
    ),
    "share": re.compile(rf"百分之|{_NUMBER}\s*[%％‰]|{_NUMBER}成|个百分点|BP|无息|免息"),  # interest-free: a rate of 0
    # A period of any length (三年或者五年, 3个月, 三个工作日), not a date: 2023年, 7月, 1日 are when.
    "duration": re.compile(rf"{_COUNT}(?:个月|个工作日|工作日|天|周|星期|年|小时)|{_OPEN_ENDED}"),
    "days": re.compile(rf"{_COUNT}(?:个工作日|工作日|天|周|星期)"),  # 几天 is not answered by 24小时 or 一年
    "years": re.compile(rf"{_COUNT}(?:年|个月)|{_OPEN_ENDED}"),
    "address": re.compile(r"[\u4e00-\u9fff]{1,8}(?:路|街|大道|巷)\s*\d*\s*号?|\d+\s*号"),
    "date": re.compile(r"\d{1,2}\s*月\s*\d{1,2}\s*[日号]|[一二三四五六七八九十]+月[一二三四五六七八九十]+[日号]"),
    "until": re.compile(r"截至|截止|为止|有效期至|到期|届满|结束"),  # when something ends, not when it starts
    "area": re.compile(rf"{_NUMBER}\s*(?:平方米|平米|㎡|亩|平方公里)"),
    "people": re.compile(rf"{_NUMBER}\s*(?:个人|人|名)"),
    # Opening hours: a clock time, or open round the clock.
    "hours": re.compile(r"\d{1,2}\s*[:：]\s*\d{2}|(?:\d{1,2}|[一二三四五六七八九十]+)\s*[点时](?!多)|24小时|全天|昼夜"),
}


# Before an ask word these make it tell, not ask: 退休好几年了, 前几天, 这几年; 哪几年 asks when.
_TELLING = "好前这那近过哪"


@cache
def _asking(asks: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern for all of a detail's ask words, compiled once: it runs on every question."""
    words = "|".join(map(re.escape, sorted(asks, key=len, reverse=True)))
    return re.compile(rf"(?<![{_TELLING}])(?:{words})")


def missing_figure(
    details: Iterable[Detail], question: str, answers: Iterable[str], lacks: Iterable[Lack] = ()
) -> str | None:
    """The label of the detail the question asks for when the best entry ``lacks`` it, or when none of
    ``answers`` states a figure of its kind. Not for a story: "前几天…干了十五年" tells what
    happened, it does not ask for a period."""
    if len(question) > STORY_CHARS:
        return None
    texts = list(answers)
    lacked = {lack.detail for lack in lacks if lack.asked_in(question)}
    for detail in details:
        if not _asking(tuple(detail.asks)).search(question):
            continue
        if detail.label in lacked:
            return detail.label
        if detail.figure is not None and not any(FIGURES[detail.figure].search(text) for text in texts):
            return detail.label
    return None
