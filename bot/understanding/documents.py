"""What the engine searches: every curated entry and every law article as one document.

A document is indexed twice, by words (BM25 over jieba tokens) and by character pairs, and its
curated questions, Chinese and English, with the questions real workers asked of it
(``content/asked.json``), weigh ``QUESTION_BOOST`` times its text: a worker's
question resembles another worker's question more than it resembles the answer. Questions are
folded the way a query is (script, slips, English words to the knowledge's Chinese), so both
sides meet in one spelling.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from bot.core.content_models import Lack
from bot.core.knowledge import Knowledge
from bot.understanding.search import Tokenizer

QUESTION_BOOST = 3  # a word in a curated question or keyword counts this many times


@dataclass(frozen=True)
class Doc:
    ref: str  # qa:<entry id> or art:<number>
    topic: str
    title: str
    articles: frozenset[int] = frozenset()  # the law articles it treats: an article, or those an entry cites
    phrasings: tuple[frozenset[str], ...] = ()  # the tokens of each curated question
    lacks: tuple[Lack, ...] = ()  # the details its sources do not give


@dataclass
class Documents:
    docs: list[Doc] = field(default_factory=list)
    bags: list[Counter[str]] = field(default_factory=list)  # word → weighted count, for the word index
    texts: list[tuple[str, list[str]]] = field(default_factory=list)  # text and folded questions, for pairs

    def add(
        self,
        doc: Doc,
        text: str,
        extra: str,
        questions: list[str],
        keywords: list[str],
        tokenizer: Tokenizer,
        fold: Callable[[str], str],
    ) -> None:
        folded = [fold(q) for q in questions]
        phrasings = tuple(frozenset(tokenizer.tokens(q)) for q in folded)
        bag = Counter(tokenizer.tokens(text))
        bag.update(tokenizer.tokens(extra))
        for tokens in (*phrasings, *(tokenizer.tokens(k.lower()) for k in keywords)):
            for token in tokens:
                bag[token] += QUESTION_BOOST
        self.docs.append(replace(doc, phrasings=phrasings))
        self.bags.append(bag)
        self.texts.append((text, [*folded, *(fold(k) for k in keywords)]))


def without_referral(answer: str, number: str) -> str:
    """The answer as searched. Most answers close by pointing to the hotline (拨打工会12351职工服务
    热线（各省级总工会拨…）); words every entry ends with say nothing about what one entry answers,
    and they bury the hotline's own entry, so the clauses naming the number are left out."""
    answer = re.sub(rf"（[^（）]*{re.escape(number)}[^（）]*）", "", answer)
    return re.sub(rf"[^，。；]*{re.escape(number)}[^，。；]*", "", answer)


def build(knowledge: Knowledge, tokenizer: Tokenizer, fold: Callable[[str], str]) -> Documents:
    """The entries first, then the articles in order: a document's place is its index in both searches."""
    found = Documents()
    hotline = knowledge.files.scope.hotline.marker.strip("-")
    asked = knowledge.files.asked.by_ref()
    for entry_id, item in knowledge.entries.items():
        entry = item.entry
        cited = {*entry.articles, *(s.article for s in (entry.source, *entry.also) if s.article)}
        doc = Doc(f"qa:{entry_id}", item.topic, entry.questions[0], frozenset(cited), lacks=tuple(entry.lacks))
        about_hotline = any(hotline in q for q in (*entry.questions, *entry.keywords))
        text = entry.answer if about_hotline else without_referral(entry.answer, hotline)
        questions = [*entry.questions, *entry.questions_en, *asked.get(doc.ref, ())]
        found.add(doc, text, "", questions, entry.keywords, tokenizer, fold)
    law = knowledge.law
    for article in law.articles:
        chapter = law.chapter(article.chapter)
        number = article.number
        doc = Doc(f"art:{number}", "law", f"工会法第{number}条", frozenset({number}), lacks=tuple(article.lacks))
        title = chapter.title if chapter else ""
        questions = [*article.questions, *article.questions_en, *asked.get(doc.ref, ())]
        found.add(doc, article.text, title, questions, [], tokenizer, fold)
    return found
