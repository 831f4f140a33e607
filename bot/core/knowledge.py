"""The loaded knowledge, arranged for look-up: law articles by number, Q&A entries by id."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bot.core.content_loader import ContentFiles, load_content
from bot.core.content_models import Article, Chapter, QAEntry, Source, Topic


@dataclass(frozen=True)
class TopicEntry:
    topic: Topic
    entry: QAEntry


@dataclass(frozen=True)
class Law:
    source: Source
    chapters: tuple[Chapter, ...]
    articles: tuple[Article, ...]

    def article(self, number: int) -> Article | None:
        return self.articles[number - 1] if 1 <= number <= len(self.articles) else None

    def chapter(self, number: int) -> Chapter | None:
        return next((c for c in self.chapters if c.number == number), None)

    def in_chapter(self, number: int) -> list[Article]:
        return [a for a in self.articles if a.chapter == number]

    def article_source(self, number: int) -> Source:
        return self.source.model_copy(update={"article": number})


@dataclass(frozen=True)
class Knowledge:
    files: ContentFiles
    law: Law
    entries: dict[str, TopicEntry] = field(default_factory=dict)

    @classmethod
    def from_files(cls, files: ContentFiles) -> Knowledge:
        entries = {
            entry.id: TopicEntry(entry.topic or topic, entry) for topic, qa in files.qa_by_topic() for entry in qa
        }
        law = Law(files.law.source, tuple(files.law.chapters), tuple(files.law.articles))
        return cls(files=files, law=law, entries=entries)

    @classmethod
    def load(cls, content_dir: Path) -> Knowledge:
        return cls.from_files(load_content(content_dir))
