"""Browsing the law: chapter pages, neighbours, article numbers and keywords, the overview entry."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.i18n import gettext_for
from bot.core.knowledge import Knowledge, Law
from bot.law.articles import (
    OVERVIEW_ARTICLES,
    PAGE_SIZE,
    KeywordMatches,
    article_number_in,
    chapter_page,
    find_articles,
    lookup,
    neighbours,
    overview_entry,
    page_of,
)
from bot.law.render import article_label, law_menu


@pytest.fixture(scope="module")
def law(knowledge: Knowledge) -> Law:
    return knowledge.law


def test_pages_cover_each_chapter_once_in_order(law: Law) -> None:
    seen = []
    for chapter in law.chapters:
        first = chapter_page(law, chapter.number, 0)
        assert first is not None
        for page in range(first.pages):
            found = chapter_page(law, chapter.number, page)
            assert found is not None
            assert 0 < len(found.articles) <= PAGE_SIZE
            seen += [a.number for a in found.articles]
    assert seen == list(range(1, len(law.articles) + 1))


@pytest.mark.parametrize(("chapter", "page"), [(0, 0), (99, 0), (1, -1), (1, 99), (3, 2)])
def test_out_of_range_pages_are_none(law: Law, chapter: int, page: int) -> None:
    assert chapter_page(law, chapter, page) is None


def test_page_of_finds_the_page_listing_the_article(law: Law) -> None:
    for article in law.articles:
        page = chapter_page(law, article.chapter, page_of(law, article.number))
        assert page is not None
        assert article in page.articles
    assert page_of(law, 999) == 0


@pytest.mark.parametrize(("number", "previous", "following"), [(1, None, 2), (6, 5, 7), (58, 57, None)])
def test_neighbours_stop_at_the_ends(law: Law, number: int, previous: int | None, following: int | None) -> None:
    near = neighbours(law, number)
    assert (near.previous, near.next) == (previous, following)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("6", 6),
        ("六", 6),
        ("第六条", 6),
        ("第 32 条", 32),
        ("工会法第三十二条", 32),
        ("工會法第五十八條", 58),
        ("３２", 32),
        ("一百", 100),
        ("工会经费", None),
        ("", None),
        ("第条", None),
        ("፩", None),  # a digit that int() cannot read
    ],
)
def test_article_number_in(text: str, number: int | None) -> None:
    assert article_number_in(text) == number


@pytest.mark.parametrize(
    ("keyword", "must_include"),
    [("工会经费", 43), ("拖欠", 23), ("法律援助", 30), ("劳动模范", 33), ("工會經費", 43), ("工会 经费 百分之二", 43)],
)
def test_keyword_finds_articles_in_law_order(law: Law, keyword: str, must_include: int) -> None:
    found = find_articles(law, keyword)
    numbers = [a.number for a in found.articles]
    assert must_include in numbers
    assert numbers == sorted(numbers)


def test_keyword_results_are_capped_but_counted(law: Law) -> None:
    found = find_articles(law, "工会", limit=5)
    assert len(found.articles) == 5
    assert found.total > 5


@pytest.mark.parametrize("keyword", ["火星", "   ", "😀"])
def test_keyword_without_match_is_empty(law: Law, keyword: str) -> None:
    assert find_articles(law, keyword).articles == ()


def test_lookup_dispatches_numbers_and_words(law: Law) -> None:
    assert lookup(law, "第6条") == 6
    assert isinstance(lookup(law, "工会经费"), KeywordMatches)


def test_overview_is_a_curated_entry_linking_the_duty_articles(knowledge: Knowledge) -> None:
    entry = overview_entry(knowledge)
    assert entry is not None
    assert set(OVERVIEW_ARTICLES) <= set(entry.articles)
    text = law_menu(knowledge.law, entry, gettext_for("zh_Hans")).plain()
    assert "竭诚服务职工群众" in text
    assert "来源：工人日报" in text  # the commentary explaining the two articles


def test_article_labels_are_short_enough_for_a_button(law: Law) -> None:
    _ = gettext_for("zh_Hans")
    for article in law.articles:
        label = article_label(article, _)
        assert label.startswith("第")
        assert len(label) <= 30


@given(st.text(max_size=40))
def test_any_text_is_a_number_or_a_keyword_never_an_error(text: str) -> None:
    number = article_number_in(text)
    assert number is None or number >= 0


@given(chapter=st.integers(), page=st.integers())
def test_any_page_request_is_a_page_or_none(law: Law, chapter: int, page: int) -> None:
    found = chapter_page(law, chapter, page)
    assert found is None or 0 < len(found.articles) <= PAGE_SIZE
