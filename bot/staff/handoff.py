"""Hand-off to a person: which member question went to the staff chat, so staff replies find their way back.

A hand-off is keyed by the message the bot posted in the staff chat; a staff member
replies to that message and the reply is relayed to the member's chat.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from enum import StrEnum

from bot.core.storage import Store
from bot.staff.feedback import Clock, Question

HANDOFFS = "handoffs"


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
    return f"{staff_chat_id}:{staff_message_id}"


class HandOffs:
    def __init__(self, store: Store, staff_chat_id: int | None, clock: Clock = time.time) -> None:
        self._store = store
        self.staff_chat_id = staff_chat_id
        self._clock = clock

    def refusal(self, question: Question | None) -> Refusal | None:
        """None when ``question`` may go to staff now."""
        if self.staff_chat_id is None:
            return Refusal.NO_STAFF
        if question is None or not question.text.strip():
            return Refusal.NO_QUESTION
        already = self._store.find(
            HANDOFFS,
            lambda d: d["member_chat_id"] == question.chat_id and d["question_message_id"] == question.message_id,
        )
        return Refusal.ALREADY if already else None

    def record(self, question: Question, staff_message_id: int, locale: str) -> HandOff:
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
        self._store.put(HANDOFFS, handoff.key, asdict(handoff))
        return handoff

    def find(self, staff_chat_id: int, staff_message_id: int) -> HandOff | None:
        """The hand-off a staff reply answers, if it replies to one."""
        doc = self._store.get(HANDOFFS, handoff_key(staff_chat_id, staff_message_id))
        return None if doc is None else HandOff(**doc)

    def replied(self, handoff: HandOff) -> None:
        self._store.put(HANDOFFS, handoff.key, {**asdict(handoff), "replies": handoff.replies + 1})
