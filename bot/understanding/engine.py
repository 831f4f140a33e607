"""Question answering: from a worker's free text to an answer with its sources.

Pure Python and channel-neutral. The engine returns data (a kind, the entry, its
sources, suggestions); words around it are added by a renderer in the user's locale.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from bot.core.content_models import Source
from bot.core.knowledge import Knowledge
from bot.understanding.normalise import has_meaningful_text, normalise
from bot.understanding.search import BM25Index, Hit, Tokenizer

CONFIDENT = 0.4  # below this the engine offers suggestions instead of an answer
# A query whose known words weigh less than this (summed IDF) is too vague to answer outright:
# one common word such as 劳模 or 贷款 matches dozens of entries equally well.
SPECIFIC_IDF = 5.0
SUGGESTIONS = 3
RELATED_SHARE = 0.5  # under an answer, only entries scoring at least this share of it are offered as related
QUESTION_BOOST = 3  # a word in a curated question or keyword counts this many times
_ARTICLE_RE = re.compile(r"第\s*(\d+)\s*条|工会法\s*(\d+)\s*条?$")
_PUNCT_RE = re.compile(r"[\W_]+")


class Kind(StrEnum):
    ENTRY = "entry"  # a curated Q&A entry
    ARTICLE = "article"  # a law article
    NO_ARTICLE = "no_article"  # an article number the law does not have
    UNSURE = "unsure"  # below the threshold: suggestions only
    CHITCHAT = "chitchat"
    OFF_TOPIC = "off_topic"
    EMPTY = "empty"  # nothing readable in the message
    STATIONS = "stations"  # stations near a location or in a place: the result is in ``data["found"]``


@dataclass(frozen=True)
class Suggestion:
    ref: str  # "qa:<id>" or "art:<n>": enough to answer it again without searching
    title: str


@dataclass(frozen=True)
class Answer:
    topic: str  # law, benefits, stations, loans, faq, chitchat or unknown
    kind: Kind
    confidence: float
    text: str = ""
    title: str = ""
    sources: tuple[Source, ...] = ()
    suggestions: tuple[Suggestion, ...] = ()
    ref: str | None = None
    detail: str = ""
    data: dict[str, Any] = field(default_factory=dict)  # flow-specific payload (e.g. stations)
    english: str | None = None  # the entry's own English text, shown to English readers


@dataclass(frozen=True)
class Query:
    raw: str
    text: str  # normalised
    tokens: tuple[str, ...]


Resolver = Callable[[Query], Answer | None]


@dataclass(frozen=True)
class _Doc:
    ref: str
    topic: str
    title: str


class Engine:
    """Ranks the knowledge for a question; resolvers handle exact intents before ranking."""

    def __init__(self, knowledge: Knowledge, resolvers: Sequence[Resolver] = ()) -> None:
        self.knowledge = knowledge
        lexicon = knowledge.files.lexicon
        self._slips = dict(sorted(lexicon.slips.items(), key=lambda kv: -len(kv[0])))
        # Off-topic words join the dictionary so that 苹果手机 stays one token and is recognised.
        self.tokenizer = Tokenizer([*lexicon.words, *lexicon.off_topic], lexicon.synonyms, lexicon.stopwords)
        self._topic_words = {
            self.tokenizer.canonical(w): topic for topic, words in lexicon.topic_words.items() for w in words
        }
        self._off_topic = {self.tokenizer.canonical(w) for w in lexicon.off_topic}
        self._chitchat = sorted(
            ((p.lower(), kind) for kind, phrases in lexicon.chitchat.items() for p in phrases),
            key=lambda pk: -len(pk[0]),
        )
        self._resolvers: list[Resolver] = [self._article_lookup, *resolvers]
        self._docs, bags = self._documents()
        self._index = BM25Index(bags)

    def _documents(self) -> tuple[list[_Doc], list[Counter[str]]]:
        docs: list[_Doc] = []
        bags: list[Counter[str]] = []
        tok = self.tokenizer.tokens
        for entry_id, item in self.knowledge.entries.items():
            entry = item.entry
            bag = Counter(tok(entry.answer))
            for text in (*entry.questions, *entry.keywords):
                for token in tok(text.lower()):
                    bag[token] += QUESTION_BOOST
            docs.append(_Doc(f"qa:{entry_id}", item.topic, entry.questions[0]))
            bags.append(bag)
        law = self.knowledge.law
        for article in law.articles:
            chapter = law.chapter(article.chapter)
            bag = Counter(tok(article.text))
            bag.update(tok(chapter.title if chapter else ""))
            docs.append(_Doc(f"art:{article.number}", "law", f"工会法第{article.number}条"))
            bags.append(bag)
        return docs, bags

    # -- public API -------------------------------------------------------------------

    def query(self, text: str) -> Query:
        norm = normalise(text, self._slips)
        return Query(raw=text, text=norm, tokens=tuple(self.tokenizer.tokens(norm)))

    def answer(self, text: str) -> Answer:
        query = self.query(text)
        if not has_meaningful_text(query.text):
            return Answer("unknown", Kind.EMPTY, 0.0)
        for resolver in self._resolvers:
            found = resolver(query)
            if found is not None:
                return found
        chit = self._chitchat_kind(query)
        if chit:
            return Answer("chitchat", Kind.CHITCHAT, 1.0, detail=chit)
        return self._ranked(query)

    def answer_ref(self, ref: str) -> Answer | None:
        """Answer a suggestion again by its reference (a button press), without searching."""
        kind, _, key = ref.partition(":")
        if kind == "qa" and key in self.knowledge.entries:
            return self._entry_answer(key, 1.0)
        if kind == "art" and key.isdigit():
            return self.article_answer(int(key))
        return None

    def article_answer(self, number: int) -> Answer:
        law = self.knowledge.law
        article = law.article(number)
        if article is None:
            return Answer("law", Kind.NO_ARTICLE, 1.0, data={"number": number, "count": len(law.articles)})
        chapter = law.chapter(article.chapter)
        return Answer(
            "law",
            Kind.ARTICLE,
            1.0,
            text=article.text,
            title=f"第{article.number}条",
            sources=(law.article_source(number),),
            ref=f"art:{number}",
            data={"number": number, "chapter": article.chapter, "chapter_title": chapter.title if chapter else ""},
        )

    # -- steps ------------------------------------------------------------------------

    def _article_lookup(self, query: Query) -> Answer | None:
        match = _ARTICLE_RE.search(query.text)
        if not match:
            return None
        return self.article_answer(int(match.group(1) or match.group(2)))

    def _chitchat_kind(self, query: Query) -> str | None:
        """A greeting, thanks or goodbye, unless the rest of the message is a real question."""
        rest = _PUNCT_RE.sub("", query.text)
        kind = None
        for phrase, phrase_kind in self._chitchat:
            if phrase in rest:
                rest = rest.replace(phrase, "")
                kind = kind or phrase_kind
        if kind is None:
            return None
        return kind if self._specificity(self.tokenizer.tokens(rest)) < 1.0 else None

    def _specificity(self, tokens: Sequence[str]) -> float:
        """How far the known words of a query single out entries: 1.0 is specific enough."""
        return min(1.0, sum(self._index.idf(t) for t in set(tokens) if self._index.knows(t)) / SPECIFIC_IDF)

    def _entry_answer(self, entry_id: str, confidence: float, suggestions: tuple[Suggestion, ...] = ()) -> Answer:
        item = self.knowledge.entries[entry_id]
        return Answer(
            item.topic,
            Kind.ENTRY,
            confidence,
            text=item.entry.answer,
            title=item.entry.questions[0],
            sources=(item.entry.source,),
            suggestions=suggestions,
            ref=f"qa:{entry_id}",
            english=item.entry.english,
        )

    def _ranked(self, query: Query) -> Answer:
        hits = self._index.search(query.tokens, limit=SUGGESTIONS + 1)
        off_topic = any(t in self._off_topic for t in query.tokens)
        topic_guess = self._topic_by_words(query.tokens)
        if not hits:
            return self._unsure(topic_guess, (), off_topic)
        top = hits[0]
        confidence = self._confidence(hits, query.tokens)
        if off_topic and top.coverage < 0.8:
            return Answer("unknown", Kind.OFF_TOPIC, round(confidence, 3))
        if confidence >= CONFIDENT:
            related = [h for h in hits[1:] if h.score >= RELATED_SHARE * top.score]
            return self._resolve_doc(top, confidence, tuple(self._suggest(related)))
        topic = self._docs[top.index].topic if top.coverage >= 0.3 else topic_guess
        return self._unsure(topic, tuple(self._suggest(hits)), off_topic, confidence)

    def _resolve_doc(self, hit: Hit, confidence: float, others: tuple[Suggestion, ...]) -> Answer:
        doc = self._docs[hit.index]
        kind, _, key = doc.ref.partition(":")
        if kind == "art":
            found = self.article_answer(int(key))
            return replace(found, confidence=round(confidence, 3), suggestions=others)
        return self._entry_answer(key, round(confidence, 3), others)

    def _unsure(
        self, topic: str | None, suggestions: tuple[Suggestion, ...], off_topic: bool, confidence: float = 0.0
    ) -> Answer:
        if topic is None or (off_topic and not suggestions):
            return Answer("unknown", Kind.OFF_TOPIC, round(confidence, 3))
        return Answer(topic, Kind.UNSURE, round(confidence, 3), suggestions=suggestions)

    def _suggest(self, hits: Sequence[Hit]) -> list[Suggestion]:
        return [Suggestion(self._docs[h.index].ref, self._docs[h.index].title) for h in hits if h.coverage > 0][
            :SUGGESTIONS
        ]

    def _topic_by_words(self, tokens: Sequence[str]) -> str | None:
        votes = Counter(self._topic_words[t] for t in tokens if t in self._topic_words)
        return votes.most_common(1)[0][0] if votes else None

    def _confidence(self, hits: Sequence[Hit], tokens: Sequence[str]) -> float:
        """Coverage of the query by the best entry, discounted when the runner-up is as good
        and when the query is too vague to single out one entry."""
        top = hits[0]
        margin = (top.score - hits[1].score) / top.score if len(hits) > 1 and top.score > 0 else 1.0
        return top.coverage * (0.8 + 0.2 * margin) * self._specificity(tokens)
