"""The delivery engine: who is next, pacing, outcome classification, back-off — no Telegram here.

The channel adapter injects ``send(chat_id) -> SendResult`` and turns its own errors into
``Kind``s; everything else is decided here so it can be tested with a fake send. Recipients
come from the shared ``DeliveryQueue`` in claimed batches, so any number of instances can work
on one notice; each outcome is recorded right after its send returns.

What a ``kill -9`` can cost: the messages in flight at that moment (each a Bot API round trip)
may have reached Telegram without their outcome being recorded; whoever takes the claim over
sends them again and counts them as possible duplicates. Nothing is skipped. A stop (SIGTERM)
costs nothing: no new message starts, the ones in flight finish and are recorded, and the
claims are handed back at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Protocol

from bot.staff.announcement import Announcement, Counts, Outcome, Status
from bot.staff.announcements import Announcements
from bot.staff.delivery_queue import DeliveryQueue

log = logging.getLogger(__name__)

BLOCK_SECONDS = 0.25  # send slots reserved from the shared pacer at a time (a quarter second's worth)
POLL = 1.0  # seconds between looks at recipients another instance still holds
MAX_LATENESS = 0.05  # seconds a send may trail its slot before it takes a new one (no bursts after a stall)
LATE_RETRIES = 3


class Kind(StrEnum):
    OK = "ok"
    RETRY_AFTER = "retry_after"  # flood control: pause everything for ``retry_after`` seconds
    BLOCKED = "blocked"  # the user blocked the bot, or the chat is gone: deactivate
    TRANSIENT = "transient"  # network trouble or a timeout: back off and try again
    REJECTED = "rejected"  # Telegram refused this message for this chat: trying again will not help


@dataclass(frozen=True)
class SendResult:
    kind: Kind
    retry_after: float = 0.0
    detail: str = ""


OK = SendResult(Kind.OK)
Send = Callable[[int], Awaitable[SendResult]]
Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True)
class Policy:
    rate: float = 30.0  # messages per second overall, all instances together (Telegram: about 30)
    per_chat_rate: float = 1.0  # messages per second to one chat (Telegram: 1)
    max_attempts: int = 4  # for transient errors, then the recipient counts as failed
    backoff: float = 1.0  # seconds before the first retry, doubled each time
    max_backoff: float = 30.0
    max_flood_waits: int = 10  # RetryAfter answers for one recipient before giving up
    concurrency: int | None = None  # messages in flight; default: one second's worth

    @property
    def workers(self) -> int:
        return self.concurrency or max(4, min(512, math.ceil(self.rate)))

    def retry_delay(self, attempt: int) -> float:
        """Seconds to wait after the ``attempt``-th transient failure; never faster than the per-chat rate."""
        return max(min(self.backoff * 2 ** (attempt - 1), self.max_backoff), 1 / self.per_chat_rate)


class Slots(Protocol):
    """Where send slots come from: the shared pacer row (``DeliveryQueue``) or ``LocalSlots``."""

    async def reserve(self, count: int, interval: float, now: float) -> float: ...

    async def hold(self, until: float) -> None: ...


class LocalSlots:
    """Slots for one process alone, in memory."""

    def __init__(self) -> None:
        self._next = 0.0

    async def reserve(self, count: int, interval: float, now: float) -> float:
        start = max(now, self._next)
        self._next = start + count * interval
        return start

    async def hold(self, until: float) -> None:
        self._next = max(self._next, until)


class Pacer:
    """Hands out send slots ``1/rate`` apart; a flood-control pause holds every slot back.

    Slots are reserved in blocks from ``slots``, which with the shared pacer means from all
    instances' common next free slot, so the rate is the overall one however many send. Inside
    a block slots follow the previous slot, not "now", so a late wake-up does not lower the
    rate; a slot nobody took in time lapses instead of being sent in a burst later. A pause
    drops the rest of the block and holds the shared slot back: a worker that wakes inside a
    pause queues again behind it, so there is no burst to "catch up" afterwards.
    """

    def __init__(
        self,
        rate: float,
        slots: Slots | None = None,
        clock: Clock = time.time,
        sleep: Sleep = asyncio.sleep,
        block: int | None = None,
    ) -> None:
        self.interval = 1 / rate
        self.block = block or max(1, math.ceil(rate * BLOCK_SECONDS))
        self._slots = slots or LocalSlots()
        self._clock = clock
        self._sleep = sleep
        self._next = 0.0
        self._left = 0
        self._reserving = asyncio.Lock()
        self._paused_until = 0.0
        self.paused_for = 0.0  # total flood-control pause, for reports

    async def acquire(self) -> float:
        """Wait for the next send slot; its time (by ``clock``)."""
        while True:
            while self._left == 0:
                async with self._reserving:
                    if self._left == 0:
                        self._next = await self._slots.reserve(self.block, self.interval, self._clock())
                        self._left = self.block
            slot = self._next
            self._next += self.interval
            self._left -= 1
            now = self._clock()
            if slot < now - self.interval:
                continue  # nobody was ready for this slot in time: it lapses, rather than a catch-up burst
            if slot > now:
                await self._sleep(slot - now)
            if self._clock() >= self._paused_until:
                return slot

    def late(self, slot: float) -> bool:
        """Whether a send for ``slot`` would now go out so late that it bunches with later ones."""
        return self._clock() - slot > max(3 * self.interval, MAX_LATENESS)

    async def pause(self, seconds: float) -> None:
        now = self._clock()
        until = now + seconds
        if until > self._paused_until:
            self.paused_for += until - max(self._paused_until, now)
            self._paused_until = until
        self._left = 0
        await self._slots.hold(until)


@dataclass(frozen=True)
class Report:
    announcement_id: str
    counts: Counts
    seconds: float
    cancelled: bool
    flood_pause: float = 0.0  # seconds Telegram's RetryAfter held all sending
    closed: bool = False  # this run closed the notice: its caller sends the final report
    paused: bool = False  # stopped (SIGTERM) with recipients left; resumed at the next start
    late_by: timedelta | None = None  # sending began this long after the planned time
    announcement: Announcement | None = None  # as closed: its times and interruptions, for the report


class ProgressView(Protocol):
    """The sender's progress message; ``show`` returns the id of the message it shows the counts in."""

    async def show(self, counts: Counts, message_id: int | None, late_by: timedelta | None) -> int | None: ...


class Delivery:
    """Deliver one announcement to every recipient still pending, exactly once each."""

    def __init__(
        self,
        announcements: Announcements,
        queue: DeliveryQueue,
        send: Send,
        policy: Policy | None = None,
        *,
        clock: Clock = time.time,
        sleep: Sleep | None = None,
        stop: asyncio.Event | None = None,
    ) -> None:
        """``clock`` and ``sleep`` pace the sends (tests inject fakes); rows are stamped with the wall clock."""
        self.announcements = announcements
        self.queue = queue
        self.send = send
        self.policy = policy or Policy()
        self._clock = clock
        self._stop = stop or asyncio.Event()
        self._sleep = sleep or self._sleep_unless_stopped

    async def run(
        self, announcement_id: str, progress: ProgressView | None = None, progress_every: float = 2.0
    ) -> Report:
        started = self._clock()
        announcement = await self.announcements.get(announcement_id)
        if announcement is None or announcement.status in (Status.DONE, Status.CANCELLED):
            counts = announcement.counts if announcement else Counts()
            return Report(
                announcement_id, counts, 0.0, cancelled=announcement is None or announcement.status is Status.CANCELLED
            )
        if announcement.status in (Status.DRAFT, Status.SCHEDULED):
            await self.announcements.begin(announcement_id)
            announcement = await self.announcements.get(announcement_id) or announcement
        late_by = announcement.late_by
        pacer = Pacer(self.policy.rate, self.queue, self._clock, self._sleep)
        claims = _Claims(self, announcement_id)
        workers = [
            asyncio.create_task(self._worker(announcement_id, claims, pacer)) for _ in range(self.policy.workers)
        ]
        finished = asyncio.Event()
        helpers = [
            asyncio.create_task(self._heartbeat(announcement_id, finished)),
            asyncio.create_task(self._tick(announcement_id, progress, progress_every, finished, late_by)),
        ]
        try:
            await asyncio.gather(*workers)
        finally:
            for task in workers:
                task.cancel()
            finished.set()
            await asyncio.gather(*helpers)  # the last progress update shows the final counts
        cancelled = await self.announcements.is_cancelled(announcement_id)
        if self._stop.is_set() or cancelled:
            await self.queue.release(announcement_id)
        if self._stop.is_set() and not cancelled:
            await self.announcements.interrupted(announcement_id)
            counts = await self.queue.counts(announcement_id)
            log.info("announcement %s paused with %d recipients left", announcement_id, counts.pending)
            return Report(announcement_id, counts, self._clock() - started, False, pacer.paused_for, paused=True)
        closed = await self.announcements.close(announcement_id)
        counts = closed.counts if closed else await self.queue.counts(announcement_id)
        seconds = self._clock() - started
        return Report(
            announcement_id, counts, seconds, cancelled, pacer.paused_for, closed is not None, False, late_by, closed
        )

    # -- the parts of a run -------------------------------------------------------------

    async def _worker(self, announcement_id: str, claims: _Claims, pacer: Pacer) -> None:
        while not self._stop.is_set():
            chat_id = await claims.next()
            if chat_id is None or await self.announcements.is_cancelled(announcement_id):
                return
            outcome = await self._deliver(announcement_id, chat_id, pacer)
            if outcome is None:  # stopped before the message went out: it stays pending
                return
            await self.queue.record(announcement_id, chat_id, outcome)

    async def _deliver(self, announcement_id: str, chat_id: int, pacer: Pacer) -> Outcome | None:
        """Send to one chat until an outcome is final: retries and waits happen here."""
        policy = self.policy
        failures = floods = 0
        while True:
            slot = await pacer.acquire()
            if self._stop.is_set():
                return None
            await self.queue.started(announcement_id, chat_id)
            for _ in range(LATE_RETRIES):  # a store stall (a checkpoint) held it up: take a fresh slot
                if not pacer.late(slot):
                    break
                slot = await pacer.acquire()
            result = await self._attempt(chat_id)
            if result.kind is Kind.OK:
                return Outcome.SENT
            if result.kind is Kind.BLOCKED:
                return Outcome.BLOCKED
            if result.kind is Kind.REJECTED:
                log.warning("chat %s rejected the announcement: %s", chat_id, result.detail)
                return Outcome.FAILED
            if result.kind is Kind.RETRY_AFTER:
                floods += 1
                if floods > policy.max_flood_waits:
                    return Outcome.FAILED
                await pacer.pause(result.retry_after)
                await self._sleep(max(result.retry_after, 1 / policy.per_chat_rate))
                continue
            failures += 1
            if failures >= policy.max_attempts:
                log.warning("giving up on chat %s after %d attempts: %s", chat_id, failures, result.detail)
                return Outcome.FAILED
            await self._sleep(policy.retry_delay(failures))

    async def _attempt(self, chat_id: int) -> SendResult:
        try:
            return await self.send(chat_id)
        except Exception as exc:  # an adapter bug must not stop the other 9,999 recipients
            log.exception("send to chat %s raised", chat_id)
            return SendResult(Kind.TRANSIENT, detail=repr(exc))

    async def _heartbeat(self, announcement_id: str, finished: asyncio.Event) -> None:
        """Renew the lease on what we hold while we work, so nobody takes it over from a live instance."""
        while not finished.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(finished.wait(), self.queue.lease / 3)
            if not finished.is_set():
                await self.queue.renew(announcement_id)

    async def _tick(
        self,
        announcement_id: str,
        progress: ProgressView | None,
        every: float,
        finished: asyncio.Event,
        late_by: timedelta | None,
    ) -> None:
        """Show progress every ``every`` seconds (wall clock: a courtesy, not a rule), and once at the end.

        Only one instance shows it at a time (a lease on the notice), editing the same message.
        """
        while progress is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(finished.wait(), every)
            last = finished.is_set()  # read before the counts, so the last update has the final ones
            mine, message_id = await self.queue.report_progress(announcement_id)
            if mine:
                shown = await progress.show(await self.queue.counts(announcement_id), message_id, late_by)
                if shown is not None and shown != message_id:
                    await self.queue.set_progress_message(announcement_id, shown)
            if last:
                return

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    async def pause(self, seconds: float) -> None:
        """Sleep ``seconds`` (the injected sleep), or less when the run is stopped."""
        await self._sleep(seconds)

    async def _sleep_unless_stopped(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stop.wait(), seconds)


class _Claims:
    """The recipients this run holds, refilled a batch at a time from the shared queue."""

    def __init__(self, delivery: Delivery, announcement_id: str) -> None:
        self._delivery = delivery
        self._id = announcement_id
        self._held: deque[int] = deque()
        self._lock = asyncio.Lock()
        self._exhausted = False  # nobody else holds any: idle workers need not ask again

    async def next(self) -> int | None:
        """The next recipient, or None when no one is left for this run."""
        delivery, queue = self._delivery, self._delivery.queue
        async with self._lock:
            while not self._held:
                if delivery.stopping or self._exhausted:
                    return None
                claimed = await queue.claim(self._id, delivery.policy.workers, time.time())
                if claimed:
                    self._held.extend(claimed)
                    break
                backlog = await queue.backlog(self._id)
                if backlog.pending <= backlog.ours:
                    self._exhausted = True  # the rest are with our own workers
                    return None
                # Another instance holds the rest: take them over if its lease ends unrenewed.
                wait = POLL if backlog.lease_ends is None else backlog.lease_ends - time.time()
                await delivery.pause(min(POLL, max(0.05, wait)))
            return self._held.popleft()
