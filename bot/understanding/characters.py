"""A second opinion on the ranking, from character pairs instead of words.

Word search stands or falls with jieba's cut: a voice transcript (那个公会就是), a slip, a word
the dictionary lacks (小舅子) or a cut that differs between question and entry miss entries a
reader would see at once. Overlapping character pairs (bigrams) need no dictionary, so they fail
differently. Two uses, both measured on the development sets: the word search's best few are
re-ranked by the two ranks together (reciprocal-rank fusion), and how the character search judges
the best entry (its rank, score and coverage there, and whether both searches put it first) is
among the calibration's features, since an answer both find is more often right than one only
words find.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.understanding.search import BM25Index, Hit

# Runs of Chinese characters; Latin words and digits are the word search's business.
_HAN_RUN_RE = re.compile(r"[\u3400-\u9fff]+")
FUSION_DEPTH = 10  # character ranks looked at; an entry below them counts as ranked last
FUSION_OFFSET = 10  # reciprocal-rank fusion's constant: how flat the credit for a rank is
ABSENT = 50  # the rank given to an entry the character search does not place


def bigrams(text: str) -> list[str]:
    """The overlapping character pairs of each run of Chinese characters in the text."""
    return [run[i : i + 2] for run in _HAN_RUN_RE.findall(text) for i in range(len(run) - 1)]


@dataclass(frozen=True)
class Opinion:
    """The character search's best documents for one question, best first."""

    hits: tuple[Hit, ...]

    @property
    def ranks(self) -> dict[int, int]:
        return {hit.index: rank for rank, hit in enumerate(self.hits)}

    def of(self, index: int) -> tuple[float, float, float]:
        """How the character search judges one document: 1/(1 + its rank), its score as a share of
        the best, and the share of the question's pairs it holds (all 0 when it is not placed)."""
        for rank, hit in enumerate(self.hits):
            if hit.index == index:
                best = self.hits[0].score
                return 1 / (1 + rank), hit.score / best if best > 0 else 0.0, hit.coverage
        return 0.0, 0.0, 0.0


class CharacterIndex:
    """BM25 over character pairs; curated questions weigh ``boost`` times the answer text."""

    def __init__(self, documents: Sequence[tuple[str, Iterable[str]]], boost: int) -> None:
        bags = []
        for text, questions in documents:
            bag = Counter(bigrams(text))
            for question in questions:
                for pair in bigrams(question):
                    bag[pair] += boost
            bags.append(bag)
        self._index = BM25Index(bags)

    def opinion(self, text: str) -> Opinion:
        return Opinion(tuple(self._index.search(bigrams(text), limit=FUSION_DEPTH)))


def fuse(hits: Sequence[Hit], ranks: dict[int, int]) -> list[Hit]:
    """The word hits re-ordered by the sum of the two searches' reciprocal ranks (ties keep order)."""

    def credit(position: int, hit: Hit) -> float:
        return 1 / (position + FUSION_OFFSET) + 1 / (ranks.get(hit.index, ABSENT) + FUSION_OFFSET)

    order = sorted(range(len(hits)), key=lambda i: -credit(i, hits[i]))
    return [hits[i] for i in order]
