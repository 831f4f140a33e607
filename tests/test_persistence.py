"""State that survives a restart: PTB persistence over the project's Store (JSON, not pickle)."""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from telegram import Update
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.core.settings import Settings
from bot.core.storage import Doc, TinyStore
from bot.services import build_services
from handlers.app import build_application
from handlers.context import BotContext
from handlers.serve.persistence import CONVERSATIONS, USER_DATA, StorePersistence
from tests.conftest import ChatDriver, texts
from tests.fake_bot_api import FakeBotAPI

ASKING = 1


class CountingStore(TinyStore):
    def __init__(self, data_dir: Path) -> None:
        super().__init__(data_dir)
        self.writes: list[str] = []

    def put_many(self, collection: str, docs: Any) -> None:
        self.writes.append(collection)
        super().put_many(collection, docs)


async def test_round_trip_through_the_store(tmp_path: Path) -> None:
    store = TinyStore(tmp_path)
    persistence = StorePersistence(store)
    await persistence.update_user_data(7, {"answers": {"age": 30}, "step": "income"})
    await persistence.update_conversation("loan", (7, 7), 2)
    await persistence.update_conversation("loan", (8, 8), 1)
    await persistence.update_conversation("loan", (8, 8), None)  # finished
    await persistence.flush()
    store.close()

    again = StorePersistence(TinyStore(tmp_path))
    assert await again.get_user_data() == {7: {"answers": {"age": 30}, "step": "income"}}
    assert await again.get_conversations("loan") == {(7, 7): 2}
    assert await again.get_conversations("other") == {}
    assert await again.get_bot_data() == {}


async def test_callback_data_round_trip(tmp_path: Path) -> None:
    persistence = StorePersistence(TinyStore(tmp_path))
    await persistence.update_callback_data(([("u1", 1.5, {"k": "v"})], {"q1": "u1"}))
    await persistence.flush()
    assert await StorePersistence(TinyStore(tmp_path)).get_callback_data() == ([("u1", 1.5, {"k": "v"})], {"q1": "u1"})


async def test_unchanged_data_is_not_rewritten(tmp_path: Path) -> None:
    store = CountingStore(tmp_path)
    persistence = StorePersistence(store)
    await persistence.update_user_data(7, {"a": 1})
    await persistence.flush()
    await persistence.update_user_data(7, {"a": 1})
    await persistence.flush()
    assert store.writes == [USER_DATA]
    loaded = StorePersistence(store)
    await loaded.get_user_data()
    await loaded.update_user_data(7, {"a": 1})
    await loaded.flush()
    assert store.writes == [USER_DATA]


class FailingStore(TinyStore):
    """A store whose disk is full until ``heal`` is called."""

    full = True

    def put_many(self, collection: str, docs: Any) -> None:
        if self.full:
            raise OSError(28, "No space left on device")
        super().put_many(collection, docs)


async def test_a_failed_write_stays_queued_and_is_written_later(tmp_path: Path) -> None:
    store = FailingStore(tmp_path)
    persistence = StorePersistence(store)
    await persistence.update_user_data(7, {"step": 2})
    with pytest.raises(OSError, match="No space"):
        await persistence.flush()
    store.full = False
    await persistence.flush()
    assert await StorePersistence(TinyStore(tmp_path)).get_user_data() == {7: {"step": 2}}


async def test_the_bot_keeps_answering_while_the_disk_is_full(
    settings: Settings, fake_api: FakeBotAPI, caplog: pytest.LogCaptureFixture
) -> None:
    async with Bot(settings, fake_api) as chat:
        store = FailingStore(settings.data_dir, "session.json")
        chat.application.persistence = StorePersistence(store)
        assert texts(await chat.send("/q", user_id=76)) == ["您叫什么名字？"]
        assert "state not saved yet" in caplog.text
        store.full = False
        assert texts(await chat.send("赵六", user_id=76)) == ["记下了：赵六"]
        assert saved(settings, USER_DATA, "session.json")["76"]["data"] == {"name": "赵六"}


async def test_non_json_data_is_logged_not_crashed(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    persistence = StorePersistence(TinyStore(tmp_path))
    with caplog.at_level(logging.ERROR, logger="handlers.serve.persistence"):
        await persistence.update_user_data(7, {"when": object()})
        await persistence.flush()
    assert "not JSON-serialisable" in caplog.text
    assert await persistence.get_user_data() == {}


# -- through the real Application ----------------------------------------------------------------


async def ask_name(update: Update, context: BotContext) -> None:
    await update.effective_message.reply_text("您叫什么名字？")
    raise ApplicationHandlerStop(ASKING)  # /q is not also an unknown command


async def got_name(update: Update, context: BotContext) -> None:
    context.user_data["name"] = update.effective_message.text
    await update.effective_message.reply_text(f"记下了：{update.effective_message.text}")
    raise ApplicationHandlerStop(ConversationHandler.END)  # the answer is not also a question


def questionnaire() -> ConversationHandler:
    return ConversationHandler(
        entry_points=[CommandHandler("q", ask_name)],
        states={ASKING: [MessageHandler(filters.TEXT & ~filters.COMMAND, got_name)]},
        fallbacks=[],
        name="test-questionnaire",
        persistent=True,
    )


class Bot:
    """Starts the real application on a data dir, as a restart would."""

    def __init__(self, settings: Settings, api: FakeBotAPI) -> None:
        self.settings = replace(settings, api_base_url=api.base_url)
        self.api = api

    async def __aenter__(self) -> ChatDriver:
        self.services = build_services(self.settings)
        self.application: Application = build_application(self.services)
        self.application.add_handler(questionnaire(), group=-3)  # ahead of the free-text handler
        await self.application.initialize()
        return ChatDriver(self.application, self.api)

    async def __aexit__(self, *exc: object) -> None:
        await self.application.shutdown()
        self.services.close()


def saved(settings: Settings, collection: str, filename: str = "state.json") -> dict[str, Doc]:
    """One collection of the data file as it is on disk, by key."""
    tables = json.loads((settings.data_dir / filename).read_text(encoding="utf-8"))
    return {doc["_key"]: doc for doc in tables.get(collection, {}).values()}


async def test_unfinished_questionnaire_and_language_survive_a_restart(
    settings: Settings, fake_api: FakeBotAPI
) -> None:
    async with Bot(settings, fake_api) as chat:
        assert texts(await chat.send("/q", user_id=71)) == ["您叫什么名字？"]
        await chat.press("lang:en", user_id=71)
    async with Bot(settings, fake_api) as chat:
        assert texts(await chat.send("王小明", user_id=71)) == ["记下了：王小明"]
        assert chat.application.user_data[71]["name"] == "王小明"
        [start] = texts(await chat.send("/start", user_id=71))
        assert "Hello" in start


async def test_state_is_on_disk_after_each_update_without_a_shutdown(settings: Settings, fake_api: FakeBotAPI) -> None:
    async with Bot(settings, fake_api) as chat:
        await chat.send("/q", user_id=72)
        key = '["test-questionnaire", 72, 72]'
        assert saved(settings, CONVERSATIONS)[key]["state"] == ASKING
        await chat.send("李四", user_id=72)
        assert saved(settings, USER_DATA)["72"]["data"] == {"name": "李四"}
        assert saved(settings, CONVERSATIONS)[key]["state"] is None


def modified(settings: Settings) -> int | None:
    path = settings.data_dir / "state.json"
    return path.stat().st_mtime_ns if path.exists() else None


async def test_questions_alone_write_nothing(chat: ChatDriver, settings: Settings) -> None:
    await chat.send("工会法第六条", user_id=73)
    before = modified(settings)
    await chat.send("劳模有什么待遇", user_id=73)
    await chat.send("工会法第六条", user_id=74)  # a new member with nothing to keep
    assert modified(settings) == before


async def test_services_are_not_persisted(chat: ChatDriver, settings: Settings) -> None:
    await chat.press("lang:en", user_id=75)
    await chat.send("工会法第六条", user_id=75)
    await chat.application.update_persistence()
    raw = (settings.data_dir / "state.json").read_text(encoding="utf-8")
    assert "Services" not in raw
    assert "services" not in raw
