"""The law flow end to end through the fake Bot API: contents, chapters, articles, /law, bad input."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import ChatDriver, texts
from tests.fake_bot_api import FakeBotAPI, error

Calls = list[tuple[str, dict[str, Any]]]


def buttons(calls: Calls, method: str) -> list[str]:
    """The callback data of the keyboard sent by the last ``method`` call."""
    [*_, params] = [p for m, p in calls if m == method]
    return [b["callback_data"] for row in params["reply_markup"]["inline_keyboard"] for b in row]


def edited(calls: Calls) -> dict[str, Any]:
    [params] = [p for m, p in calls if m == "editMessageText"]
    return params


@pytest.mark.parametrize("opening", ["/start law", "/law"])
async def test_contents_show_the_overview_and_every_chapter(chat: ChatDriver, opening: str) -> None:
    calls = await chat.send(opening)
    [text] = texts(calls)
    assert "竭诚服务职工群众" in text
    assert "来源：" in text
    data = buttons(calls, "sendMessage")
    assert data[:2] == ["law:a:6", "law:a:32"]
    assert [d for d in data if d.startswith("law:c:")] == [f"law:c:{n}:0" for n in range(1, 8)]


async def test_menu_button_opens_the_contents(chat: ChatDriver) -> None:
    calls = await chat.press("menu:law")
    assert calls[0][0] == "answerCallbackQuery"
    assert "law:c:1:0" in buttons(calls, "sendMessage")


async def test_chapter_pages_edit_the_same_message(chat: ChatDriver) -> None:
    first = await chat.press("law:c:3:0", message_id=77)
    assert first[0][0] == "answerCallbackQuery"
    params = edited(first)
    assert params["message_id"] == 77
    assert "第三章 工会的权利和义务" in params["text"]
    data = buttons(first, "editMessageText")
    assert "law:a:20" in data
    assert "law:c:3:1" in data  # next page
    assert "law:m" in data
    assert not texts(first)  # nothing new in the chat
    second = await chat.press("law:c:3:1", message_id=77)
    data = buttons(second, "editMessageText")
    assert "law:c:3:0" in data  # previous page
    assert "law:a:35" in data
    assert "law:a:20" not in data


async def test_article_view_quotes_names_chapter_and_navigates(chat: ChatDriver) -> None:
    calls = await chat.press("law:a:6", message_id=5)
    params = edited(calls)
    assert "竭诚服务职工群众" in params["text"]
    assert "工会法第六条（第一章 总则）" in params["text"]
    assert "来源：" in params["text"]
    assert buttons(calls, "editMessageText") == ["law:a:5", "law:a:7", "law:c:1:0", "law:m"]
    following = await chat.press("law:a:7", message_id=5)
    assert "工会法第七条" in edited(following)["text"]


@pytest.mark.parametrize(("number", "absent"), [(1, "law:a:0"), (58, "law:a:59")])
async def test_first_and_last_articles_have_one_neighbour(chat: ChatDriver, number: int, absent: str) -> None:
    data = buttons(await chat.press(f"law:a:{number}"), "editMessageText")
    assert absent not in data
    assert sum(d.startswith("law:a:") for d in data) == 1


async def test_back_from_an_article_returns_to_its_page(chat: ChatDriver) -> None:
    data = buttons(await chat.press("law:a:34"), "editMessageText")
    assert "law:c:3:1" in data


@pytest.mark.parametrize("question", ["工会法第六条", "第6条", "工會法第六條", "工会法6条"])
async def test_typed_article_gets_previous_next_buttons(chat: ChatDriver, question: str) -> None:
    calls = await chat.send(question)
    [text] = texts(calls)
    assert "竭诚服务职工群众" in text
    data = buttons(calls, "sendMessage")
    assert "law:a:5" in data
    assert "law:a:7" in data


async def test_typed_question_answered_by_an_entry_has_no_article_navigation(chat: ChatDriver) -> None:
    calls = await chat.send("老板拖欠工资工会能管吗")
    [(_, params)] = [c for c in calls if c[0] == "sendMessage"]
    data = [b["callback_data"] for row in (params.get("reply_markup") or {}).get("inline_keyboard", []) for b in row]
    assert not any(d.startswith("law:a:") for d in data)


async def test_law_command_with_a_number_shows_the_article(chat: ChatDriver) -> None:
    calls = await chat.send("/law 三十二")
    [text] = texts(calls)
    assert "思想政治引领" in text
    assert "law:a:33" in buttons(calls, "sendMessage")


async def test_law_command_with_a_keyword_lists_matching_articles(chat: ChatDriver) -> None:
    calls = await chat.send("/law 工会经费")
    [text] = texts(calls)
    assert "工会经费" in text
    data = buttons(calls, "sendMessage")
    assert "law:a:43" in data
    pressed = await chat.press("law:a:43")
    assert "百分之二" in edited(pressed)["text"]


@pytest.mark.parametrize(
    ("command", "reply"),
    [("/law 火星", "没有找到"), ("/law 99", "没有第99条"), ("/law 0", "没有第0条"), ("/law ፩", "没有找到")],
)
async def test_law_command_without_a_result_says_so(chat: ChatDriver, command: str, reply: str) -> None:
    [text] = texts(await chat.send(command))
    assert reply in text


@pytest.mark.parametrize(
    "data",
    [
        "law:",
        "law:x",
        "law:m:extra",
        "law:a:0",
        "law:a:59",
        "law:a:-1",
        "law:a:abc",
        "law:a:6:7",
        "law:a:" + "9" * 58,
        "law:c:0:0",
        "law:c:8:0",
        "law:c:7:1",
        "law:c:3:-1",
        "law:c:1",
        "law:c:一:0",
    ],
)
async def test_forged_or_stale_buttons_get_a_polite_reply(chat: ChatDriver, data: str) -> None:
    calls = await chat.press(data)
    assert calls[0][0] == "answerCallbackQuery"
    assert "editMessageText" not in [m for m, _ in calls]
    [text] = texts(calls)
    assert "失效" in text
    assert "/law" in text


def edits_fail(fake_api: FakeBotAPI, description: str) -> None:
    """Make Telegram refuse every edit with ``description``."""
    fake_api.behaviour = lambda method, params: error(400, description) if method == "editMessageText" else None


async def test_double_tap_is_harmless(chat: ChatDriver, fake_api: FakeBotAPI) -> None:
    edits_fail(fake_api, "Bad Request: message is not modified: specified new message content is the same")
    calls = await chat.press("law:a:6")
    assert [m for m, _ in calls] == ["answerCallbackQuery", "editMessageText"]


async def test_uneditable_message_gets_the_page_as_a_new_message(chat: ChatDriver, fake_api: FakeBotAPI) -> None:
    edits_fail(fake_api, "Bad Request: message to edit not found")
    calls = await chat.press("law:c:2:0")
    [text] = texts(calls)
    assert "第二章 工会组织" in text
    assert "law:a:10" in buttons(calls, "sendMessage")


@pytest.mark.parametrize("typed", ["3", "第三章", "下一条", "law:a:6"])
async def test_text_typed_instead_of_pressing_still_gets_an_answer(chat: ChatDriver, typed: str) -> None:
    await chat.send("/law")
    replies = texts(await chat.send(typed))
    assert len(replies) == 1
    assert replies[0]


async def test_traditional_reader_reads_the_law_in_traditional_script(chat: ChatDriver) -> None:
    calls = await chat.press("law:a:6", language_code="zh-hk")
    assert "竭誠服務職工群眾" in edited(calls)["text"]
    calls = await chat.send("/law", language_code="zh-hk")
    assert "維護" in texts(calls)[0]


@pytest.mark.parametrize("language", ["en", "zh-hk", "zh-hans"])
async def test_every_page_renders_in_every_locale(chat: ChatDriver, language: str) -> None:
    assert texts(await chat.send("/law", language_code=language))
    for data in ("law:c:3:1", "law:a:58", "law:m"):
        assert edited(await chat.press(data, language_code=language))["text"]
    assert texts(await chat.send("/law 经费", language_code=language))
