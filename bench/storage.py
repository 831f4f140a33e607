"""Storage benchmark: what one state change costs as the store grows, on SQLite and on PostgreSQL.

    .venv/bin/python bench/storage.py                          # 10k, 100k, 1M members; SQLite and PostgreSQL
    .venv/bin/python bench/storage.py --sizes 10000 --writes 500 --databases sqlite

The store is filled (bulk inserts, not timed) to each size with members, their preferences and
subscriptions, python-telegram-bot user_data, and as many feedback questions spread over the
retention period (FEEDBACK_DAYS, so /report's 7-day window holds 7/180 of them). Then random
members change state through the real domain code, each call one durable transaction, and the
bench prints p50/p99 per kind of write; and the indexed reads /report and the 转人工 look-up make.
PostgreSQL is a throwaway cluster started for the bench (as the test fixture does) with fsync
and synchronous commit on, so its commits are as durable as SQLite's FULL-synchronous WAL. After
each bulk fill its tables are vacuumed, as autovacuum keeps a store that has been running (the
figure before that is printed too): /report then reads its index alone.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, insert, select, text  # noqa: E402

from bot.core.db import schema  # noqa: E402
from bot.core.db.bot_state import BotState, Changes  # noqa: E402
from bot.core.preferences import Preferences  # noqa: E402
from bot.core.storage import Store, open_store  # noqa: E402
from bot.staff.feedback import DAY, Feedback  # noqa: E402
from bot.staff.subscriptions import Options, Subscriptions  # noqa: E402
from bot.understanding.engine import Answer, Kind  # noqa: E402
from bot.understanding.normalise import normalise  # noqa: E402
from tests.servers.postgres import throwaway_cluster  # noqa: E402

LOCALES = ("zh_Hans", "zh_Hant", "en")
BATCH = 10_000
RETENTION_DAYS = 180
DISTINCT_QUESTIONS = 5_000
UNSURE = Answer("unknown", Kind.UNSURE, 0.1)


def percentiles(samples: list[float]) -> str:
    cuts = statistics.quantiles(samples, n=100)
    return f"p50 {cuts[49] * 1000:6.2f} ms  p99 {cuts[98] * 1000:6.2f} ms"


async def timed(call: Callable[[int], Awaitable[object]], count: int, rng: random.Random, size: int) -> list[float]:
    samples = []
    for _ in range(count):
        member = rng.randrange(size)
        start = time.perf_counter()
        await call(member)
        samples.append(time.perf_counter() - start)
    return samples


class Filler:
    """Bulk-inserts rows for members ``[have, size)``: the state a store of that size holds."""

    def __init__(self, store: Store, rng: random.Random, now: float) -> None:
        self.store = store
        self.rng = rng
        self.now = now
        self.have = 0
        self.texts = [f"问题{i}：单位不给交社保怎么办" for i in range(DISTINCT_QUESTIONS)]
        self.norms = [normalise(text) for text in self.texts]

    async def grow(self, size: int) -> None:
        # Feedback arrives in time order, so the rows of /report's window sit together on disk, as in
        # production (random order would scatter them over every page of the table).
        times = sorted(self.now - self.rng.random() * RETENTION_DAYS * DAY for _ in range(size - self.have))
        for start in range(self.have, size, BATCH):
            ids = range(start, min(size, start + BATCH))
            async with self.store.begin() as connection:
                await connection.execute(
                    insert(schema.members),
                    [{"user_id": i, "locale": LOCALES[i % 3], "updated_at": self.now} for i in ids],
                )
                await connection.execute(
                    insert(schema.subscribers),
                    [{"chat_id": i, "active": True, "inactive_reason": None, "since": self.now} for i in ids],
                )
                await connection.execute(
                    insert(schema.ptb_user_data),
                    [
                        {"user_id": i, "data": {"loan": {"step": i % 5, "at": self.now}}, "updated_at": self.now}
                        for i in ids
                    ],
                )
                questions = [self._question(i, times[i - self.have]) for i in ids]
                await connection.execute(insert(schema.feedback_questions), questions)
        self.have = size

    def _question(self, i: int, at: float) -> dict[str, object]:
        q = min(int(self.rng.paretovariate(1.2)) - 1, DISTINCT_QUESTIONS - 1)  # a few questions asked often
        return {
            "chat_id": i,
            "message_id": 10 + i % 1000,
            "user_id": i,
            "text": self.texts[q],
            "norm": self.norms[q],
            "created_at": at,
        }


async def bench_one(store: Store, label: str, sizes: list[int], writes: int, reads: int) -> None:
    rng = random.Random(7)
    now = time.time()
    filler = Filler(store, rng, now)
    preferences = Preferences(store)
    subscriptions = Subscriptions(store, Options.load(ROOT / "content"))
    bot_state = BotState(store)
    feedback = Feedback(store, lambda: now)
    topics = list(subscriptions.options.topics)

    async def locale(member: int) -> None:
        await preferences.set_locale(member, LOCALES[rng.randrange(3)])

    async def toggle(member: int) -> None:
        await subscriptions.toggle(member, "topic", topics[rng.randrange(len(topics))])

    async def user_data(member: int) -> None:
        await bot_state.write(Changes(user_data={member: {"loan": {"step": rng.randrange(5), "at": time.time()}}}))

    async def question(member: int) -> None:
        await feedback.record_unanswered(member, 10**6 + rng.randrange(10**6), member, "公司不给交社保怎么办", UNSURE)

    async def read_user_data(member: int) -> None:
        await bot_state.user_data(member)

    async def handoff_lookup(member: int) -> None:
        await feedback.question_before(member, 10**9)

    async def report(member: int) -> None:
        await feedback.report()

    for size in sizes:
        start = time.perf_counter()
        await filler.grow(size)
        async with store.connect() as connection:
            questions = await connection.scalar(select(func.count()).select_from(schema.feedback_questions))
        print(
            f"{label} {size:>9,} members, {questions:,} feedback rows (filled in {time.perf_counter() - start:.0f} s)"
        )
        if store.dialect == "postgresql":
            fresh = percentiles(await timed(report, reads // 4, rng, size))
            print(f"  {'read: /report, heap unvacuumed':<32} {fresh}   (right after the bulk load)")
            await vacuum(store)
        for name, call in (
            ("write: preference (locale)", locale),
            ("write: subscription toggle", toggle),
            ("write: PTB user_data", user_data),
            ("write: unanswered question", question),
        ):
            print(f"  {name:<32} {percentiles(await timed(call, writes, rng, size))}")
        for name, call in (
            ("read: PTB user_data", read_user_data),
            ("read: 转人工 question look-up", handoff_lookup),
            ("read: /report (7 days)", report),
        ):
            print(f"  {name:<32} {percentiles(await timed(call, reads, rng, size))}")


async def vacuum(store: Store) -> None:
    """What autovacuum does to a store that has been running (migration 0002 makes it keep up with feedback)."""
    async with store.engine.connect() as connection:
        autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
        for table in ("members", "subscribers", "ptb_user_data", "feedback_questions"):
            await autocommit.execute(text(f"VACUUM (ANALYZE) {table}"))


async def run_sqlite(sizes: list[int], writes: int, reads: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = await open_store(Path(tmp))
        try:
            await bench_one(store, "SQLite    ", sizes, writes, reads)
        finally:
            await store.close()


async def run_postgres(url: str, sizes: list[int], writes: int, reads: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = await open_store(Path(tmp), url)
        try:
            await bench_one(store, "PostgreSQL", sizes, writes, reads)
        finally:
            await store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--writes", type=int, default=1000, help="timed writes of each kind per size")
    parser.add_argument("--reads", type=int, default=200, help="timed reads of each kind per size")
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    sizes = sorted(args.sizes)
    if "sqlite" in args.databases:
        asyncio.run(run_sqlite(sizes, args.writes, args.reads))
    if "postgresql" in args.databases:
        with throwaway_cluster(durable=True) as cluster:
            cluster.psql("CREATE DATABASE bench")
            asyncio.run(run_postgres(cluster.url("bench"), sizes, args.writes, args.reads))


if __name__ == "__main__":
    main()
