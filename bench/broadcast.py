"""Broadcast benchmark: 10,000 subscribers against the fake Bot API, clean and with kill -9 half way.

The bot runs as a real process (run_bot.py) against tests/fake_bot_api.py, which answers
1% of the members with 403 (blocked) and a few requests with 429 (retry_after=1 s).
Printed per run: the achieved send rate against the configured limit (raw, and without
the pauses Telegram's 429s imposed), duplicates (members answered OK more than once) and
misses (members never answered OK who did not block the bot).

A second part compares the two pacers in-process on a smaller set: the domain Pacer
(bot/staff/delivery.py) and python-telegram-bot's AIORateLimiter alone. A third times the
journal append, which is what remains of the duplicate window after a kill -9.

    .venv/bin/python bench/broadcast.py                  # about two minutes
    .venv/bin/python bench/broadcast.py --count 2000 --rate 100 --compare 0 --kill-trials 5
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PTB_TIMEDELTA", "1")


from bot.core.settings import Settings  # noqa: E402
from bot.core.storage import FileJournal, TinyStore  # noqa: E402
from bot.staff.announcements import Announcements  # noqa: E402
from bot.staff.delivery import Delivery, Policy  # noqa: E402
from bot.staff.subscriptions import Options, Subscriptions  # noqa: E402
from tests.bot_process import ADMIN, prepare, start_bot, stop_bot, until  # noqa: E402
from tests.fake_bot_api import FakeBotAPI, error  # noqa: E402

TEXT = "<b>基准测试通知</b>"
FIRST_MEMBER = 1_000_000
FLOOD_AT = (0.2, 0.5, 0.8)  # fractions of the run where one request gets a 429
RETRY_AFTER = 1


def blocks(chat: int) -> bool:
    return chat % 100 == 37  # 1% of the members blocked the bot


@dataclass
class Server:
    """What the fake Bot API saw: OK answers per member, arrival times, 429s sent."""

    members: range
    ok: Counter[int] = field(default_factory=Counter)
    arrivals: list[float] = field(default_factory=list)
    floods: int = 0
    reports: int = 0
    downtime: float = 0.0  # between the kill and the restarted bot's first request

    def behaviour(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getUpdates":
            return self._idle()
        chat = int(params.get("chat_id", 0) or 0)
        if method == "sendMessage" and chat == ADMIN and "通知发送完毕" in str(params.get("text")):
            self.reports += 1
        if method != "sendMessage" or chat not in self.members:
            return None
        self.arrivals.append(time.monotonic())
        n = len(self.arrivals)
        if any(n == int(f * len(self.members)) for f in FLOOD_AT):
            self.floods += 1
            return error(429, f"Too Many Requests: retry after {RETRY_AFTER}", retry_after=RETRY_AFTER)
        if blocks(chat):
            return error(403, "Forbidden: bot was blocked by the user")
        self.ok[chat] += 1
        return None

    @staticmethod
    async def _idle() -> list[Any]:
        await asyncio.sleep(0.5)  # a short long-poll: nobody writes to the bot during the bench
        return []

    def rate(self) -> tuple[float, float]:
        """Requests per second between the first and last arrival: raw, and without 429 pauses."""
        span = self.arrivals[-1] - self.arrivals[0] if len(self.arrivals) > 1 else 0.0
        paused = self.floods * RETRY_AFTER  # the Pacer pauses exactly retry_after (AIORateLimiter: +0.1 s)
        raw = (len(self.arrivals) - 1) / span if span else 0.0
        busy = span - paused - self.downtime
        net = (len(self.arrivals) - 1) / busy if busy > 0 else 0.0
        return raw, net

    def peak(self) -> int:
        """The most requests that arrived within any one second (a burst shows here)."""
        best, start = 0, 0
        for end, at in enumerate(self.arrivals):
            while at - self.arrivals[start] >= 1.0:
                start += 1
            best = max(best, end - start + 1)
        return best

    def misses(self) -> int:
        return sum(1 for chat in self.members if not blocks(chat) and self.ok[chat] == 0)

    def duplicates(self) -> int:
        return sum(1 for count in self.ok.values() if count > 1)


async def run_process(count: int, rate: float, kill_at: float | None) -> Server:
    """One announcement to ``count`` members by a bot process; SIGKILL it at ``kill_at`` and restart."""
    members = range(FIRST_MEMBER, FIRST_MEMBER + count)
    server = Server(members)
    budget = count / rate * 3 + 60
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        prepare(data_dir, members, TEXT)
        log = (data_dir / "bot.log").open("ab")  # PTB's shutdown complaints about the short fake long-poll
        async with FakeBotAPI() as api:
            api.behaviour = server.behaviour
            bot = start_bot(api, data_dir, rate, "ERROR", log)
            try:
                if kill_at is not None:
                    await until(lambda: len(server.arrivals) >= kill_at * count, budget)
                    os.kill(bot.pid, signal.SIGKILL)
                    bot.wait()
                    killed_at = len(server.arrivals)
                    bot = start_bot(api, data_dir, rate, "ERROR", log)
                    await until(lambda: len(server.arrivals) > killed_at, budget)
                    server.downtime = server.arrivals[killed_at] - server.arrivals[killed_at - 1]
                await until(lambda: server.reports > 0, budget)
            finally:
                stop_bot(bot)
                log.close()
    return server


async def run_in_process(count: int, rate: float, pacer: str) -> Server:
    """The engine in this process with a PTB bot; ``pacer`` is "domain" or "ptb" (AIORateLimiter only)."""
    from telegram.ext import AIORateLimiter, ExtBot
    from telegram.request import HTTPXRequest

    from handlers.staff.broadcast import telegram_send

    members = range(FIRST_MEMBER, FIRST_MEMBER + count)
    server = Server(members)
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        announcement_id = prepare(data_dir, members, TEXT)
        store = TinyStore(data_dir)
        journal = FileJournal(data_dir / "journal")
        announcements = Announcements(store, Subscriptions(store, Options.load(ROOT / "content")), journal)
        async with FakeBotAPI() as api:
            api.behaviour = server.behaviour
            # Without AIORateLimiter ("domain"), the engine's own Pacer paces and honours the 429s.
            limiter = AIORateLimiter(overall_max_rate=rate, max_retries=3) if pacer == "ptb" else None
            request = HTTPXRequest(connection_pool_size=256)
            bot = ExtBot(api.token, base_url=api.base_url, rate_limiter=limiter, request=request)
            async with bot:
                policy = Policy(rate=rate if pacer == "domain" else 1e9, concurrency=max(4, int(rate)))
                engine = Delivery(announcements, telegram_send(bot, TEXT), policy)
                await engine.run(announcement_id)
        journal.close()
        store.close()
    return server


def journal_latency(n: int = 2000) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        journal = FileJournal(Path(tmp))
        times = []
        for i in range(n):
            start = time.perf_counter()
            journal.append("bench", {"c": i, "o": "sent"})
            times.append((time.perf_counter() - start) * 1000)
        journal.close()
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.99)]


def line(label: str, server: Server, rate: float) -> str:
    raw, net = server.rate()
    return (
        f"{label:<34} rate {raw:6.1f}/s raw, {net:6.1f}/s without 429 pauses = {net / rate:6.1%} of {rate:g}/s,"
        f" peak {server.peak()} in 1 s | delivered {len(server.ok):>5}, duplicates {server.duplicates()},"
        f" misses {server.misses()}, 429s {server.floods}"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=200.0, help="BROADCAST_RATE for the bench (default 200)")
    parser.add_argument("--default-rate-count", type=int, default=300, help="recipients at the default 30/s")
    parser.add_argument("--compare", type=int, default=1000, help="recipients per pacer in the comparison (0: skip)")
    parser.add_argument("--compare-rate", type=float, default=100.0)
    parser.add_argument("--kill-trials", type=int, default=0, help="extra kill -9 runs of 600 recipients each")
    args = parser.parse_args()
    logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)  # the killed bot's half-sent requests
    default_rate = Settings().broadcast_rate

    print(f"broadcast bench: {args.count} subscribers, 1% blocked (403), {len(FLOOD_AT)} x 429 (retry_after 1 s)")
    clean = await run_process(args.count, args.rate, None)
    print(line(f"bot process, {args.count} @ {args.rate:g}/s", clean, args.rate))
    killed = await run_process(args.count, args.rate, 0.5)
    print(line(f"kill -9 at 50% + restart, {args.count}", killed, args.rate))
    small = await run_process(args.default_rate_count, default_rate, None)
    print(line(f"bot process, {args.default_rate_count} @ {default_rate:g}/s", small, default_rate))
    for pacer in ("domain", "ptb") if args.compare else ():
        server = await run_in_process(args.compare, args.compare_rate, pacer)
        print(line(f"in-process pacer={pacer}, {args.compare}", server, args.compare_rate))
    if args.kill_trials:
        trials = [await run_process(600, args.rate, 0.2 + 0.6 * i / args.kill_trials) for i in range(args.kill_trials)]
        print(
            f"{args.kill_trials} kill -9 trials of 600 @ {args.rate:g}/s: duplicates"
            f" {[t.duplicates() for t in trials]}, misses {[t.misses() for t in trials]}"
        )
    p50, p99 = journal_latency()
    print(
        f"journal append (write + fdatasync): p50 {p50:.2f} ms, p99 {p99:.2f} ms — the duplicate window after kill -9"
    )


if __name__ == "__main__":
    asyncio.run(main())
