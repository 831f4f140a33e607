"""What a question names, against what the knowledge covers.

A search engine always finds *something*: asked about 劳动法第四十四条 it finds 工会法 art. 44, asked
about Jiangsu's model workers it finds Heilongjiang's. A wrong answer under a source line is the
worst thing this bot can give, so before an answer is trusted this module reads what the question
names — another law, a place, a foreign country, a subject the sources do not treat, a year after
the newest source or one the best answer never mentions, a document by its number — and compares
it with ``content/scope.json`` (the places and systems whose facts some entries hold) and the
knowledge itself. A mismatch becomes a ``Gap``: the engine then says plainly what is not covered,
what it does hold, and where to ask.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from bot.core.content_models import Region, ScopeFile
from bot.core.knowledge import Knowledge
from bot.understanding.regions import FOREIGN, Gazetteer, Place

H = TypeVar("H")  # a search hit
_YEAR_RE = re.compile(r"(20\d\d)\s*年")
# A source cited after a fact (……217个（《工人日报》2022年1月）): the year the report came out is not a year
# the fact is about. A leading 据……2024年6月13日报道 stays: it dates a running total (累计约6.7万人次).
_CITATION_RE = re.compile(r"（[^（）]*(?:报|网|新闻|消息|转载)[^（）]*）")
# That leading report: an answer whose facts name the year outranks one whose report merely came out then.
_UP_TO_RE = re.compile(r"(?:到|截至|截止|至)\s*20\d\d\s*年")
_REPORT_RE = re.compile(r"据[^，。；：]{0,60}?(?:报道|发布|期(?:《[^》]*》)?)")
# A document number (财金〔2020〕21号, 国发[2021]5号): the document, which the knowledge holds or not.
_DOCUMENT_RE = re.compile(r"[\u4e00-\u9fff]{1,8}\s*[〔\[［(（]\s*(?:19|20)\d\d\s*[〕\]］)）]\s*\d+\s*号")
_ARTICLE_AFTER_RE = re.compile(r"\s*第\s*(\d+)\s*条")
_NOT_A_LAW_AFTER = ("律", "规章", "规范", "规和")  # 劳动法律法规 names no law called 劳动法
# A question this long tells a story: it names many things in passing (争取高温补贴, 今年公司…),
# so a subject or a future word in it says what happened, not what is asked.
STORY_CHARS = 40
# Where the asker works (在饭店打工) says who asks, not what: an off-topic word in it is in passing.
_WORKPLACE_RE = re.compile(r"在[^，。？！,?!\s]{1,10}?(?:打工|上班|干活|做事|工作)")
_SENTENCE_END_RE = re.compile(r"[。！!；;]")  # not ？: 行吗？怎么办？ ask one thing together
_SHORTEST_QUESTION = 8
_SYSTEM_RE = re.compile(r"([\u4e00-\u9fff]{2,4}?(?:系统|行业|口))(?:的|里|内|上)")  # 铁路系统的劳模


@dataclass(frozen=True)
class Gap:
    """Something the question names that the knowledge does not cover."""

    # "law", "foreign", "place", "subject", "future", "year" (another year's figures), "detail", or
    # "unmatched" (nothing answers it)
    reason: str
    name: str  # 劳动法 / 德国 / 江苏 / 加班费的计算 / 2026年 / 具体金额
    topic: str | None = None  # the topic whose holdings the reply mentions
    article: int | None = None  # for "law": the article asked for


@dataclass(frozen=True)
class LawMention:
    name: str
    article: int | None
    held: dict[int, str]  # article → entry id, for the few articles the knowledge quotes


@dataclass(frozen=True)
class _CoveredRegion:
    region: Region
    places: tuple[Place, ...]


class Scope:
    """Reads the laws, places, subjects and years a question names, and what covers them."""

    def __init__(self, knowledge: Knowledge, gazetteer: Gazetteer) -> None:
        self.file: ScopeFile = knowledge.files.scope
        self.gazetteer = gazetteer
        scope = self.file
        self._our_law = sorted(scope.law_names, key=len, reverse=True)
        self._laws = sorted(
            ((name, law) for law in scope.other_laws for name in (law.name, *law.aliases)),
            key=lambda nl: -len(nl[0]),
        )
        suffixes = "|".join(sorted(map(re.escape, scope.law_name_suffixes), key=len, reverse=True))
        # "…法第N条" names a law even when it is not in the list (中华民国劳动基准法第30条).
        self._law_article_re = re.compile(rf"([\u4e00-\u9fff]{{1,16}}?(?:{suffixes}))\s*第\s*(\d+)\s*条")
        self._outside = [p for name in scope.outside for p in gazetteer.places(name)]
        self._outside_words = [w for w in scope.outside if not gazetteer.places(w)]
        self._documents = {
            _spaceless(found)
            for item in knowledge.entries.values()
            for text in (item.entry.answer, *(s.title or "" for s in (item.entry.source, *item.entry.also)))
            for found in _DOCUMENT_RE.findall(text)
        }
        self._regions = {
            entry_id: _CoveredRegion(region, self._resolve(region.places))
            for region in scope.regions
            for entry_id in region.entries
        }
        # Stations are covered where the directory holds some, and where a stations entry has facts.
        station_regions = [self._regions[e.id].places for e in knowledge.files.stations.qa if e.id in self._regions]
        self._station_places = (
            *self._resolve({s.city for s in knowledge.files.stations.stations}),
            *(p for places in station_regions for p in places),
        )
        self._entry_words = {
            entry_id: {w.lower() for w in (*item.entry.questions, *item.entry.keywords)}
            for entry_id, item in knowledge.entries.items()
        }
        self._subject_words = {w for subject in scope.subjects for w in subject.words}
        years = [
            int(s.date[:4]) for s in (item.entry.source for item in knowledge.entries.values()) if s.date[:4].isdigit()
        ]
        self.latest_year = max(years, default=0)

    def _resolve(self, names: Iterable[str]) -> tuple[Place, ...]:
        return tuple(p for name in names for p in self.gazetteer.places(name))

    # -- what the question names -------------------------------------------------------

    def names_our_law(self, text: str) -> bool:
        return any(ours in text for ours in self._our_law)

    def document(self, text: str) -> str | None:
        """A document the question cites by its number that no entry holds (财金〔2025〕135号)."""
        return next((d for d in map(_spaceless, _DOCUMENT_RE.findall(text)) if d not in self._documents), None)

    def law(self, text: str) -> LawMention | None:
        """Another law the question asks about (劳动法第44条, 劳动合同法规定…); None for ours or none.

        A question that names the Trade Union Law is about it, whatever else it mentions
        (工会法第一条说根据宪法制定), unless it cites another law's article: 工会法跟劳动合同法哪个
        管得宽？劳动合同法第四十七条怎么规定 asks that law's article, which ours never answers.
        """
        mentions = []
        for name, law in self._laws:
            ends = [
                m.end() for m in re.finditer(re.escape(name), text) if not text.startswith(_NOT_A_LAW_AFTER, m.end())
            ]
            if ends:
                cited = (_ARTICLE_AFTER_RE.match(text, end) for end in ends)
                article = next((int(a.group(1)) for a in cited if a), None)
                mentions.append(LawMention(law.name, article, law.held))
        if self.names_our_law(text):
            return next((m for m in mentions if m.article is not None), None)
        if mentions:
            return mentions[0]
        match = self._law_article_re.search(text)
        return LawMention(match.group(1), int(match.group(2)), {}) if match else None

    def places(self, words: Sequence[str], text: str) -> list[tuple[Place, ...]]:
        """The places a question names, less those named only in a school's name (沈阳大学毕业的小伙子):
        where someone studied is not what they ask about."""
        return [m for m in self.gazetteer.find(words) if not _only_a_school(m[0], text)]

    def foreign(self, text: str, places: Sequence[tuple[Place, ...]]) -> str | None:
        """A foreign country, or a place outside the mainland, that the question names."""
        for mention in places:
            if all(p.level == FOREIGN or any(p.within(o) for o in self._outside) for p in mention):
                return mention[0].name
        return next((w for w in (*self.file.foreign_words, *self._outside_words) if w in text), None)

    def in_passing(self, text: str) -> bool:
        """True when the question tells a story or where the asker works: what else it names is on the way."""
        return len(text) > STORY_CHARS or _WORKPLACE_RE.search(text) is not None

    def asks_role(self, text: str) -> bool:
        """True when the question asks what the union may or must do (工会能管吗, 找工会有用吗)."""
        return any(w in text for w in self.file.role_words)

    def dated_first(self, question: str, hits: list[H], text_of: Callable[[H], str], within: int) -> list[H]:
        """Among the best ``within`` hits, the first whose text mentions a year the question names
        goes first: 2023年疗休养组织了多少人 is the 2023 entry's, not the 2024 one's."""
        years = _years_asked(question)
        if not years or not hits:
            return hits
        # 2024年疗休养组织了多少人: the 2024 entry, not one citing a 2024 report; but 到2024年累计 is the total
        # that report dates.
        for reports_count in (True,) if _UP_TO_RE.search(question) else (False, True):
            if _mentions(text_of(hits[0]), years, reports_count):
                return hits
            dated = next((h for h in hits[1:within] if _mentions(text_of(h), years, reports_count)), None)
            if dated is not None:
                return [dated, *(h for h in hits if h is not dated)]
        return hits

    def unmentioned_year(self, question: str, answer: str) -> str | None:
        """A year the question asks about (2022年购买服务花了多少钱) that the best answer never
        mentions: its figures are another year's."""
        years = _years_asked(question)
        return f"{years[0]}年" if years and not _mentions(answer, years) else None

    def future(self, text: str, from_the_law: Callable[[], bool]) -> str | None:
        """A year after the newest source, or a word such as 明年: the knowledge cannot know.

        Not when the question asks what the union may do ("合同明年到期，工会能保护我吗"), or when
        ``from_the_law`` finds its best answer is an article of the law ("合同明年到期，任期没满，会
        自动续吗"): the law holds next year too. That costs a search, so it is asked last.
        """
        for match in _YEAR_RE.finditer(text):
            if int(match.group(1)) > self.latest_year:
                return f"{match.group(1)}年"
        if self.asks_role(text) or len(text) > STORY_CHARS:
            return None
        word = next((w for w in self.file.future_words if w in text), None)
        return None if word is None or from_the_law() else word

    def names_subject(self, text: str) -> bool:
        """True when the text holds a word of some uncovered subject (a cheap test before ``subject``)."""
        return any(w in text for w in self._subject_words)

    def subject(self, text: str, top_ref: str | None) -> str | None:
        """A subject the sources do not treat (加班费怎么算), unless the best entry is about it."""
        own = self._entry_words.get(top_ref.partition(":")[2], set()) if top_ref else set()
        asked = question_of(text)
        # A story's question decides (工会能帮我吗, or 工伤能报多少); one that runs on unpunctuated tells a story.
        role = self.asks_role(asked) or (asked == text and len(text) > STORY_CHARS)
        for subject in self.file.subjects:
            words = [w for w in subject.words if w in asked]
            if not words or (subject.asks and not any(a in asked for a in subject.asks)):
                continue
            if subject.workplace and role:
                continue
            if subject.asks or not all(any(w in q for q in own) for w in words):
                return subject.label
        return None

    def topic_named(self, topic: str, text: str) -> bool:
        return any(w in text for w in self.file.topic_words.get(topic, ()))

    # -- what covers it ----------------------------------------------------------------

    def regional(self, ref: str) -> bool:
        """True when the entry's facts hold in one region only (not national)."""
        return ref.partition(":")[2] in self._regions

    def uncovered_place(self, ref: str, places: Sequence[tuple[Place, ...]], text: str) -> str | None:
        """The first place named that the entry behind ``ref`` does not hold facts for."""
        covered = self._regions.get(ref.partition(":")[2])
        if covered is None:
            return None  # national: the law and national policies hold everywhere on the mainland
        held, systems = covered.places, covered.region.systems
        # A story that names the entry's own place names others on the way (在东莞干了十年，回老家湖北……湖北
        # 工会的贷款能申请吗): only the places its question names count (……鞍山有没有一样的借款).
        if len(text) > STORY_CHARS and any(_holds(held, systems, mention, text) for mention in places):
            asked = question_of(text)
            places = [mention for mention in places if _named(mention[0], asked)]
        return self._first_uncovered(held, systems, places, text)

    def uncovered_system(self, ref: str, text: str) -> str | None:
        """An employer system the question names (铁路系统的劳模) when the entry holds for another only."""
        covered = self._regions.get(ref.partition(":")[2])
        if covered is None or not covered.region.systems:
            return None
        for match in _SYSTEM_RE.finditer(text):
            if not any(s in match.group(1) for s in covered.region.systems):
                return match.group(1)
        return None

    def local_gap(self, topic: str, places: Sequence[tuple[Place, ...]], text: str) -> str | None:
        """A place named in a topic whose programmes are local (劳模待遇, 工会贷款): a national entry
        does not answer "浙江的劳模有什么待遇" unless the question names a national programme."""
        covered = self.file.topics.get(topic)  # type: ignore[call-overload]
        if covered is None or not covered.local or any(w in text for w in covered.national):
            return None
        return places[0][0].short

    def uncovered_station_place(self, places: Sequence[tuple[Place, ...]], text: str) -> str | None:
        return self._first_uncovered(self._station_places, (), places, text)

    @staticmethod
    def _first_uncovered(
        held: Sequence[Place], systems: Sequence[str], places: Sequence[tuple[Place, ...]], text: str
    ) -> str | None:
        return next((mention[0].short for mention in places if not _holds(held, systems, mention, text)), None)


def _holds(held: Sequence[Place], systems: Sequence[str], mention: tuple[Place, ...], text: str) -> bool:
    """True when one meaning of the place named is, holds or lies in a place held (in the system held)."""
    system_named = not systems or any(s in text for s in systems)
    return any(p == h or h.within(p) or (p.within(h) and system_named) for p in mention for h in held)


def question_of(text: str) -> str:
    """What a story asks: its last sentence (the one before, when the last is a bare 请问 or 怎么办).
    The rest tells what happened: 退休金不高, 不敢去借网贷 are how things are, not what is asked."""
    if len(text) <= STORY_CHARS:
        return text
    sentences = [s for s in _SENTENCE_END_RE.split(text) if s.strip()]
    asked = sentences[-1:] if sentences and len(sentences[-1]) >= _SHORTEST_QUESTION else sentences[-2:]
    return "".join(asked) or text


def _names_of(place: Place) -> str:
    return "|".join(re.escape(n) for n in sorted({place.name, place.short}, key=len, reverse=True))


def _named(place: Place, text: str) -> bool:
    return re.search(_names_of(place), text) is not None


def _only_a_school(place: Place, text: str) -> bool:
    named = re.findall(rf"(?:{_names_of(place)})((?:一所|的)?(?:大学|学院|师范|理工|职业技术))?", text)
    return bool(named) and all(named)


def _spaceless(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _years_asked(question: str) -> list[str]:
    """The years a question names, none for a story: it tells when things happened."""
    return [] if len(question) > STORY_CHARS else _YEAR_RE.findall(question)


def _mentions(answer: str, years: Sequence[str], reports_count: bool = True) -> bool:
    """True when the answer's facts, its citations aside, mention one of the years (with ``reports_count``,
    also the date of a report it starts from)."""
    facts = _CITATION_RE.sub("", answer)
    if not reports_count:
        facts = _REPORT_RE.sub("", facts)
    return any(year in facts for year in years)
