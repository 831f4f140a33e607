"""The delivery engine: who is next, pacing, outcome classification, back-off — no Telegram here.

The channel adapter injects ``send(chat_id) -> SendResult`` and turns its own errors
into ``Kind``s; everything else is decided here so it can be tested with a fake send.
Each final outcome is recorded (fsync'd) by ``Announcements.record`` right after the
send returns, which leaves one narrow window for a duplicate after ``kill -9``: a
message Telegram accepted whose outcome was not yet on disk. Nothing is skipped: a
recipient without a recorded outcome is sent again on resume.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum

from bot.staff.announcements import Announcements, Counts, Outcome, Status

log = logging.getLogger(__name__)


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
    rate: float = 30.0  # messages per second overall (Telegram: about 30)
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


class Pacer:
    """Hands out send slots ``1/rate`` apart; a flood-control pause holds every slot back.

    Slots are reserved from the previous slot, not from "now", so a late wake-up does not
    lower the rate. A pause also holds back slots reserved before it: a worker that wakes
    inside a pause queues again behind it, so there is no burst to "catch up" afterwards.
    """

    def __init__(self, rate: float, clock: Clock = time.monotonic, sleep: Sleep = asyncio.sleep) -> None:
        self.interval = 1 / rate
        self._clock = clock
        self._sleep = sleep
        self._next = 0.0
        self._paused_until = 0.0
        self.paused_for = 0.0  # total flood-control pause, for reports

    async def acquire(self) -> None:
        while True:
            now = self._clock()
            slot = max(now, self._next)
            self._next = slot + self.interval
            if slot > now:
                await self._sleep(slot - now)
            if self._clock() >= self._paused_until:
                return

    def pause(self, seconds: float) -> None:
        now = self._clock()
        until = now + seconds
        if until > self._paused_until:
            self.paused_for += until - max(self._paused_until, now)
            self._paused_until = until
            self._next = max(self._next, until)


@dataclass(frozen=True)
class Report:
    announcement_id: str
    counts: Counts
    seconds: float
    cancelled: bool
    flood_pause: float = 0.0  # seconds Telegram's RetryAfter held all sending


Progress = Callable[[Counts], Awaitable[None]]


class Delivery:
    """Deliver one announcement to every recipient still pending, exactly once each."""

    def __init__(
        self,
        announcements: Announcements,
        send: Send,
        policy: Policy | None = None,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.announcements = announcements
        self.send = send
        self.policy = policy or Policy()
        self._clock = clock
        self._sleep = sleep

    async def run(
        self, announcement_id: str, on_progress: Progress | None = None, progress_every: float = 2.0
    ) -> Report:
        started = self._clock()
        announcement = self.announcements.get(announcement_id)
        if announcement is None or announcement.status in (Status.DONE, Status.CANCELLED):
            counts = announcement.counts if announcement else Counts()
            return Report(
                announcement_id, counts, 0.0, cancelled=announcement is None or announcement.status is Status.CANCELLED
            )
        pending = iter(self.announcements.begin(announcement_id))
        pacer = Pacer(self.policy.rate, self._clock, self._sleep)
        workers = [
            asyncio.create_task(self._worker(announcement_id, pending, pacer)) for _ in range(self.policy.workers)
        ]
        finished = asyncio.Event()
        ticker = asyncio.create_task(self._tick(announcement_id, on_progress, progress_every, finished))
        try:
            await asyncio.gather(*workers)
        finally:
            for task in workers:
                task.cancel()
            finished.set()
            await ticker  # its last update shows the final counts; never cut off mid-edit
        cancelled = self.announcements.is_cancelled(announcement_id)
        final = self.announcements.finish(announcement_id)
        return Report(announcement_id, final.counts, self._clock() - started, cancelled, pacer.paused_for)

    async def _tick(
        self, announcement_id: str, on_progress: Progress | None, every: float, finished: asyncio.Event
    ) -> None:
        """Report progress every ``every`` seconds (wall clock: a courtesy, not a rule), and once at the end."""
        while on_progress is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(finished.wait(), every)
            last = finished.is_set()  # read before the counts, so the last update has the final ones
            await on_progress(self.announcements.counts(announcement_id))
            if last:
                return

    async def _worker(self, announcement_id: str, pending: Iterator[int], pacer: Pacer) -> None:
        for chat_id in pending:
            if self.announcements.is_cancelled(announcement_id):
                return
            outcome = await self._deliver(chat_id, pacer)
            self.announcements.record(announcement_id, chat_id, outcome)

    async def _deliver(self, chat_id: int, pacer: Pacer) -> Outcome:
        """Send to one chat until an outcome is final: retries and waits happen here."""
        policy = self.policy
        failures = floods = 0
        while True:
            await pacer.acquire()
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
                pacer.pause(result.retry_after)
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
