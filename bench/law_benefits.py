"""Benchmark the law and benefits flows' domain calls and print the figures.

    python bench/law_benefits.py [--rounds 2000]

Reports p50/p99 of: a chapter page, an article keyword search (normalising all 58 articles),
``/law`` look-up by number, a benefits check, decoding a check button, and the cost the
benefit place resolver adds to each free-text answer (engine with and without it).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.benefits.places import BenefitPlaces  # noqa: E402
from bot.benefits.policy import Status, check, check_choice, policy_tag  # noqa: E402
from bot.core.knowledge import Knowledge  # noqa: E402
from bot.law.articles import chapter_page, find_articles, lookup  # noqa: E402
from bot.understanding.engine import Engine  # noqa: E402

QUESTIONS = ["去雪乡要门票吗", "看病挂号要钱吗", "工会法第六条", "老板拖欠工资工会能管吗", "劳模看病免挂号费吗"]


def timed(call: Callable[[int], object], rounds: int) -> tuple[float, float]:
    samples = []
    for i in range(rounds):
        start = time.perf_counter()
        call(i)
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return samples[len(samples) // 2], samples[min(len(samples) - 1, int(0.99 * len(samples)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=2000)
    rounds = parser.parse_args().rounds
    knowledge = Knowledge.load(ROOT / "content")
    law, policies = knowledge.law, knowledge.files.benefits.policies
    policy = policies[0]
    tag = policy_tag(policy)
    plain = Engine(knowledge)
    with_places = Engine(knowledge, resolvers=(BenefitPlaces.from_knowledge(knowledge),))
    cases: dict[str, Callable[[int], object]] = {
        "chapter page": lambda i: chapter_page(law, 1 + i % len(law.chapters), 0),
        "keyword search (工会经费)": lambda i: find_articles(law, "工会经费"),
        "/law 三十二": lambda i: lookup(law, "三十二"),
        "benefits check": lambda i: check(policy, policy.eligible_honours[0], Status.RETIRED),
        "check button decode": lambda i: check_choice(policies, tag, "0", "s"),
        "engine answer, no place resolver": lambda i: plain.answer(QUESTIONS[i % len(QUESTIONS)]),
        "engine answer, with place resolver": lambda i: with_places.answer(QUESTIONS[i % len(QUESTIONS)]),
    }
    print(f"rounds: {rounds}")
    for name, call in cases.items():
        p50, p99 = timed(call, rounds)
        print(f"{name:38s} p50 {p50:8.3f} ms   p99 {p99:8.3f} ms")


if __name__ == "__main__":
    main()
