"""Staff data from the old ``state.json`` and its journals, for the one-time import (``bot/core/db/legacy.py``).

Subscribers and their choices, announcements (a notice that was being sent keeps its frozen
recipients and the outcomes its journal recorded, so it resumes where it stopped), hand-offs,
and the weekly feedback journals. A document that is not what this code once wrote is skipped
and counted in the log, never allowed to stop the start-up.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.db import schema
from bot.core.db.legacy import Doc, LegacyState, epoch
from bot.staff.announcement import Outcome, Status, Target
from bot.staff.feedback import Vote
from bot.understanding.normalise import normalise

log = logging.getLogger(__name__)

COUNTER = {Outcome.SENT.value: "delivered", Outcome.BLOCKED.value: "blocked", Outcome.FAILED.value: "failed"}
Rows = dict[Any, list[Doc]]


def _subscribers(state: LegacyState, rows: Rows) -> None:
    now = time.time()
    for key, doc in state.docs("subscribers"):
        if not key.lstrip("-").isdigit():
            continue
        chat = int(key)
        rows[schema.subscribers].append(
            {
                "chat_id": chat,
                "active": bool(doc.get("active")),
                "inactive_reason": doc.get("inactive_reason"),
                "since": epoch(doc.get("since"), now),
            }
        )
        for kind, field in (("topic", "topics"), ("city", "cities")):
            for option in dict.fromkeys(doc.get(field) or ()):
                if isinstance(option, str):
                    rows[schema.subscriber_choices].append({"chat_id": chat, "kind": kind, "option": option})


def _announcements(state: LegacyState, rows: Rows) -> None:
    for key, doc in state.docs("announcements"):
        try:
            status = Status(doc["status"])
            row = {
                "id": key,
                "text": str(doc["text"]),
                "target": Target.from_dict(doc.get("target")).to_dict(),
                "send_at": epoch(doc.get("send_at")),
                "status": status.value,
                "created_by": str(doc.get("created_by", "")),
                "created_at": epoch(doc.get("created_at"), time.time()),
                "started_at": epoch(doc.get("started_at")),
                "finished_at": epoch(doc.get("finished_at")),
                "reported": status in (Status.DONE, Status.CANCELLED),
                **{
                    name: int((doc.get("counts") or {}).get(name, 0))
                    for name in ("total", "delivered", "blocked", "failed")
                },
            }
        except (KeyError, ValueError, TypeError):
            log.warning("legacy import: announcement %s is not readable; skipped", key)
            continue
        if status is Status.SENDING:
            _resume(state, key, row, rows)
        rows[schema.announcements].append(row)


def _resume(state: LegacyState, announcement_id: str, row: Doc, rows: Rows) -> None:
    """A notice a crash interrupted: its frozen recipients, with the outcomes its journal holds."""
    plan = dict(state.docs("announcement_plans")).get(announcement_id, {}).get("chats", [])
    outcomes: dict[int, str] = {}
    for record in state.journals.get(f"announcement-{announcement_id}", []):
        chat, outcome = record.get("c"), record.get("o")
        if isinstance(chat, int) and outcome in COUNTER:
            outcomes.setdefault(chat, outcome)  # the first outcome stands
    chats = list(dict.fromkeys(c for c in plan if isinstance(c, int)))
    row.update(total=len(chats), delivered=0, blocked=0, failed=0)
    for chat in chats:
        status = outcomes.get(chat, "pending")
        if status in COUNTER:
            row[COUNTER[status]] += 1
        rows[schema.deliveries].append({"announcement_id": announcement_id, "chat_id": chat, "status": status})


def _handoffs(state: LegacyState, rows: Rows) -> None:
    for key, doc in state.docs("handoffs"):
        try:
            replies = int(doc.get("replies", 0))
            at = float(doc.get("at", 0.0))
            row = {
                name: int(doc[name])
                for name in (
                    "staff_chat_id",
                    "staff_message_id",
                    "member_chat_id",
                    "member_user_id",
                    "question_message_id",
                )
            }
            row.update(text=str(doc["text"]), locale=str(doc["locale"]), created_at=at, replies=replies)
        except (KeyError, ValueError, TypeError):
            log.warning("legacy import: hand-off %s is not readable; skipped", key)
            continue
        rows[schema.handoffs].append({**row, "closed_at": at if replies else None})


def _feedback(state: LegacyState, rows: Rows) -> None:
    votes: dict[tuple[int, int, int], Doc] = {}
    for stream, records in sorted(state.journals.items()):
        if not stream.startswith("feedback-"):
            continue
        for r in sorted(records, key=lambda r: r.get("at") if isinstance(r.get("at"), int | float) else 0):
            ids = [r.get(k) for k in ("chat", "msg", "user")]
            if not (isinstance(r.get("at"), int | float) and all(isinstance(i, int) for i in ids)):
                continue
            if r.get("e") == "q" and isinstance(r.get("text"), str):
                rows[schema.feedback_questions].append(
                    {
                        "chat_id": ids[0],
                        "message_id": ids[1],
                        "user_id": ids[2],
                        "text": r["text"],
                        "norm": normalise(r["text"]),
                        "created_at": float(r["at"]),
                    }
                )
            elif r.get("e") == "v" and isinstance(r.get("ref"), str) and r.get("vote") in set(Vote):
                votes[(ids[0], ids[1], ids[2])] = {  # a later vote replaces the earlier one
                    "chat_id": ids[0],
                    "message_id": ids[1],
                    "user_id": ids[2],
                    "ref": r["ref"],
                    "vote": r["vote"],
                    "created_at": float(r["at"]),
                }
    rows[schema.feedback_votes].extend(votes.values())


async def import_staff(connection: AsyncConnection, state: LegacyState) -> int:
    """Write the staff rows of the old state; the row count."""
    tables = (
        schema.subscribers,
        schema.subscriber_choices,
        schema.announcements,
        schema.deliveries,
        schema.handoffs,
        schema.feedback_questions,
        schema.feedback_votes,
    )
    rows: Rows = {table: [] for table in tables}
    for read in (_subscribers, _announcements, _handoffs, _feedback):
        read(state, rows)
    for table in tables:  # parents before children (foreign keys)
        if rows[table]:
            await connection.execute(insert(table), rows[table])
    return sum(len(values) for values in rows.values())
