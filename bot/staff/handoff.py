"""Hand-off to a person: which member question went to the staff chat, so staff replies find their way back.

A hand-off is one row keyed by the message the bot posted in the staff chat; a staff member
replies to that message and the reply is relayed to the member's chat. The first reply closes
it (it stays answerable); closed hand-offs are pruned by the daily retention job.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from enum import StrEnum

from sqlalchemy import exists, func, insert, select, update

from bot.core.db.schema import handoffs
from bot.core.storage import Store
from bot.staff.feedback import Clock, Question


class Refusal(StrEnum):
    """Why a question cannot be handed off; rendered into words by the channel."""

    NO_STAFF = "no_staff"  # STAFF_CHAT_ID is not configured
    NO_QUESTION = "no_question"  # nothing to hand off: the member gave no question
    ALREADY = "already"  # this question is already with staff


@dataclass(frozen=True)
class HandOff:
    staff_chat_id: int
    staff_message_id: int
    member_chat_id: int
    member_user_id: int
    question_message_id: int
    text: str
    locale: str
    at: float = 0.0
    replies: int = 0

    @property
    def key(self) -> str:
        return handoff_key(self.staff_chat_id, self.staff_message_id)


def handoff_key(staff_chat_id: int, staff_message_id: int) -> str:
    """The staff message a hand-off was posted as, as one string (for a channel's own records of it)."""
    return f"{staff_chat_id}:{staff_message_id}"


FIELDS = (
    "staff_chat_id",
    "staff_message_id",
    "member_chat_id",
    "member_user_id",
    "question_message_id",
    "text",
    "locale",
    "created_at",
    "replies",
)


class HandOffs:
    def __init__(self, store: Store, staff_chat_id: int | None, clock: Clock = time.time) -> None:
        self._store = store
        self.staff_chat_id = staff_chat_id
        self._clock = clock

    async def refusal(self, question: Question | None) -> Refusal | None:
        """None when ``question`` may go to staff now."""
        if self.staff_chat_id is None:
            return Refusal.NO_STAFF
        if question is None or not question.text.strip():
            return Refusal.NO_QUESTION
        h = handoffs.c
        already = exists().where(h.member_chat_id == question.chat_id, h.question_message_id == question.message_id)
        async with self._store.connect() as connection:
            return Refusal.ALREADY if await connection.scalar(select(already)) else None

    async def record(self, question: Question, staff_message_id: int, locale: str) -> HandOff:
        """Remember that ``question`` was posted to staff as ``staff_message_id``."""
        if self.staff_chat_id is None:
            raise ValueError("no staff chat configured")
        handoff = HandOff(
            self.staff_chat_id,
            staff_message_id,
            question.chat_id,
            question.user_id,
            question.message_id,
            question.text,
            locale,
            self._clock(),
        )
        row = {**asdict(handoff), "created_at": handoff.at}
        del row["at"]
        async with self._store.begin() as connection:
            await connection.execute(insert(handoffs), row)
        return handoff

    async def find(self, staff_chat_id: int, staff_message_id: int) -> HandOff | None:
        """The hand-off a staff reply answers, if it replies to one."""
        h = handoffs.c
        query = select(*(h[name] for name in FIELDS)).where(
            h.staff_chat_id == staff_chat_id, h.staff_message_id == staff_message_id
        )
        async with self._store.connect() as connection:
            row = (await connection.execute(query)).first()
        return None if row is None else HandOff(*row)

    async def replied(self, handoff: HandOff) -> None:
        """Count a relayed staff reply; the first one closes the hand-off."""
        h = handoffs.c
        async with self._store.begin() as connection:
            await connection.execute(
                update(handoffs)
                .where(h.staff_chat_id == handoff.staff_chat_id, h.staff_message_id == handoff.staff_message_id)
                .values(replies=h.replies + 1, closed_at=func.coalesce(h.closed_at, self._clock()))
            )
