"""The loan eligibility questionnaire as a channel-neutral state machine.

Telegram (handlers/topics/loans.py) and the console both drive it: they show ``prompt(state)``,
feed what the user pressed or typed to ``press``/``type``, and render the ``Outcome``.
The state is a small JSON-safe dict so that it can live in PTB's ``user_data`` and
survive a restart with persistence. Who is eligible is decided by the rules in
content/loans.json (first matching rule wins), never by branches here.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from bot.core.chinese import to_simplified
from bot.core.content_models import OTHER_GROUP, LoanProgramme, LoanRule, LoansFile, LoanWhen
from bot.loans.amount import parse_amount
from bot.understanding.normalise import has_meaningful_text

log = logging.getLogger(__name__)


class Step(StrEnum):
    GROUP = "group"
    CITY = "city"
    UNPAID = "unpaid"
    AMOUNT = "amount"
    BUSINESS = "business"


STEPS = tuple(Step)
_STEP_NAMES = {step.value for step in Step}
_ANSWER_TYPES: dict[Step, type] = {
    Step.GROUP: str,
    Step.CITY: str,
    Step.UNPAID: bool,
    Step.AMOUNT: int,
    Step.BUSINESS: str,
}
OTHER_CITY = "其他"  # the "another city" button: outside the programme's region, name not given
MAX_CITY = 20
MAX_BUSINESS = 200
START_WORDS = {"贷款测评", "贷款资格测评", "测一测贷款", "小额贷款测评"}
_BACK_WORDS = {"返回", "上一步", "back"}
_CANCEL_WORDS = {"取消", "退出", "退出测评", "cancel", "/cancel"}
_OTHER_WORDS = {"其他", "其它", "别的", "都不是", "以上都不是", "其他城市", "其他地方", "外地"}
_YES_WORDS = {"有", "是", "是的", "对", "有的", "还有", "没还", "没还清", "未还清", "还没还", "还没还清", "yes", "y"}
_NO_WORDS = {
    "没有",
    "没",
    "无",
    "否",
    "不是",
    "不",
    "没借过",
    "没有借过",
    "还清了",
    "已还清",
    "已经还清",
    "已还",
    "no",
    "n",
}
_PARTICLES = "吧的啊呀呢哦嘛啦"
_PUNCT_RE = re.compile(r"[\s\W_]+")
_PROVINCE_RE = re.compile(r"^.*?(省|自治区)")
_CITY_SUFFIX_RE = re.compile(r"(市|地区|盟|自治州)$")


class Problem(StrEnum):
    """Why a typed or pressed answer was not taken; amount problems come from ``AmountProblem``."""

    NOT_A_CHOICE = "not_a_choice"
    AMBIGUOUS = "ambiguous"
    EMPTY = "empty"
    TOO_LONG = "too_long"
    STALE = "stale"  # a button from an earlier step or an ended questionnaire
    FORGED = "forged"  # button data no keyboard of ours carries


class Action(StrEnum):
    NEXT = "next"  # answer taken, ``state`` is at the next step
    REASK = "reask"  # answer refused, same step, see ``problem``
    BACK = "back"  # one step back
    LEFT = "left"  # back from the first step: the questionnaire is closed
    CANCELLED = "cancelled"
    FINISHED = "finished"  # ``verdict`` is set


class AmountFlag(StrEnum):
    ABOVE = "above"  # more than the programme lends
    BELOW = "below"


@dataclass(frozen=True)
class Choice:
    key: str  # ASCII token carried by a button ("0", "other", "yes")
    value: str | bool
    label: str | None = None  # content text; None: a fixed choice the renderer names by its key


@dataclass(frozen=True)
class FormState:
    step: Step
    answers: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"step": self.step.value, "answers": dict(self.answers)}

    @classmethod
    def from_dict(cls, raw: object) -> FormState | None:
        """The state kept in user_data, or None when it is missing or not one of ours."""
        if not isinstance(raw, Mapping) or not isinstance(raw.get("answers"), Mapping):
            return None
        try:
            step = Step(raw.get("step"))
        except ValueError:
            return None
        answers = {
            name: value
            for name, value in raw["answers"].items()
            if name in _STEP_NAMES
            and isinstance(value, _ANSWER_TYPES[Step(name)])
            and (name != Step.AMOUNT or not isinstance(value, bool))
        }
        return cls(step, answers)

    @property
    def number(self) -> int:
        return STEPS.index(self.step) + 1


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


@dataclass(frozen=True)
class Outcome:
    action: Action
    state: FormState | None  # None once the questionnaire is closed
    problem: str | None = None
    flag: AmountFlag | None = None  # the amount just given is outside the programme's range
    verdict: Verdict | None = None


# -- the rule evaluator ----------------------------------------------------------------


def _fold(text: str) -> str:
    return to_simplified(unicodedata.normalize("NFKC", text)).lower().strip()


def place_core(name: str) -> str:
    """辽宁省抚顺市 → 抚顺: the part of a place name people actually type."""
    folded = _PUNCT_RE.sub("", _fold(name))
    return _CITY_SUFFIX_RE.sub("", _PROVINCE_RE.sub("", folded)) or folded


def in_place(answer: str, place: str) -> bool:
    """True when the city the user gave lies in ``place`` (抚顺县 and 抚顺市 are in 抚顺)."""
    return answer != OTHER_CITY and place_core(place) in _PUNCT_RE.sub("", _fold(answer))


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


# -- the questionnaire -----------------------------------------------------------------

UNPAID_CHOICES = (
    Choice("yes", True),
    Choice("no", False),
)
RESUME_CHOICES = (
    Choice("resume", "resume"),
    Choice("restart", "restart"),
)


class LoanForm:
    """The questionnaire of content/loans.json: steps and answers from its first programme,
    a verdict from every programme's rules."""

    def __init__(self, loans: LoansFile) -> None:
        self.programme = programme = loans.programmes[0]
        self.others = tuple(loans.programmes[1:])
        groups = [Choice(str(i), group, group) for i, group in enumerate(programme.eligible_groups)]
        self._choices: dict[Step, tuple[Choice, ...]] = {
            Step.GROUP: (*groups, Choice("other", OTHER_GROUP)),
            Step.CITY: (
                Choice("home", programme.region, programme.region),
                Choice("elsewhere", OTHER_CITY),
            ),
            Step.UNPAID: UNPAID_CHOICES,
            Step.AMOUNT: (),
            Step.BUSINESS: (),
        }

    def start(self) -> FormState:
        return FormState(STEPS[0])

    def choices(self, step: Step) -> tuple[Choice, ...]:
        return self._choices[step]

    def press(self, state: FormState, step: str, key: str) -> Outcome:
        """A button: ``step`` and ``key`` come from its callback data, so never trust them."""
        if step != state.step.value:
            return Outcome(Action.REASK, state, Problem.STALE if step in _STEP_NAMES else Problem.FORGED)
        choice = next((c for c in self.choices(state.step) if c.key == key), None)
        if choice is None:
            return Outcome(Action.REASK, state, Problem.FORGED)
        return self._record(state, choice.value)

    def typed(self, state: FormState, text: str) -> Outcome:
        """Typed text: a control word, a choice by label, synonym or number, or a free answer."""
        word = _PUNCT_RE.sub("", _fold(text)) or _fold(text)
        if word in _BACK_WORDS:
            return self.back(state)
        if word in _CANCEL_WORDS:
            return self.cancel()
        if state.step is Step.AMOUNT:
            parsed = parse_amount(text)
            if parsed.yuan is None:
                return Outcome(Action.REASK, state, parsed.problem)
            return self._record(state, parsed.yuan)
        if state.step is Step.BUSINESS:
            business = " ".join(unicodedata.normalize("NFKC", text).split())
            if not has_meaningful_text(business):
                return Outcome(Action.REASK, state, Problem.EMPTY)
            if len(business) > MAX_BUSINESS:
                return Outcome(Action.REASK, state, Problem.TOO_LONG)
            return self._record(state, business)
        matches = self._match(state.step, word)
        if len(matches) == 1:
            return self._record(state, matches[0].value)
        if len(matches) > 1:
            return Outcome(Action.REASK, state, Problem.AMBIGUOUS)
        if state.step is Step.CITY:
            return self._typed_city(state, text)
        return Outcome(Action.REASK, state, Problem.NOT_A_CHOICE if has_meaningful_text(text) else Problem.EMPTY)

    def back(self, state: FormState) -> Outcome:
        index = STEPS.index(state.step)
        if index == 0:
            return Outcome(Action.LEFT, None)
        previous = STEPS[index - 1]
        kept = {k: v for k, v in state.answers.items() if STEPS.index(Step(k)) < index - 1}
        return Outcome(Action.BACK, FormState(previous, kept))

    @staticmethod
    def cancel() -> Outcome:
        return Outcome(Action.CANCELLED, None)

    def verdict(self, answers: Answers) -> Verdict:
        in_region = in_place(answers.city, self.programme.region)
        alternatives = () if in_region else tuple(judge(p, answers) for p in self.others)
        return Verdict(answers, judge(self.programme, answers), in_region, alternatives)

    # -- internals ---------------------------------------------------------------------

    def _match(self, step: Step, word: str) -> list[Choice]:
        """Choices the typed word names: its number, its label, or (for groups) part of it."""
        choices = self.choices(step)
        if word.isdigit() and 1 <= int(word) <= len(choices):
            return [choices[int(word) - 1]]
        exact = [c for c in choices if c.label and word == _PUNCT_RE.sub("", _fold(c.label))]
        if exact:
            return exact
        if step is Step.UNPAID:
            bare = word.rstrip(_PARTICLES) or word  # 有吧, 没有啊, 还清了呢
            return [c for c in choices if {word, bare} & (_YES_WORDS if c.value is True else _NO_WORDS)]
        if word in _OTHER_WORDS:
            return [c for c in choices if c.value in (OTHER_GROUP, OTHER_CITY) and c.label is None]
        if step is Step.GROUP and len(word) >= 2:
            return self._groups_named(word)
        return []

    def _groups_named(self, word: str) -> list[Choice]:
        """Groups whose label or an alias from content appears in the words ("我是退伍的" → 退役军人).

        A hit inside a longer hit does not count, so 农民工 names 返乡创业农民工 even where 农民
        is an alias of 农村富余劳动力; what remains must be one group, else the answer is ambiguous.
        """
        hits: list[tuple[Choice, str]] = []
        for choice in self.choices(Step.GROUP):
            if choice.label is None:
                continue
            names = [choice.label, *self.programme.group_aliases.get(choice.label, ())]
            hits += [(choice, _fold(n)) for n in names if _fold(n) in word]
            if word in _fold(choice.label):
                hits.append((choice, word))
        kept = {c.key: c for c, name in hits if not any(name in longer and name != longer for _, longer in hits)}
        return list(kept.values())

    def _typed_city(self, state: FormState, text: str) -> Outcome:
        city = " ".join(unicodedata.normalize("NFKC", text).split())
        if not has_meaningful_text(city) or city.isdigit():
            return Outcome(Action.REASK, state, Problem.NOT_A_CHOICE)
        if len(city) > MAX_CITY:
            return Outcome(Action.REASK, state, Problem.TOO_LONG)
        return self._record(state, city)

    def _record(self, state: FormState, value: str | bool | int) -> Outcome:
        answers = {**state.answers, state.step.value: value}
        flag = amount_flag(self.programme, value) if state.step is Step.AMOUNT and isinstance(value, int) else None
        index = STEPS.index(state.step)
        if index + 1 < len(STEPS):
            return Outcome(Action.NEXT, FormState(STEPS[index + 1], answers), flag=flag)
        try:
            complete = Answers(**{step.value: answers[step.value] for step in STEPS})
        except KeyError as missing:  # a state edited or cut short: ask the missing step again
            log.warning("loan questionnaire state lacks %s; asking again", missing)
            return Outcome(Action.REASK, FormState(Step(missing.args[0]), answers), Problem.STALE)
        return Outcome(Action.FINISHED, None, flag=flag, verdict=self.verdict(complete))


def parse_resume(text: str) -> str | None:
    """Typed reply to the 继续 / 重新开始 offer."""
    word = _PUNCT_RE.sub("", _fold(text))
    if word in {"继续", "1", "continue", "resume", "接着填"}:
        return "resume"
    if word in {"重新开始", "重来", "重新", "2", "restart"}:
        return "restart"
    return None
