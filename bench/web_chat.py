"""Web chat answer latency through HTTP, and the server it runs against.

    python bench/web_chat.py [--questions 1000] [--members 20]

Starts the web chat in its own process (as ``run_bot.py web`` does, but with the rate limits
raised so that one client can send a thousand questions; a throwaway DATA_DIR), then sends the
evaluation questions (tests/eval/questions.jsonl, cycled) one at a time from ``--members`` sessions,
each with its cookie and CSRF token, and prints p50/p99/max of the time to the answer. Every
request saves the member's conversation, so the figures include the durable state write.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qa import percentile  # noqa: E402  (bench/qa.py: the same percentile for every bench)

UNLIMITED = 1e9


def questions(count: int) -> list[str]:
    lines = (ROOT / "tests" / "eval" / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    asked = [json.loads(line)["q"] for line in lines if line.strip()]
    return [asked[i % len(asked)] for i in range(count)]


def serve() -> None:
    """The server process: the web chat (and /wechat when WECHAT_TOKEN is set) until stdin closes."""
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    from aiohttp import web

    from bot.channels.web.limits import Rates
    from bot.channels.web.server import build_app
    from bot.core.settings import Settings
    from bot.services import build_services

    rates = Rates(UNLIMITED, int(UNLIMITED), UNLIMITED, int(UNLIMITED))

    async def main() -> None:
        services = await build_services(Settings.from_env())
        runner = web.AppRunner(build_app(services, rates=rates), access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        print(runner.addresses[0][1], flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
        await runner.cleanup()
        await services.close()

    asyncio.run(main())


@contextmanager
def server(env: Mapping[str, str] = {}) -> Iterator[str]:
    """Run ``serve`` in a child process with a fresh DATA_DIR; its base URL."""
    with tempfile.TemporaryDirectory() as data:
        child_env = {**os.environ, "DATA_DIR": data, "LOG_LEVEL": "WARNING", **env}
        child = subprocess.Popen(
            [sys.executable, __file__, "--serve"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=child_env,
            text=True,
        )
        try:
            port = int(child.stdout.readline())  # type: ignore[union-attr]
            yield f"http://127.0.0.1:{port}"
        finally:
            child.stdin.close()  # type: ignore[union-attr]
            child.wait(timeout=30)


async def member(url: str) -> tuple[aiohttp.ClientSession, dict[str, str]]:
    http = aiohttp.ClientSession(url, cookie_jar=aiohttp.CookieJar(unsafe=True))
    async with http.get("/chat/state") as resp:
        csrf = (await resp.json())["csrf"]
    return http, {"X-CSRF-Token": csrf, "Accept-Language": "zh-CN"}


async def measure(url: str, asked: list[str], members: int) -> list[float]:
    sessions = [await member(url) for _ in range(members)]
    samples = []
    try:
        for i, question in enumerate(asked):
            http, headers = sessions[i % members]
            start = time.perf_counter()
            async with http.post("/chat/send", json={"q": question}, headers=headers) as resp:
                body = await resp.json()
            samples.append((time.perf_counter() - start) * 1000)
            if resp.status != 200 or body["messages"][-1]["role"] != "bot":
                raise RuntimeError(f"unexpected reply {resp.status}: {body}")
    finally:
        for http, _ in sessions:
            await http.close()
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--questions", type=int, default=1000)
    parser.add_argument("--members", type=int, default=20)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        return serve()
    with server() as url:
        asyncio.run(measure(url, questions(50), 5))  # warm-up: jieba, caches, connections
        samples = asyncio.run(measure(url, questions(args.questions), args.members))
    print(f"web chat: {len(samples)} questions through HTTP from {args.members} sessions (POST /chat/send)")
    print(
        f"  answer latency p50 {percentile(samples, 0.5):.1f} ms, p99 {percentile(samples, 0.99):.1f} ms,"
        f" max {max(samples):.1f} ms; {len(samples) / (sum(samples) / 1000):.0f} answers/s one at a time"
    )


if __name__ == "__main__":
    main()
