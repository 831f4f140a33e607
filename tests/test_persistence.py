"""State that survives a restart and moves between instances: PTB persistence over the SQL store (JSON, not pickle)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError
from telegram import Update
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.core.db.bot_state import BotState, Changes
from bot.core.settings import Settings
from bot.core.storage import Store
from bot.services import build_services
from handlers.app import build_application
from handlers.context import BotContext
from handlers.serve.persistence import StorePersistence
from tests.conftest import ChatDriver, texts
from tests.fake_bot_api import FakeBotAPI
from tests.sql import rows

ASKING = 1


class CountingState(BotState):
    def __init__(self, store: Store) -> None:
        super().__init__(store)
        self.writes: list[Changes] = []

    async def write(self, changes: Changes) -> None:
        self.writes.append(changes)
        await super().write(changes)


class FailingState(BotState):
    """A store whose disk is full until ``full`` is cleared."""

    full = True

    async def write(self, changes: Changes) -> None:
        if self.full:
            raise OperationalError("INSERT …", {}, Exception("database or disk is full"))
        await super().write(changes)


def persistence_with(store: Store, rows_class: type[BotState]) -> StorePersistence:
    persistence = StorePersistence(store)
    persistence._rows = rows_class(store)
    return persistence


async def test_round_trip_through_the_store(store: Store) -> None:
    persistence = StorePersistence(store)
    await persistence.update_user_data(7, {"answers": {"age": 30}, "step": "income"})
    await persistence.update_conversation("loan", (7, 7), 2)
    await persistence.update_conversation("loan", (8, 8), 1)
    await persistence.update_conversation("loan", (8, 8), None)  # finished
    await persistence.flush()

    again = StorePersistence(store)  # another process
    user_data: dict[Any, Any] = {"stale": True}
    await again.refresh_user_data(7, user_data)
    assert user_data == {"answers": {"age": 30}, "step": "income"}
    assert await again.get_conversations("loan") == {(7, 7): 2}
    assert await again.get_conversations("other") == {}
    assert await again.get_bot_data() == {}
    assert await again.get_user_data() == {}  # nothing is loaded wholesale: each update reads its own


async def test_callback_data_round_trip(store: Store) -> None:
    persistence = StorePersistence(store)
    await persistence.update_callback_data(([("u1", 1.5, {"k": "v"})], {"q1": "u1"}))
    await persistence.flush()
    assert await StorePersistence(store).get_callback_data() == ([("u1", 1.5, {"k": "v"})], {"q1": "u1"})


async def test_unchanged_data_is_not_rewritten(store: Store) -> None:
    persistence = persistence_with(store, CountingState)
    counting: CountingState = persistence._rows  # type: ignore[assignment]
    await persistence.update_user_data(7, {"a": 1})
    await persistence.flush()
    await persistence.update_user_data(7, {"a": 1})
    await persistence.update_user_data(8, {})  # a member with nothing to keep
    await persistence.flush()
    assert len(counting.writes) == 1
    loaded = persistence_with(store, CountingState)
    await loaded.refresh_user_data(7, {})
    await loaded.update_user_data(7, {"a": 1})
    await loaded.flush()
    assert loaded._rows.writes == []  # type: ignore[attr-defined]


async def test_a_failed_write_stays_queued_and_is_written_later(store: Store) -> None:
    persistence = persistence_with(store, FailingState)
    await persistence.update_user_data(7, {"step": 2})
    with pytest.raises(OperationalError, match="disk is full"):
        await persistence.flush()
    memory: dict[Any, Any] = {"step": 2}
    await persistence.refresh_user_data(7, memory)  # the queued value stands, not the store's older one
    assert memory == {"step": 2}
    await persistence.update_user_data(8, {"step": 1})  # queued meanwhile: written together
    persistence._rows.full = False  # type: ignore[attr-defined]
    await persistence.flush()
    stored: dict[Any, Any] = {}
    await StorePersistence(store).refresh_user_data(7, stored)
    assert stored == {"step": 2}
    await StorePersistence(store).refresh_user_data(8, stored)
    assert stored == {"step": 1}


async def test_non_json_data_is_logged_not_crashed(store: Store, caplog: pytest.LogCaptureFixture) -> None:
    persistence = StorePersistence(store)
    with caplog.at_level(logging.ERROR, logger="handlers.serve.persistence"):
        await persistence.update_user_data(7, {"when": object()})
        await persistence.flush()
    assert "not JSON-serialisable" in caplog.text
    stored: dict[Any, Any] = {}
    await persistence.refresh_user_data(7, stored)
    assert stored == {}


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
    """Starts the real application on a store, as a (re)started process would."""

    def __init__(self, settings: Settings, api: FakeBotAPI) -> None:
        self.settings = replace(settings, api_base_url=api.base_url)
        self.api = api

    async def __aenter__(self) -> ChatDriver:
        self.services = await build_services(self.settings)
        self.application: Application = build_application(self.services)
        self.application.add_handler(questionnaire(), group=-3)  # ahead of the free-text handler
        await self.application.initialize()
        return ChatDriver(self.application, self.api)

    async def __aexit__(self, *exc: object) -> None:
        await self.application.shutdown()
        await self.services.close()


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


@pytest.fixture
async def two_instances(
    settings: Settings, fake_api: FakeBotAPI, postgres_db_url: str
) -> AsyncIterator[list[ChatDriver]]:
    """Two instances of the bot on one PostgreSQL, as behind a load balancer."""
    shared = replace(settings, database_url=postgres_db_url)
    async with Bot(shared, fake_api) as first, Bot(shared, fake_api) as second:
        yield [first, second]


async def test_a_questionnaire_started_on_one_instance_goes_on_on_another(two_instances: list[ChatDriver]) -> None:
    first, second = two_instances
    assert texts(await first.send("/q", user_id=81)) == ["您叫什么名字？"]
    await second.press("lang:en", user_id=81)
    assert texts(await second.send("王小明", user_id=81)) == ["记下了：王小明"]
    [start] = texts(await first.send("/start", user_id=81))
    assert "Hello" in start  # the language chosen on the second instance
    assert texts(await first.send("/q", user_id=81)) == ["您叫什么名字？"]  # finished there, so it starts anew here
    assert texts(await second.send("李四", user_id=81)) == ["记下了：李四"]
    assert second.application.user_data[81]["name"] == "李四"


async def test_state_is_stored_after_each_update_without_a_shutdown(settings: Settings, fake_api: FakeBotAPI) -> None:
    async with Bot(settings, fake_api) as chat:
        await chat.send("/q", user_id=72)
        query = "SELECT state FROM ptb_conversations WHERE name = 'test-questionnaire' AND key = '[72, 72]'"
        assert rows(settings.data_dir, query) == [(1,)]
        await chat.send("李四", user_id=72)
        assert rows(settings.data_dir, "SELECT data FROM ptb_user_data WHERE user_id = 72") == [('{"name":"李四"}',)]
        assert rows(settings.data_dir, query) == [(None,)]  # finished: pruned by the daily job


async def test_questions_alone_write_nothing(chat: ChatDriver) -> None:
    persistence: StorePersistence = chat.application.persistence  # type: ignore[assignment]
    await chat.send("工会法第六条", user_id=73)
    counting = persistence._rows = CountingState(persistence._rows.store)
    await chat.send("劳模有什么待遇", user_id=73)
    await chat.send("工会法第六条", user_id=74)  # a new member with nothing to keep
    assert counting.writes == []


async def test_the_bot_keeps_answering_while_the_disk_is_full(
    settings: Settings, fake_api: FakeBotAPI, caplog: pytest.LogCaptureFixture
) -> None:
    async with Bot(settings, fake_api) as chat:
        persistence: StorePersistence = chat.application.persistence  # type: ignore[assignment]
        failing = persistence._rows = FailingState(persistence._rows.store)
        assert texts(await chat.send("/q", user_id=76)) == ["您叫什么名字？"]
        assert "state not saved yet" in caplog.text
        failing.full = False
        assert texts(await chat.send("赵六", user_id=76)) == ["记下了：赵六"]  # the queued state was used
        assert rows(settings.data_dir, "SELECT data FROM ptb_user_data WHERE user_id = 76") == [('{"name":"赵六"}',)]


async def test_services_are_not_persisted(chat: ChatDriver, settings: Settings) -> None:
    await chat.press("lang:en", user_id=75)
    await chat.send("工会法第六条", user_id=75)
    await chat.application.update_persistence()
    dumped = "".join(
        str(r) for t in ("ptb_user_data", "ptb_chat_data") for r in rows(settings.data_dir, f"SELECT * FROM {t}")
    )
    assert "Services" not in dumped
    assert "services" not in dumped
