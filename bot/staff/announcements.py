"""Announcements: validated notices for subscribers, their schedule, status and delivery counts.

This is the domain API both the chat flow (/announce) and the admin HTTP API use: ``create``
validates everything before anything is stored, so a notice that would be rejected by Telegram
never reaches the send queue. Every change of status is a compare-and-set on the row, so with
several instances on one database a scheduled notice starts once (``begin``), and it is closed
and reported once (``close``). The recipients are frozen into ``deliveries`` when sending
begins (``bot/staff/delivery_queue.py`` hands them out).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import RowMapping, and_, case, exists, func, insert, literal, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.db.retention import delete_in_batches
from bot.core.db.schema import announcements, deliveries
from bot.core.storage import Store
from bot.staff.announcement import (
    Announcement,
    AnnouncementError,
    Counts,
    Interruption,
    Status,
    Target,
    parse_send_at,
    validate_text,
)
from bot.staff.notice import check_notice
from bot.staff.subscriptions import Subscriptions, recipients_query

OPEN = (Status.DRAFT, Status.SCHEDULED, Status.SENDING)


def _stamp(value: datetime | None) -> float | None:
    return None if value is None else value.timestamp()


def _time(value: float | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value, UTC)


def from_row(row: RowMapping) -> Announcement:
    return Announcement(
        id=row["id"],
        text=row["text"],
        target=Target.from_dict(row["target"]),
        send_at=_time(row["send_at"]),
        status=Status(row["status"]),
        created_by=row["created_by"],
        created_at=_time(row["created_at"]) or datetime.now(UTC),
        started_at=_time(row["started_at"]),
        finished_at=_time(row["finished_at"]),
        counts=Counts(row["total"], row["delivered"], row["blocked"], row["failed"], row["duplicates"]),
        interruption=_interruption(row),
    )


def _interruption(row: RowMapping) -> Interruption | None:
    if row["interrupted_at"] is None:
        return None
    return Interruption(
        count=row["interruptions"],
        at=datetime.fromtimestamp(row["interrupted_at"], UTC),
        done=row["interrupted_done"] or 0,
        resumed_at=_time(row["resumed_at"]),
        downtime=timedelta(seconds=row["downtime"] or 0),
    )


def _stopped() -> Any:
    """An interruption not yet followed by a resumption (SQL, on the announcement row)."""
    column = announcements.c
    return column.interrupted_at.is_not(None) & (
        column.resumed_at.is_(None) | (column.resumed_at < column.interrupted_at)
    )


async def note_interrupted(connection: AsyncConnection, announcement_id: str, at: Any) -> None:
    """Sending of a notice stopped at ``at`` (a time, or SQL for one): keep how far it had got.

    Once per interruption: a second stop before the notice goes on again changes nothing.
    """
    column = announcements.c
    await connection.execute(
        update(announcements)
        .where(column.id == announcement_id, column.status == Status.SENDING.value, ~_stopped())
        .values(interrupted_at=at, interrupted_done=column.delivered + column.blocked + column.failed)
    )


async def note_resumed(connection: AsyncConnection, announcement_id: str, now: float, crashed: bool) -> None:
    """Recipients were claimed at ``now``: if sending had stopped, it goes on again now.

    ``crashed``: the claim took over recipients whose holder's lease ran out, so that instance
    died without saying so; its interruption is dated by the last outcome recorded.
    """
    column = announcements.c
    if crashed:
        last = (
            select(func.max(deliveries.c.finished_at))
            .where(deliveries.c.announcement_id == announcement_id)
            .scalar_subquery()
        )
        await note_interrupted(connection, announcement_id, func.coalesce(last, column.started_at, now))
    stopped_for = case((column.interrupted_at < now, now - column.interrupted_at), else_=0.0)
    await connection.execute(
        update(announcements)
        .where(column.id == announcement_id, _stopped())
        .values(resumed_at=now, interruptions=column.interruptions + 1, downtime=column.downtime + stopped_for)
    )


class Announcements:
    """Create, schedule, cancel and track announcements; begin and close their delivery."""

    def __init__(self, store: Store, subscriptions: Subscriptions, issuer: str | None = None) -> None:
        self.store = store
        self.subscriptions = subscriptions
        self.issuer = issuer or subscriptions.options.issuer  # the unit named in every notice's header

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

    def check_text(self, text: str) -> str:
        """The notice text if Telegram will take it with its header, in every language; else AnnouncementError."""
        text = validate_text(text)
        problem = check_notice(text, self.issuer)
        if problem is not None:
            raise AnnouncementError(problem.code, problem.detail)
        return text

    async def create(
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
        text = self.check_text(text)
        target = self.validate_target(target if isinstance(target, Target) else Target.from_dict(target))
        row = {
            "id": uuid.uuid4().hex[:12],
            "text": text,
            "target": target.to_dict(),
            "send_at": _stamp(parse_send_at(send_at, now)),
            "status": (Status.DRAFT if draft else Status.SCHEDULED).value,
            "created_by": str(created_by),
            "created_at": now.timestamp(),
        }
        async with self.store.begin() as connection:
            await connection.execute(insert(announcements), row)
            return await self._read(connection, row["id"])  # type: ignore[return-value]

    async def get(self, announcement_id: str) -> Announcement | None:
        if not isinstance(announcement_id, str):
            return None
        async with self.store.connect() as connection:
            return await self._read(connection, announcement_id)

    async def status(self, announcement_id: str) -> dict[str, Any]:
        return describe(await self._require(announcement_id))

    async def page(self, limit: int, before: str | None = None) -> list[Announcement]:
        """Up to ``limit`` announcements, newest first; ``before``: only those created before that one."""
        column = announcements.c
        query = select(announcements).order_by(column.created_at.desc(), column.id.desc()).limit(limit)
        if before is not None:
            cursor = await self._require(before)
            at = cursor.created_at.timestamp()
            query = query.where((column.created_at < at) | ((column.created_at == at) & (column.id < cursor.id)))
        return await self._list(query)

    async def list_all(self) -> list[Announcement]:
        return await self._list(select(announcements).order_by(announcements.c.created_at))

    async def list_scheduled(self) -> list[Announcement]:
        """Confirmed notices not yet started, soonest first (what start-up re-arms)."""
        soonest = func.coalesce(announcements.c.send_at, announcements.c.created_at)
        query = select(announcements).where(announcements.c.status == Status.SCHEDULED.value).order_by(soonest)
        return await self._list(query)

    async def list_sending(self) -> list[Announcement]:
        """Notices being sent, or that a crash or a stop interrupted half way (what start-up resumes)."""
        query = select(announcements).where(announcements.c.status == Status.SENDING.value)
        return await self._list(query.order_by(announcements.c.started_at))

    async def list_due(self, now: float | None = None) -> list[Announcement]:
        """Notices that should be sending now: being sent, or scheduled for a time that has come."""
        now = time.time() if now is None else now
        column = announcements.c
        due = (column.status == Status.SCHEDULED.value) & (column.send_at.is_(None) | (column.send_at <= now))
        query = select(announcements).where((column.status == Status.SENDING.value) | due)
        return await self._list(query.order_by(func.coalesce(column.send_at, column.created_at)))

    async def confirm(self, announcement_id: str) -> Announcement:
        """A previewed draft becomes scheduled."""
        return await self._move(announcement_id, (Status.DRAFT,), Status.SCHEDULED, "not_draft")

    async def cancel(self, announcement_id: str, now: datetime | None = None) -> Announcement:
        """Stop a draft, a scheduled notice, or one being sent (after the messages in flight)."""
        finished = (now or datetime.now(UTC)).timestamp()
        return await self._move(announcement_id, OPEN, Status.CANCELLED, "not_cancellable", finished_at=finished)

    # -- what the delivery engine uses --------------------------------------------------

    async def begin(self, announcement_id: str, now: float | None = None) -> bool:
        """Start sending: freeze the recipients into ``deliveries``; True for the one caller that did.

        Compare-and-set on the status, so of several instances whose jobs fire together exactly
        one freezes the list; the others (and a resume) just join in claiming recipients. The
        list never changes after this: people who subscribe later are not added, nobody due is
        skipped.
        """
        now = time.time() if now is None else now
        column = announcements.c
        async with self.store.begin() as connection:
            started = await connection.execute(
                update(announcements)
                .where(column.id == announcement_id, column.status.in_([Status.DRAFT.value, Status.SCHEDULED.value]))
                .values(status=Status.SENDING.value, started_at=now)
            )
            if started.rowcount == 0:
                return False
            target = Target.from_dict(
                await connection.scalar(select(column.target).where(column.id == announcement_id))
            )
            chats = recipients_query(target.topics, target.cities).add_columns(
                literal(announcement_id).label("announcement_id"), literal("pending").label("status")
            )
            frozen = await connection.execute(
                insert(deliveries).from_select(["chat_id", "announcement_id", "status"], chats)
            )
            await connection.execute(
                update(announcements).where(column.id == announcement_id).values(total=frozen.rowcount)
            )
        return True

    async def interrupted(self, announcement_id: str, now: float | None = None) -> None:
        """Sending stopped (the bot is stopping) with recipients left: the final report will say so."""
        async with self.store.begin() as connection:
            await note_interrupted(connection, announcement_id, time.time() if now is None else now)

    async def is_cancelled(self, announcement_id: str) -> bool:
        """Asked before every message, so it reads the status alone."""
        async with self.store.connect() as connection:
            status = await connection.scalar(
                select(announcements.c.status).where(announcements.c.id == announcement_id)
            )
        return status is None or status == Status.CANCELLED.value

    async def close(self, announcement_id: str, now: float | None = None) -> Announcement | None:
        """Mark a notice with no recipient left done, once; the closed notice for the one caller that reports it.

        Every instance that worked on the notice calls this when it runs out of recipients; the
        one whose compare-and-set wins sends the final report and clears the delivery rows.
        """
        now = time.time() if now is None else now
        column = announcements.c
        pending = exists().where(deliveries.c.announcement_id == column.id, deliveries.c.status == "pending")
        async with self.store.begin() as connection:
            await connection.execute(
                update(announcements)
                .where(column.id == announcement_id, column.status == Status.SENDING.value, ~pending)
                .values(status=Status.DONE.value, finished_at=now)
            )
            terminal = column.status.in_([Status.DONE.value, Status.CANCELLED.value])
            reported = await connection.execute(
                update(announcements)
                .where(and_(column.id == announcement_id, terminal, column.reported.is_(False)))
                .values(reported=True)
            )
            if reported.rowcount == 0:
                return None
            closed = await self._read(connection, announcement_id)
        await delete_in_batches(self.store, deliveries, deliveries.c.announcement_id == announcement_id)
        return closed

    # -- internals --------------------------------------------------------------------

    async def _require(self, announcement_id: str) -> Announcement:
        announcement = await self.get(announcement_id)
        if announcement is None:
            raise AnnouncementError("not_found", f"no announcement {announcement_id!r}")
        return announcement

    async def _move(
        self, announcement_id: str, from_: tuple[Status, ...], to: Status, refusal: str, **values: Any
    ) -> Announcement:
        column = announcements.c
        async with self.store.begin() as connection:
            moved = await connection.execute(
                update(announcements)
                .where(column.id == announcement_id, column.status.in_([s.value for s in from_]))
                .values(status=to.value, **values)
            )
            announcement = await self._read(connection, announcement_id)
        if announcement is None:
            raise AnnouncementError("not_found", f"no announcement {announcement_id!r}")
        if moved.rowcount == 0:
            raise AnnouncementError(refusal, f"announcement {announcement_id} is {announcement.status.value}")
        return announcement

    @staticmethod
    async def _read(connection: AsyncConnection, announcement_id: str) -> Announcement | None:
        row = (await connection.execute(select(announcements).where(announcements.c.id == announcement_id))).first()
        return None if row is None else from_row(row._mapping)

    async def _list(self, query: Any) -> list[Announcement]:
        async with self.store.connect() as connection:
            return [from_row(row._mapping) for row in await connection.execute(query)]


def describe(announcement: Announcement) -> dict[str, Any]:
    """Status and counts as the admin API shows them (one announcement, or each in a list)."""
    return {
        "id": announcement.id,
        "status": announcement.status.value,
        **announcement.counts.to_dict(),
        "target": announcement.target.to_dict(),
        "created_by": announcement.created_by,
        "created_at": _iso(announcement.created_at),
        "send_at": _iso(announcement.send_at),
        "started_at": _iso(announcement.started_at),
        "finished_at": _iso(announcement.finished_at),
        "interruptions": announcement.interruption.stops if announcement.interruption else 0,
    }


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat(timespec="seconds")
