"""What members could not get answered, and how they rated the answers they got.

Staff read it through ``/report`` to see where the knowledge store needs work. Questions and
votes are rows in the store (``feedback_questions``, ``feedback_votes``): a question is one
insert, a vote one upsert (a member's later vote on the same answer replaces the earlier one).
Each answer that carries 👍/👎 keeps the question it answered (``feedback_answers``, one insert),
and a vote copies it, so /report shows what members asked, not only which answer they rated.
/report and the 转人工 look-up are indexed queries, so they cost the same at a million rows as
at ten. Only unsure and off-topic questions are logged: they are what staff act on. Rows older
than ``FEEDBACK_DAYS`` are pruned by the daily retention job.
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

UNANSWERED = frozenset({Kind.UNSURE, Kind.OFF_TOPIC})
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

    async def record_answered(self, chat_id: int, message_id: int, question: str) -> None:
        """Keep the question the answer in ``message_id`` (one with 👍/👎) answered."""
        row = {"chat_id": chat_id, "message_id": message_id, "question": question, "created_at": self._clock()}
        async with self._store.begin() as connection:
            await connection.execute(upsert(self._store.dialect, feedback_answers, ["chat_id", "message_id"]), row)

    async def vote(self, chat_id: int, message_id: int, user_id: int, ref: str, vote: Vote) -> None:
        """Record a vote on the answer in ``message_id``, with the question it answered; voting again replaces it."""
        row = {"chat_id": chat_id, "message_id": message_id, "user_id": user_id, "ref": ref, "vote": str(vote)}
        statement = upsert(self._store.dialect, feedback_votes, ["chat_id", "message_id", "user_id"])
        a = feedback_answers.c
        asked = select(a.question).where(a.chat_id == chat_id, a.message_id == message_id)
        async with self._store.begin() as connection:
            question = await connection.scalar(asked)
            norm = None if question is None else normalise(question)
            await connection.execute(
                statement, {**row, "question": question, "norm": norm, "created_at": self._clock()}
            )

    async def question_before(self, chat_id: int, message_id: int) -> Question | None:
        """The last question logged in the chat before ``message_id``, within the last week.

        Message ids grow within a chat, so the unsure answer a button sits under belongs to
        the latest logged question with a smaller id.
        """
        q = feedback_questions.c
        query = (
            select(q.chat_id, q.message_id, q.user_id, q.text, q.created_at)
            .where(q.chat_id == chat_id, q.message_id < message_id, q.created_at >= self._clock() - WEEK)
            .order_by(q.message_id.desc())
            .limit(1)
        )
        async with self._store.connect() as connection:
            row = (await connection.execute(query)).first()
        return None if row is None else Question(*row)

    async def report(self, days: int = REPORT_DAYS, limit: int = REPORT_LIMIT) -> Report:
        """Most asked unanswered questions and most down-voted answers of the last ``days`` days.

        Questions are grouped by their normalised text, so 公会 and 工会, or full-width and
        half-width spellings, count as one; each is shown in its latest wording.
        """
        now = self._clock()
        since = now - days * DAY
        q, v = feedback_questions.c, feedback_votes.c
        asked = func.count().label("asked")
        top = (
            select(q.norm, asked)
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
            unanswered = []
            for norm, count in (await connection.execute(top)).all():
                latest = (
                    select(q.text)
                    .where(q.norm == norm, q.created_at >= since, q.created_at <= now)
                    .order_by(q.created_at.desc(), q.id.desc())
                    .limit(1)
                )
                unanswered.append((await connection.scalar(latest), count))
            down_voted = []
            for ref, norm, down, up in (await connection.execute(tallies)).all():
                wording = select(v.question).where(window, v.ref == ref, v.norm == norm)
                latest = wording.order_by(v.created_at.desc()).limit(1)
                question = None if norm is None else await connection.scalar(latest)
                down_voted.append(Tally(ref, int(down), int(up), question))
        return Report(days, unanswered, down_voted)
