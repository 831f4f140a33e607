"""The eligibility rules of content/loans.json, evaluated: the first rule whose conditions hold decides.

Pure and channel-neutral; the questionnaire (``questionnaire.py``) collects the answers and the
renderer (``render.py``) words the verdict.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from bot.core.chinese import to_simplified
from bot.core.content_models import LoanProgramme, LoanRule, LoanWhen

OTHER_CITY = "其他"  # the "another city" button: outside the programme's region, name not given
_PUNCT_RE = re.compile(r"[\s\W_]+")
_PROVINCE_RE = re.compile(r"^.*?(省|自治区)")
_CITY_SUFFIX_RE = re.compile(r"(市|地区|盟|自治州)$")


class AmountFlag(StrEnum):
    ABOVE = "above"  # more than the programme lends
    BELOW = "below"


@dataclass(frozen=True)
class Answers:
    group: str
    city: str
    unpaid: bool
    amount: int
    business: str


@dataclass(frozen=True)
class ProgrammeVerdict:
    programme: LoanProgramme
    outcome: str  # eligible / not_eligible / needs_check
    rule: LoanRule | None  # None: no rule matched, so someone must check
    amount_flag: AmountFlag | None


@dataclass(frozen=True)
class Verdict:
    answers: Answers
    main: ProgrammeVerdict  # the questionnaire's programme
    in_region: bool  # the user's city lies in the main programme's region
    alternatives: tuple[ProgrammeVerdict, ...] = ()  # the other programmes, for users outside the region


def fold(text: str) -> str:
    return to_simplified(unicodedata.normalize("NFKC", text)).lower().strip()


def place_core(name: str) -> str:
    """辽宁省抚顺市 → 抚顺: the part of a place name people actually type."""
    folded = _PUNCT_RE.sub("", fold(name))
    return _CITY_SUFFIX_RE.sub("", _PROVINCE_RE.sub("", folded)) or folded


def in_place(answer: str, place: str) -> bool:
    """True when the city the user gave lies in ``place`` (抚顺县 and 抚顺市 are in 抚顺)."""
    return answer != OTHER_CITY and place_core(place) in _PUNCT_RE.sub("", fold(answer))


def rule_holds(when: LoanWhen, answers: Answers) -> bool:
    """All conditions the rule states hold for these answers (a rule without any always holds)."""
    checks = (
        when.group_in is None or answers.group in when.group_in,
        when.group_not_in is None or answers.group not in when.group_not_in,
        when.city_not is None or not in_place(answers.city, when.city_not),
        when.unpaid_loan is None or answers.unpaid == when.unpaid_loan,
        when.amount_gt is None or answers.amount > when.amount_gt,
        when.amount_lt is None or answers.amount < when.amount_lt,
    )
    return all(checks)


def decide(rules: Iterable[LoanRule], answers: Answers) -> LoanRule | None:
    """The first rule whose conditions hold; None when none does."""
    return next((rule for rule in rules if rule_holds(rule.when, answers)), None)


def amount_flag(programme: LoanProgramme, amount: int) -> AmountFlag | None:
    if programme.amount_max is not None and amount > programme.amount_max:
        return AmountFlag.ABOVE
    if programme.amount_min is not None and amount < programme.amount_min:
        return AmountFlag.BELOW
    return None


def judge(programme: LoanProgramme, answers: Answers) -> ProgrammeVerdict:
    rule = decide(programme.rules, answers)
    outcome = rule.verdict if rule else "needs_check"
    return ProgrammeVerdict(programme, outcome, rule, amount_flag(programme, answers.amount))
