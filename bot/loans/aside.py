"""A question asked in the middle of the questionnaire: answered, rather than taken for an answer.

"我送外卖的，夏天太热了有没有地方能歇脚喝口水啊" at the 'who are you' step, or "工会法第六条是啥"
at the amount step, is not an answer to the step; re-asking it ("没看懂这个回答") would trap the
member. A message is taken as a question when the step could not read it, it is more than
numbers, and it either reads as one (a question word or mark) or the engine answers it with
something definite (an entry, an article, stations). At the business step, where any words are an answer, only a message
that reads as a question and gets a definite answer counts. The channel answers it with a
way back to the step; the questionnaire stays where it was.
"""

from __future__ import annotations

import re

from bot.loans.amount import AmountProblem
from bot.loans.questionnaire import Action, Outcome, Problem, Step
from bot.understanding.engine import CONFIDENT, Answer, Engine, Kind

QUESTION_RE = re.compile(
    r"[?？]|吗|么$|怎么|怎样|如何|什么|为什么|为啥|啥|咋|哪|谁|多少|有没有|能不能|可不可以|是不是|要不要|请问"
)
DEFINITE = frozenset({Kind.ENTRY, Kind.ARTICLE, Kind.NO_ARTICLE, Kind.STATIONS})
UNREADABLE = frozenset({Problem.NOT_A_CHOICE, Problem.NOT_A_PLACE, AmountProblem.NOT_A_NUMBER})
NOT_ANSWERS = frozenset({Kind.EMPTY, Kind.CHITCHAT})  # "好的" or "你好" at a step is no question
# Numbers, numerals and money words: "7", "十几万" are (mistyped) answers, whatever the engine makes of them.
_NUMERIC = re.compile(r"[\d\s\W_零〇一二两三四五六七八九十百千万亿几元块钱]+")
MIN_WORDS = 2  # characters left besides those


def reads_as_question(text: str) -> bool:
    return QUESTION_RE.search(text) is not None


def wordy(text: str) -> bool:
    return len(_NUMERIC.sub("", text)) >= MIN_WORDS


def definite(answer: Answer) -> bool:
    return answer.kind in DEFINITE and answer.confidence >= CONFIDENT


def aside(engine: Engine, step: Step, outcome: Outcome, text: str) -> Answer | None:
    """The engine's answer when ``text`` is a question rather than an answer to ``step``; else None."""
    if step is Step.BUSINESS:
        if not reads_as_question(text):
            return None
        answer = engine.answer(text)
        return answer if definite(answer) else None
    if outcome.action is not Action.REASK or outcome.problem not in UNREADABLE or not wordy(text):
        return None
    answer = engine.answer(text)
    if answer.kind in NOT_ANSWERS:
        return None
    return answer if reads_as_question(text) or definite(answer) else None
