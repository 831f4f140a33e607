"""How much one visitor may send: body size, question length, and request rates.

Rates are token buckets (``bot.guard.flood``) per session and per client address, so a flood
from one browser or one address slows only that sender. The address is the socket's peer: a
reverse proxy in front must be trusted explicitly, and that is not this module's business.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.guard.flood import FloodGuard, Verdict

MAX_BODY = 4 * 1024  # bytes of one POST: a question, a button or a location fits many times over
MAX_QUESTION = 500  # characters of a typed question


@dataclass(frozen=True)
class Rates:
    """Sustained requests per second and the burst allowed after a quiet spell."""

    session_rate: float = 2.0
    session_burst: int = 20
    address_rate: float = 10.0  # one address can be a whole workplace behind one NAT
    address_burst: int = 100


@dataclass
class Limiter:
    rates: Rates = field(default_factory=Rates)

    def __post_init__(self) -> None:
        self._sessions = FloodGuard(self.rates.session_rate, self.rates.session_burst)
        self._addresses = FloodGuard(self.rates.address_rate, self.rates.address_burst)

    def allow(self, session_id: str, address: str) -> bool:
        """Spend one request of both buckets; False when either is empty."""
        by_address = self._addresses.check(address)  # type: ignore[arg-type]  # any hashable key works
        by_session = self._sessions.check(session_id)  # type: ignore[arg-type]
        return by_address is Verdict.ALLOW and by_session is Verdict.ALLOW
