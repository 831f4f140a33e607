"""Question answering: from a worker's free text to an answer with its sources.

Pure Python and channel-neutral. The engine returns data (a kind, the entry, its
sources, suggestions); words around it are added by a renderer in the user's locale.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import replace

from bot.core.chinese import to_simplified
from bot.core.knowledge import Knowledge
from bot.understanding.answers import Answer, Kind, Query, Ranked, Resolver, Suggestion
from bot.understanding.calibration import Calibration, features, weighted
from bot.understanding.characters import CharacterIndex, Opinion, fuse
from bot.understanding.chitchat import ChitChat
from bot.understanding.details import missing_figure
from bot.understanding.documents import QUESTION_BOOST
from bot.understanding.documents import build as build_documents
from bot.understanding.gaps import not_covered
from bot.understanding.homophones import Homophones
from bot.understanding.normalise import English, Slips, has_meaningful_text, normalise
from bot.understanding.regions import Gazetteer
from bot.understanding.scope import Gap, Scope, question_of
from bot.understanding.search import BM25Index, Hit, Tokenizer

__all__ = ["CONFIDENT", "Answer", "Engine", "Kind", "Query", "Ranked", "Resolver", "Suggestion"]

# Every answer given as sure has at least this confidence (a ranked one the calibrated threshold,
# far above; a look-up 1.0): for callers that tell a sure answer from a guess by its confidence.
CONFIDENT = 0.5

# A query whose known words weigh less than this (summed IDF) is too vague to answer outright:
# one common word such as 劳模 or 贷款 matches dozens of entries equally well.
SPECIFIC_IDF = 5.0
SPECIFIC_ENOUGH = 0.42  # below this share of SPECIFIC_IDF a question is never answered as sure ("劳模", "贷款")
SUGGESTIONS = 3
QUOTED_COVERAGE = 0.4  # how much of a question about another law, its name aside, the quoting entry must match
REGIONAL_DISCOUNT = 0.85  # a regional entry's score when the question names no place
OTHER_TOPIC = 0.85  # an entry's score, unless it is about the law, when the question names the law
RERANK_EXTRA = 3  # hits fetched beyond those shown, so a discounted entry can be overtaken
# A word this specific (IDF) beside the place and the station makes a question about what a curated
# stations answer says (地图, 最美), not a request for a list.
LISTING_IDF = 2.5
# Under an answer, only entries on its topic scoring at least this share of it are offered as related: a
# wage-arrears answer does not offer whether a model worker is paid on the day of a model-worker meeting.
RELATED_SHARE = 0.5
_ARTICLE_RE = re.compile(r"第\s*(\d+)\s*条|工会法\s*(\d+)\s*条?$")
# 解读第六条的文章是谁写的: a question about a text on an article, which the ranking finds, not the article
_ABOUT_A_TEXT_RE = re.compile(r"谁写|作者|文章|评论员")


class Engine:
    """Ranks the knowledge for a question; resolvers handle exact intents before ranking."""

    def __init__(self, knowledge: Knowledge, resolvers: Sequence[Resolver] = ()) -> None:
        self.knowledge = knowledge
        lexicon = knowledge.files.lexicon
        # Slips are matched after the text is made Simplified, so their keys are too (係唔係 → 系唔系).
        self._slips = Slips({to_simplified(wrong).lower(): right for wrong, right in lexicon.slips.items()})
        gazetteer = Gazetteer.load()
        self._english = English({**gazetteer.english, **lexicon.english}, set(lexicon.english_stopwords))
        self.scope = Scope(knowledge, gazetteer)
        # Off-topic words join the dictionary so that 苹果手机 stays one token and is recognised.
        self.tokenizer = Tokenizer(
            [*lexicon.words, *lexicon.off_topic], lexicon.synonyms, lexicon.stopwords, gazetteer.names
        )
        self._homophones = Homophones(
            [
                *lexicon.words,
                *(w for group in lexicon.synonyms for w in group),
                *(k for item in knowledge.entries.values() for k in item.entry.keywords),
            ],
            lexicon.stopwords,
        )
        self._topic_words = {
            self.tokenizer.canonical(w): topic for topic, words in lexicon.topic_words.items() for w in words
        }
        self._off_topic = {self.tokenizer.canonical(w) for w in lexicon.off_topic}
        self._chitchat = ChitChat(lexicon.chitchat, self._fold)
        self._calibration = Calibration.load()
        self._resolvers: list[Resolver] = [self._article_lookup, *resolvers]
        documents = build_documents(knowledge, self.tokenizer, self._fold)
        self._docs = documents.docs
        self._index = BM25Index(documents.bags)
        self._characters = CharacterIndex(documents.texts, QUESTION_BOOST)
        self._phrasings = [tuple(weighted(self._index, p) for p in doc.phrasings) for doc in self._docs]

    # -- public API -------------------------------------------------------------------

    def query(self, text: str) -> Query:
        norm = self._homophones.correct(self._fold(text), self.tokenizer.cut)
        words = self.tokenizer.words(norm)
        places = tuple(self.scope.places(words, norm))
        asked = question_of(norm)  # a story's question: what it tells on the way is in passing
        tokens = tuple(self.tokenizer.tokens(norm, words))
        return Query(text, norm, tokens, places, None if asked == norm else tuple(self.tokenizer.tokens(asked)))

    def answer(self, text: str) -> Answer:
        query = self.query(text)
        if not has_meaningful_text(query.text):  # "What can you do?" folds to nothing but is chit-chat
            chit = self._chitchat_kind(query) if has_meaningful_text(query.raw) else None
            return Answer("chitchat", Kind.CHITCHAT, 1.0, detail=chit) if chit else Answer("unknown", Kind.EMPTY, 0.0)
        named = self._named_gap(query)
        if named is not None:
            return named
        for resolver in self._resolvers:
            found = resolver(query)
            if found is None:
                continue
            if found.kind is Kind.STATIONS:
                # "海口的站点在地图上能搜到吗": what a curated answer says, or that the sources lack it (几点关门);
                # when the ranking finds nothing sure, the list (在海口美兰区跑单，附近有没有能歇脚充电的站点).
                ranked = self._ranked(query) if self._asks_beyond_listing(query) else None
                lost = ranked is None or ranked.kind is Kind.UNSURE or ranked.detail == "unmatched"
                return self._listed_or_gap(found, query) if lost else ranked
            return found
        chit = self._chitchat_kind(query)
        if chit:
            return Answer("chitchat", Kind.CHITCHAT, 1.0, detail=chit)
        return self._ranked(query)

    def _asks_beyond_listing(self, query: Query) -> bool:
        """True when the question names something a curated stations answer holds besides the place
        and the station itself (地图, 最美, 收费): it asks about that, not for a list."""
        named = {t for mention in query.places for p in mention for t in self.tokenizer.tokens(p.name)}
        station_words = self.knowledge.files.lexicon.topic_words.get("stations", ())
        listing = {*named, *(t for w in station_words for t in self.tokenizer.tokens(w))}
        rest = [
            t for t in query.tokens if t not in listing and self._index.knows(t) and self._index.idf(t) >= LISTING_IDF
        ]
        best = self._index.search(query.tokens, limit=1)
        return (
            bool(best)
            and self._docs[best[0].index].topic == "stations"
            and any(self._index.contains(best[0].index, t) for t in rest)
        )

    def _listed_or_gap(self, found: Answer, query: Query) -> Answer:
        """A listing that holds no station says honestly that the place has none we know of; one
        for a "place" that is no place we know (户外干活的…) was a guess: the question is ranked."""
        listing = found.data.get("found")
        place = getattr(listing, "place", None)
        if place and getattr(listing, "stations", None) == ():
            return self._not_covered(Gap("place", place, "stations")) if query.places else self._ranked(query)
        return found

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
        if not match or _ABOUT_A_TEXT_RE.search(query.text):
            return None
        return self.article_answer(int(match.group(1) or match.group(2)))

    def _fold(self, text: str) -> str:
        """Script, width, numerals, slips and English folded as for every question and curated phrasing."""
        return normalise(text, self._slips, self._english)

    def _chitchat_kind(self, query: Query) -> str | None:
        def vague(rest: str) -> bool:
            return self._specificity(self.tokenizer.tokens(rest)) < SPECIFIC_ENOUGH

        return self._chitchat.kind(query.raw, query.text, vague)

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

    def _search(self, query: Query, limit: int = SUGGESTIONS + 1, ranks: dict[int, int] | None = None) -> list[Hit]:
        """BM25's best entries, re-ranked with the character search's ``ranks``; when the question
        names no place, entries whose facts hold in one region only (海口's stations) yield to
        national ones that answer as well."""
        hits = self._index.search(query.tokens, limit=limit + RERANK_EXTRA)
        if not query.places:
            hits = [
                replace(h, score=h.score * REGIONAL_DISCOUNT) if self.scope.regional(self._docs[h.index].ref) else h
                for h in hits
            ]
        if self.scope.names_our_law(query.text):  # "工会法从哪天开始执行": not when the forestry benefits start
            hits = [h if self._docs[h.index].topic == "law" else replace(h, score=h.score * OTHER_TOPIC) for h in hits]
        hits.sort(key=lambda h: -h.score)
        fused = fuse(hits, self._characters.opinion(query.text).ranks if ranks is None else ranks)[:limit]
        return self.scope.dated_first(query.text, fused, lambda h: self._doc_text(h.index), SUGGESTIONS)

    def _ranked(self, query: Query) -> Answer:
        opinion = self._characters.opinion(query.text)
        hits = self._search(query, ranks=opinion.ranks)
        off_topic = any(t in self._off_topic for t in query.asked_tokens)
        topic_guess = self._topic_by_words(query.tokens)
        if not hits:
            return self._unsure(topic_guess, (), off_topic)
        top = hits[0]
        ranked = self._judge(query, hits, opinion)
        confidence = ranked.right
        # A story or a workplace mentions things on the way (想开个小吃店, 在饭店打工): a sure answer stands.
        in_passing = self.scope.in_passing(query.text) and confidence >= self._calibration.answer_at
        if off_topic and top.coverage < 0.8 and not in_passing:
            return replace(Answer("unknown", Kind.OFF_TOPIC, round(confidence, 3)), ranked=ranked)
        gap = self._place_gap(query, hits)
        if gap is not None:
            return replace(gap, ranked=ranked)
        text = self._doc_text(top.index)
        figure = missing_figure(self.scope.file.details, query.text, [text], self._docs[top.index].lacks)
        year = self.scope.unmentioned_year(query.text, text)
        if figure is not None or year is not None:
            gap = Gap("detail", figure) if figure is not None else Gap("year", year)
            return replace(self._not_covered(gap, self._suggest(hits)), ranked=ranked)
        if confidence >= self._calibration.answer_at and self._specificity(query.tokens) >= SPECIFIC_ENOUGH:
            topic = self._docs[top.index].topic
            related = [
                h for h in hits[1:] if h.score >= RELATED_SHARE * top.score and self._docs[h.index].topic == topic
            ]
            return replace(self._resolve_doc(top, confidence, tuple(self._suggest(related))), ranked=ranked)
        if ranked.uncovered >= self._calibration.honest_at:
            return replace(self._not_covered(Gap("unmatched", ""), tuple(self._suggest(hits))), ranked=ranked)
        topic = self._docs[top.index].topic if top.coverage >= 0.3 else topic_guess
        return replace(self._unsure(topic, tuple(self._suggest(hits)), off_topic, confidence), ranked=ranked)

    @property
    def answer_at(self) -> float:
        """The calibrated probability at and above which a ranked answer is given as sure."""
        return self._calibration.answer_at

    def _judge(self, query: Query, hits: Sequence[Hit], opinion: Opinion) -> Ranked:
        """The calibrated probabilities that the best entry is right, and that nothing covers the question."""
        best = self._docs[hits[0].index]
        linked = len(hits) > 1 and bool(best.articles & self._docs[hits[1].index].articles)
        article = best.ref.startswith("art:")
        first = opinion.hits[0].index if opinion.hits else None
        agree = first is not None and (first == hits[0].index or bool(best.articles & self._docs[first].articles))
        found = features(
            self._index,
            hits,
            query.tokens,
            SPECIFIC_IDF,
            self._phrasings[hits[0].index],
            article,
            linked,
            agree,
            opinion.of(hits[0].index),
        )
        ref = best.ref
        cal = self._calibration
        return Ranked(ref, tuple(found), cal.right.probability(found), cal.uncovered.probability(found))

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
                return None  # 劳动法关于劳动模范的规定, 中国工会章程由谁制定: the entry quoting it answers
            held = tuple(
                Suggestion(f"qa:{e}", self.knowledge.entries[e].entry.questions[0])
                for e in dict.fromkeys(law.held.values())
            )
            return self._not_covered(Gap("law", law.name, "law", law.article), held)
        foreign = scope.foreign(text, query.places)
        if foreign is not None:
            # Only a sure answer from what treats relations with other countries' unions (art. 9)
            # answers it; "日本的劳动组合和中国工会有啥区别" is not about those relations.
            found = self._ranked(query)
            if found.ranked is None or found.ranked.top not in scope.file.international or not found.sources:
                return self._not_covered(Gap("foreign", foreign))
        # A document cited by a number no entry holds (财金〔2025〕135号), or a year after the sources: what
        # is held on the subject is still offered (the 2020 notice, the latest figures).
        document = scope.document(text)
        if document is not None:
            return self._not_covered(Gap("subject", document), self._suggest(self._search(query, SUGGESTIONS)))
        future = scope.future(
            text, lambda: any(self._docs[h.index].ref.startswith("art:") for h in self._search(query, 1))
        )
        if future is not None:
            return self._not_covered(Gap("future", future), self._suggest(self._search(query, SUGGESTIONS)))
        best = self._index.search(query.tokens, limit=1) if scope.names_subject(text) else []
        subject = scope.subject(text, self._docs[best[0].index].ref) if best else None
        if subject is not None and not any(t in self._off_topic for t in query.asked_tokens):
            # Before the resolvers: "海口的站点几点关门" is not a listing request. A place we hold
            # nothing for is the plainer thing to say (哈尔滨的劳模坐公交…: 哈尔滨 first).
            hits = self._search(query) if query.places else []
            return (hits and self._place_gap(query, hits)) or self._not_covered(Gap("subject", subject))
        if query.places and scope.topic_named("stations", text):
            place = scope.uncovered_station_place(query.places, text)
            if place is not None:
                return self._not_covered(Gap("place", place, "stations"))
        return None

    def _quotes(self, law: str, entries: Iterable[str], query: Query) -> bool:
        """True when, besides the law's name, the question asks what an entry quoting it (or a
        Trade Union Law article naming it: 工会章程 in art. 4) holds."""
        refs = {f"qa:{e}" for e in entries}
        best = self._index.search(query.tokens, limit=1)
        if not best or not (self._docs[best[0].index].ref in refs or law in self._doc_text(best[0].index)):
            return False
        # What the entry's own text says, not how its questions are worded: a curated question that
        # names the law (新增的义务跟安全生产法有什么关系) does not make the entry hold that law's rules.
        named = set(self.tokenizer.tokens(law))
        rest = {t for t in query.tokens if t not in named}
        text = self._doc_text(best[0].index)  # what it says where it names the law, not 技能培训 elsewhere
        quoting = [s for s in re.split(r"[。；]", text) if law in s] or [text]
        said = set(self.tokenizer.tokens("。".join(quoting)))
        weight = sum(self._index.idf(t) for t in rest)
        return weight > 0 and sum(self._index.idf(t) for t in rest & said) / weight >= QUOTED_COVERAGE

    def _doc_text(self, index: int) -> str:
        kind, _, key = self._docs[index].ref.partition(":")
        if kind == "art":
            article = self.knowledge.law.article(int(key))
            return article.text if article else ""
        return self.knowledge.entries[key].entry.answer

    def _place_gap(self, query: Query, hits: Sequence[Hit]) -> Answer | None:
        """A place or employer system the best entry does not hold, or a local topic's national entry."""
        top = self._docs[hits[0].index]
        place = self.scope.uncovered_system(top.ref, query.text)
        if query.places and place is None:
            place = self.scope.uncovered_place(top.ref, query.places, query.text)
        if query.places and place is None and not self.scope.regional(top.ref):
            place = self.scope.local_gap(top.topic, query.places, query.text)
        if place is not None:
            return self._not_covered(Gap("place", place, top.topic), tuple(self._suggest(hits)))
        return None

    def _not_covered(self, gap: Gap, suggestions: Sequence[Suggestion] = ()) -> Answer:
        return not_covered(self.knowledge, gap, tuple(suggestions)[:SUGGESTIONS])
