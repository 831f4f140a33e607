"""The engine must answer ≥95% of the realistic question set with the right topic and key facts,
and must not regress on the sets written blind to the content."""

from bot.understanding.engine import Engine
from tests.eval.scoring import BLIND_DEV, BLIND_TEST, HOLDOUT, evaluate, load_cases, report

TARGET = 0.95
HOLDOUT_FLOOR = 0.75  # measured 78.8% when the set was written; guards against regressions
# The blind set's dev half, measured when the scope checks and the coverage work landed:
# accuracy 95.2%, confident-wrong 1.2%, honest on not-covered 100%. Floors a little below.
BLIND_DEV_ACCURACY = 0.93
BLIND_DEV_CONFIDENT_WRONG = 0.02
BLIND_DEV_HONEST = 0.95
# The test half, run once at the end of that work (never tuned on): accuracy 80.2%,
# confident-wrong 8.9%, honest on not-covered 71.4%, short of the 95% / 1% / 95%.
# These floors only catch regressions.
BLIND_TEST_ACCURACY = 0.78
BLIND_TEST_CONFIDENT_WRONG = 0.10
BLIND_TEST_HONEST = 0.69


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


def test_blind_dev_half_does_not_regress(engine: Engine) -> None:
    found = report(engine, load_cases(BLIND_DEV))
    wrong = "\n".join(f"{o.case.q!r} → {o.got_topic}: {o.answer[:50]!r}" for o in found.misses() if o.sure)
    assert found.accuracy >= BLIND_DEV_ACCURACY
    assert found.confident_wrong <= BLIND_DEV_CONFIDENT_WRONG, wrong
    assert found.honest_rate >= BLIND_DEV_HONEST


def test_blind_test_half_does_not_regress(engine: Engine) -> None:
    found = report(engine, load_cases(BLIND_TEST))
    assert found.accuracy >= BLIND_TEST_ACCURACY
    assert found.confident_wrong <= BLIND_TEST_CONFIDENT_WRONG
    assert found.honest_rate >= BLIND_TEST_HONEST


def test_blind_set_is_frozen_and_split() -> None:
    """The halves are the files the blind writer produced, unchanged: tuning never edits them."""
    dev, test = load_cases(BLIND_DEV), load_cases(BLIND_TEST)
    assert len(dev) + len(test) >= 300
    assert not {c.q for c in dev} & {c.q for c in test}
    assert sum(c.expect == "honest" for c in dev + test) >= 40
