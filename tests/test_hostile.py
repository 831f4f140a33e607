"""Hostile and malformed input: any text, location or button data gets a reply or a clear
refusal, never an exception and never a message over Telegram's limits; groups, channels,
edits and media get sensible treatment."""

from __future__ import annotations

import itertools
import json
import logging
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from telegram.ext import CallbackQueryHandler

from bot.core.i18n import SUPPORTED, gettext_for, negotiate, parse_choice
from bot.guard.chat_gate import Route, route
from bot.understanding.engine import Engine
from bot.understanding.render import render_answer
from handlers.chat.render import answer_html
from handlers.chat.split import MAX_MESSAGE, split_message
from tests.conftest import ChatDriver, texts
from tests.fake_bot_api import BOT_ID, BOT_USERNAME, message_update

BOUNDED = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
APOLOGY = "出了点问题"
CAPTION_LIMIT = 1024
CALLBACK_ANSWER_LIMIT = 200
_users = itertools.count(10_000_000)  # a fresh user per example, so flood control never interferes

any_text = st.one_of(
    st.text(),
    st.text(min_size=3000, max_size=6000),
    st.text(alphabet=st.sampled_from("工会法第六条劳模站点贷款<>&;\"'\n\u200b\ufeff🧧 "), max_size=5000),
)


def assert_within_limits(calls: list[tuple[str, dict[str, Any]]]) -> None:
    for method, params in calls:
        if method in ("sendMessage", "editMessageText"):
            assert 0 < len(str(params["text"]).strip()) <= MAX_MESSAGE, (method, len(str(params["text"])))
        if "caption" in params:
            assert len(str(params["caption"])) <= CAPTION_LIMIT
        if method == "answerCallbackQuery" and "text" in params:
            assert len(str(params["text"])) <= CALLBACK_ANSWER_LIMIT
        for row in (params.get("reply_markup") or {}).get("inline_keyboard", []):
            for button in row:
                assert len(button.get("callback_data", "").encode()) <= 64


def assert_no_error(caplog: pytest.LogCaptureFixture, calls: list[tuple[str, dict[str, Any]]]) -> None:
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], [r.getMessage() for r in caplog.records]
    assert not any(APOLOGY in t for t in texts(calls))


# -- the engine and the renderers, in every locale ------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(text=any_text)
def test_engine_answers_any_text_within_limits(engine: Engine, text: str) -> None:
    answer = engine.answer(text)
    for locale in SUPPORTED:
        html = answer_html(answer, gettext_for(locale))
        parts = split_message(html)
        assert all(0 < len(p) <= MAX_MESSAGE for p in parts)
        assert render_answer(answer, gettext_for(locale)).plain()


@settings(max_examples=200, deadline=None)
@given(ref=st.text(max_size=80))
def test_answer_ref_refuses_unknown_refs_cleanly(engine: Engine, ref: str) -> None:
    answer = engine.answer_ref(ref)
    assert answer is None or render_answer(answer, gettext_for("zh_Hans")).plain()


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=MAX_MESSAGE * 3), limit=st.integers(16, MAX_MESSAGE))
def test_split_message_respects_any_limit(text: str, limit: int) -> None:
    assert all(len(p) <= limit for p in split_message(text, limit))


# -- through the bot ------------------------------------------------------------------------------


@BOUNDED
@given(text=any_text)
async def test_any_text_gets_a_reply_within_limits(
    chat: ChatDriver, caplog: pytest.LogCaptureFixture, text: str
) -> None:
    caplog.clear()
    calls = await chat.send(text, user_id=next(_users))
    assert_within_limits(calls)
    assert_no_error(caplog, calls)
    if text:
        assert texts(calls), "a private text message must get an answer"


def callback_prefixes(chat: ChatDriver) -> list[str]:
    """The literal prefix of every registered button pattern (``ask:``, ``menu:``, ``lang:``, …)."""
    prefixes = set()
    for handlers in chat.application.handlers.values():
        for handler in handlers:
            pattern = getattr(handler, "pattern", None)
            if isinstance(handler, CallbackQueryHandler) and isinstance(pattern, re.Pattern):
                literal = re.match(r"\^?([\w:-]+)", pattern.pattern)
                if literal:
                    prefixes.add(literal.group(1))
    return sorted(prefixes)


@BOUNDED
@given(data=st.data())
async def test_forged_button_data_gets_a_refusal_never_an_error(
    chat: ChatDriver, caplog: pytest.LogCaptureFixture, data: st.DataObject
) -> None:
    caplog.clear()
    prefix = data.draw(st.sampled_from(["", *callback_prefixes(chat)]))
    rest = data.draw(st.text(max_size=64 - len(prefix.encode())).filter(lambda s: len((prefix + s).encode()) <= 64))
    calls = await chat.press(prefix + rest, user_id=next(_users))
    assert_within_limits(calls)
    assert_no_error(caplog, calls)
    assert [m for m, _ in calls].count("answerCallbackQuery") <= 1


@BOUNDED
@given(
    lat=st.floats(-90, 90, allow_nan=False),
    lon=st.floats(-180, 180, allow_nan=False),
)
async def test_any_location_gets_a_reply(
    chat: ChatDriver, caplog: pytest.LogCaptureFixture, lat: float, lon: float
) -> None:
    caplog.clear()
    calls = await chat.locate(lat, lon, user_id=next(_users))
    assert_within_limits(calls)
    assert_no_error(caplog, calls)


# -- chats, edits and media -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("chat_type", "from_bot", "edited", "addressed", "expected"),
    [
        ("private", False, False, False, Route.HANDLE),
        ("private", False, True, False, Route.EDITED),
        ("group", False, False, False, Route.IGNORE),
        ("supergroup", False, False, True, Route.HANDLE),
        ("supergroup", False, True, True, Route.IGNORE),
        ("channel", False, False, True, Route.IGNORE),
        ("private", True, False, True, Route.IGNORE),
        (None, False, False, False, Route.HANDLE),
    ],
)
def test_route(chat_type: str | None, from_bot: bool, edited: bool, addressed: bool, expected: Route) -> None:
    assert route(chat_type, from_bot=from_bot, edited=edited, addressed=addressed) is expected


def group_update(text: str, **message: Any) -> dict[str, Any]:
    update = message_update(text, user_id=601)
    update["message"]["chat"] = {"id": -100601, "type": "supergroup", "title": "车间群"}
    update["message"].update(message)
    return update


async def test_group_chatter_is_ignored(chat: ChatDriver) -> None:
    assert await chat.feed(group_update("今天食堂吃什么")) == []


async def test_group_mention_is_answered(chat: ChatDriver) -> None:
    text = f"@{BOT_USERNAME} 工会法第六条"
    mention = {"entities": [{"type": "mention", "offset": 0, "length": len(BOT_USERNAME) + 1}]}
    [reply] = texts(await chat.feed(group_update(text, **mention)))
    assert "竭诚服务职工群众" in reply


async def test_group_reply_to_the_bot_is_answered(chat: ChatDriver) -> None:
    bot_message = {"message_id": 9, "date": 0, "chat": {"id": -100601, "type": "supergroup"}, "text": "…"}
    bot_message["from"] = {"id": BOT_ID, "is_bot": True, "first_name": "职工服务"}
    assert texts(await chat.feed(group_update("工会法第六条", reply_to_message=bot_message)))


async def test_group_command_is_answered(chat: ChatDriver) -> None:
    command = f"/help@{BOT_USERNAME}"
    update = group_update(command, entities=[{"type": "bot_command", "offset": 0, "length": len(command)}])
    assert texts(await chat.feed(update))


async def test_channel_posts_are_ignored(chat: ChatDriver) -> None:
    post = {"message_id": 1, "date": 0, "chat": {"id": -100700, "type": "channel", "title": "频道"}, "text": "/start"}
    assert await chat.feed({"channel_post": post}) == []


async def test_messages_from_other_bots_are_ignored(chat: ChatDriver) -> None:
    update = message_update("工会法第六条", user_id=602)
    update["message"]["from"]["is_bot"] = True
    assert await chat.feed(update) == []


async def test_edited_message_gets_a_note_not_a_second_answer(chat: ChatDriver) -> None:
    update = message_update("工会法第六条", user_id=603)
    update["edited_message"] = {**update.pop("message"), "edit_date": 1}
    [note] = texts(await chat.feed(update))
    assert "修改" in note
    assert "竭诚服务" not in note


def media_update(**media: Any) -> dict[str, Any]:
    update = message_update(None, user_id=604)
    update["message"].update(media)
    return update


FILE = {"file_id": "f", "file_unique_id": "u"}


@pytest.mark.parametrize(
    ("media", "expected"),
    [
        ({"voice": {**FILE, "duration": 3}}, "语音"),
        ({"audio": {**FILE, "duration": 3}}, "语音"),
        ({"photo": [{**FILE, "width": 1, "height": 1}]}, "文字"),
        ({"photo": [{**FILE, "width": 1, "height": 1}], "caption": "工会法第六条"}, "文字"),
        ({"document": {**FILE}}, "文字"),
        (
            {"sticker": {**FILE, "width": 1, "height": 1, "is_animated": False, "is_video": False, "type": "regular"}},
            "文字",
        ),
    ],
)
async def test_media_gets_a_polite_text_only_note(chat: ChatDriver, media: dict[str, Any], expected: str) -> None:
    [note] = texts(await chat.feed(media_update(**media)))
    assert expected in note


async def test_inline_query_is_survived(chat: ChatDriver, caplog: pytest.LogCaptureFixture) -> None:
    sender = {"id": 605, "is_bot": False, "first_name": "a"}
    assert await chat.feed({"inline_query": {"id": "1", "from": sender, "query": "工会", "offset": ""}}) == []
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize(
    "where",
    [
        {"inline_message_id": "inline-1"},  # a button under an inline message: no message at all
        {"message": {"message_id": 5, "date": 0, "chat": {"id": 606, "type": "private"}}},  # too old to show
    ],
)
async def test_button_without_an_accessible_message_gets_a_note(
    chat: ChatDriver, caplog: pytest.LogCaptureFixture, where: dict[str, Any]
) -> None:
    sender = {"id": 606, "is_bot": False, "first_name": "a"}
    query = {"id": "q1", "from": sender, "chat_instance": "ci", "data": "ask:qa:anything", **where}
    [(method, params)] = await chat.feed({"callback_query": query})
    assert method == "answerCallbackQuery"
    assert "过期" in params["text"]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


# -- every parser of outside input ----------------------------------------------------------------


def _parsers() -> dict[str, tuple[Callable[[Any], object], st.SearchStrategy[Any], tuple[type[Exception], ...]]]:
    """Each parser with the input it meets and the refusal it may raise (anything else is a bug)."""
    from bot.loans.amount import parse_amount
    from bot.loans.questionnaire import parse_resume
    from bot.staff.announcement import AnnouncementError, parse_send_at, validate_text
    from bot.stations.csv_import import COLUMNS, UnreadableFile, decode, parse_rows
    from bot.stations.geo import parse_location
    from handlers.serve.admin_api import parse_body
    from handlers.serve.http_base import ApiError
    from handlers.staff.feedback import parse_vote
    from handlers.topics.stations_keyboards import parse_filter

    now = datetime(2026, 11, 25, tzinfo=UTC)
    json_ish = st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=50),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
        max_leaves=12,
    )
    bodies = st.binary(max_size=300) | json_ish.map(lambda v: json.dumps(v).encode())
    row = st.lists(st.text(max_size=30), min_size=0, max_size=len(COLUMNS) + 2)
    return {
        "loan amount": (parse_amount, st.text(), ()),
        "loan resume": (parse_resume, st.text(), ()),
        "send time": (lambda text: parse_send_at(text, now), st.text(), (AnnouncementError,)),
        "notice text": (validate_text, st.text(), (AnnouncementError,)),
        "vote button": (parse_vote, st.text(max_size=64), ()),
        "station filter button": (parse_filter, st.text(max_size=64), ()),
        "language choice": (parse_choice, st.text(), ()),
        "language code": (negotiate, st.text(), ()),
        "location": (parse_location, json_ish, ()),
        "csv bytes": (decode, st.binary(), (UnreadableFile,)),
        "csv rows": (lambda rows: parse_rows(list(COLUMNS), list(enumerate(rows, 2)), now.date()), st.lists(row), ()),
        "admin api body": (parse_body, bodies, (ApiError,)),
    }


PARSERS = _parsers()


@pytest.mark.parametrize("name", sorted(PARSERS))
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_every_parser_answers_or_refuses_clearly(name: str, data: st.DataObject) -> None:
    parse, inputs, refusals = PARSERS[name]
    value = data.draw(inputs)
    refusal: Exception | None = None
    try:
        parse(value)  # any other exception fails the test
    except refusals as exc:
        refusal = exc
    assert refusal is None or str(refusal), "a refusal must say what is wrong"


@settings(max_examples=150, deadline=None)
@given(text=st.text())
def test_law_lookup_answers_any_text(engine: Engine, text: str) -> None:
    from bot.law.articles import KeywordMatches, lookup

    found = lookup(engine.knowledge.law, text)
    assert isinstance(found, int | KeywordMatches)


async def test_unknown_command_gets_a_pointer_to_help(chat: ChatDriver) -> None:
    [reply] = texts(await chat.send("/frobnicate", user_id=607))
    assert "/help" in reply


@pytest.mark.parametrize(
    "content",
    [
        {"contact": {"phone_number": "+8613800000000", "first_name": "王"}},
        {"dice": {"emoji": "🎲", "value": 3}},
        {"venue": {"location": {"latitude": 20.0, "longitude": 110.3}, "title": "站", "address": "路"}},
    ],
)
async def test_any_other_message_gets_the_text_only_note(chat: ChatDriver, content: dict[str, Any]) -> None:
    update = message_update(None, user_id=608)
    update["message"].update(content)
    [note] = texts(await chat.feed(update))
    assert "文字" in note
