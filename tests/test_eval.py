"""The engine must answer most of the realistic question set with the right topic and key facts,
and must not regress on the sets written blind to the content.

Since the calibrated confidence (bot/understanding/calibration.py) an answer is given as sure only
when it is very likely right, so some questions answered before are now unsure replies whose first
suggestion is right: accuracy floors went down, the confident-wrong ceilings down much further.
Figures measured when the calibration landed; floors a little below, ceilings a little above.
"""

from dataclasses import replace

import pytest

from bot.understanding.engine import Engine
from tests.eval.engines import engine_for
from tests.eval.scoring import (
    BLIND_HALVES,
    HOLDOUT,
    BlindHalf,
    Case,
    Report,
    blind_set,
    evaluate,
    load_cases,
    passes,
    report,
)

# Own questions: measured 88.2% (73.7% in round three, before the spent sets' questions joined the knowledge).
TARGET = 0.86
HOLDOUT_FLOOR = 0.84  # measured 86.2%
# Each blind half: (accuracy floor, confident-wrong ceiling, honest floor), a little under and over what
# the engine scores now. Since round four a spent set's questions are in the knowledge (content/asked.json)
# and each half is scored by an engine without its own set's questions (tests/eval/engines.py), so these
# are an unseen writer's figures for the index, though the calibration has been fitted on every half.
# Each comment: accuracy / confident-wrong / honest (%) now, and when the half was run once (README.md).
FLOORS: dict[str, tuple[float, float, float]] = {  # by file name
    "blind_dev": (0.89, 0.024, 0.95),  # now 92.4 / 1.2 / 100.0
    "blind_test": (0.9, 0.02, 0.95),  # now 92.7 / 0.8 / 100.0; once, round one: 80.2 / 8.9 / 71.4
    "blind2_dev": (0.87, 0.017, 0.95),  # now 90.0 / 0.5 / 100.0
    "blind2_test": (0.86, 0.032, 0.88),  # now 89.0 / 2.0 / 92.1; once, round two: 61.5 / 3.0 / 81.6
    "blind3_dev": (0.88, 0.034, 0.93),  # now 91.1 / 2.2 / 97.6
    "blind3_test": (0.86, 0.034, 0.93),  # now 89.3 / 2.2 / 97.6; once, round three: 71.0 / 4.0 / 78.0
    "blind4_dev": (0.88, 0.027, 0.93),  # now 91.4 / 1.5 / 98.0; once, untuned: 77.9 / 2.6 / 85.7
    "blind4_test": (0.86, 0.038, 0.91),  # now 89.5 / 2.6 / 95.9; once, untuned: 71.8 / 3.0 / 83.7
    "blind5_dev": (0.84, 0.012, 0.95),  # now 87.2 / 0.0 / 100.0; once, untuned: 73.9 / 1.3 / 91.3
    "blind5_test": (0.88, 0.012, 0.93),  # now 90.7 / 0.0 / 97.8; once, untuned: 70.2 / 2.7 / 80.4
    "blind6_dev": (0.85, 0.016, 0.93),  # now 87.9 / 0.4 / 97.9; before tuning on it: 77.0 / 2.9 / 85.1
    "blind6_test": (0.91, 0.025, 0.93),  # now 93.7 / 1.3 / 97.9; once, round four: 84.1 / 3.3 / 89.6
    "blind7_dev": (0.88, 0.025, 0.93),  # now 91.2 / 1.3 / 97.8; once, untuned: 84.5 / 1.7 / 93.5
    "blind7_test": (0.87, 0.02, 0.95),  # now 90.3 / 0.8 / 100.0; once, untuned: 87.0 / 2.5 / 91.3
    "blind8_dev": (0.89, 0.021, 0.93),  # now 91.8 / 0.9 / 97.8; once, untuned: 88.3 / 0.9 / 89.1
    "blind8_test": (0.92, 0.021, 0.89),  # now 94.8 / 0.9 / 93.6; once, untuned: 86.6 / 3.0 / 89.4
    "blind9_dev": (0.86, 0.029, 0.95),  # now 89.3 / 1.7 / 100.0; once, untuned: 88.0 / 3.4 / 84.4
    "blind9_test": (0.86, 0.029, 0.87),  # now 89.3 / 1.7 / 91.1; once, untuned: 87.6 / 3.4 / 82.2
    "blind10_dev": (0.9, 0.016, 0.93),  # now 93.3 / 0.4 / 97.8; once, untuned: 88.8 / 2.1 / 89.1
    "blind10_test": (0.88, 0.025, 0.91),  # now 90.8 / 1.2 / 95.7; once, untuned: 88.8 / 2.5 / 93.5
    "blind11_dev": (0.83, 0.033, 0.87),  # now 86.2 / 2.1 / 91.7; once, untuned: 84.2 / 3.8 / 85.4
    "blind11_test": (0.8, 0.029, 0.91),  # now 83.3 / 1.7 / 95.9; once, untuned: 81.2 / 1.7 / 93.9
    "blind12_dev": (0.89, 0.029, 0.89),  # now 92.1 / 1.7 / 93.6; once, untuned: 91.7 / 0.8 / 95.7
    "blind12_test": (0.88, 0.025, 0.89),  # now 90.8 / 1.2 / 93.8; once, untuned: 87.9 / 1.7 / 91.7
    "blind13_dev": (0.87, 0.029, 0.95),  # now 89.7 / 1.7 / 100.0; once, untuned: 86.0 / 1.7 / 97.9
    "blind13_test": (0.87, 0.024, 0.93),  # now 90.5 / 1.2 / 97.9; once, untuned: 86.7 / 2.9 / 91.7
    "blind14_dev": (0.86, 0.025, 0.89),  # now 88.8 / 1.2 / 93.5; once: 86.7 / 2.1 / 89.1
    "blind14_test": (0.89, 0.02, 0.91),  # now 92.1 / 0.8 / 95.7; once: 88.3 / 1.7 / 91.3
    "blind15_dev": (0.87, 0.029, 0.91),  # now 89.7 / 1.7 / 95.8; once: 88.0 / 2.1 / 93.8
    "blind15_test": (0.81, 0.041, 0.91),  # now 84.2 / 2.9 / 95.8; once: 83.8 / 1.7 / 93.8
    "blind16_dev": (0.92, 0.021, 0.91),  # now 95.1 / 0.9 / 95.3; once, untuned: 91.2 / 2.2 / 88.4
    "blind16_test": (0.86, 0.016, 0.95),  # now 89.4 / 0.4 / 100.0; once, untuned: 87.6 / 1.8 / 97.7
    "blind17_dev": (0.87, 0.016, 0.95),  # now 90.2 / 0.4 / 100.0; once, untuned: 88.3 / 0.4 / 100.0
    "blind17_test": (0.86, 0.016, 0.94),  # now 88.6 / 0.4 / 98.0; once, untuned: 87.1 / 1.2 / 98.0
    "blind18_dev": (0.86, 0.024, 0.93),  # now 88.5 / 1.2 / 98.0; once, untuned: 86.9 / 2.0 / 93.9
    "blind18_test": (0.86, 0.028, 0.89),  # now 88.9 / 1.6 / 93.9; once, untuned: 88.5 / 2.1 / 91.8
    "blind19_dev": (0.85, 0.029, 0.87),  # now 88.4 / 1.7 / 91.7; once, untuned: the same
    "blind19_test": (0.84, 0.033, 0.85),  # now 87.1 / 2.1 / 89.4; once, untuned: the same
}
# The floors only catch regressions; the 95% / ≤ 1% / 95% are not met. Read with facts.md's
# spaces kept (20 万元 against an answer's 20万元), the fourteenth set's one run scored 83.8 / 5.0 / 89.1
# (dev) and 83.8 / 6.2 / 91.3 (test), the fifteenth's 86.0 / 4.1 / 93.8 and 81.7 / 3.7 / 93.8; the
# figures above are spaces aside.


def test_question_set_is_large_and_varied() -> None:
    cases = load_cases()
    assert len(cases) >= 100
    assert {c.topic for c in cases} >= {"law", "benefits", "stations", "loans", "faq", "chitchat", "unknown"}


def test_accuracy_meets_target(engine: Engine) -> None:
    cases = load_cases()
    misses = evaluate(engine, cases)
    accuracy = 1 - len(misses) / len(cases)
    report_lines = "\n".join(
        f"{m.case.q!r}: want {m.case.topic} {m.case.facts}, got {m.got_topic}: {m.answer[:60]!r}" for m in misses
    )
    assert accuracy >= TARGET, f"accuracy {accuracy:.1%}\n{report_lines}"


def test_holdout_accuracy_does_not_regress(engine: Engine) -> None:
    cases = load_cases(HOLDOUT)
    misses = evaluate(engine, cases)
    assert 1 - len(misses) / len(cases) >= HOLDOUT_FLOOR


@pytest.mark.parametrize(
    ("half", "accuracy", "confident_wrong", "honest"),
    [pytest.param(half, *FLOORS[half.path.stem], id=half.path.stem) for half in BLIND_HALVES],
)
def test_blind_half_does_not_regress(half: BlindHalf, accuracy: float, confident_wrong: float, honest: float) -> None:
    """Scored by an engine without the set's own asked questions: an unseen writer's figure, not a recital."""
    found = report(engine_for(half.origin), load_cases(half.path))
    assert found.accuracy >= accuracy
    assert found.confident_wrong <= confident_wrong, confidently_wrong(found)
    assert found.honest_rate >= honest


def confidently_wrong(found: Report) -> str:
    return "\n".join(f"{o.case.q!r} → {o.got_topic}: {o.answer[:50]!r}" for o in found.misses() if o.sure)


@pytest.mark.parametrize(
    ("origin", "size"),
    [
        ("blind2", 400),
        ("blind3", 440),
        ("blind4", 520),
        ("blind5", 440),
        ("blind6", 470),
        ("blind7", 470),
        ("blind8", 460),
        ("blind9", 460),
        ("blind10", 470),
        ("blind11", 470),
        ("blind12", 470),
        ("blind13", 480),
        ("blind14", 480),
        ("blind15", 480),
        ("blind16", 450),
        ("blind17", 510),
        ("blind18", 480),
        ("blind19", 480),
    ],
)
def test_later_blind_sets_are_split(origin: str, size: int) -> None:
    dev, test = (load_cases(half.path) for half in blind_set(origin))
    assert len(dev) + len(test) >= size
    assert not {c.q for c in dev} & {c.q for c in test}


def test_blind_set_is_frozen_and_split() -> None:
    """The halves are the files the blind writer produced, unchanged: tuning never edits them."""
    dev, test = (load_cases(half.path) for half in blind_set("blind"))
    assert len(dev) + len(test) >= 300
    assert not {c.q for c in dev} & {c.q for c in test}
    assert sum(c.expect == "honest" for c in dev + test) >= 40


def test_a_spent_set_is_scored_without_its_own_asked_questions() -> None:
    """Its questions are in the shipped index; scored with them, a set would only be recited back."""
    shipped = engine_for(None).knowledge.files.asked.asked
    for half in BLIND_HALVES:
        if half.tuned_on:
            assert any(a.origin == half.origin for a in shipped), half.origin  # harvested
            assert not any(a.origin == half.origin for a in engine_for(half.origin).knowledge.files.asked.asked)


def test_a_fact_matches_whatever_spaces_the_source_sets_around_its_number(engine: Engine) -> None:
    """facts.md writes 20 万元; an answer writes 20万元. Either way it is the fact, and only the fact."""
    answer = engine.answer("创业担保贷款个人最多能贷多少？")
    case = Case("创业担保贷款个人最多能贷多少？", "loans", ("20 万元",), "colloquial")
    assert passes(case, answer)
    assert not passes(replace(case, facts=("99 万元",)), answer)
