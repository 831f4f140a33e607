"""An aiohttp app of the web chat / WeChat channels on a free 127.0.0.1 port, with a client whose
cookie jar accepts the server's cookies (aiohttp's default jar ignores cookies from IP addresses)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import aiohttp
from aiohttp import web


@dataclass
class Running:
    url: str
    http: aiohttp.ClientSession
    app: web.Application


@asynccontextmanager
async def running(app: web.Application) -> AsyncIterator[Running]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    try:
        async with aiohttp.ClientSession(url, cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
            yield Running(url, http, app)
    finally:
        await runner.cleanup()
