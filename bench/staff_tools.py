"""Benchmark the staff tools (part B) and print the figures.

    python bench/staff_tools.py [--requests 300] [--updates 500]

Reports, against the fake Bot API on 127.0.0.1 (so Telegram's own latency is not in them):
- admin API: POST /api/announcements latency p50/p99 (one client) and requests/s (10 concurrent clients);
- webhook: POST → 200 latency p50/p99, and questions answered per second end to end (POST until the
  fake Bot API has every reply; BROADCAST_RATE raised so the outgoing rate limit does not hide our cost);
Feedback, /report and the 转人工 look-up are store queries: bench/storage.py times them at 1M rows.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.guard.webhook_secret import SECRET_HEADER, webhook_route  # noqa: E402
from tests.fake_bot_api import message_update  # noqa: E402
from tests.serving import serving  # noqa: E402

TOKEN = "bench-admin-token"
SECRET = "bench-webhook-secret"
QUESTIONS = ("劳模看病要挂号费吗", "工会法第六条", "工资", "怎么入会", "今天天气怎么样", "老板不给加班费怎么办")


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def line(label: str, samples_ms: list[float]) -> str:
    return f"{label}: p50 {statistics.median(samples_ms):.2f} ms, p99 {percentile(samples_ms, 0.99):.2f} ms"


async def bench_admin_api(requests: int) -> None:
    later = (datetime.now(UTC) + timedelta(days=1)).isoformat()  # scheduled, so nothing is delivered meanwhile
    body = json.dumps({"text": "<b>通知</b>：周六上午工会活动", "target": {"topics": ["events"]}, "send_at": later})
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    with tempfile.TemporaryDirectory() as tmp:
        async with serving(Path(tmp), admin_api_token=TOKEN) as running:
            http = running.http

            async def post() -> float:
                start = time.perf_counter()
                async with http.post("/api/announcements", data=body, headers=headers) as resp:
                    assert resp.status == 202, await resp.text()
                return (time.perf_counter() - start) * 1000

            samples = [await post() for _ in range(requests)]
            print(line(f"admin API POST /api/announcements, {requests} sequential", samples))
            start = time.perf_counter()
            for _ in range(requests // 10):
                await asyncio.gather(*(post() for _ in range(10)))
            rate = (requests // 10 * 10) / (time.perf_counter() - start)
            stored = len(await running.services.announcements.list_all())
            print(f"admin API: {rate:.0f} announcements/s with 10 concurrent clients ({stored} stored at the end)")
            start = time.perf_counter()
            for _ in range(requests):
                async with http.post("/api/announcements", data=body) as resp:
                    assert resp.status == 401
            print(f"admin API: 401 refusal {(time.perf_counter() - start) / requests * 1000:.2f} ms each")


async def bench_webhook(updates: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = {"webhook_url": "https://bench.example.org/tg", "webhook_secret": SECRET, "broadcast_rate": 100_000}
        async with serving(Path(tmp), **settings) as running:
            path = webhook_route(running.services.settings).path
            fake = running.fake_api
            bodies = [
                json.dumps({"update_id": i, **message_update(QUESTIONS[i % len(QUESTIONS)], user_id=10_000 + i)})
                for i in range(updates)
            ]

            async def post(body: str, secret: str = SECRET) -> float:
                start = time.perf_counter()
                async with running.http.post(path, data=body, headers={SECRET_HEADER: secret}) as resp:
                    assert resp.status in (200, 403)
                return (time.perf_counter() - start) * 1000

            before = len(fake.of("sendMessage"))
            start = time.perf_counter()
            samples: list[float] = []
            for i in range(0, updates, 20):
                samples += await asyncio.gather(*(post(b) for b in bodies[i : i + 20]))
            await fake.wait_for("sendMessage", before + updates, within=120)
            elapsed = time.perf_counter() - start
            print(line(f"webhook POST → 200 ({updates} updates, 20 concurrent)", samples))
            print(f"webhook end to end: {updates / elapsed:.0f} questions answered/s ({elapsed:.2f} s for {updates})")
            refused = [await post(bodies[0], "wrong") for _ in range(200)]
            print(line("webhook wrong secret → 403", refused))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--updates", type=int, default=500)
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # the refused requests below would log one warning each
    asyncio.run(bench_admin_api(args.requests))
    asyncio.run(bench_webhook(args.updates))


if __name__ == "__main__":
    main()
