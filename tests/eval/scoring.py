"""Score the engine on tests/eval/questions.jsonl through the ``ask --json`` contract."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from bot.channels.ask import answer_json
from bot.core.chinese import to_simplified
from bot.understanding.engine import Engine

QUESTIONS = Path(__file__).with_name("questions.jsonl")
# Written from the sources only, without reading content/ or the set above: the honest figure.
HOLDOUT = Path(__file__).with_name("holdout.jsonl")


@dataclass(frozen=True)
class Case:
    q: str
    topic: str
    facts: tuple[str, ...]
    style: str


@dataclass(frozen=True)
class Miss:
    case: Case
    got_topic: str
    answer: str


def load_cases(path: Path = QUESTIONS) -> list[Case]:
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            raw = json.loads(line)
            cases.append(Case(raw["q"], raw["topic"], tuple(raw.get("facts", [])), raw.get("style", "")))
    return cases


def evaluate(engine: Engine, cases: list[Case]) -> list[Miss]:
    """The cases answered wrongly: wrong topic, or a key fact missing from the answer."""
    misses = []
    for case in cases:
        result = answer_json(engine.answer(case.q))
        text = to_simplified(result["answer"])
        if result["topic"] != case.topic or not all(fact in text for fact in case.facts):
            misses.append(Miss(case, result["topic"], text))
    return misses
