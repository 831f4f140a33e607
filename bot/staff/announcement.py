"""What an announcement is: its text, target, schedule, status and counts, and the rules that check them.

Pure data and validation; storing, scheduling and delivering them is ``bot/staff/announcements.py``
and ``bot/staff/delivery.py``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from bot.staff.notice_html import check_html
from bot.staff.send_time import MAX_AHEAD, PAST_GRACE, SHANGHAI, SendTimeError, parse_send_time

LATE_AFTER = timedelta(minutes=1)  # a notice that starts later than this after its time is reported late


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
    duplicates: int = 0  # possibly sent twice: in flight when an instance died, then sent again

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
            "possible_duplicates": self.duplicates,
        }


@dataclass(frozen=True)
class Interruption:
    """How a delivery that a stop or a crash interrupted went on; the final report tells it."""

    count: int  # times sending stopped and went on again
    at: datetime  # the last time it stopped
    done: int  # recipients with an outcome by then
    resumed_at: datetime | None  # None: not (yet) going on again
    downtime: timedelta  # time spent not sending between stops and resumptions, summed

    @property
    def resumed(self) -> bool:
        """Whether sending went on again after the last stop."""
        return self.resumed_at is not None and self.resumed_at >= self.at

    @property
    def stops(self) -> int:
        """How many times sending stopped, the last one included when it has not gone on yet."""
        return self.count + (not self.resumed)


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
    interruption: Interruption | None = None  # None: never interrupted

    @property
    def late_by(self) -> timedelta | None:
        """How much later than planned sending began, when that is more than ``LATE_AFTER``."""
        if self.send_at is None or self.started_at is None or self.started_at - self.send_at < LATE_AFTER:
            return None
        return self.started_at - self.send_at


def parse_send_at(value: datetime | str | None, now: datetime) -> datetime | None:
    """A send time from a person ("明天上午9点", "2026-12-01 09:00", Asia/Shanghai) or the API (ISO 8601).

    A naive time is Shanghai time. None or an empty string means "now". A time more than
    a minute in the past is refused rather than silently sent at once; so is one more than a
    year ahead (a slip of the year).
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str):
        try:
            return parse_send_time(value, now)
        except SendTimeError as exc:
            raise AnnouncementError(exc.code, exc.message) from exc
    if value.tzinfo is None:
        value = value.replace(tzinfo=SHANGHAI)
    if value < now - PAST_GRACE:
        raise AnnouncementError("send_at_past", f"send time {value.isoformat()} is in the past")
    if value - now > MAX_AHEAD:
        raise AnnouncementError("send_at_far", f"send time {value.isoformat()} is more than a year ahead")
    return value


def validate_text(text: str) -> str:
    if not isinstance(text, str) or not text.strip():
        raise AnnouncementError("empty_text", "the announcement text is empty")
    problem = check_html(text)
    if problem is not None:
        raise AnnouncementError(problem.code, problem.detail)
    return text
