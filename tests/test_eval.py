"""The engine must answer most of the realistic question set with the right topic and key facts,
and must not regress on the sets written blind to the content.

Since the calibrated confidence (bot/understanding/calibration.py) an answer is given as sure only
when it is very likely right, so some questions answered before are now unsure replies whose first
suggestion is right: accuracy floors went down, the confident-wrong ceilings down much further.
Figures measured when the calibration landed; floors a little below, ceilings a little above.
"""

from pathlib import Path

import pytest

from bot.understanding.engine import Engine
from tests.eval.engines import engine_for
from tests.eval.scoring import (
    BLIND2_DEV,
    BLIND2_TEST,
    BLIND3_DEV,
    BLIND3_TEST,
    BLIND4_DEV,
    BLIND4_TEST,
    BLIND5_DEV,
    BLIND5_TEST,
    BLIND6_DEV,
    BLIND6_TEST,
    BLIND7_DEV,
    BLIND7_TEST,
    BLIND8_DEV,
    BLIND8_TEST,
    BLIND9_DEV,
    BLIND9_TEST,
    BLIND_DEV,
    BLIND_HALVES,
    BLIND_TEST,
    HOLDOUT,
    BlindHalf,
    Report,
    evaluate,
    load_cases,
    report,
)

# Own questions: measured 90.8% (73.7% in round three, before the spent sets' questions joined the knowledge).
TARGET = 0.88
HOLDOUT_FLOOR = 0.85  # measured 87.5%
# Each blind half: (accuracy floor, confident-wrong ceiling, honest floor), a little under and over what
# the engine scores now. Since round four a spent set's questions are in the knowledge (content/asked.json)
# and each half is scored by an engine without its own set's questions (tests/eval/engines.py), so these
# are an unseen writer's figures for the index, though the calibration has been fitted on every half.
# What each half scored when it was run once is in README.md ("How questions are answered").
FLOORS: dict[Path, tuple[float, float, float]] = {
    BLIND_DEV: (0.88, 0.02, 0.95),  # 90.8% / 0.8% / 100%
    BLIND_TEST: (0.91, 0.02, 0.95),  # 94.0% / 0.8% / 100%; reported once in round one: 80.2% / 8.9% / 71.4%
    BLIND2_DEV: (0.87, 0.02, 0.93),  # 90.0% / 1.0% / 97.4%
    BLIND2_TEST: (0.83, 0.02, 0.88),  # 86.0% / 1.0% / 92.1%; reported once in round two: 61.5% / 3.0% / 81.6%
    BLIND3_DEV: (0.84, 0.035, 0.93),  # 87.1% / 2.7% / 97.6%
    BLIND3_TEST: (0.85, 0.03, 0.93),  # 87.9% / 2.2% / 97.6%; reported once in round three: 71.0% / 4.0% / 78.0%
    BLIND4_DEV: (0.85, 0.03, 0.91),  # 87.6% / 1.9% / 95.9%; run once untuned: 77.9% / 2.6% / 85.7%
    BLIND4_TEST: (0.8, 0.045, 0.9),  # 83.1% / 3.8% / 93.9%; run once untuned: 71.8% / 3.0% / 83.7%
    BLIND5_DEV: (0.82, 0.025, 0.91),  # 84.5% / 1.3% / 95.7%; run once untuned: 73.9% / 1.3% / 91.3%
    BLIND5_TEST: (0.87, 0.015, 0.93),  # 89.8% / 0.4% / 97.8%; run once untuned: 70.2% / 2.7% / 80.4%
    BLIND6_DEV: (0.83, 0.025, 0.95),  # 86.2% / 1.3% / 100%; before round four's tuning on it: 77.0% / 2.9% / 85.1%
    BLIND6_TEST: (0.88, 0.035, 0.94),  # 90.8% / 2.5% / 97.9%; reported once in round four: 84.1% / 3.3% / 89.6%
    # Run once, untuned, at the end of round four (round three's engine: 71.5% / 2.1% / 84.8%, 74.4% / 3.4% / 80.4%);
    # harvested and fitted on since.
    BLIND7_DEV: (0.84, 0.02, 0.93),  # 86.2% / 0.8% / 97.8%; run once: 84.5% / 1.7% (4) / 93.5% (43/46)
    BLIND7_TEST: (0.85, 0.025, 0.92),  # 87.4% / 1.7% / 95.7%; run once: 87.0% / 2.5% (6) / 91.3% (42/46)
    # Run once, untuned, at the very end of round four (round three's engine: 68.0% / 3.0% / 73.9% and
    # 69.7% / 3.5% / 80.9%): dev unsure 25 with the first suggestion right in 19, test 20 and 14.
    BLIND8_DEV: (0.86, 0.02, 0.86),  # 88.3% / 0.9% (2) / 89.1% (41/46)
    BLIND8_TEST: (0.84, 0.04, 0.86),  # 86.6% / 3.0% (7) / 89.4% (42/47)
    # Run once, untuned, after the eighth was harvested (round three's engine: 67.5% / 3.4% / 75.6% and
    # 71.8% / 2.1% / 75.6%): dev unsure 20 with the first suggestion right in 11, test 21 and 13.
    BLIND9_DEV: (0.85, 0.045, 0.80),  # 88.0% / 3.4% (8) / 84.4% (38/45)
    BLIND9_TEST: (0.85, 0.045, 0.78),  # 87.6% / 3.4% (8) / 82.2% (37/45)
}
# The floors only catch regressions; the 95% / ≤ 1% / 95% are not met.


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
    [pytest.param(half, *FLOORS[half.path], id=half.path.stem) for half in BLIND_HALVES],
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
    ("dev_path", "test_path", "size"),
    [
        (BLIND2_DEV, BLIND2_TEST, 400),
        (BLIND3_DEV, BLIND3_TEST, 440),
        (BLIND4_DEV, BLIND4_TEST, 520),
        (BLIND5_DEV, BLIND5_TEST, 440),
    ],
)
def test_later_blind_sets_are_split(dev_path: Path, test_path: Path, size: int) -> None:
    dev, test = load_cases(dev_path), load_cases(test_path)
    assert len(dev) + len(test) >= size
    assert not {c.q for c in dev} & {c.q for c in test}


def test_blind_set_is_frozen_and_split() -> None:
    """The halves are the files the blind writer produced, unchanged: tuning never edits them."""
    dev, test = load_cases(BLIND_DEV), load_cases(BLIND_TEST)
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
