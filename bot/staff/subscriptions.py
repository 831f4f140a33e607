"""Who receives announcements: one subscriber row per chat, and one row per topic or city it chose.

A subscriber with no topics (or no cities) chosen receives every topic (or city): one tap on
/subscribe means "everything", and narrowing is optional. A chat that blocked the bot is kept
but marked inactive, so it is never tried again until it subscribes anew. Every change writes
the one or two rows it changes.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from sqlalchemy import ColumnElement, Select, delete, exists, func, select, true, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.content_loader import load_model
from bot.core.content_models import SubscriptionsFile
from bot.core.db.schema import subscriber_choices, subscribers
from bot.core.db.upsert import upsert
from bot.core.i18n import Localizer
from bot.core.storage import Store

OPTIONS_FILE = "subscriptions.json"
KINDS = ("topic", "city")


@dataclass(frozen=True)
class Options:
    """The topics and cities announcements can be narrowed by (ids → labels), and who issues them, from content."""

    topics: dict[str, str]
    cities: dict[str, str]
    english: dict[tuple[str, str], str] = field(default_factory=dict)  # ("topic" | "city", id) → English name
    issuer: str = ""  # the notice header's unit when UNION_NAME is unset

    @classmethod
    def load(cls, content_dir: Path) -> Options:
        data = load_model(content_dir / OPTIONS_FILE, SubscriptionsFile)
        english = {("topic", t.id): t.en for t in data.topics} | {("city", c.id): c.en for c in data.cities}
        return cls({t.id: t.label for t in data.topics}, {c.id: c.name for c in data.cities}, english, data.issuer)

    def label(self, kind: str, key: str, _: Localizer) -> str:
        """A topic's or city's name for the reader: English for English readers, converted for 繁體."""
        name = (self.topics if kind == "topic" else self.cities)[key]
        return _.label(name, self.english.get((kind, key), name))

    def of(self, kind: str) -> dict[str, str]:
        return {"topic": self.topics, "city": self.cities}.get(kind, {})


@dataclass(frozen=True)
class Subscriber:
    chat_id: int
    active: bool
    topics: tuple[str, ...] = ()  # empty: every topic
    cities: tuple[str, ...] = ()  # empty: every city

    def wants(self, topics: Iterable[str], cities: Iterable[str]) -> bool:
        """Whether an announcement aimed at ``topics``/``cities`` (empty: all) reaches this chat."""
        return _overlap(self.topics, topics) and _overlap(self.cities, cities)


def _overlap(chosen: Iterable[str], aimed: Iterable[str]) -> bool:
    chosen, aimed = set(chosen), set(aimed)
    return not chosen or not aimed or bool(chosen & aimed)


def _wants(kind: str, aimed: tuple[str, ...]) -> ColumnElement[bool]:
    """SQL for ``Subscriber.wants`` on one kind: nothing of that kind chosen, or one of ``aimed``."""
    if not aimed:
        return true()
    choice = subscriber_choices.c
    of_kind = (choice.chat_id == subscribers.c.chat_id, choice.kind == kind)
    return ~exists().where(*of_kind) | exists().where(*of_kind, choice.option.in_(aimed))


def recipients_query(topics: Iterable[str] = (), cities: Iterable[str] = ()) -> Select[tuple[int]]:
    """Active chats an announcement aimed at ``topics``/``cities`` reaches (for INSERT … SELECT)."""
    return select(subscribers.c.chat_id).where(
        subscribers.c.active == true(), _wants("topic", tuple(topics)), _wants("city", tuple(cities))
    )


def deactivate_statement(chat_id: int, reason: str):  # type: ignore[no-untyped-def]
    """Mark a chat that blocked the bot (or vanished) inactive; part of recording its outcome."""
    return (
        update(subscribers)
        .where(subscribers.c.chat_id == chat_id, subscribers.c.active == true())
        .values(active=False, inactive_reason=reason)
    )


class Subscriptions:
    def __init__(self, store: Store, options: Options) -> None:
        self._store = store
        self.options = options

    async def get(self, chat_id: int) -> Subscriber | None:
        async with self._store.connect() as connection:
            return await self._read(connection, chat_id)

    async def subscribe(self, chat_id: int) -> Subscriber:
        """Subscribe (or re-activate) keeping earlier choices; durable when it returns."""
        row = {"chat_id": chat_id, "active": True, "inactive_reason": None, "since": time.time()}
        async with self._store.begin() as connection:
            await connection.execute(
                upsert(self._store.dialect, subscribers, ["chat_id"], ["active", "inactive_reason"]), row
            )
            subscriber = await self._read(connection, chat_id)
        assert subscriber is not None
        return subscriber

    async def subscribe_many(self, chat_ids: Iterable[int], batch: int = 10_000) -> int:
        """Subscribe many chats to everything (an import, or a benchmark), ``batch`` rows per transaction."""
        since, count, rows = time.time(), 0, []
        statement = upsert(self._store.dialect, subscribers, ["chat_id"], ["active", "inactive_reason"])
        for chat_id in chat_ids:
            rows.append({"chat_id": chat_id, "active": True, "inactive_reason": None, "since": since})
            if len(rows) >= batch:
                count += await self._write_many(statement, rows)
                rows = []
        return count + (await self._write_many(statement, rows) if rows else 0)

    async def _write_many(self, statement, rows: list[dict]) -> int:  # type: ignore[no-untyped-def]
        async with self._store.begin() as connection:
            await connection.execute(statement, rows)
        return len(rows)

    async def unsubscribe(self, chat_id: int) -> bool:
        """False when the chat was not subscribed."""
        async with self._store.begin() as connection:
            result = await connection.execute(deactivate_statement(chat_id, "unsubscribed"))
        return result.rowcount > 0

    async def toggle(self, chat_id: int, kind: str, option: str) -> Subscriber | None:
        """Add or remove one topic or city; None when the chat is not subscribed or the option is unknown."""
        if kind not in KINDS or option not in self.options.of(kind):
            return None
        choice = subscriber_choices.c
        async with self._store.begin() as connection:
            subscriber = await self._read(connection, chat_id)
            if subscriber is None or not subscriber.active:
                return None
            chosen = subscriber.topics if kind == "topic" else subscriber.cities
            if option in chosen:
                this = (choice.chat_id == chat_id, choice.kind == kind, choice.option == option)
                await connection.execute(delete(subscriber_choices).where(*this))
                chosen = tuple(o for o in chosen if o != option)
            else:
                row = {"chat_id": chat_id, "kind": kind, "option": option}
                await connection.execute(subscriber_choices.insert(), row)
                chosen = tuple(o for o in self.options.of(kind) if o in chosen or o == option)  # content order
        return replace(subscriber, **{"topics" if kind == "topic" else "cities": chosen})

    async def reset(self, chat_id: int) -> Subscriber | None:
        """Back to everything (no topic or city filter)."""
        async with self._store.begin() as connection:
            subscriber = await self._read(connection, chat_id)
            if subscriber is None or not subscriber.active:
                return None
            await connection.execute(delete(subscriber_choices).where(subscriber_choices.c.chat_id == chat_id))
        return Subscriber(chat_id, True)

    async def recipients(self, topics: Iterable[str] = (), cities: Iterable[str] = ()) -> list[int]:
        """Active chats an announcement aimed at ``topics``/``cities`` reaches, in a stable order."""
        query = recipients_query(topics, cities).order_by(subscribers.c.chat_id)
        async with self._store.connect() as connection:
            return list((await connection.scalars(query)).all())

    async def count(self, topics: Iterable[str] = (), cities: Iterable[str] = ()) -> int:
        """How many chats ``recipients`` would return (the preview's "目前 N 人")."""
        query = select(func.count()).select_from(recipients_query(topics, cities).subquery())
        async with self._store.connect() as connection:
            return int(await connection.scalar(query) or 0)

    # -- internals --------------------------------------------------------------------------

    async def _read(self, connection: AsyncConnection, chat_id: int) -> Subscriber | None:
        """The subscriber and its choices, in one query."""
        choice = subscriber_choices.c
        joined = subscribers.outerjoin(subscriber_choices, choice.chat_id == subscribers.c.chat_id)
        query = select(subscribers.c.active, choice.kind, choice.option).select_from(joined)
        rows = (await connection.execute(query.where(subscribers.c.chat_id == chat_id))).all()
        if not rows:
            return None
        chosen = {(kind, option) for _, kind, option in rows}
        topics = tuple(t for t in self.options.topics if ("topic", t) in chosen)  # content order
        cities = tuple(c for c in self.options.cities if ("city", c) in chosen)
        return Subscriber(chat_id, bool(rows[0][0]), topics, cities)
