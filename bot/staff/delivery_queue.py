"""The recipients of a notice being sent, as a work queue several instances share.

Each instance claims a batch of pending recipients (``SELECT … FOR UPDATE SKIP LOCKED`` on
PostgreSQL, so two never take the same rows) under a lease it renews while it works. Before a
message goes out its row counts one more attempt; when the send returns, the outcome is
recorded in the same transaction as the notice's counters. An instance that dies leaves its
claims leased: when the lease ends another instance takes them, and those that had an attempt
under way (the messages in flight at the kill) are counted as possible duplicates. Nothing is
missed: a row without an outcome is always claimed again.

The send slots of the overall rate come from here too (``reserve``), so the rate holds for all
instances together, and a flood-control pause one of them meets holds every one back (``hold``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import case, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.db.schema import announcements, deliveries, pacer
from bot.core.db.upsert import upsert
from bot.core.storage import Store
from bot.staff.announcement import Counts, Outcome
from bot.staff.announcements import note_resumed
from bot.staff.subscriptions import deactivate_statement

PENDING = "pending"
PACER = "broadcast"
COUNTER = {Outcome.SENT: "delivered", Outcome.BLOCKED: "blocked", Outcome.FAILED: "failed"}


@dataclass(frozen=True)
class Backlog:
    """Recipients still without an outcome: how many, how many we hold, when the first other lease ends."""

    pending: int
    ours: int
    lease_ends: float | None  # None: none held by another instance


class DeliveryQueue:
    """One instance's view of the shared queue: its ``owner`` name is on every row it holds."""

    def __init__(self, store: Store, owner: str, lease: float = 30.0) -> None:
        self.store = store
        self.owner = owner
        self.lease = lease

    async def claim(self, announcement_id: str, count: int, now: float | None = None) -> list[int]:
        """Up to ``count`` pending recipients nobody holds (or whose holder's lease ended), now ours."""
        now = time.time() if now is None else now
        row = deliveries.c
        free = (row.announcement_id == announcement_id) & (row.status == PENDING)
        free &= row.lease_until.is_(None) | (row.lease_until < now)
        query = (
            select(row.chat_id, row.attempts, row.lease_owner)
            .where(free)
            .order_by(row.chat_id)
            .limit(count)
            .with_for_update(skip_locked=True)
        )
        async with self.store.begin() as connection:
            taken = (await connection.execute(query)).all()
            if not taken:
                return []
            chats = [chat for chat, _, _ in taken]
            await connection.execute(
                update(deliveries)
                .where(row.announcement_id == announcement_id, row.chat_id.in_(chats))
                .values(lease_owner=self.owner, lease_until=now + self.lease)
            )
            in_flight = sum(1 for _, attempts, _ in taken if attempts > 0)
            if in_flight:
                await self._count(connection, announcement_id, "duplicates", in_flight)
            crashed = any(owner not in (None, self.owner) for _, _, owner in taken)
            await note_resumed(connection, announcement_id, now, crashed)  # for the final report's story
        return chats

    async def started(self, announcement_id: str, chat_id: int) -> None:
        """A send to ``chat_id`` is about to go out: if we die now, whoever takes it over may repeat it."""
        row = deliveries.c
        async with self.store.begin() as connection:
            await connection.execute(
                update(deliveries)
                .where(row.announcement_id == announcement_id, row.chat_id == chat_id, row.status == PENDING)
                .values(attempts=row.attempts + 1)
            )

    async def record(self, announcement_id: str, chat_id: int, outcome: Outcome, now: float | None = None) -> bool:
        """The recipient's final outcome with the notice's counters, durably; False if it had one already."""
        row = deliveries.c
        async with self.store.begin() as connection:
            done = await connection.execute(
                update(deliveries)
                .where(row.announcement_id == announcement_id, row.chat_id == chat_id, row.status == PENDING)
                .values(status=outcome.value, lease_owner=None, lease_until=None, finished_at=now or time.time())
            )
            if done.rowcount == 0:  # the first outcome stands (a taken-over claim sent twice)
                return False
            await self._count(connection, announcement_id, COUNTER[outcome], 1)
            if outcome is Outcome.BLOCKED:  # never tried again, by this notice or the next
                await connection.execute(deactivate_statement(chat_id, "blocked"))
        return True

    async def renew(self, announcement_id: str, now: float | None = None) -> int:
        """Extend the lease on everything we still hold (a heartbeat); the rows renewed."""
        now = time.time() if now is None else now
        async with self.store.begin() as connection:
            result = await connection.execute(self._ours(announcement_id).values(lease_until=now + self.lease))
        return result.rowcount

    async def release(self, announcement_id: str) -> int:
        """Give back what we hold but did not send (a stop or a cancel), so others need not wait for the lease."""
        async with self.store.begin() as connection:
            result = await connection.execute(self._ours(announcement_id).values(lease_owner=None, lease_until=None))
        return result.rowcount

    async def expire_leases(self) -> int:
        """End every lease at once: on SQLite the writer lock proves their holders dead (a restart).

        The owners stay on the rows, so a claim still counts the ones that had a send under way.
        """
        async with self.store.begin() as connection:
            result = await connection.execute(
                update(deliveries)
                .where(deliveries.c.status == PENDING, deliveries.c.lease_owner.is_not(None))
                .values(lease_until=0.0)
            )
            await connection.execute(update(announcements).values(reporter=None, reporter_until=None))
        return result.rowcount

    async def backlog(self, announcement_id: str) -> Backlog:
        row = deliveries.c
        waiting = (row.announcement_id == announcement_id) & (row.status == PENDING)
        ours = func.sum(case((row.lease_owner == self.owner, 1), else_=0))
        others = case((row.lease_owner != self.owner, row.lease_until), else_=None)
        async with self.store.connect() as connection:
            pending, held, lease_ends = (
                await connection.execute(select(func.count(), ours, func.min(others)).where(waiting))
            ).one()
        return Backlog(int(pending or 0), int(held or 0), lease_ends)

    async def counts(self, announcement_id: str) -> Counts:
        column = announcements.c
        query = select(column.total, column.delivered, column.blocked, column.failed, column.duplicates)
        async with self.store.connect() as connection:
            found = (await connection.execute(query.where(column.id == announcement_id))).first()
        return Counts(*found) if found else Counts()

    # -- the sender's progress message: one instance at a time edits it ----------------------

    async def report_progress(self, announcement_id: str, now: float | None = None) -> tuple[bool, int | None]:
        """Whether this instance shows progress now (a lease like the claims'), and the message it edits."""
        now = time.time() if now is None else now
        column = announcements.c
        free = column.reporter.is_(None) | (column.reporter == self.owner) | (column.reporter_until < now)
        async with self.store.begin() as connection:
            taken = await connection.execute(
                update(announcements)
                .where(column.id == announcement_id, free)
                .values(reporter=self.owner, reporter_until=now + self.lease)
            )
            message_id = await connection.scalar(select(column.progress_message_id).where(column.id == announcement_id))
        return taken.rowcount > 0, message_id

    async def set_progress_message(self, announcement_id: str, message_id: int) -> None:
        async with self.store.begin() as connection:
            await connection.execute(
                update(announcements)
                .where(announcements.c.id == announcement_id)
                .values(progress_message_id=message_id)
            )

    # -- send slots, shared by every instance ----------------------------------------------

    async def reserve(self, count: int, interval: float, now: float) -> float:
        """``count`` slots ``interval`` apart from the shared next free slot (or ``now``); the first one."""
        span = count * interval
        start = case((pacer.c.next_slot > now, pacer.c.next_slot), else_=now)
        statement = (
            update(pacer).where(pacer.c.name == PACER).values(next_slot=start + span).returning(pacer.c.next_slot)
        )
        async with self.store.begin() as connection:
            end = await connection.scalar(statement)
            if end is None:  # the first reservation ever
                await connection.execute(
                    upsert(self.store.dialect, pacer, ["name"], []), {"name": PACER, "next_slot": 0}
                )
                end = await connection.scalar(statement)
        return float(end) - span

    async def hold(self, until: float) -> None:
        """No instance gets a slot before ``until`` (Telegram's flood-control wait)."""
        later = case((pacer.c.next_slot > until, pacer.c.next_slot), else_=until)
        async with self.store.begin() as connection:
            await connection.execute(update(pacer).where(pacer.c.name == PACER).values(next_slot=later))

    # -- internals --------------------------------------------------------------------------

    def _ours(self, announcement_id: str):  # type: ignore[no-untyped-def]
        row = deliveries.c
        return update(deliveries).where(
            row.announcement_id == announcement_id, row.lease_owner == self.owner, row.status == PENDING
        )

    @staticmethod
    async def _count(connection: AsyncConnection, announcement_id: str, counter: str, by: int) -> None:
        column = announcements.c
        await connection.execute(
            update(announcements).where(column.id == announcement_id).values({counter: column[counter] + by})
        )
