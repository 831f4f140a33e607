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
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from bot.core.content_models import OTHER_GROUP, LoansFile
from bot.loans.amount import parse_amount
from bot.loans.places import is_place
from bot.loans.rules import OTHER_CITY, AmountFlag, Answers, Verdict, amount_flag, fold, in_place, judge
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


class Problem(StrEnum):
    """Why a typed or pressed answer was not taken; amount problems come from ``AmountProblem``."""

    NOT_A_CHOICE = "not_a_choice"
    NOT_A_PLACE = "not_a_place"  # a typed city that names no place we know ("火星")
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


@dataclass(frozen=True)
class Choice:
    key: str  # ASCII token carried by a button ("0", "other", "yes")
    value: str | bool
    label: str | None = None  # content text; None: a fixed choice the renderer names by its key
    en: str | None = None  # the content label's English name


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
class Outcome:
    action: Action
    state: FormState | None  # None once the questionnaire is closed
    problem: str | None = None
    flag: AmountFlag | None = None  # the amount just given is outside the programme's range
    verdict: Verdict | None = None


# -- the questionnaire -----------------------------------------------------------------

UNPAID_CHOICES = (
    Choice("yes", True),
    Choice("no", False),
)
RESUME_CHOICES = (
    Choice("resume", "resume"),
    Choice("restart", "restart"),
    Choice("cancel", "cancel"),
)


class LoanForm:
    """The questionnaire of content/loans.json: steps and answers from its first programme,
    a verdict from every programme's rules."""

    def __init__(self, loans: LoansFile) -> None:
        self.programme = programme = loans.programmes[0]
        self.others = tuple(loans.programmes[1:])
        groups = [Choice(str(i), g.name, g.name, g.en) for i, g in enumerate(programme.eligible_groups)]
        self._choices: dict[Step, tuple[Choice, ...]] = {
            Step.GROUP: (*groups, Choice("other", OTHER_GROUP)),
            Step.CITY: (
                Choice("home", programme.region, programme.region, programme.region_en),
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
        word = _PUNCT_RE.sub("", fold(text)) or fold(text)
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

    def in_region(self, city: object) -> bool:
        """Whether the city answered lies in the questionnaire's programme's region (False before it is given)."""
        return isinstance(city, str) and in_place(city, self.programme.region)

    def named(self, step: Step, value: object) -> Choice | None:
        """The choice an answer was, to name it again in the member's language (the group in a summary)."""
        return next((c for c in self.choices(step) if c.value == value), None)

    def verdict(self, answers: Answers) -> Verdict:
        in_region = self.in_region(answers.city)
        alternatives = () if in_region else tuple(judge(p, answers) for p in self.others)
        return Verdict(answers, judge(self.programme, answers), in_region, alternatives)

    # -- internals ---------------------------------------------------------------------

    def _match(self, step: Step, word: str) -> list[Choice]:
        """Choices the typed word names: its number, its label, or (for groups) part of it."""
        choices = self.choices(step)
        if word.isdigit() and 1 <= int(word) <= len(choices):
            return [choices[int(word) - 1]]
        exact = [c for c in choices if c.label and word == _PUNCT_RE.sub("", fold(c.label))]
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
            hits += [(choice, fold(n)) for n in names if fold(n) in word]
            if word in fold(choice.label):
                hits.append((choice, word))
        kept = {c.key: c for c, name in hits if not any(name in longer and name != longer for _, longer in hits)}
        return list(kept.values())

    def _typed_city(self, state: FormState, text: str) -> Outcome:
        city = " ".join(unicodedata.normalize("NFKC", text).split())
        if not has_meaningful_text(city) or city.isdigit():
            return Outcome(Action.REASK, state, Problem.NOT_A_CHOICE)
        if len(city) > MAX_CITY:
            return Outcome(Action.REASK, state, Problem.TOO_LONG)
        if not is_place(city, (self.programme.region,)):
            return Outcome(Action.REASK, state, Problem.NOT_A_PLACE)
        return self._record(state, city)

    def _record(self, state: FormState, value: str | bool | int) -> Outcome:
        answers = {**state.answers, state.step.value: value}
        # The range is the programme's, so it is flagged only to someone in its region.
        amount = state.step is Step.AMOUNT and isinstance(value, int) and self.in_region(state.answers.get("city"))
        flag = amount_flag(self.programme, value) if amount and isinstance(value, int) else None
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
    """Typed reply to the 继续 / 重新开始 / 取消 offer; None for anything else (answered as a question)."""
    word = _PUNCT_RE.sub("", fold(text))
    if word in {"继续", "1", "continue", "resume", "接着填"}:
        return "resume"
    if word in {"重新开始", "重来", "重新", "2", "restart"}:
        return "restart"
    if word in _CANCEL_WORDS | {"3"}:
        return "cancel"
    return None
