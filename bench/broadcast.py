"""Broadcast benchmark: bot processes sending one notice against the fake Bot API, clean and with kill -9.

    .venv/bin/python bench/broadcast.py                   # one instance on SQLite: 10,000 members
    .venv/bin/python bench/broadcast.py --instances 2     # two instances on one PostgreSQL, 100 ms round trip

The bots run as real processes (run_bot.py) against tests/fake_bot_api.py, which answers 1% of
the members with 403 (blocked) and a few requests with 429 (retry_after=1 s), each after a
simulated Bot API round trip (``--latency-ms``). With ``--instances 2`` the bench starts its own
throwaway PostgreSQL cluster (as the test fixture does, but with fsync on), and both instances
share the notice: they claim recipients in batches under a lease, and one overall rate.

Printed per run: the achieved rate at the fake server against the configured BROADCAST_RATE (raw,
and without the pauses Telegram's 429s imposed), the busiest second, duplicates (members answered
OK more than once), misses (members never answered OK who did not block the bot), and for a kill
the messages in flight when it happened and the 可能重复 count the delivery report shows. With one
instance the killed bot is restarted (it resumes at once: the SQLite writer lock proves the old
holder dead); with two, the survivor takes the dead one's claims over when their lease ends.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import logging
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PTB_TIMEDELTA", "1")

from sqlalchemy import select  # noqa: E402

from bot.core.db.schema import announcements  # noqa: E402
from bot.core.storage import open_store  # noqa: E402
from bot.staff.announcements import Announcements  # noqa: E402
from bot.staff.subscriptions import Options, Subscriptions  # noqa: E402
from tests.bot_process import ADMIN, in_flight_of, start_bot, stop_bot, until  # noqa: E402
from tests.fake_bot_api import FakeBotAPI, error  # noqa: E402
from tests.servers.postgres import throwaway_cluster  # noqa: E402

TEXT = "<b>基准测试通知</b>"
FIRST_MEMBER = 1_000_000
FLOOD_AT = (0.2, 0.5, 0.8)  # fractions of the run where one request gets a 429
RETRY_AFTER = 1
START_IN = 8.0  # seconds from creating the notice to its send time: every instance is up by then


def blocks(chat: int) -> bool:
    return chat % 100 == 37  # 1% of the members blocked the bot


@dataclass
class Server:
    """What the fake Bot API saw: OK answers per member, arrival times, 429s sent."""

    members: range
    latency: float
    floods_wanted: bool = True
    ok: Counter[int] = field(default_factory=Counter)
    arrivals: list[float] = field(default_factory=list)
    floods: int = 0
    reports: list[str] = field(default_factory=list)
    downtime: float = 0.0  # a gap no instance sent in (kill → restart or takeover)

    async def behaviour(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getUpdates":
            await asyncio.sleep(0.5)  # a short long-poll: nobody writes to the bot during the bench
            return []
        chat = int(params.get("chat_id", 0) or 0)
        if method == "sendMessage" and chat == ADMIN and "通知发送完毕" in str(params.get("text")):
            self.reports.append(str(params.get("text")))
        if method != "sendMessage" or chat not in self.members:
            return None
        self.arrivals.append(time.monotonic())
        n = len(self.arrivals)
        await asyncio.sleep(self.latency)  # the Bot API round trip: the message is "in flight" meanwhile
        if self.floods_wanted and any(n == int(f * len(self.members)) for f in FLOOD_AT):
            self.floods += 1
            return error(429, f"Too Many Requests: retry after {RETRY_AFTER}", retry_after=RETRY_AFTER)
        if blocks(chat):
            return error(403, "Forbidden: bot was blocked by the user")
        self.ok[chat] += 1
        return None

    def rate(self) -> tuple[float, float]:
        """Requests per second between the first and last arrival: raw, and without 429 pauses and downtime."""
        span = self.arrivals[-1] - self.arrivals[0] if len(self.arrivals) > 1 else 0.0
        raw = (len(self.arrivals) - 1) / span if span else 0.0
        busy = span - self.floods * RETRY_AFTER - self.downtime
        return raw, (len(self.arrivals) - 1) / busy if busy > 0 else 0.0

    def peak(self) -> int:
        """The most requests that arrived within any one second (a burst shows here)."""
        best, start = 0, 0
        for end, at in enumerate(self.arrivals):
            while at - self.arrivals[start] >= 1.0:
                start += 1
            best = max(best, end - start + 1)
        return best

    def largest_gap(self) -> float:
        return max((b - a for a, b in zip(self.arrivals, self.arrivals[1:], strict=False)), default=0.0)

    def misses(self) -> int:
        return sum(1 for chat in self.members if not blocks(chat) and self.ok[chat] == 0)

    def duplicates(self) -> int:
        return sum(count - 1 for count in self.ok.values() if count > 1)


@dataclass
class Run:
    server: Server
    in_flight: int | None = None  # sends started and not recorded by the killed instance
    reported_duplicates: int = 0  # 可能重复 in the delivery report


async def prepare(data_dir: Path, database_url: str | None, members: range) -> str:
    store = await open_store(data_dir, database_url)
    try:
        subscriptions = Subscriptions(store, Options.load(ROOT / "content"))
        await subscriptions.subscribe_many(members)
        send_at = datetime.now(UTC) + timedelta(seconds=START_IN)
        return (await Announcements(store, subscriptions).create(TEXT, "all", send_at, ADMIN)).id
    finally:
        await store.close()


async def reported_duplicates(data_dir: Path, database_url: str | None, announcement_id: str) -> int:
    store = await open_store(data_dir / ("reader" if database_url else ""), database_url)
    try:
        query = select(announcements.c.duplicates).where(announcements.c.id == announcement_id)
        async with store.connect() as connection:
            return int(await connection.scalar(query) or 0)
    finally:
        await store.close()


async def run(
    count: int,
    rate: float,
    instances: int,
    database_url: str | None,
    latency: float,
    lease: float,
    kill_at: float | None,
) -> Run:
    """One notice to ``count`` members by ``instances`` bot processes; SIGKILL one at ``kill_at`` of the way."""
    members = range(FIRST_MEMBER, FIRST_MEMBER + count)
    server = Server(members, latency, floods_wanted=kill_at is None)
    result = Run(server)
    budget = count / rate * 3 + START_IN + lease + 60
    with tempfile.TemporaryDirectory() as tmp:
        data_dirs = [Path(tmp) / f"bot{i}" for i in range(instances)]  # one SQLite store, or one PostgreSQL
        announcement_id = await prepare(data_dirs[0], database_url, members)
        log = (Path(tmp) / "bot.log").open("ab")
        extra = {"BROADCAST_LEASE": str(lease), **({"DATABASE_URL": database_url} if database_url else {})}
        async with FakeBotAPI() as api:
            api.behaviour = server.behaviour
            bots = [start_bot(api, data_dir, rate, "ERROR", log, **extra) for data_dir in data_dirs]
            try:
                if kill_at is not None:
                    await until(lambda: len(server.arrivals) >= kill_at * count, budget)
                    victim = bots[0]
                    os.kill(victim.pid, signal.SIGKILL)
                    victim.wait()
                    result.in_flight = await in_flight_of(victim.pid, announcement_id, data_dirs[0], database_url)
                    if instances == 1:  # a restart; with two, the survivor takes the claims over
                        bots[0] = start_bot(api, data_dirs[0], rate, "ERROR", log, **extra)
                    else:
                        bots.pop(0)
                await until(lambda: bool(server.reports), budget)
            finally:
                for bot in bots:
                    stop_bot(bot)
                log.close()
        if kill_at is not None:
            server.downtime = server.largest_gap()
        result.reported_duplicates = await reported_duplicates(data_dirs[0], database_url, announcement_id)
    return result


def line(label: str, result: Run, rate: float) -> str:
    server = result.server
    raw, net = server.rate()
    text = (
        f"{label:<44} rate {raw:6.1f}/s raw, {net:6.1f}/s without pauses = {net / rate:6.1%} of {rate:g}/s,"
        f" peak {server.peak()} in 1 s | delivered {len(server.ok):>5}, duplicates {server.duplicates()},"
        f" misses {server.misses()}, 429s {server.floods}"
    )
    if result.in_flight is not None:
        text += (
            f" | in flight at the kill {result.in_flight}, 可能重复 reported {result.reported_duplicates},"
            f" gap {server.downtime:.1f} s"
        )
    return text


async def bench(args: argparse.Namespace, new_database: Callable[[], str] | None) -> None:
    """The clean run, then the kill runs; each on a fresh database."""
    store = "one PostgreSQL" if new_database else "SQLite"
    print(
        f"broadcast bench: {args.instances} instance(s) on {store}, {args.count} subscribers, 1% blocked (403),"
        f" {len(FLOOD_AT)} x 429 (retry_after 1 s) in the clean run, Bot API round trip {args.latency_ms:g} ms,"
        f" lease {args.lease:g} s"
    )
    latency = args.latency_ms / 1000
    database = new_database or (lambda: None)  # type: ignore[assignment,return-value]
    clean = await run(args.count, args.rate, args.instances, database(), latency, args.lease, None)
    print(line(f"{args.instances} instance(s), {args.count} @ {args.rate:g}/s", clean, args.rate))
    kills = [0.5] if args.kills == 1 else [0.2 + 0.6 * i / max(1, args.kills - 1) for i in range(args.kills)]
    for at in kills:
        killed = await run(args.kill_count, args.rate, args.instances, database(), latency, args.lease, at)
        what = "kill -9 + restart" if args.instances == 1 else "kill -9 of one of two"
        print(line(f"{what} at {at:.0%}, {args.kill_count}", killed, args.rate))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--instances", type=int, default=1, help="bot processes; more than one run on PostgreSQL")
    parser.add_argument("--count", type=int, help="recipients of the clean run (default 10,000; 3,000 with 2)")
    parser.add_argument("--kill-count", type=int, default=1500, help="recipients of each kill run")
    parser.add_argument("--kills", type=int, default=3, help="kill -9 runs, spread over 20%%–80%% of the send")
    parser.add_argument("--rate", type=float, default=100.0, help="BROADCAST_RATE (default 100)")
    parser.add_argument("--latency-ms", type=float, help="simulated Bot API round trip (default 0; 100 with 2)")
    parser.add_argument("--lease", type=float, default=5.0, help="BROADCAST_LEASE seconds (default 5)")
    args = parser.parse_args()
    shared = args.instances > 1
    args.count = args.count or (3000 if shared else 10_000)
    args.latency_ms = (100.0 if shared else 0.0) if args.latency_ms is None else args.latency_ms
    logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)  # the killed bot's half-sent requests
    if not shared:
        asyncio.run(bench(args, None))
        return
    with throwaway_cluster(durable=True, max_connections=100) as cluster:
        names = (f"bench{i}" for i in itertools.count())

        def new_database() -> str:
            name = next(names)
            cluster.psql(f"CREATE DATABASE {name}")
            return cluster.url(name)

        asyncio.run(bench(args, new_database))


if __name__ == "__main__":
    try:
        main()
    except subprocess.CalledProcessError as exc:
        print(f"bench failed: {exc}", file=sys.stderr)
        sys.exit(1)
