"""Shared fixtures: the real knowledge, a fresh data dir, and a bot wired to the fake Bot API."""

from __future__ import annotations

import itertools
import os
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from telegram import Update
from telegram.ext import Application

from bot.core.knowledge import Knowledge
from bot.core.settings import Settings
from bot.services import Services, build_services, load_engine_and_stations
from bot.stations.directory import StationDirectory
from bot.understanding.engine import Engine
from handlers.app import build_application
from tests.fake_bot_api import FakeBotAPI, callback_update, location_update, message_update

# Opt in to PTB 22's timedelta durations, as run_bot.py does: otherwise building a RetryAfter
# (any 429) raises a deprecation warning, which the test settings turn into an error.
os.environ.setdefault("PTB_TIMEDELTA", "1")

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"


@pytest.fixture(scope="session")
def production_engine() -> tuple[Engine, StationDirectory]:
    """The engine as production builds it (with its resolvers), built once per test run."""
    return load_engine_and_stations(Settings(content_dir=CONTENT, data_dir=ROOT / "no-such-data-dir"))


@pytest.fixture(scope="session")
def engine(production_engine: tuple[Engine, StationDirectory]) -> Engine:
    return production_engine[0]


@pytest.fixture(scope="session")
def knowledge(engine: Engine) -> Knowledge:
    return engine.knowledge


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        bot_token="123456:TEST-token", data_dir=tmp_path / "data", content_dir=CONTENT, admin_ids=frozenset({9000})
    )


@pytest.fixture
async def fake_api() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI() as api:
        yield api


class ChatDriver:
    """Feeds updates to a real Application and returns the Bot API calls each one caused."""

    def __init__(self, application: Application, api: FakeBotAPI) -> None:
        self.application = application
        self.api = api
        self._update_ids = itertools.count(1)

    async def feed(self, update: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
        before = len(self.api.calls)
        update = {"update_id": next(self._update_ids), **update}
        await self.application.process_update(Update.de_json(update, self.application.bot))
        return [(c.method, c.params) for c in self.api.calls[before:]]

    async def send(self, text: str, **kw: Any) -> list[tuple[str, dict[str, Any]]]:
        return await self.feed(message_update(text, **kw))

    async def press(self, data: str, **kw: Any) -> list[tuple[str, dict[str, Any]]]:
        return await self.feed(callback_update(data, **kw))

    async def locate(self, lat: float, lon: float, **kw: Any) -> list[tuple[str, dict[str, Any]]]:
        return await self.feed(location_update(lat, lon, **kw))


def texts(calls: list[tuple[str, dict[str, Any]]], method: str = "sendMessage") -> list[str]:
    return [str(params.get("text", "")) for name, params in calls if name == method]


@pytest.fixture
async def bot_services(
    settings: Settings, fake_api: FakeBotAPI, production_engine: tuple[Engine, StationDirectory]
) -> AsyncIterator[Services]:
    services = build_services(replace(settings, api_base_url=fake_api.base_url), production_engine)
    yield services
    services.close()


@pytest.fixture
async def chat(bot_services: Services, fake_api: FakeBotAPI) -> AsyncIterator[ChatDriver]:
    application = build_application(bot_services)
    async with application:
        yield ChatDriver(application, fake_api)


# Real servers (tests/servers): postgres_url, postgres_db_url, browser, page.
pytest_plugins = ["tests.servers.postgres", "tests.servers.browser"]
