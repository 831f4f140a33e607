"""A BotServer on a free 127.0.0.1 port against its own fake Bot API, with an HTTP client pointed at it.

Modules share one per module (``scope="module"``): building the services takes about a second.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp

from bot.core.settings import Settings
from bot.services import Services, build_services
from handlers.serve.runner import BotServer
from tests.conftest import CONTENT
from tests.fake_bot_api import FakeBotAPI


@dataclass
class Serving:
    fake_api: FakeBotAPI
    server: BotServer
    services: Services
    http: aiohttp.ClientSession


@asynccontextmanager
async def serving(data_dir: Path, **settings: Any) -> AsyncIterator[Serving]:
    """Start a fake Bot API, services, bot and HTTP server; ``settings`` override the Settings fields."""
    async with FakeBotAPI() as fake_api:
        base = {"bot_token": fake_api.token, "api_base_url": fake_api.base_url, "content_dir": CONTENT, "http_port": 0}
        services = await build_services(Settings(data_dir=data_dir, **{**base, **settings}))
        server = BotServer(services, poll_timeout=timedelta(seconds=0.2))
        try:
            await server.start()
            async with aiohttp.ClientSession(f"http://127.0.0.1:{server.port}") as http:
                yield Serving(fake_api, server, services, http)
        finally:
            await server.stop()
            await services.close()
