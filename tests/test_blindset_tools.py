"""The blind writers' checker and splitter: the gate a set passes before it is frozen."""

from __future__ import annotations

import collections

import pytest

from tools.blindset.check import articles_reached, check, chinese_number, law_articles
from tools.blindset.split import split

# The repository does not hold ../shared/sources, so the checker is tried on a law of three articles.
LAW = """# 某法

## 第一章 总 则

第一条 劳动者都有参加和组织工会的权利。任何组织和个人不得阻挠和限制。

第二条 工会是职工自愿结合的群众组织。

## 第二章 工会组织

第十一条 职工二十五人以上的单位，应当建立基层工会委员会；不足二十五人的，可以联合建立。

上级工会派员帮助，任何单位和个人不得阻挠。
"""


@pytest.fixture
def sources() -> dict[str, str]:
    return {"gonghuifa-2021.md": LAW, "facts.md": "工会会费", "seed-news-2022-01.txt": "抚顺无息借款"}


def row(
    q: str, topic: str = "law", facts: list[str] | None = None, style: str = "colloquial", expect: str = "answer"
) -> dict:
    return {"q": q, "topic": topic, "facts": facts or [], "style": style, "expect": expect}


@pytest.mark.parametrize(
    ("text", "number"), [("一", 1), ("十", 10), ("十三", 13), ("四十", 40), ("五十八", 58), ("7", 7)]
)
def test_article_numbers_are_read(text: str, number: int) -> None:
    assert chinese_number(text) == number


def test_the_law_is_read_article_by_article_and_chapter_by_chapter(sources: dict[str, str]) -> None:
    articles = law_articles(sources["gonghuifa-2021.md"])
    assert sorted(articles) == [1, 2, 11]
    assert [chapter for chapter, _ in articles.values()] == [1, 1, 2]
    assert "派员帮助" in articles[11][1]  # the article's later paragraphs belong to it


def test_a_question_reaches_the_article_its_facts_are_in(sources: dict[str, str]) -> None:
    articles = law_articles(sources["gonghuifa-2021.md"])
    assert articles_reached("人少能建工会吗", ["联合建立"], articles) == {11}
    assert articles_reached("老板不让我们入工会", ["不得阻挠"], articles) == {1, 11}  # in both, so both count
    assert articles_reached("工会法第二条讲什么", [], articles) == {2}
    assert articles_reached("工会是干啥的", ["工会"], articles) == {1, 2, 11}
    assert articles_reached("工会法第九十条", [], articles) == set()  # the law has no such article


def test_each_bad_line_is_named(sources: dict[str, str]) -> None:
    rows = [
        row("老板不让入会", facts=["不得阻挠"]),
        row("老板不让入会", facts=["不得阻挠"]),
        row("问个事", facts=["没有这句话的"]),
        row("工会会费", topic="faq", facts=["工会"], style="keyword"),
        row("天气怎么样", topic="unknown"),
        {"q": "少了键"},
    ]
    problems = "\n".join(check(rows, sources))
    assert "line 2: same question as line 1" in problems
    assert "line 3: fact '没有这句话的' is not verbatim" in problems
    assert "line 4: fact '工会' is already in the question" in problems
    assert "line 5: expect 'honest' goes with topic 'unknown'" in problems
    assert "line 6: keys" in problems
    assert "honest questions; at least 70 needed" in problems


def test_the_split_keeps_every_question_once_and_the_mix_in_both_halves() -> None:
    rows = [
        row(f"问题{i}", topic=("law", "loans", "unknown")[i % 3], expect="honest" if i % 3 == 2 else "answer")
        for i in range(90)
    ]
    dev, test = split(rows, seed=7)
    assert sorted(r["q"] for r in dev + test) == sorted(r["q"] for r in rows)
    mix = [collections.Counter(r["topic"] for r in half) for half in (dev, test)]
    assert mix[0] == mix[1] == {"law": 15, "loans": 15, "unknown": 15}
    assert split(rows, seed=7) == (dev, test) != split(rows, seed=8)
