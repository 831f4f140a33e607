"""Question answering: from a worker's free text to an answer with its sources.

Pure Python and channel-neutral. The engine returns data (a kind, the entry, its
sources, suggestions); words around it are added by a renderer in the user's locale.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from bot.core.content_models import Source
from bot.core.knowledge import Knowledge
from bot.understanding.normalise import English, has_meaningful_text, normalise
from bot.understanding.regions import Gazetteer, Place
from bot.understanding.scope import Gap, Scope
from bot.understanding.search import BM25Index, Hit, Tokenizer

CONFIDENT = 0.4  # below this the engine offers suggestions instead of an answer
# A query whose known words weigh less than this (summed IDF) is too vague to answer outright:
# one common word such as 劳模 or 贷款 matches dozens of entries equally well.
SPECIFIC_IDF = 5.0
SUGGESTIONS = 3
QUOTED_COVERAGE = 0.45  # how much of a question about another law, its name aside, the quoting entry must match
QUOTED_DEPTH = 10
REGIONAL_DISCOUNT = 0.85  # a regional entry's score when the question names no place
RERANK_EXTRA = 3  # hits fetched beyond those shown, so a discounted entry can be overtaken
MARGIN_WEIGHT = 0.2  # how much a runner-up scoring as well as the best entry lowers the confidence
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
    NOT_COVERED = "not_covered"  # names a law, place or subject the knowledge does not hold: say so, and who to ask
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
    places: tuple[tuple[Place, ...], ...] = ()  # places named, each with its possible meanings


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
        gazetteer = Gazetteer.load()
        self._english = English({**gazetteer.english, **lexicon.english}, set(lexicon.english_stopwords))
        self.scope = Scope(knowledge, gazetteer)
        # Off-topic words join the dictionary so that 苹果手机 stays one token and is recognised.
        self.tokenizer = Tokenizer(
            [*lexicon.words, *lexicon.off_topic], lexicon.synonyms, lexicon.stopwords, gazetteer.names
        )
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
            for question in article.questions:
                for token in tok(question.lower()):
                    bag[token] += QUESTION_BOOST
            docs.append(_Doc(f"art:{article.number}", "law", f"工会法第{article.number}条"))
            bags.append(bag)
        return docs, bags

    # -- public API -------------------------------------------------------------------

    def query(self, text: str) -> Query:
        norm = normalise(text, self._slips, self._english)
        words = self.tokenizer.words(norm)
        places = tuple(self.scope.places(words))
        return Query(raw=text, text=norm, tokens=tuple(self.tokenizer.tokens(norm, words)), places=places)

    def answer(self, text: str) -> Answer:
        query = self.query(text)
        if not has_meaningful_text(query.text):
            return Answer("unknown", Kind.EMPTY, 0.0)
        named = self._named_gap(query)
        if named is not None:
            return named
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
            if phrase.isascii() and not re.search(rf"(?<![a-z]){re.escape(phrase)}(?![a-z])", query.text):
                continue  # "hi" is a greeting, not the middle of "china"
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
        hotline = self.knowledge.files.scope.hotline
        cited = (hotline.source,) if hotline.marker in item.entry.answer else ()
        return Answer(
            item.topic,
            Kind.ENTRY,
            confidence,
            text=item.entry.answer,
            title=item.entry.questions[0],
            sources=(item.entry.source, *item.entry.also, *cited),
            suggestions=suggestions,
            ref=f"qa:{entry_id}",
            english=item.entry.english,
        )

    def _search(self, query: Query, limit: int = SUGGESTIONS + 1) -> list[Hit]:
        """BM25's best entries; when the question names no place, entries whose facts hold in one
        region only (海口's stations) yield to national ones that answer as well."""
        hits = self._index.search(query.tokens, limit=limit + RERANK_EXTRA)
        if not query.places:
            hits = [
                replace(h, score=h.score * REGIONAL_DISCOUNT) if self.scope.regional(self._docs[h.index].ref) else h
                for h in hits
            ]
            hits.sort(key=lambda h: -h.score)
        return hits[:limit]

    def _ranked(self, query: Query) -> Answer:
        hits = self._search(query)
        off_topic = any(t in self._off_topic for t in query.tokens)
        topic_guess = self._topic_by_words(query.tokens)
        if not hits:
            return self._unsure(topic_guess, (), off_topic)
        top = hits[0]
        confidence = self._confidence(hits, query.tokens)
        if off_topic and top.coverage < 0.8:
            return Answer("unknown", Kind.OFF_TOPIC, round(confidence, 3))
        gap = self._ranked_gap(query, hits)
        if gap is not None:
            return gap
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
        return top.coverage * (1 - MARGIN_WEIGHT + MARGIN_WEIGHT * margin) * self._specificity(tokens)

    # -- scope: what the question names that the knowledge does not cover ------------------

    def _named_gap(self, query: Query) -> Answer | None:
        """Gaps visible before searching: another law, a foreign place, a future year, a place
        without stations. Another law's article that we do quote is answered by its entry."""
        scope, text = self.scope, query.text
        law = scope.law(text)
        if law is not None:
            if law.article is not None and law.article in law.held:
                return self._entry_answer(law.held[law.article], 1.0)
            if law.article is None and self._quotes(law.name, law.held.values(), query):
                return None  # 劳动法关于劳动模范的规定: the entry quoting it answers
            held = tuple(
                Suggestion(f"qa:{e}", self.knowledge.entries[e].entry.questions[0])
                for e in dict.fromkeys(law.held.values())
            )
            return self._not_covered(Gap("law", law.name, "law", law.article), held)
        foreign = scope.foreign(text, query.places)
        if foreign is not None:
            hits = self._search(query, 1)
            if not hits or self._docs[hits[0].index].ref not in scope.file.international:
                return self._not_covered(Gap("foreign", foreign))
        future = scope.future(text)
        if future is not None:
            return self._not_covered(Gap("future", future), self._suggest(self._search(query, SUGGESTIONS)))
        if query.places and scope.topic_named("stations", text):
            place = scope.uncovered_station_place(query.places, text)
            if place is not None:
                return self._not_covered(Gap("place", place, "stations"))
        return None

    def _quotes(self, law: str, entries: Iterable[str], query: Query) -> bool:
        """True when, besides the law's name, the question asks what an entry quoting it holds."""
        refs = {f"qa:{e}" for e in entries}
        best = self._index.search(query.tokens, limit=1)
        if not best or self._docs[best[0].index].ref not in refs:
            return False
        named = set(self.tokenizer.tokens(law))
        rest = self._index.search([t for t in query.tokens if t not in named], limit=QUOTED_DEPTH)
        return any(h.index == best[0].index and h.coverage >= QUOTED_COVERAGE for h in rest)

    def _ranked_gap(self, query: Query, hits: Sequence[Hit]) -> Answer | None:
        """Gaps that depend on the best entry: a subject it does not treat, a place it does not hold."""
        top = self._docs[hits[0].index]
        subject = self.scope.subject(query.text, top.ref)
        if subject is not None:
            return self._not_covered(Gap("subject", subject))
        place = self.scope.uncovered_system(top.ref, query.text)
        if query.places and place is None:
            place = self.scope.uncovered_place(top.ref, query.places, query.text)
        if query.places and place is None and not self.scope.regional(top.ref):
            place = self.scope.local_gap(top.topic, query.places, query.text)
        if place is not None:
            return self._not_covered(Gap("place", place, top.topic), tuple(self._suggest(hits)))
        return None

    def _not_covered(self, gap: Gap, suggestions: tuple[Suggestion, ...] | list[Suggestion] = ()) -> Answer:
        """Say what is not covered; carry the topic's holdings and help entries for the renderer.

        Topic ``unknown`` and no sources: nothing in the reply answers the question. The help
        entries (how to find stations on a map) and the hotline keep their sources in ``data``.
        """
        scope = self.knowledge.files.scope
        topic = scope.topics.get(gap.topic) if gap.topic else None
        helps = [self.knowledge.entries[e].entry for e in (topic.help if topic else ())]
        return Answer(
            "unknown",
            Kind.NOT_COVERED,
            0.0,
            text="\n".join(e.answer for e in helps),
            suggestions=tuple(suggestions)[:SUGGESTIONS],
            detail=gap.reason,
            data={
                "name": gap.name,
                "article": gap.article,
                "what": topic.what if topic else "",
                "held": topic.held if topic else "",
                "help_sources": tuple(e.source for e in helps),
                "hotline": scope.hotline,
            },
        )
