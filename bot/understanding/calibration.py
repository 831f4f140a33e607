"""A calibrated confidence: how likely the best entry is the right answer, and how likely the
knowledge does not cover the question at all.

BM25's score says which entry matches best, not whether it answers. A wrong answer shown as
sure, with its source line, is the worst reply this bot can give, so the decision to answer is
taken from features that say *why* a match can be wrong: query words that the entry does not
contain although other entries do (a scope cue such as 火车, 补办, a place or a year), a match
made of generic words only (工会, 劳模, 贷款), a runner-up nearly as good, words the knowledge has
never seen. Two small logistic models over these features were fitted on the development sets
(``python -m tests.eval.calibrate``); their weights and thresholds are data, in
``calibration.json`` beside this module.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.understanding.search import BM25Index, Hit

WEIGHTS = Path(__file__).with_name("calibration.json")
FEATURES = (
    "coverage",  # share of the query's weight the best entry matches
    "margin",  # how far the best entry is ahead of the runner-up
    "specificity",  # how far the known words single out entries at all
    "missed_share",  # share of the query's weight in known words the best entry lacks
    "missed_max",  # the rarest known word the best entry lacks (its IDF, relative)
    "matched_max",  # the rarest word the best entry matches: low when only generic words match
    "unseen_share",  # share of the query's weight in words the knowledge has never seen
    "runner_up",  # the runner-up's coverage
    "rival",  # closeness of a runner-up that is not the same law article (1 - margin, else 0)
    "phrasing",  # how much of the best entry's closest curated question the query says
    "article",  # the best entry is a law article
    "length",  # log of the number of distinct query words
    "agree",  # the character search puts the same entry (or one on the same article) first
    "pair_rank",  # 1 / (1 + the best entry's rank in the character search), 0 when not placed
    "pair_score",  # its character-search score as a share of that search's best
    "pair_coverage",  # the share of the question's character pairs it holds
)


@dataclass(frozen=True)
class Logistic:
    bias: float
    weights: tuple[float, ...]

    def probability(self, features: Sequence[float]) -> float:
        z = self.bias + sum(w * f for w, f in zip(self.weights, features, strict=True))
        return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))


@dataclass(frozen=True)
class Calibration:
    right: Logistic  # P(the best entry answers the question)
    uncovered: Logistic  # P(the knowledge does not cover the question)
    answer_at: float  # answer as sure at or above this P(right)
    honest_at: float  # below answer_at, say "not covered" at or above this P(uncovered)

    @classmethod
    def load(cls, path: Path = WEIGHTS) -> Calibration:
        raw = json.loads(path.read_text(encoding="utf-8"))
        if tuple(raw["features"]) != FEATURES:
            raise ValueError(f"{path.name}: fitted for features {raw['features']}, the engine computes {FEATURES}")

        def model(name: str) -> Logistic:
            return Logistic(float(raw[name]["bias"]), tuple(float(w) for w in raw[name]["weights"]))

        return cls(model("right"), model("uncovered"), float(raw["answer_at"]), float(raw["honest_at"]))


def features(
    index: BM25Index,
    hits: Sequence[Hit],
    tokens: Sequence[str],
    specific_idf: float,
    phrasings: Sequence[Mapping[str, float]],
    article: bool,
    linked: bool,
    agree: bool,
    pairs: tuple[float, float, float],
) -> list[float]:
    """The feature vector of a ranked query (``hits`` best first, at least one). ``phrasings`` are
    the best entry's curated questions, each word with its share of the question (``weighted``);
    ``linked`` when the runner-up treats the same law article as the best entry (a tie between
    them costs nothing); ``agree`` when the character search's best is the same entry or treats
    the same article; ``pairs`` is how that search judges the best entry (``characters.Opinion.of``)."""
    top = hits[0]
    terms = set(tokens)
    idf = {t: index.idf(t) for t in terms}
    known = [t for t in terms if index.knows(t)]
    unseen = [t for t in terms if not index.knows(t)]
    rarest = index.idf("") or 1.0  # an unseen token weighs as much as the rarest possible one
    unseen_weight = sum(idf[t] * index.unseen_weight for t in unseen)
    weight = (sum(idf[t] for t in known) + unseen_weight) or 1.0
    held = {t: index.contains(top.index, t) for t in known}
    missed = [t for t in known if not held[t]]
    matched = [t for t in known if held[t]]
    runner = hits[1] if len(hits) > 1 else None
    margin = (top.score - runner.score) / top.score if runner and top.score > 0 else 1.0
    return [
        top.coverage,
        margin,
        min(1.0, sum(idf[t] for t in known) / specific_idf),
        sum(idf[t] for t in missed) / weight,
        max((idf[t] for t in missed), default=0.0) / rarest,
        max((idf[t] for t in matched), default=0.0) / rarest,
        unseen_weight / weight,
        runner.coverage if runner else 0.0,
        0.0 if linked else 1.0 - margin,
        max((sum(phrasing.get(t, 0.0) for t in terms) for phrasing in phrasings), default=0.0),
        1.0 if article else 0.0,
        math.log(1 + len(terms)),
        1.0 if agree else 0.0,
        *pairs,
    ]


def weighted(index: BM25Index, phrasing: frozenset[str]) -> dict[str, float]:
    """A curated question's words, each with its share of the question's weight (IDF): the
    ``phrasing`` feature sums the shares of the words a query says. Computed once per index."""
    total = sum(index.idf(t) for t in phrasing)
    return {t: index.idf(t) / total for t in phrasing} if total else {}
