"""Check a blind evaluation set before it is frozen.

Run by the blind writer, who may not read the bot, so it uses the standard library and the sources
only: hence its own ``chinese_number`` rather than ``bot.core.chinese.chinese_to_int``, whose
module needs OpenCC. It prints each problem with the line it is on, then ``OK`` or ``FAIL``. Usage:
``python3 check.py [blind.jsonl] [--sources DIR]``.
"""

from __future__ import annotations

import argparse
import collections
import json
import re
import sys
from pathlib import Path

KEYS = {"q", "topic", "facts", "style", "expect"}
TOPICS = {"law", "benefits", "stations", "loans", "faq", "chitchat", "unknown"}
STYLES = {
    "colloquial",
    "keyword",
    "traditional",
    "slip",
    "article",
    "formal",
    "voice",
    "english",
    "cantonese",
    "story",
    "cadre",
    "offtopic",
    "notcovered",
    "chitchat",
}
EXPECTS = {"answer", "honest"}
MIN_QUESTIONS = 380
MIN_STYLE = {"english": 30, "cantonese": 15, "traditional": 15, "voice": 20, "story": 20, "chitchat": 8, "slip": 5}
MIN_HONEST = 70
MAX_ARTICLE_SHARE = 0.12
MIN_ARTICLES = 45
CHAPTERS = 7
#: A fact found in more articles than this does not tell which article a question reaches.
MAX_ARTICLES_PER_FACT = 3
SOURCE_FILES = ("gonghuifa-2021.md", "facts.md", "seed-news-2022-01.txt")
DIGITS = {"零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
ARTICLE_RE = re.compile(r"第([一二三四五六七八九十]+|\d+)条")


def chinese_number(text: str) -> int:
    """Read 一 … 五十八 (or Arabic digits) as an int."""
    if text.isdigit():
        return int(text)
    if "十" not in text:
        return DIGITS[text]
    tens, _, units = text.partition("十")
    return (DIGITS[tens] if tens else 1) * 10 + (DIGITS[units] if units else 0)


def law_articles(law: str) -> dict[int, tuple[int, str]]:
    """Map each article number to (chapter number, article text)."""
    articles: dict[int, tuple[int, str]] = {}
    chapter, current = 0, None
    for line in law.splitlines():
        if line.startswith("## 第"):
            chapter += 1
            current = None
            continue
        head = re.match(r"第([一二三四五六七八九十]+)条", line)
        if head:
            current = chinese_number(head.group(1))
            articles[current] = (chapter, line)
        elif current is not None and line.strip():
            articles[current] = (chapter, articles[current][1] + line)
    return articles


def check(rows: list[dict], sources: dict[str, str]) -> list[str]:
    """Return every problem found, each naming its line."""
    problems: list[str] = []
    corpus = "\n".join(sources.values())
    articles = law_articles(sources["gonghuifa-2021.md"])
    reached: set[int] = set()
    seen: dict[str, int] = {}
    for number, row in enumerate(rows, 1):
        where = f"line {number}"
        if set(row) != KEYS:
            problems.append(f"{where}: keys {sorted(row)} are not {sorted(KEYS)}")
            continue
        question, facts = row["q"], row["facts"]
        if not isinstance(question, str) or not question.strip():
            problems.append(f"{where}: empty question")
            continue
        if question in seen:
            problems.append(f"{where}: same question as line {seen[question]}")
        seen[question] = number
        if row["topic"] not in TOPICS:
            problems.append(f"{where}: topic {row['topic']!r} not in {sorted(TOPICS)}")
        if row["style"] not in STYLES:
            problems.append(f"{where}: style {row['style']!r} not in {sorted(STYLES)}")
        if row["expect"] not in EXPECTS:
            problems.append(f"{where}: expect {row['expect']!r} not in {sorted(EXPECTS)}")
        if (row["expect"] == "honest") != (row["topic"] == "unknown"):
            problems.append(f"{where}: expect 'honest' goes with topic 'unknown', and only with it")
        if not isinstance(facts, list) or len(facts) > 2:
            problems.append(f"{where}: facts must be a list of 0–2 phrases")
            continue
        if facts and row["topic"] in {"chitchat", "unknown"}:
            problems.append(f"{where}: a {row['topic']} question has no facts")
        for fact in facts:
            if not isinstance(fact, str) or not 2 <= len(fact) <= 8:
                problems.append(f"{where}: fact {fact!r} must be 2–8 characters")
            elif fact not in corpus:
                problems.append(f"{where}: fact {fact!r} is not verbatim in the sources")
            elif fact in question:
                problems.append(f"{where}: fact {fact!r} is already in the question")
        if row["topic"] == "law":
            reached |= articles_reached(question, facts, articles)
    problems += quota_problems(rows, reached, articles)
    return problems


def articles_reached(question: str, facts: list[str], articles: dict) -> set[int]:
    """Articles a law question reaches: the one it cites, or the few its facts are all in."""
    cited = {chinese_number(m) for m in ARTICLE_RE.findall(question)}
    holding = [n for n, (_, text) in articles.items() if facts and all(f in text for f in facts)]
    found = set(holding) if 0 < len(holding) <= MAX_ARTICLES_PER_FACT else set()
    return (cited & set(articles)) | found


def quota_problems(rows: list[dict], reached: set[int], articles: dict) -> list[str]:
    """The set-wide minimums of the brief."""
    problems = []
    styles = collections.Counter(row.get("style") for row in rows)
    honest = sum(row.get("expect") == "honest" for row in rows)
    if len(rows) < MIN_QUESTIONS:
        problems.append(f"{len(rows)} questions; at least {MIN_QUESTIONS} needed")
    if honest < MIN_HONEST:
        problems.append(f"{honest} honest questions; at least {MIN_HONEST} needed")
    for style, least in MIN_STYLE.items():
        if styles[style] < least:
            problems.append(f"{styles[style]} {style} questions; at least {least} needed")
    if styles["article"] > MAX_ARTICLE_SHARE * len(rows):
        problems.append(f"{styles['article']} article-number questions; at most {int(MAX_ARTICLE_SHARE * len(rows))}")
    if len(reached) < MIN_ARTICLES:
        missing = sorted(set(articles) - reached)
        problems.append(f"{len(reached)} articles reached; at least {MIN_ARTICLES} needed (not yet: {missing})")
    chapters = {articles[n][0] for n in reached}
    if len(chapters) < CHAPTERS:
        problems.append(f"chapters reached {sorted(chapters)}; all {CHAPTERS} needed")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path", nargs="?", default=str(Path(__file__).with_name("blind.jsonl")))
    parser.add_argument("--sources", default="/work/shared/sources")
    args = parser.parse_args()
    rows, problems = [], []
    for number, line in enumerate(Path(args.path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as error:
            problems.append(f"line {number}: not JSON ({error})")
    sources = {name: (Path(args.sources) / name).read_text(encoding="utf-8") for name in SOURCE_FILES}
    problems += check(rows, sources)
    for problem in problems:
        print(problem)
    counts = collections.Counter((row.get("topic"), row.get("expect")) for row in rows)
    print(f"{len(rows)} questions:", dict(sorted(counts.items(), key=str)))
    print("FAIL" if problems else "OK")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
