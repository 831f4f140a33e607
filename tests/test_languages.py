"""Every flow in every language, as a member reads it through the fake Bot API.

繁體 readers: every text and button, content labels included, reads as Traditional (converting it
again changes nothing). English readers: every button they need to finish a flow is English.
"""

from __future__ import annotations

import re
from typing import Any

import opencc
import pytest

from bot.benefits.policy import policy_tag
from bot.core.knowledge import Knowledge
from handlers.chat.commands import COMMANDS
from tests.conftest import ChatDriver

Calls = list[tuple[str, dict[str, Any]]]
CJK = re.compile(r"[\u4e00-\u9fff]")
TO_TRADITIONAL = opencc.OpenCC("s2tw")
HANT, EN = "zh-hk", "en"


def shown(calls: Calls) -> list[str]:
    """Every text and button label the member sees in these calls."""
    found = []
    for method, params in calls:
        if method in ("sendMessage", "editMessageText"):
            found.append(str(params.get("text", "")))
        markup = params.get("reply_markup")
        for row in (markup or {}).get("inline_keyboard", []) + (markup or {}).get("keyboard", []):
            found += [str(button["text"]) for button in row]
    return found


def labels(calls: Calls) -> list[str]:
    return [
        str(b["text"])
        for method, params in calls
        for row in (params.get("reply_markup") or {}).get("inline_keyboard", [])
        for b in row
    ]


def simplified_only(texts: list[str]) -> list[str]:
    """The texts (cut to where they differ) that still hold Simplified characters."""
    return [t for t in texts if TO_TRADITIONAL.convert(t) != t]


async def walk(chat: ChatDriver, language: str, steps: list[str]) -> Calls:
    """Press the buttons and type the words; a 繁體 reader types in Traditional (their words are echoed)."""
    calls: Calls = []
    for step in steps:
        if step.startswith(("loan:", "menu:", "sub:", "ben:", "ask:")):
            calls += await chat.press(step, language_code=language)
        else:
            typed = TO_TRADITIONAL.convert(step) if language == HANT else step
            calls += await chat.send(typed, language_code=language)
    return calls


LOAN_HOME = ["/loan", "loan:group:1", "loan:city:home", "loan:unpaid:no", "8万", "开一家早餐店", "loan:details"]
LOAN_AWAY = ["/loan", "loan:group:other", "杭州", "loan:unpaid:yes", "100万", "开网店", "loan:details"]
SUBSCRIBE = ["/subscribe", "sub:t:stations", "sub:c:haikou", "/settings"]


@pytest.mark.parametrize("route", [LOAN_HOME, LOAN_AWAY, SUBSCRIBE, ["/start", "/help", "menu:faq", "menu:human"]])
async def test_traditional_readers_see_traditional_everywhere(chat: ChatDriver, route: list[str]) -> None:
    calls = await walk(chat, HANT, route)
    assert shown(calls)
    assert simplified_only(shown(calls)) == []


async def test_traditional_readers_see_the_benefits_check_in_traditional(
    chat: ChatDriver, knowledge: Knowledge
) -> None:
    tag = policy_tag(knowledge.files.benefits.policies[0])
    calls = await walk(chat, HANT, ["/start benefits", f"ben:h:{tag}", f"ben:s:{tag}:0", f"ben:r:{tag}:0:s"])
    assert "景區免門票" in "".join(shown(calls))
    assert simplified_only(shown(calls)) == []


@pytest.mark.parametrize("route", [LOAN_HOME, LOAN_AWAY, SUBSCRIBE])
async def test_english_readers_can_finish_every_flow(chat: ChatDriver, route: list[str]) -> None:
    calls = await walk(chat, EN, route)
    assert labels(calls)
    assert [label for label in labels(calls) if CJK.search(label)] == []


async def test_english_readers_are_told_the_verdict_is_in_chinese(chat: ChatDriver) -> None:
    calls = await walk(chat, EN, LOAN_HOME[:-1])
    verdict = [p["text"] for m, p in calls if m == "sendMessage"][-1]
    assert "only available in Chinese" in verdict
    assert "Fushun Federation of Trade Unions" in verdict


async def test_english_readers_read_subscription_topics_and_cities_in_english(chat: ChatDriver) -> None:
    calls = await walk(chat, EN, ["/subscribe", "sub:t:stations", "sub:c:haikou"])
    edited = [p["text"] for m, p in calls if m == "editMessageText"][-1]
    assert "Service stations" in edited
    assert "Haikou" in edited


@pytest.mark.parametrize(("language", "heading"), [("zh-hans", "常用命令"), (HANT, "常用命令"), (EN, "Commands")])
async def test_help_lists_every_member_command_in_the_readers_language(
    chat: ChatDriver, language: str, heading: str
) -> None:
    [text] = [p["text"] for m, p in await chat.send("/help", language_code=language) if m == "sendMessage"]
    assert heading in text
    for command in ("/loan", "/human", "/subscribe", "/settings", "/language", "/cancel"):
        assert command in text
    assert len(re.findall(r"^/\w+ — ", text, re.M)) == len(COMMANDS)
    if language == EN:
        lines = [line for line in text.splitlines() if line.startswith("/")]
        assert [line for line in lines if CJK.search(line) and "Language" not in line] == []
