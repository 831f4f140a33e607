"""Benchmark the question-answering engine and print the figures.

    python bench/qa.py [--questions 2000]

Reports, for each evaluation set (our own questions, the held-out set, and the blind set's dev
and test halves): accuracy, the confident-wrong rate (answered as sure, with sources, but
wrong), the honest rate on the questions the knowledge does not cover, how often the first
suggestion is right when the engine is unsure, and answer latency p50/p99. Then latency on a
synthetic store of 10,000 entries; index build time; and the wall time of
``run_bot.py ask --jsonl`` over 1,000 questions, start-up included.

The blind test halves are for the end of a piece of work: tune on the dev halves only.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.core.content_models import FaqFile, QAEntry, Source  # noqa: E402
from bot.core.knowledge import Knowledge  # noqa: E402
from bot.core.settings import Settings  # noqa: E402
from bot.services import load_engine  # noqa: E402
from bot.understanding.engine import Engine  # noqa: E402
from tests.eval.engines import engine_for  # noqa: E402
from tests.eval.scoring import (  # noqa: E402
    BLIND_HALVES,
    HOLDOUT,
    QUESTIONS,
    Report,
    load_cases,
    report,
)

SYNTHETIC = 10_000
PHRASINGS, PHRASINGS_EN = 35, 4  # per synthetic entry, as many as the shipped entries have, asked ones included
# Each with the origin of its own asked questions, which the engine scoring it leaves out.
SETS = (
    ("own questions", QUESTIONS, None),
    ("held-out", HOLDOUT, None),
    *((h.label, h.path, h.origin) for h in BLIND_HALVES),
)


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def latency_ms(engine: Engine, questions: list[str], rounds: int) -> tuple[float, float]:
    samples = []
    for i in range(rounds):
        q = questions[i % len(questions)]
        start = time.perf_counter()
        engine.answer(q)
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), percentile(samples, 0.99)


def synthetic_knowledge(base: Knowledge, n: int, rng: random.Random) -> Knowledge:
    """The shipped knowledge plus ``n`` FAQ entries built from the real vocabulary."""
    words = [w for w in base.files.lexicon.words if len(w) >= 2]
    english = sorted(base.files.lexicon.english)
    texts = [e.entry.answer for e in base.entries.values()]
    source = Source(publication="合成数据", date="2026-11")
    extra = [
        QAEntry(
            id=f"synthetic-{i}",
            # shaped like the shipped entries: a dozen worker phrasings and a few English ones
            questions=["".join(rng.sample(words, 3)) + "怎么办" for _ in range(PHRASINGS)],
            questions_en=[f"how to {rng.choice(english)} {rng.choice(english)}" for _ in range(PHRASINGS_EN)],
            keywords=rng.sample(words, 2),
            answer=rng.choice(texts),
            source=source,
        )
        for i in range(n)
    ]
    faq = FaqFile(qa=[*base.files.faq.qa, *extra])
    return Knowledge.from_files(dataclasses.replace(base.files, faq=faq))


def print_report(name: str, found: Report, latency: tuple[float, float]) -> None:
    outcomes = found.outcomes
    print(f"{name}: {len(outcomes)} questions")
    print(
        f"  accuracy {found.accuracy:.1%} ({sum(o.passed for o in outcomes)}/{len(outcomes)}), "
        f"confident-wrong {found.confident_wrong:.1%} ({sum(o.sure and not o.passed for o in outcomes)})"
    )
    if found.not_covered:
        print(
            f"  honest on not-covered {found.honest_rate:.1%} "
            f"({sum(o.honest for o in found.not_covered)}/{len(found.not_covered)})"
        )
    right = sum(bool(o.first_suggestion_right) for o in found.unsure)
    print(f"  unsure {len(found.unsure)}: first suggestion right {found.first_suggestion_rate:.1%} ({right})")
    print(f"  latency p50 {latency[0]:.3f} ms, p99 {latency[1]:.3f} ms")
    for field in ("topic", "style"):
        groups: dict[str, list[bool]] = {}
        for o in outcomes:
            groups.setdefault(getattr(o.case, field), []).append(o.passed)
        print(f"  by {field}: " + ", ".join(f"{k} {sum(v)}/{len(v)}" for k, v in sorted(groups.items())))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=int, default=2000, help="latency samples per store")
    args = parser.parse_args()
    rng = random.Random(7)
    cases = load_cases()
    questions = [c.q for c in cases]

    start = time.perf_counter()
    knowledge = Knowledge.load(ROOT / "content")
    load_s = time.perf_counter() - start
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as data_dir:  # the engine the bot and the ask CLI run, resolvers included
        settings = Settings.from_env({"CONTENT_DIR": str(ROOT / "content"), "DATA_DIR": data_dir})
        engine = load_engine(settings)
    build_s = time.perf_counter() - start
    print(f"shipped knowledge: {len(knowledge.entries)} Q&A + {len(knowledge.law.articles)} articles")
    print(f"  load+validate {load_s * 1000:.0f} ms, load and index build {build_s * 1000:.0f} ms")
    for name, path, origin in SETS:
        if not path.exists():
            print(f"{name}: {path.name} not there yet")
            continue
        set_cases = load_cases(path)
        scoring = engine_for(origin)
        print_report(name, report(scoring, set_cases), latency_ms(engine, [c.q for c in set_cases], args.questions))

    big = synthetic_knowledge(knowledge, SYNTHETIC, rng)
    start = time.perf_counter()
    big_engine = Engine(big)
    big_build_s = time.perf_counter() - start
    p50, p99 = latency_ms(big_engine, questions, args.questions)
    print(f"synthetic store: {len(big.entries)} Q&A entries")
    print(f"  index build {big_build_s * 1000:.0f} ms")
    print(f"  latency p50 {p50:.3f} ms, p99 {p99:.3f} ms (target p99 ≤ 1 ms)")

    lines = "".join(json.dumps({"q": questions[i % len(questions)]}, ensure_ascii=False) + "\n" for i in range(1000))
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(ROOT / "run_bot.py"), "ask", "--jsonl"],
        input=lines,
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    wall = time.perf_counter() - start
    answered = len(done.stdout.splitlines())
    print(f"ask --jsonl: {answered} answers in {wall:.2f} s including start-up (target < 5 s)")
    start = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "run_bot.py"), "ask", "你好"], capture_output=True, check=True, cwd=ROOT)
    print(f"ask start-up (one question): {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
