"""What members could not get answered, and how they rated the answers they got.

Staff read it through ``/report`` to see where the knowledge store needs work. Events
are appended to a ``Journal`` (one stream per ISO week) rather than put in the ``Store``:
they arrive with members' messages, and an append costs well under a millisecond while a
``Store`` write rewrites the whole state file (bench/staff_api.py prints both). Only
unsure and off-topic questions go into ``/report``: they are what staff act on. Answered
questions are logged too, with the answer they got: the most asked make the ❓ menu, and a
member who votes 👎 can hand the question itself to a person.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from bot.core.storage import Journal
from bot.understanding.engine import Answer, Kind
from bot.understanding.normalise import normalise

UNANSWERED = frozenset({Kind.UNSURE, Kind.OFF_TOPIC, Kind.NOT_COVERED})
REPORT_DAYS = 7
REPORT_LIMIT = 10
DAY = 86_400.0
WEEK = 7 * DAY

Clock = Callable[[], float]


class Vote(StrEnum):
    UP = "up"
    DOWN = "down"


@dataclass(frozen=True)
class Question:
    """A member's message the bot could not answer; its ids let staff reach the member about it."""

    chat_id: int
    message_id: int
    user_id: int
    text: str
    at: float = 0.0


@dataclass(frozen=True)
class Tally:
    ref: str
    down: int
    up: int


@dataclass(frozen=True)
class Report:
    days: int
    unanswered: list[tuple[str, int]]  # the latest wording of each question, how often it was asked
    down_voted: list[Tally]


def week_stream(at: float) -> str:
    year, week, _ = datetime.fromtimestamp(at, UTC).isocalendar()
    return f"feedback-{year}W{week:02d}"


class Feedback:
    def __init__(self, journal: Journal, clock: Clock = time.time) -> None:
        self._journal = journal
        self._clock = clock

    def record_unanswered(self, chat_id: int, message_id: int, user_id: int, text: str, answer: Answer) -> bool:
        """Log the question when the answer was unsure or off-topic; True when it was logged."""
        if answer.kind not in UNANSWERED:
            return False
        now = self._clock()
        record = {"e": "q", "chat": chat_id, "msg": message_id, "user": user_id, "text": text, "at": now}
        self._journal.append(week_stream(now), record)
        return True

    def record_answered(self, chat_id: int, message_id: int, user_id: int, text: str, answer: Answer) -> bool:
        """Log a question that got a definite answer (one with a ref); True when it was logged."""
        if answer.ref is None or answer.kind in UNANSWERED:
            return False
        now = self._clock()
        record = {"e": "a", "chat": chat_id, "msg": message_id, "user": user_id, "text": text, "ref": answer.ref}
        self._journal.append(week_stream(now), {**record, "at": now})
        return True

    def most_asked(self, limit: int, min_askers: int = 1, days: int = REPORT_DAYS) -> list[str]:
        """The refs of the answers most members were given lately, most first; each member counts
        once, and an answer fewer than ``min_askers`` members got is left out."""
        askers: dict[str, set[int]] = {}
        for record in self._recent(days * DAY):
            if record["e"] == "a":
                askers.setdefault(record["ref"], set()).add(record["user"])
        ranked = sorted((kv for kv in askers.items() if len(kv[1]) >= min_askers), key=lambda kv: (-len(kv[1]), kv[0]))
        return [ref for ref, _ in ranked[:limit]]

    def vote(self, chat_id: int, message_id: int, user_id: int, ref: str, vote: Vote) -> None:
        """Record a vote on the answer in ``message_id``; voting again replaces the earlier vote."""
        now = self._clock()
        record = {"e": "v", "chat": chat_id, "msg": message_id, "user": user_id, "ref": ref, "vote": str(vote)}
        self._journal.append(week_stream(now), {**record, "at": now})

    def question_before(self, chat_id: int, message_id: int) -> Question | None:
        """The last question logged in the chat before ``message_id``, within the last week.

        Message ids grow within a chat, so the unsure answer a button sits under belongs to
        the latest logged question with a smaller id.
        """
        asked = ("q", "a")
        found = [r for r in self._recent(WEEK) if r["e"] in asked and r["chat"] == chat_id and r["msg"] < message_id]
        if not found:
            return None
        r = max(found, key=lambda r: r["msg"])
        return Question(r["chat"], r["msg"], r["user"], r["text"], r["at"])

    def report(self, days: int = REPORT_DAYS, limit: int = REPORT_LIMIT) -> Report:
        return build_report(self._recent(days * DAY), self._clock(), days, limit)

    def _recent(self, span: float) -> list[dict[str, Any]]:
        now = self._clock()
        streams = sorted({week_stream(at) for at in _steps(now - span, now, WEEK)})
        records = (r for stream in streams for r in self._journal.read(stream))
        return [r for r in records if _well_formed(r) and now - span <= r["at"] <= now]


def _steps(start: float, end: float, step: float) -> Iterable[float]:
    at = start
    while at < end:
        yield at
        at += step
    yield end


def _well_formed(record: dict[str, Any]) -> bool:
    """Records are written only by this module, but a hand-edited or foreign line must not break /report."""
    common = isinstance(record.get("at"), int | float) and all(
        isinstance(record.get(k), int) for k in ("chat", "msg", "user")
    )
    if record.get("e") == "q":
        return common and isinstance(record.get("text"), str)
    if record.get("e") == "a":
        return common and isinstance(record.get("text"), str) and isinstance(record.get("ref"), str)
    return common and record.get("e") == "v" and isinstance(record.get("ref"), str) and record.get("vote") in set(Vote)


def build_report(
    events: Iterable[dict[str, Any]], now: float, days: int = REPORT_DAYS, limit: int = REPORT_LIMIT
) -> Report:
    """Most asked unanswered questions and most down-voted answers since ``now - days``.

    Questions are grouped by their normalised text, so 公会 and 工会, or full-width and
    half-width spellings, count as one. A member's later vote on the same answer replaces
    the earlier one.
    """
    since = now - days * DAY
    counts: Counter[str] = Counter()
    wording: dict[str, str] = {}
    votes: dict[tuple[Any, ...], dict[str, Any]] = {}
    for event in sorted(events, key=lambda e: e["at"]):
        if not since <= event["at"] <= now:
            continue
        if event["e"] == "q":
            key = normalise(event["text"])
            counts[key] += 1
            wording[key] = event["text"]
        elif event["e"] == "v":
            votes[(event["chat"], event["msg"], event["user"])] = event
    unanswered = [(wording[key], n) for key, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))][:limit]

    tallies: dict[str, Counter[str]] = {}
    for v in votes.values():
        tallies.setdefault(v["ref"], Counter())[v["vote"]] += 1
    down_voted = sorted(
        (Tally(ref, c[Vote.DOWN], c[Vote.UP]) for ref, c in tallies.items() if c[Vote.DOWN]),
        key=lambda t: (-t.down, t.up, t.ref),
    )[:limit]
    return Report(days, unanswered, down_voted)
