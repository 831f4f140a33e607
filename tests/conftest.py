"""Shared fixtures: the real knowledge, a fresh data dir, and a bot wired to the fake Bot API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from telegram import Update
from telegram.ext import Application

from bot.knowledge import Knowledge
from bot.qa import Engine
from bot.services import Services, build_services
from bot.settings import Settings
from handlers.app import build_application
from tests.fake_bot_api import FakeBotAPI, callback_update, location_update, message_update

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"


@pytest.fixture(scope="session")
def knowledge() -> Knowledge:
    return Knowledge.load(CONTENT)


@pytest.fixture(scope="session")
def engine(knowledge: Knowledge) -> Engine:
    return Engine(knowledge)


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

    async def feed(self, update: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
        before = len(self.api.calls)
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
async def bot_services(settings: Settings, fake_api: FakeBotAPI) -> AsyncIterator[Services]:
    services = build_services(replace(settings, api_base_url=fake_api.base_url))
    yield services
    services.close()


@pytest.fixture
async def chat(bot_services: Services, fake_api: FakeBotAPI) -> AsyncIterator[ChatDriver]:
    application = build_application(bot_services)
    async with application:
        yield ChatDriver(application, fake_api)
