"""What members could not get answered, and how they rated the answers they got.

Staff read it through ``/report`` to see where the knowledge store needs work. Questions and
votes are rows in the store (``feedback_questions``, ``feedback_votes``): a question is one
insert, a vote one upsert (a member's later vote on the same answer replaces the earlier one).
A vote copies the question its answer answered, so /report shows what members asked, not only
which answer they rated. /report and the 转人工 look-up are indexed queries, so they cost the same at a million rows as
at ten. Only unsure, off-topic and not-covered questions go into ``/report``: they are what
staff act on. Answered questions are logged too (``feedback_answers``), with the answer they
got: the most asked make the ❓ menu, and a member who votes 👎 can hand the question itself to a
person. Rows older than ``FEEDBACK_DAYS`` are pruned by the daily retention job.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import case, func, insert, select

from bot.core.db.schema import feedback_answers, feedback_questions, feedback_votes
from bot.core.db.upsert import upsert
from bot.core.storage import Store
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
    ref: str  # the answer voted on
    down: int
    up: int
    question: str | None = None  # what the voters asked (its latest wording); None: not known


@dataclass(frozen=True)
class Report:
    days: int
    unanswered: list[tuple[str, int]]  # the latest wording of each question, how often it was asked
    down_voted: list[Tally]


class Feedback:
    def __init__(self, store: Store, clock: Clock = time.time) -> None:
        self._store = store
        self._clock = clock

    async def record_unanswered(self, chat_id: int, message_id: int, user_id: int, text: str, answer: Answer) -> bool:
        """Log the question when the answer was unsure or off-topic; True when it was logged."""
        if answer.kind not in UNANSWERED:
            return False
        row = {
            "chat_id": chat_id,
            "message_id": message_id,
            "user_id": user_id,
            "text": text,
            "norm": normalise(text),
            "created_at": self._clock(),
        }
        async with self._store.begin() as connection:
            await connection.execute(insert(feedback_questions), row)
        return True

    async def record_answered(self, chat_id: int, message_id: int, user_id: int, text: str, answer: Answer) -> bool:
        """Log a question that got a definite answer (one with a ref); True when it was logged."""
        if answer.ref is None or answer.kind in UNANSWERED:
            return False
        row = {"chat_id": chat_id, "message_id": message_id, "user_id": user_id, "text": text, "ref": answer.ref}
        async with self._store.begin() as connection:
            await connection.execute(insert(feedback_answers), {**row, "created_at": self._clock()})
        return True

    async def most_asked(self, limit: int, min_askers: int = 1, days: int = REPORT_DAYS) -> list[str]:
        """The refs of the answers most members were given lately, most first; each member counts
        once, and an answer fewer than ``min_askers`` members got is left out."""
        a = feedback_answers.c
        askers = func.count(a.user_id.distinct()).label("askers")
        query = (
            select(a.ref)
            .where(a.created_at >= self._clock() - days * DAY)
            .group_by(a.ref)
            .having(askers >= min_askers)
            .order_by(askers.desc(), a.ref)
            .limit(limit)
        )
        async with self._store.connect() as connection:
            return list((await connection.scalars(query)).all())

    async def vote(self, chat_id: int, message_id: int, user_id: int, ref: str, vote: Vote) -> None:
        """Record a vote on the answer in ``message_id``, with the question it answered; voting again replaces it.

        The question is the latest one logged in the chat before the answer that got this answer
        (message ids grow within a chat); None when none was (e.g. ``/law 32``).
        """
        row = {"chat_id": chat_id, "message_id": message_id, "user_id": user_id, "ref": ref, "vote": str(vote)}
        statement = upsert(self._store.dialect, feedback_votes, ["chat_id", "message_id", "user_id"])
        a = feedback_answers.c
        asked = (
            select(a.text)
            .where(a.chat_id == chat_id, a.message_id < message_id, a.ref == ref, a.created_at >= self._clock() - WEEK)
            .order_by(a.message_id.desc())
            .limit(1)
        )
        async with self._store.begin() as connection:
            question = await connection.scalar(asked)
            norm = None if question is None else normalise(question)
            await connection.execute(
                statement, {**row, "question": question, "norm": norm, "created_at": self._clock()}
            )

    async def question_before(self, chat_id: int, message_id: int) -> Question | None:
        """The last question (answered or not) logged in the chat before ``message_id``, within the last week.

        Message ids grow within a chat, so the answer a button sits under belongs to the latest
        logged question with a smaller id.
        """
        found = []
        async with self._store.connect() as connection:
            for table in (feedback_questions, feedback_answers):  # one indexed look-up each
                t = table.c
                query = (
                    select(t.chat_id, t.message_id, t.user_id, t.text, t.created_at)
                    .where(t.chat_id == chat_id, t.message_id < message_id, t.created_at >= self._clock() - WEEK)
                    .order_by(t.message_id.desc())
                    .limit(1)
                )
                found += (await connection.execute(query)).all()
        return Question(*max(found, key=lambda row: row[1])) if found else None

    async def report(self, days: int = REPORT_DAYS, limit: int = REPORT_LIMIT) -> Report:
        """Most asked unanswered questions and most down-voted answers of the last ``days`` days.

        Questions are grouped by their normalised text, so 公会 and 工会, or full-width and
        half-width spellings, count as one; each is shown in its latest wording (the last row).
        """
        now = self._clock()
        since = now - days * DAY
        q, v = feedback_questions.c, feedback_votes.c
        asked = func.count().label("asked")
        top = (
            select(q.norm, asked, func.max(q.id))
            .where(q.created_at >= since, q.created_at <= now)
            .group_by(q.norm)
            .order_by(asked.desc(), q.norm)
            .limit(limit)
        )
        ups = func.sum(case((v.vote == Vote.UP.value, 1), else_=0))
        downs = func.sum(case((v.vote == Vote.DOWN.value, 1), else_=0))
        window = (v.created_at >= since) & (v.created_at <= now)
        tallies = (  # per answer and per question asked: one answer can fail several questions
            select(v.ref, v.norm, downs.label("down"), ups.label("up"))
            .where(window)
            .group_by(v.ref, v.norm)
            .having(downs > 0)
            .order_by(downs.desc(), ups, v.ref, v.norm)
            .limit(limit)
        )
        async with self._store.connect() as connection:
            ranked = (await connection.execute(top)).all()
            latest = [row_id for _, _, row_id in ranked]
            wording = dict((await connection.execute(select(q.id, q.text).where(q.id.in_(latest)))).all())
            unanswered = [(wording[row_id], count) for _, count, row_id in ranked]
            down_voted = []
            for ref, norm, down, up in (await connection.execute(tallies)).all():
                wording = select(v.question).where(window, v.ref == ref, v.norm == norm)
                latest = wording.order_by(v.created_at.desc()).limit(1)
                question = None if norm is None else await connection.scalar(latest)
                down_voted.append(Tally(ref, int(down), int(up), question))
        return Report(days, unanswered, down_voted)
