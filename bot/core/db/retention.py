"""The daily prune: what the store no longer needs goes, in small transactions so the bot keeps answering.

- feedback (questions and votes) older than ``FEEDBACK_DAYS``;
- finished conversations (PTB wrote their state as NULL);
- hand-offs closed (answered) more than ``CLOSED_HANDOFF_DAYS`` ago, and unanswered ones older
  than ``FEEDBACK_DAYS``;
- delivery rows of notices already closed (normally cleared at once; left over by a crash).
"""

from __future__ import annotations

import logging
import time

from sqlalchemy import ColumnElement, Table, delete, select, true, tuple_

from bot.core.db import schema
from bot.core.db.engine import Store

log = logging.getLogger(__name__)

DAY = 86_400.0
CLOSED_HANDOFF_DAYS = 30  # a second staff reply to an answered question still reaches the member this long
BATCH = 5_000


async def delete_in_batches(store: Store, table: Table, where: ColumnElement[bool], batch: int = BATCH) -> int:
    """Delete the rows matching ``where``, ``batch`` rows per transaction; how many went."""
    key = tuple_(*table.primary_key.columns)
    total = 0
    while True:
        some = select(*table.primary_key.columns).where(where).limit(batch)
        async with store.begin() as connection:
            removed = (await connection.execute(delete(table).where(key.in_(some)))).rowcount
        total += removed
        if removed < batch:
            return total


async def prune(store: Store, feedback_days: int, now: float | None = None) -> dict[str, int]:
    """Apply the retention rules above; rows removed per table."""
    now = time.time() if now is None else now
    old = now - feedback_days * DAY
    h = schema.handoffs.c
    closed_long_ago = h.closed_at.is_not(None) & (h.closed_at < now - CLOSED_HANDOFF_DAYS * DAY)
    finished = select(schema.announcements.c.id).where(schema.announcements.c.reported == true())
    rules: list[tuple[Table, ColumnElement[bool]]] = [
        (schema.feedback_questions, schema.feedback_questions.c.created_at < old),
        (schema.feedback_answers, schema.feedback_answers.c.created_at < old),
        (schema.feedback_votes, schema.feedback_votes.c.created_at < old),
        (schema.ptb_conversations, schema.ptb_conversations.c.state.is_(None)),
        (schema.handoffs, closed_long_ago | (h.closed_at.is_(None) & (h.created_at < old))),
        (schema.deliveries, schema.deliveries.c.announcement_id.in_(finished)),
    ]
    removed = {table.name: await delete_in_batches(store, table, where) for table, where in rules}
    log.info("retention: removed %s", ", ".join(f"{n} {name}" for name, n in removed.items()) or "nothing")
    return removed
