"""/start, questions, suggestion buttons and the error path, through PTB's real HTTP path."""

from typing import Any

import pytest
from telegram.ext import Application

from handlers.app import register_commands
from tests.conftest import ChatDriver, texts
from tests.fake_bot_api import FakeBotAPI


async def test_start_shows_topic_menu(chat: ChatDriver) -> None:
    calls = await chat.send("/start")
    [(method, params)] = calls
    assert method == "sendMessage"
    assert "职工服务机器人" in params["text"]
    buttons = [b["callback_data"] for row in params["reply_markup"]["inline_keyboard"] for b in row]
    assert {"menu:law", "menu:benefits", "menu:stations", "menu:loans", "menu:faq"} <= set(buttons)


async def test_start_escapes_the_users_name(chat: ChatDriver) -> None:
    update: dict[str, Any] = {
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": 5, "type": "private"},
            "from": {"id": 5, "is_bot": False, "first_name": "<b>王</b>", "language_code": "zh"},
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        }
    }
    [text] = texts(await chat.feed(update))
    assert "&lt;b&gt;王&lt;/b&gt;" in text


async def test_question_gets_sourced_html_answer(chat: ChatDriver) -> None:
    calls = await chat.send("工会法第六条讲什么")
    [params] = [p for m, p in calls if m == "sendMessage"]
    assert params["parse_mode"] == "HTML"
    assert "竭诚服务职工群众" in params["text"]
    assert "来源：" in params["text"]


async def test_unsure_answer_offers_suggestion_buttons_that_answer(chat: ChatDriver) -> None:
    calls = await chat.send("劳模")
    [params] = [p for m, p in calls if m == "sendMessage"]
    buttons = [
        b for row in params["reply_markup"]["inline_keyboard"] for b in row if b["callback_data"].startswith("ask:")
    ]
    assert 1 <= len(buttons) <= 3
    pressed = await chat.press(buttons[0]["callback_data"])
    assert pressed[0][0] == "answerCallbackQuery"
    [answer] = texts(pressed)
    assert "来源：" in answer


async def test_forged_suggestion_button_gets_a_polite_reply(chat: ChatDriver) -> None:
    calls = await chat.press("ask:qa:does-not-exist")
    assert calls[0][0] == "answerCallbackQuery"
    assert "失效" in texts(calls)[0]


async def test_sticker_gets_text_only_note(chat: ChatDriver) -> None:
    sticker = {
        "file_id": "x",
        "file_unique_id": "y",
        "width": 1,
        "height": 1,
        "is_animated": False,
        "is_video": False,
        "type": "regular",
    }
    calls = await chat.feed(
        {
            "message": {
                "message_id": 3,
                "date": 0,
                "chat": {"id": 4242, "type": "private"},
                "from": {"id": 4242, "is_bot": False, "first_name": "a"},
                "sticker": sticker,
            }
        }
    )
    assert "文字" in texts(calls)[0]


@pytest.mark.parametrize("text", ["😀😀😀", "\u200b\u200b", "？？？"])
async def test_unreadable_text_gets_a_hint(chat: ChatDriver, text: str) -> None:
    [reply] = texts(await chat.send(text))
    assert "请用文字输入您的问题" in reply


async def test_huge_message_is_answered_within_limits(chat: ChatDriver) -> None:
    for reply in texts(await chat.send("工会" * 5000)):
        assert 0 < len(reply) <= 4096


async def test_error_handler_logs_and_apologises(
    chat: ChatDriver, fake_api: FakeBotAPI, caplog: pytest.LogCaptureFixture
) -> None:
    failures = iter([True])

    def fail_first_send(method: str, params: dict[str, Any]) -> Any:
        if method == "sendMessage" and next(failures, False):
            from tests.fake_bot_api import error

            return error(400, "Bad Request: can't parse entities")
        return None

    fake_api.behaviour = fail_first_send
    calls = await chat.send("工会法第六条")
    sends = [p for m, p in calls if m == "sendMessage"]
    assert len(sends) == 2
    assert "出了点问题" in sends[1]["text"]
    assert any("error while handling an update" in r.message for r in caplog.records)


async def test_commands_are_registered_per_language(chat: ChatDriver, fake_api: FakeBotAPI) -> None:
    application: Application = chat.application
    await register_commands(application)
    calls = fake_api.of("setMyCommands")
    languages = {c.get("language_code") for c in calls}
    assert {None, "en"} <= languages
    default = next(c for c in calls if c.get("language_code") is None)
    assert {"start", "help"} <= {c["command"] for c in default["commands"]}


async def test_cancel_with_nothing_open_says_so(chat: ChatDriver) -> None:
    [reply] = texts(await chat.send("/cancel"))
    assert "没有进行中的操作" in reply


async def test_cancel_still_ends_an_open_questionnaire(chat: ChatDriver) -> None:
    await chat.send("/loan")
    [reply] = texts(await chat.send("/cancel"))
    assert "没有进行中的操作" not in reply
