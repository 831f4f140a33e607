"""Chinese tokenising and BM25 ranking over the knowledge entries.

Synonyms are folded to one canonical token at index and at query time, so 劳动模范,
先优模范 and 劳模 all hit the same postings without expanding the query.
"""

from __future__ import annotations

import logging
import math
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import jieba

jieba.setLogLevel(logging.WARNING)

K1 = 1.4
B = 0.75


class Tokenizer:
    """jieba with the domain dictionary, synonym folding and stop-word removal."""

    def __init__(self, words: Iterable[str], synonyms: Iterable[Sequence[str]], stopwords: Iterable[str]) -> None:
        self._jieba = jieba.Tokenizer()
        self._canonical: dict[str, str] = {}
        for group in synonyms:
            for word in group:
                self._canonical[word.lower()] = group[0].lower()
        for word in {*words, *self._canonical}:
            self._jieba.add_word(word, freq=200000)
        self._stop = {w.lower() for w in stopwords}

    def initialise(self) -> None:
        self._jieba.initialize()

    def tokens(self, text: str) -> list[str]:
        out = []
        for raw in self._jieba.lcut_for_search(text, HMM=False):
            token = raw.strip().lower()
            if not token or token in self._stop or not any(unicodedata.category(c)[0] in "LN" for c in token):
                continue
            out.append(self._canonical.get(token, token))
        return out

    def canonical(self, word: str) -> str:
        return self._canonical.get(word.lower(), word.lower())


@dataclass(frozen=True)
class Hit:
    index: int
    score: float
    coverage: float  # share of the query's IDF weight that this document matches


class BM25Index:
    """An inverted index with BM25 scoring; documents are lists of (token, field boost)."""

    def __init__(self, documents: Sequence[Counter[str]]) -> None:
        self._n = len(documents)
        self._lengths = [sum(doc.values()) for doc in documents]
        self._avg = (sum(self._lengths) / self._n) if self._n else 1.0
        self._postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for i, doc in enumerate(documents):
            for token, tf in doc.items():
                self._postings[token].append((i, tf))
        self._idf = {
            token: math.log(1 + (self._n - len(posts) + 0.5) / (len(posts) + 0.5))
            for token, posts in self._postings.items()
        }

    def __len__(self) -> int:
        return self._n

    def idf(self, token: str) -> float:
        """IDF of a token; an unseen token weighs as much as the rarest one seen."""
        return self._idf.get(token, math.log(1 + (self._n + 0.5) / 0.5))

    def search(self, query: Sequence[str], limit: int = 5) -> list[Hit]:
        terms = Counter(query)
        if not terms:
            return []
        scores: dict[int, float] = defaultdict(float)
        matched: dict[int, float] = defaultdict(float)
        total_weight = sum(self.idf(t) for t in terms)
        for token in terms:
            posts = self._postings.get(token)
            if not posts:
                continue
            idf = self._idf[token]
            for i, tf in posts:
                norm = K1 * (1 - B + B * self._lengths[i] / self._avg)
                scores[i] += idf * tf * (K1 + 1) / (tf + norm)
                matched[i] += idf
        best = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
        return [Hit(i, s, matched[i] / total_weight) for i, s in best]
