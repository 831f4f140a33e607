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

# Own questions: measured 73.7%, unsure 42 with the first suggestion right in 39 (94.1% before round three).
TARGET = 0.71
HOLDOUT_FLOOR = 0.72  # measured 75.0%
# Round three added ~2,750 worker phrasings (Chinese and English) to every entry and article: the
# blind sets gained 6-14 points, but siblings (the forestry benefits, the Fushun loan entries) now
# share words, so some short questions written beside the content are unsure replies whose first
# suggestion is right rather than sure answers.
#
# Each blind half: (accuracy floor, confident-wrong ceiling, honest floor), with what was measured.
FLOORS: dict[Path, tuple[float, float, float]] = {
    # Round one's set; its test half was reported once and has been tuned on since.
    BLIND_DEV: (0.84, 0.02, 0.95),  # measured 86.7%, confident-wrong 0.4%, honest 100%
    BLIND_TEST: (0.81, 0.025, 0.90),  # measured 84.3%, confident-wrong 0.8%, honest 92.9%
    # Round two's set; its test half was reported once and has been tuned on since.
    BLIND2_DEV: (0.75, 0.025, 0.92),  # measured 78.1%, confident-wrong 0.5%, honest 94.7%
    BLIND2_TEST: (0.74, 0.025, 0.86),  # measured 77.5%, confident-wrong 1.0%, honest 89.5%
    # The third set. Its test half, run once at the end of round three (never tuned on before): accuracy
    # 71.0%, confident-wrong 4.0% (9; 2 are station facts it labels faq), honest on not-covered 78.0%
    # (32/41), unsure 50 with the first suggestion right in 37; round two's engine on the same half:
    # 58.0% / 3.6% / 78.0%. Tuned on since.
    BLIND3_DEV: (
        0.70,
        0.045,
        0.85,
    ),  # measured 72.9%, confident-wrong 2.7% (station figures it labels faq), honest 88.1%
    BLIND3_TEST: (0.73, 0.04, 0.84),  # measured since: 76.3%, confident-wrong 3.1%, honest 87.8%
    # The fourth set, both halves run once at the end of round three, never tuned on: test half accuracy
    # 71.8%, confident-wrong 3.0% (8), honest 83.7% (41/49), unsure 66 with the first suggestion right in
    # 37; dev half 77.9% / 2.6% / 85.7%. Round two's engine: 58.6% / 1.9% / 79.6% and 59.9% / 2.6% / 81.6%.
    # Both halves have been tuned on since.
    BLIND4_DEV: (0.72, 0.035, 0.82),  # measured since: 75.7%, confident-wrong 1.9%, honest 93.9%
    BLIND4_TEST: (0.70, 0.04, 0.80),  # measured since: 72.9%, confident-wrong 2.6%, honest 85.7%
    # The fifth set, both halves run once at the very end of round three (after the English map and the
    # 1% threshold rule), never tuned on: test half accuracy 70.2%, confident-wrong 2.7% (6), honest 80.4%
    # (37/46), unsure 60 with the first suggestion right in 45; dev half 73.9% / 1.3% / 91.3%. Round two's
    # engine: 55.6% / 4.0% / 71.7%; the engine the fourth set was reported with: 70.7% / 3.1% / 78.3%.
    BLIND5_DEV: (0.71, 0.025, 0.88),
    BLIND5_TEST: (0.67, 0.04, 0.77),
    # The sixth set, written in round four: rules tuned on its dev half (77.0% / 2.9% / 85.1% before,
    # 84.1% / 0.8% / 95.7% after), never fitted or harvested. Its test half, run once at the end: 84.1%,
    # confident-wrong 3.3% (8), honest 89.6% (43/48), unsure 27 with the first suggestion right in 18;
    # round three's engine on the same half: 74.9% / 1.7% / 85.4%.
    BLIND6_DEV: (0.81, 0.015, 0.93),
    BLIND6_TEST: (0.81, 0.04, 0.87),
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
