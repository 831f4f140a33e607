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
from tests.eval.scoring import (
    BLIND2_DEV,
    BLIND2_TEST,
    BLIND3_DEV,
    BLIND3_TEST,
    BLIND4_DEV,
    BLIND4_TEST,
    BLIND5_DEV,
    BLIND5_TEST,
    BLIND_DEV,
    BLIND_TEST,
    HOLDOUT,
    Report,
    evaluate,
    load_cases,
    report,
)

TARGET = (
    0.71  # own questions: measured 73.7%, unsure 42 with the first suggestion right in 39 (94.1% before round three)
)
HOLDOUT_FLOOR = 0.72  # measured 75.0%
# Round three added ~2,750 worker phrasings (Chinese and English) to every entry and article: the
# blind sets gained 6-14 points, but siblings (the forestry benefits, the Fushun loan entries) now
# share words, so some short questions written beside the content are unsure replies whose first
# suggestion is right rather than sure answers.
# Round one's blind set. Its test half was reported once and has been tuned on since.
BLIND_DEV_ACCURACY = 0.84  # measured 86.7%, confident-wrong 0.4%, honest 100%
BLIND_DEV_CONFIDENT_WRONG = 0.02
BLIND_DEV_HONEST = 0.95
BLIND_TEST_ACCURACY = 0.81  # measured 84.3%, confident-wrong 0.8%, honest 92.9%
BLIND_TEST_CONFIDENT_WRONG = 0.025
BLIND_TEST_HONEST = 0.90
# The second blind set; its test half was reported once in round two and has been tuned on since.
BLIND2_DEV_ACCURACY = 0.75  # measured 78.1%, confident-wrong 0.5%, honest 94.7%
BLIND2_DEV_CONFIDENT_WRONG = 0.025
BLIND2_DEV_HONEST = 0.92
BLIND2_TEST_ACCURACY = 0.74  # measured 77.5%, confident-wrong 1.0%, honest 89.5%
BLIND2_TEST_CONFIDENT_WRONG = 0.025
BLIND2_TEST_HONEST = 0.86
# The third blind set's dev half (its test half is run once, at the end of round three).
BLIND3_DEV_ACCURACY = (
    0.70  # measured 72.9%, confident-wrong 2.7% (station figures it labels faq among them), honest 88.1%
)
BLIND3_DEV_CONFIDENT_WRONG = 0.045
BLIND3_DEV_HONEST = 0.85
# Its test half, run once at the end of round three (never tuned on before): accuracy 71.0%, confident-wrong
# 4.0% (9; 2 are station facts it labels faq), honest on not-covered 78.0% (32/41), unsure 50 with the first
# suggestion right in 37; round two's engine on the same half: 58.0% / 3.6% / 78.0%. Tuned on since.
BLIND3_TEST_ACCURACY = 0.73  # measured since: 76.3%, confident-wrong 3.1%, honest 87.8%
BLIND3_TEST_CONFIDENT_WRONG = 0.04
BLIND3_TEST_HONEST = 0.84
# The fourth set, both halves run once at the end of round three, never tuned on: test half accuracy
# 71.8%, confident-wrong 3.0% (8), honest 83.7% (41/49), unsure 66 with the first suggestion right in 37;
# dev half 77.9% / 2.6% / 85.7%. Round two's engine: 58.6% / 1.9% / 79.6% and 59.9% / 2.6% / 81.6%.
# Both halves have been tuned on since. The floors only catch regressions; the targets are not met.
BLIND4_TEST_ACCURACY = 0.70  # measured since (tuned on): 72.9%, confident-wrong 2.6%, honest 85.7%
BLIND4_TEST_CONFIDENT_WRONG = 0.04
BLIND4_TEST_HONEST = 0.80
BLIND4_DEV_ACCURACY = 0.72  # measured since (tuned on): 75.7%, confident-wrong 1.9%, honest 93.9%
BLIND4_DEV_CONFIDENT_WRONG = 0.035
BLIND4_DEV_HONEST = 0.82
# The fifth set, both halves run once at the very end of round three (after the English map and the
# 1% threshold rule), never tuned on: test half accuracy 70.2%, confident-wrong 2.7% (6), honest 80.4%
# (37/46), unsure 60 with the first suggestion right in 45; dev half 73.9% / 1.3% / 91.3%. Round two's
# engine: 55.6% / 4.0% / 71.7%; the engine the fourth set was reported with: 70.7% / 3.1% / 78.3%.
BLIND5_TEST_ACCURACY = 0.67
BLIND5_TEST_CONFIDENT_WRONG = 0.04
BLIND5_TEST_HONEST = 0.77
BLIND5_DEV_ACCURACY = 0.71
BLIND5_DEV_CONFIDENT_WRONG = 0.025
BLIND5_DEV_HONEST = 0.88


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
    ("path", "accuracy", "confident_wrong", "honest"),
    [
        pytest.param(BLIND_DEV, BLIND_DEV_ACCURACY, BLIND_DEV_CONFIDENT_WRONG, BLIND_DEV_HONEST, id="blind-dev"),
        pytest.param(BLIND_TEST, BLIND_TEST_ACCURACY, BLIND_TEST_CONFIDENT_WRONG, BLIND_TEST_HONEST, id="blind-test"),
        pytest.param(BLIND2_DEV, BLIND2_DEV_ACCURACY, BLIND2_DEV_CONFIDENT_WRONG, BLIND2_DEV_HONEST, id="blind2-dev"),
        pytest.param(
            BLIND2_TEST, BLIND2_TEST_ACCURACY, BLIND2_TEST_CONFIDENT_WRONG, BLIND2_TEST_HONEST, id="blind2-test"
        ),
        pytest.param(BLIND3_DEV, BLIND3_DEV_ACCURACY, BLIND3_DEV_CONFIDENT_WRONG, BLIND3_DEV_HONEST, id="blind3-dev"),
        pytest.param(
            BLIND3_TEST, BLIND3_TEST_ACCURACY, BLIND3_TEST_CONFIDENT_WRONG, BLIND3_TEST_HONEST, id="blind3-test"
        ),
        pytest.param(BLIND4_DEV, BLIND4_DEV_ACCURACY, BLIND4_DEV_CONFIDENT_WRONG, BLIND4_DEV_HONEST, id="blind4-dev"),
        pytest.param(
            BLIND4_TEST, BLIND4_TEST_ACCURACY, BLIND4_TEST_CONFIDENT_WRONG, BLIND4_TEST_HONEST, id="blind4-test"
        ),
        pytest.param(BLIND5_DEV, BLIND5_DEV_ACCURACY, BLIND5_DEV_CONFIDENT_WRONG, BLIND5_DEV_HONEST, id="blind5-dev"),
        pytest.param(
            BLIND5_TEST, BLIND5_TEST_ACCURACY, BLIND5_TEST_CONFIDENT_WRONG, BLIND5_TEST_HONEST, id="blind5-test"
        ),
    ],
)
def test_blind_half_does_not_regress(
    engine: Engine, path: Path, accuracy: float, confident_wrong: float, honest: float
) -> None:
    found = report(engine, load_cases(path))
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
