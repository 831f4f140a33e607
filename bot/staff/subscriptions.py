"""Who receives announcements: one subscriber document per chat, kept in the store.

A subscriber with no topics (or no cities) chosen receives every topic (or city): one
tap on /subscribe means "everything", and narrowing is optional. A chat that blocked
the bot is kept but marked inactive, so it is never tried again until it subscribes anew.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bot.core.content_loader import load_model
from bot.core.content_models import SubscriptionsFile
from bot.core.i18n import Localizer
from bot.core.storage import Doc, Store

SUBSCRIBERS = "subscribers"
OPTIONS_FILE = "subscriptions.json"


@dataclass(frozen=True)
class Options:
    """The topics and cities announcements can be narrowed by (ids → labels), from content."""

    topics: dict[str, str]
    cities: dict[str, str]
    english: dict[tuple[str, str], str] = field(default_factory=dict)  # ("topic" | "city", id) → English name

    @classmethod
    def load(cls, content_dir: Path) -> Options:
        data = load_model(content_dir / OPTIONS_FILE, SubscriptionsFile)
        english = {("topic", t.id): t.en for t in data.topics} | {("city", c.id): c.en for c in data.cities}
        return cls({t.id: t.label for t in data.topics}, {c.id: c.name for c in data.cities}, english)

    def label(self, kind: str, key: str, _: Localizer) -> str:
        """A topic's or city's name for the reader: English for English readers, converted for 繁體."""
        name = (self.topics if kind == "topic" else self.cities)[key]
        return _.label(name, self.english.get((kind, key), name))


@dataclass(frozen=True)
class Subscriber:
    chat_id: int
    active: bool
    topics: tuple[str, ...] = ()  # empty: every topic
    cities: tuple[str, ...] = ()  # empty: every city

    def wants(self, topics: Iterable[str], cities: Iterable[str]) -> bool:
        """Whether an announcement aimed at ``topics``/``cities`` (empty: all) reaches this chat."""
        return _overlap(self.topics, topics) and _overlap(self.cities, cities)

    @classmethod
    def from_doc(cls, chat_id: int, doc: Doc) -> Subscriber:
        return cls(chat_id, bool(doc.get("active")), tuple(doc.get("topics", ())), tuple(doc.get("cities", ())))


def _overlap(chosen: Iterable[str], aimed: Iterable[str]) -> bool:
    chosen, aimed = set(chosen), set(aimed)
    return not chosen or not aimed or bool(chosen & aimed)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Subscriptions:
    def __init__(self, store: Store, options: Options) -> None:
        self._store = store
        self.options = options

    def get(self, chat_id: int) -> Subscriber | None:
        doc = self._store.get(SUBSCRIBERS, str(chat_id))
        return None if doc is None else Subscriber.from_doc(chat_id, doc)

    def subscribe(self, chat_id: int) -> Subscriber:
        """Subscribe (or re-activate) keeping earlier choices; durable when it returns."""
        doc = self._store.get(SUBSCRIBERS, str(chat_id)) or {"topics": [], "cities": [], "since": _now()}
        doc.update(active=True, inactive_reason=None)
        self._store.put(SUBSCRIBERS, str(chat_id), doc)
        return Subscriber.from_doc(chat_id, doc)

    def subscribe_many(self, chat_ids: Iterable[int]) -> int:
        """Subscribe many chats to everything in one durable write (an import, or a benchmark)."""
        since = _now()
        docs = {str(c): {"topics": [], "cities": [], "since": since, "active": True} for c in chat_ids}
        self._store.put_many(SUBSCRIBERS, docs)
        return len(docs)

    def unsubscribe(self, chat_id: int) -> bool:
        """False when the chat was not subscribed."""
        doc = self._store.get(SUBSCRIBERS, str(chat_id))
        if doc is None or not doc.get("active"):
            return False
        self._store.put(SUBSCRIBERS, str(chat_id), {**doc, "active": False, "inactive_reason": "unsubscribed"})
        return True

    def toggle(self, chat_id: int, kind: str, option: str) -> Subscriber | None:
        """Add or remove one topic or city; None when the chat is not subscribed or the option is unknown."""
        known = {"topic": self.options.topics, "city": self.options.cities}.get(kind, {})
        doc = self._store.get(SUBSCRIBERS, str(chat_id))
        if option not in known or doc is None or not doc.get("active"):
            return None
        field = "topics" if kind == "topic" else "cities"
        chosen = list(doc.get(field, []))
        chosen = [c for c in chosen if c != option] if option in chosen else [*chosen, option]
        doc[field] = [o for o in known if o in chosen]  # keep content order
        self._store.put(SUBSCRIBERS, str(chat_id), doc)
        return Subscriber.from_doc(chat_id, doc)

    def reset(self, chat_id: int) -> Subscriber | None:
        """Back to everything (no topic or city filter)."""
        doc = self._store.get(SUBSCRIBERS, str(chat_id))
        if doc is None or not doc.get("active"):
            return None
        doc.update(topics=[], cities=[])
        self._store.put(SUBSCRIBERS, str(chat_id), doc)
        return Subscriber.from_doc(chat_id, doc)

    def recipients(self, topics: Iterable[str] = (), cities: Iterable[str] = ()) -> list[int]:
        """Active chats an announcement aimed at ``topics``/``cities`` reaches, in a stable order."""
        topics, cities = tuple(topics), tuple(cities)
        chats = (Subscriber.from_doc(int(key), doc) for key, doc in self._store.items(SUBSCRIBERS))
        return sorted(s.chat_id for s in chats if s.active and s.wants(topics, cities))

    def deactivate(self, chat_ids: Iterable[int], reason: str) -> int:
        """Mark chats that blocked the bot (or vanished) inactive in one durable write."""
        docs = {}
        for chat_id in chat_ids:
            doc = self._store.get(SUBSCRIBERS, str(chat_id))
            if doc is not None and doc.get("active"):
                docs[str(chat_id)] = {**doc, "active": False, "inactive_reason": reason}
        self._store.put_many(SUBSCRIBERS, docs)
        return len(docs)
