"""Per-user flood control: a token bucket per user, so one member's flood slows only them.

A person types or taps at most a few messages a second; a burst (forwarding a batch,
tapping through a questionnaire) is allowed, a sustained stream is not. The clock is
injected so that tests drive time instead of sleeping.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

RATE = 2.0  # messages per second, sustained
BURST = 20  # messages allowed at once after a quiet spell
MAX_TRACKED = 50_000  # above this, buckets of users who are quiet again are forgotten


class Verdict(StrEnum):
    ALLOW = "allow"
    WARN = "warn"  # the first refused message of a flood: tell the user once
    DROP = "drop"  # refused silently


@dataclass
class _Bucket:
    tokens: float
    stamp: float
    warned: bool = False


class FloodGuard:
    def __init__(self, rate: float = RATE, burst: int = BURST, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._buckets: dict[int, _Bucket] = {}

    def check(self, user_id: int) -> Verdict:
        """Spend one token of ``user_id``'s bucket, or refuse when it is empty."""
        now = self._clock()
        bucket = self._buckets.get(user_id)
        if bucket is None:
            if len(self._buckets) >= MAX_TRACKED:
                self._forget_quiet(now)
            bucket = self._buckets[user_id] = _Bucket(float(self.burst), now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.stamp) * self.rate)
        bucket.stamp = now
        if bucket.tokens >= self.burst / 2:
            bucket.warned = False  # calm again: a new flood deserves a new note
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return Verdict.ALLOW
        if bucket.warned:
            return Verdict.DROP
        bucket.warned = True
        return Verdict.WARN

    def _forget_quiet(self, now: float) -> None:
        """Drop buckets that have refilled: forgetting them changes nothing for their users."""
        full_after = self.burst / self.rate
        self._buckets = {uid: b for uid, b in self._buckets.items() if now - b.stamp < full_after}
