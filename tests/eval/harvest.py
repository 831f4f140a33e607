"""Write ``content/asked.json``: the spent blind sets' questions, each with what answers it.

    python -m tests.eval.harvest

A question joins the entry or article whose answer passes it (right topic, every key fact). When
several pass (12351 is in many answers), the one the engine ranks first among them, if it ranks any
of them among its best; otherwise, and for questions with no key fact to check (a greeting, a
request for the nearest station) or with the honest reply expected, it is left out. The engine
that decides is built without any asked question, so a run does not feed on the last one's output.
"""

from __future__ import annotations

import json

from bot.understanding.engine import Answer, Engine
from tests.eval.calibrate import passes_any_convention
from tests.eval.engines import CONTENT, engine_without
from tests.eval.scoring import BLIND_HALVES, Case, load_cases

ASKED = CONTENT / "asked.json"
MAX_CANDIDATES = 4  # more passing answers than this: the key fact is too common to tell which one is meant


def answered_by(engine: Engine, answers: dict[str, Answer], case: Case) -> str | None:
    """The reference whose answer passes the case; ``answers`` is every entry's and article's answer."""
    if case.expect != "answer" or not case.facts or case.topic in ("chitchat", "unknown"):
        return None
    passing = [ref for ref, found in answers.items() if passes_any_convention(case, found)]
    if len(passing) <= 1:
        return passing[0] if passing else None
    if len(passing) > MAX_CANDIDATES:
        return None
    answer = engine.answer(case.q)
    ranked = [*([answer.ranked.top] if answer.ranked else []), *(s.ref for s in answer.suggestions)]
    return next((ref for ref in ranked if ref in passing), None)


def main() -> None:
    spent = [half for half in BLIND_HALVES if half.tuned_on]
    engine = engine_without(frozenset(half.origin for half in spent))
    refs = [
        *(f"qa:{entry_id}" for entry_id in engine.knowledge.entries),
        *(f"art:{a.number}" for a in engine.knowledge.law.articles),
    ]
    answers = {ref: found for ref in refs if (found := engine.answer_ref(ref)) is not None}  # once, not per case
    asked = []
    for half in spent:
        for case in load_cases(half.path):
            ref = answered_by(engine, answers, case)
            if ref is not None:
                asked.append({"q": case.q, "ref": ref, "origin": half.origin})
    asked.sort(key=lambda a: (a["ref"], a["origin"]))
    ASKED.write_text(json.dumps({"asked": asked}, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"{len(asked)} asked questions for {len({a['ref'] for a in asked})} entries and articles → {ASKED.name}")


if __name__ == "__main__":
    main()
