"""Announcements: validated notices for subscribers, their schedule, status and delivery progress.

This is the domain API both the chat flow (/announce) and the admin HTTP API use:
``create`` validates everything before anything is stored, so a notice that would be
rejected by Telegram never reaches the send queue. Delivery progress is durable per
recipient: the recipient list is frozen in the store when sending begins, and each
outcome is appended to the journal, so a restart resumes exactly where it stopped.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta, timezone
from enum import StrEnum
from typing import Any

from bot.core.storage import Doc, Journal, Store
from bot.staff.notice_html import check_html
from bot.staff.subscriptions import Subscriptions

ANNOUNCEMENTS = "announcements"
PLANS = "announcement_plans"  # announcement id → the frozen recipient list
# China has had no daylight saving since 1991, so a fixed offset is Asia/Shanghai exactly
# and needs no tz database on the host.
SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")
TIME_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M")
PAST_GRACE = timedelta(minutes=1)  # the time a person needs to type the time and press 发送


class AnnouncementError(ValueError):
    """Validation or state failure; ``code`` is stable (API and translations key on it)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class Status(StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    SENDING = "sending"
    DONE = "done"
    CANCELLED = "cancelled"


class Outcome(StrEnum):
    """The final state of one recipient; recorded once, never changed."""

    SENT = "sent"
    BLOCKED = "blocked"  # blocked the bot, deactivated, or chat not found: never tried again
    FAILED = "failed"  # gave up after retries, or Telegram rejected the message for this chat


@dataclass(frozen=True)
class Target:
    """Everyone (both empty) or the subscribers of any of ``topics`` and any of ``cities``."""

    topics: tuple[str, ...] = ()
    cities: tuple[str, ...] = ()

    @property
    def everyone(self) -> bool:
        return not self.topics and not self.cities

    @classmethod
    def all(cls) -> Target:
        return cls()

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Target:
        """From JSON: ``{"topics": [...], "cities": [...]}``, ``"all"`` or None."""
        if data is None or data == "all" or data == {"all": True}:
            return cls()
        if not isinstance(data, Mapping):
            raise AnnouncementError("invalid_target", "target must be 'all' or an object with topics and/or cities")
        topics, cities = data.get("topics") or [], data.get("cities") or []
        if not all(isinstance(x, list) and all(isinstance(v, str) for v in x) for x in (topics, cities)):
            raise AnnouncementError("invalid_target", "topics and cities must be lists of ids")
        return cls(tuple(topics), tuple(cities))

    def to_dict(self) -> dict[str, list[str]]:
        return {"topics": list(self.topics), "cities": list(self.cities)}


@dataclass(frozen=True)
class Counts:
    total: int = 0
    delivered: int = 0
    blocked: int = 0
    failed: int = 0

    @property
    def pending(self) -> int:
        return self.total - self.delivered - self.blocked - self.failed

    def to_dict(self) -> dict[str, int]:
        return {
            "total": self.total,
            "delivered": self.delivered,
            "blocked": self.blocked,
            "failed": self.failed,
            "pending": self.pending,
        }


@dataclass(frozen=True)
class Announcement:
    id: str
    text: str  # Telegram HTML, validated
    target: Target
    send_at: datetime | None  # aware; None: as soon as confirmed
    status: Status
    created_by: str
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    counts: Counts = field(default_factory=Counts)

    def to_doc(self) -> Doc:
        return {
            "text": self.text,
            "target": self.target.to_dict(),
            "send_at": _iso(self.send_at),
            "status": self.status.value,
            "created_by": self.created_by,
            "created_at": _iso(self.created_at),
            "started_at": _iso(self.started_at),
            "finished_at": _iso(self.finished_at),
            "counts": self.counts.to_dict(),
        }

    @classmethod
    def from_doc(cls, key: str, doc: Doc) -> Announcement:
        counts = {k: v for k, v in doc.get("counts", {}).items() if k != "pending"}
        return cls(
            id=key,
            text=doc["text"],
            target=Target.from_dict(doc.get("target")),
            send_at=_parse_iso(doc.get("send_at")),
            status=Status(doc["status"]),
            created_by=str(doc.get("created_by", "")),
            created_at=_parse_iso(doc["created_at"]) or datetime.now(UTC),
            started_at=_parse_iso(doc.get("started_at")),
            finished_at=_parse_iso(doc.get("finished_at")),
            counts=Counts(**counts),
        )


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat(timespec="seconds")


def _parse_iso(value: str | None) -> datetime | None:
    return None if not value else datetime.fromisoformat(value)


def parse_send_at(value: datetime | str | None, now: datetime) -> datetime | None:
    """A send time from a person ("2026-12-01 09:00", Asia/Shanghai) or the API (ISO 8601).

    A naive time is Shanghai time. None or an empty string means "now". A time more than
    a minute in the past is refused rather than silently sent at once.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str):
        value = _parse_time_text(value.strip())
    if value.tzinfo is None:
        value = value.replace(tzinfo=SHANGHAI)
    if value < now - PAST_GRACE:
        raise AnnouncementError("send_at_past", f"send time {value.isoformat()} is in the past")
    return value


def _parse_time_text(text: str) -> datetime:
    for fmt in TIME_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise AnnouncementError("send_at_invalid", f"cannot read {text!r} as a time like 2026-12-01 09:00") from None


def validate_text(text: str) -> str:
    if not isinstance(text, str) or not text.strip():
        raise AnnouncementError("empty_text", "the announcement text is empty")
    problem = check_html(text)
    if problem is not None:
        raise AnnouncementError(problem.code, problem.detail)
    return text


class Announcements:
    """Create, schedule, cancel and track announcements; the delivery engine records outcomes here."""

    def __init__(self, store: Store, subscriptions: Subscriptions, journal: Journal) -> None:
        self._store = store
        self._journal = journal
        self.subscriptions = subscriptions
        self._progress: dict[str, Progress] = {}

    # -- the API staff tools use -------------------------------------------------------

    def validate_target(self, target: Target) -> Target:
        options = self.subscriptions.options
        for topic in target.topics:
            if topic not in options.topics:
                raise AnnouncementError("unknown_topic", f"unknown topic {topic!r}; known: {', '.join(options.topics)}")
        for city in target.cities:
            if city not in options.cities:
                raise AnnouncementError("unknown_city", f"unknown city {city!r}; known: {', '.join(options.cities)}")
        return target

    def create(
        self,
        text: str,
        target: Target | Mapping[str, Any] | str | None,
        send_at: datetime | str | None,
        created_by: int | str,
        *,
        draft: bool = False,
        now: datetime | None = None,
    ) -> Announcement:
        """Validate and store a notice; ``draft`` ones wait for ``confirm`` (the chat preview)."""
        now = now or datetime.now(UTC)
        text = validate_text(text)
        target = self.validate_target(target if isinstance(target, Target) else Target.from_dict(target))
        announcement = Announcement(
            id=uuid.uuid4().hex[:12],
            text=text,
            target=target,
            send_at=parse_send_at(send_at, now),
            status=Status.DRAFT if draft else Status.SCHEDULED,
            created_by=str(created_by),
            created_at=now,
        )
        self._save(announcement)
        return announcement

    def get(self, announcement_id: str) -> Announcement | None:
        doc = self._store.get(ANNOUNCEMENTS, announcement_id) if isinstance(announcement_id, str) else None
        if doc is None:
            return None
        announcement = Announcement.from_doc(announcement_id, doc)
        progress = self._progress.get(announcement_id)
        if announcement.status is Status.SENDING and progress is not None:
            announcement = replace(announcement, counts=progress.counts())
        return announcement

    def status(self, announcement_id: str) -> dict[str, Any]:
        announcement = self._require(announcement_id)
        counts = announcement.counts
        if announcement.status is Status.SENDING and announcement_id not in self._progress:
            counts = self._load_progress(announcement_id).counts()
        return {
            "id": announcement.id,
            "status": announcement.status.value,
            **counts.to_dict(),
            "target": announcement.target.to_dict(),
            "created_by": announcement.created_by,
            "created_at": _iso(announcement.created_at),
            "send_at": _iso(announcement.send_at),
            "started_at": _iso(announcement.started_at),
            "finished_at": _iso(announcement.finished_at),
        }

    def list_all(self) -> list[Announcement]:
        docs = self._store.all(ANNOUNCEMENTS)
        return sorted((Announcement.from_doc(k, d) for k, d in docs.items()), key=lambda a: a.created_at)

    def list_scheduled(self) -> list[Announcement]:
        """Confirmed notices not yet started, soonest first (what start-up re-arms)."""
        scheduled = [a for a in self.list_all() if a.status is Status.SCHEDULED]
        return sorted(scheduled, key=lambda a: a.send_at or a.created_at)

    def list_sending(self) -> list[Announcement]:
        """Notices a crash interrupted half way (what start-up resumes)."""
        return [a for a in self.list_all() if a.status is Status.SENDING]

    def confirm(self, announcement_id: str) -> Announcement:
        """A previewed draft becomes scheduled."""
        announcement = self._require(announcement_id)
        if announcement.status is not Status.DRAFT:
            raise AnnouncementError("not_draft", f"announcement {announcement_id} is {announcement.status.value}")
        return self._save(replace(announcement, status=Status.SCHEDULED))

    def cancel(self, announcement_id: str, now: datetime | None = None) -> Announcement:
        """Stop a draft, a scheduled notice, or one being sent (after the messages in flight)."""
        announcement = self._require(announcement_id)
        if announcement.status in (Status.DONE, Status.CANCELLED):
            raise AnnouncementError("not_cancellable", f"announcement {announcement_id} is {announcement.status.value}")
        progress = self._progress.get(announcement_id)
        counts = progress.counts() if progress else announcement.counts
        cancelled = replace(announcement, status=Status.CANCELLED, counts=counts, finished_at=now or datetime.now(UTC))
        return self._save(cancelled)

    # -- what the delivery engine uses --------------------------------------------------

    def begin(self, announcement_id: str, now: datetime | None = None) -> list[int]:
        """Start (or resume) sending: the chats still without an outcome, in order.

        The recipient list is frozen when sending first begins, so a resume neither adds
        people who subscribed since nor skips anyone who was due.
        """
        announcement = self._require(announcement_id)
        if announcement.status in (Status.DRAFT, Status.SCHEDULED):
            chats = self.subscriptions.recipients(announcement.target.topics, announcement.target.cities)
            self._store.put(PLANS, announcement_id, {"chats": chats})
            announcement = replace(announcement, status=Status.SENDING, started_at=now or datetime.now(UTC))
            self._save(replace(announcement, counts=Counts(total=len(chats))))
        elif announcement.status is not Status.SENDING:
            return []
        progress = self._load_progress(announcement_id)
        return progress.pending()

    def record(self, announcement_id: str, chat_id: int, outcome: Outcome) -> None:
        """Durably record one recipient's final outcome (an fsync'd journal line)."""
        self._journal.append(_stream(announcement_id), {"c": chat_id, "o": outcome.value})
        self._progress_of(announcement_id).add(chat_id, outcome)

    def counts(self, announcement_id: str) -> Counts:
        return self._progress_of(announcement_id).counts()

    def is_cancelled(self, announcement_id: str) -> bool:
        """Asked before every message, so it reads the status alone."""
        doc = self._store.get(ANNOUNCEMENTS, announcement_id)
        return doc is None or doc.get("status") == Status.CANCELLED.value

    def finish(self, announcement_id: str, now: datetime | None = None) -> Announcement:
        """Close the run: deactivate chats that blocked the bot, store the counts, drop the journal."""
        announcement = self._require(announcement_id)
        progress = self._progress_of(announcement_id)
        blocked = [chat for chat, outcome in progress.outcomes.items() if outcome is Outcome.BLOCKED]
        self.subscriptions.deactivate(blocked, "blocked")
        status = Status.CANCELLED if announcement.status is Status.CANCELLED else Status.DONE
        finished_at = announcement.finished_at if status is Status.CANCELLED else now or datetime.now(UTC)
        done = self._save(replace(announcement, status=status, counts=progress.counts(), finished_at=finished_at))
        self._store.delete(PLANS, announcement_id)
        self._journal.discard(_stream(announcement_id))
        self._progress.pop(announcement_id, None)
        return done

    # -- internals --------------------------------------------------------------------

    def _require(self, announcement_id: str) -> Announcement:
        announcement = self.get(announcement_id)
        if announcement is None:
            raise AnnouncementError("not_found", f"no announcement {announcement_id!r}")
        return announcement

    def _save(self, announcement: Announcement) -> Announcement:
        self._store.put(ANNOUNCEMENTS, announcement.id, announcement.to_doc())
        return announcement

    def _progress_of(self, announcement_id: str) -> Progress:
        return self._progress.get(announcement_id) or self._load_progress(announcement_id)

    def _load_progress(self, announcement_id: str) -> Progress:
        plan = self._store.get(PLANS, announcement_id) or {"chats": []}
        progress = Progress(list(plan["chats"]))
        for record in self._journal.read(_stream(announcement_id)):
            try:
                progress.add(int(record["c"]), Outcome(record["o"]))
            except (KeyError, ValueError, TypeError):
                continue
        self._progress[announcement_id] = progress
        return progress


@dataclass
class Progress:
    """The frozen recipient list and the outcomes so far; counts are kept as outcomes arrive."""

    plan: list[int]
    outcomes: dict[int, Outcome] = field(default_factory=dict)
    tally: Counter[Outcome] = field(default_factory=Counter)

    def add(self, chat_id: int, outcome: Outcome) -> None:
        if chat_id not in self.outcomes:  # the first outcome stands
            self.outcomes[chat_id] = outcome
            self.tally[outcome] += 1

    def pending(self) -> list[int]:
        return [chat for chat in self.plan if chat not in self.outcomes]

    def counts(self) -> Counts:
        tally = self.tally
        return Counts(len(self.plan), tally[Outcome.SENT], tally[Outcome.BLOCKED], tally[Outcome.FAILED])


def _stream(announcement_id: str) -> str:
    return f"announcement-{announcement_id}"
