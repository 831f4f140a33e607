"""Browsing the Trade Union Law: chapter pages, neighbouring articles, keyword look-up.

Pure functions over ``Law``; every look-up that a button or a typed number can ask for
returns ``None`` when out of range, so a stale or forged request is a normal outcome.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from bot.core.chinese import chinese_to_int
from bot.core.content_models import Article, Chapter, QAEntry
from bot.core.knowledge import Knowledge, Law
from bot.understanding.normalise import normalise

PAGE_SIZE = 8  # article buttons per chapter page: fits a phone screen without scrolling
MAX_MATCHES = 10  # keyword hits listed; more means the keyword is too broad to be useful
OVERVIEW_ARTICLES = (6, 32)  # the articles stating the union's basic duties (the news commentary's subject)


@dataclass(frozen=True)
class ChapterPage:
    chapter: Chapter
    articles: tuple[Article, ...]
    page: int  # 0-based
    pages: int
    total: int  # articles in the chapter


@dataclass(frozen=True)
class Neighbours:
    previous: int | None
    next: int | None


@dataclass(frozen=True)
class KeywordMatches:
    keyword: str
    articles: tuple[Article, ...]  # at most MAX_MATCHES
    total: int


def chapter_page(law: Law, chapter_number: int, page: int, size: int = PAGE_SIZE) -> ChapterPage | None:
    """One page of a chapter's articles; None for an unknown chapter or a page past the end."""
    chapter = law.chapter(chapter_number)
    if chapter is None:
        return None
    articles = law.in_chapter(chapter_number)
    pages = max(1, math.ceil(len(articles) / size))
    if not 0 <= page < pages:
        return None
    return ChapterPage(chapter, tuple(articles[page * size : (page + 1) * size]), page, pages, len(articles))


def page_of(law: Law, number: int, size: int = PAGE_SIZE) -> int:
    """The chapter page an article is listed on, so "back" returns to where the reader was."""
    article = law.article(number)
    if article is None:
        return 0
    numbers = [a.number for a in law.in_chapter(article.chapter)]
    return numbers.index(number) // size


def neighbours(law: Law, number: int) -> Neighbours:
    count = len(law.articles)
    return Neighbours(number - 1 if number > 1 else None, number + 1 if number < count else None)


def find_articles(law: Law, keyword: str, limit: int = MAX_MATCHES) -> KeywordMatches:
    """Articles containing every word of ``keyword`` (Traditional and full-width folded).

    Plain substring matching rather than ranking: a reader looking for the articles that
    mention 工会经费 wants all of them in the law's order, not the single best guess.
    """
    words = normalise(keyword).split()
    found = [a for a in law.articles if words and all(w in _folded(a.text) for w in words)]
    return KeywordMatches(" ".join(words), tuple(found[:limit]), len(found))


@lru_cache(maxsize=1024)
def _folded(text: str) -> str:
    """An article's text as queries are normalised; cached, as the law does not change at run time."""
    return normalise(text)


def overview_entry(knowledge: Knowledge) -> QAEntry | None:
    """The curated entry explaining the basic duties: the first that links both overview articles.

    Found by its links rather than an id so that the content author can reword or move it.
    """
    return next(
        (item.entry for item in knowledge.entries.values() if set(OVERVIEW_ARTICLES) <= set(item.entry.articles)), None
    )


def article_number_in(text: str) -> int | None:
    """The article a reader means by "6", "六", "第六条" or "工会法第6条"; None when it is not a number."""
    core = normalise(text).replace(" ", "").removeprefix("工会法").removeprefix("第").removesuffix("条")
    if core.isdecimal():
        return int(core)
    return chinese_to_int(core)


def lookup(law: Law, text: str) -> int | KeywordMatches:
    """What ``/law <text>`` asks for: an article by number, else the articles containing the words."""
    number = article_number_in(text)
    return number if number is not None else find_articles(law, text)
