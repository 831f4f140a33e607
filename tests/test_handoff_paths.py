"""Every way to a person, as a member meets it: the menu, a 👎, a bare /human, a group, long texts."""

from __future__ import annotations

import itertools
import time
from dataclasses import replace
from typing import Any

import pytest

from bot.core.settings import Settings
from bot.services import Services
from tests.calls import buttons, to_chat
from tests.conftest import ChatDriver, texts
from tests.fake_bot_api import BOT_ID, BOT_USERNAME, user
from tests.sql import rows
from tests.test_handoff import MEMBER, STAFF_CHAT, ask, staff_message
from tests.test_loan_flow import reach

SURE_QUESTION = "劳模看病挂号要钱吗"  # a definite answer, with 👍/👎
GROUP = -500_000
ASKER, OTHER = 4242, 5151
_ids = itertools.count(70_000)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return replace(settings, staff_chat_id=STAFF_CHAT)


def staff_texts(calls: list[tuple[str, dict[str, Any]]]) -> list[str]:
    return [p["text"] for p in to_chat(calls, STAFF_CHAT)]


async def test_the_menu_has_a_person_to_ask(chat: ChatDriver) -> None:
    assert "menu:human" in buttons(await chat.send("/start"))
    calls = await chat.press("menu:human")
    [prompt] = [p for m, p in calls if m == "sendMessage"]
    assert "请把您的问题发给我" in prompt["text"]
    assert prompt["reply_markup"]["force_reply"] is True
    calls = await chat.send("单位拖欠工资三个月了")
    assert any("单位拖欠工资三个月了" in t for t in staff_texts(calls))
    assert "转给工会工作人员" in texts(calls)[-1]


async def test_a_down_vote_offers_a_person_and_hands_over_the_question_asked(chat: ChatDriver) -> None:
    question_id, calls = await ask(chat, SURE_QUESTION)
    down = next(b for b in buttons(calls) if b.startswith("fb:down:"))
    calls = await chat.press(down, user_id=MEMBER, message_id=question_id + 1)
    [offer] = [p for m, p in calls if m == "sendMessage"]
    assert "没帮上忙" in offer["text"]
    [[person]] = offer["reply_markup"]["inline_keyboard"]
    assert person["callback_data"] == f"ho:ask:{question_id + 1}"
    calls = await chat.press(person["callback_data"], user_id=MEMBER, message_id=question_id + 2)
    [posted] = staff_texts(calls)
    assert SURE_QUESTION in posted


async def test_an_up_vote_offers_nothing_more(chat: ChatDriver) -> None:
    question_id, calls = await ask(chat, SURE_QUESTION)
    up = next(b for b in buttons(calls) if b.startswith("fb:up:"))
    calls = await chat.press(up, user_id=MEMBER, message_id=question_id + 1)
    assert not [m for m, _ in calls if m == "sendMessage"]


async def test_a_bare_human_takes_the_next_message_as_the_question(chat: ChatDriver) -> None:
    [prompt] = texts(await chat.send("/human"))
    assert "/cancel" in prompt
    calls = await chat.send("公司不给交社保怎么办")
    [posted] = staff_texts(calls)
    assert "公司不给交社保怎么办" in posted
    assert "小王" in posted  # the asker's name
    after = await chat.send("劳模看病要挂号费吗")  # the one after is an ordinary question again
    assert not staff_texts(after)


async def test_cancel_after_a_bare_human_sends_nothing_to_staff(chat: ChatDriver) -> None:
    await chat.send("/human")
    [reply] = texts(await chat.send("/cancel"))
    assert "不转" in reply
    calls = await chat.send("公司不给交社保怎么办")
    assert not staff_texts(calls)
    assert texts(calls)


async def test_a_bare_human_in_the_middle_of_the_loan_questionnaire(chat: ChatDriver) -> None:
    await reach(chat, 3)
    await chat.send("/human")
    calls = await chat.send("利息怎么算")
    assert any("利息怎么算" in t for t in staff_texts(calls))
    assert not any("没看懂这个金额" in t for t in texts(calls))


def group_message(text: str, user_id: int) -> dict[str, Any]:
    entities = [{"type": "mention", "offset": 0, "length": len(BOT_USERNAME) + 1}]
    return {
        "message": {
            "message_id": next(_ids),
            "date": int(time.time()),
            "chat": {"id": GROUP, "type": "group", "title": "车间群"},
            "from": user(user_id, first_name="提问人" if user_id == ASKER else "路人"),
            "text": f"@{BOT_USERNAME} {text}",
            "entities": entities,
        }
    }


def group_press(data: str, user_id: int, message_id: int) -> dict[str, Any]:
    return {
        "callback_query": {
            "id": str(next(_ids)),
            "from": user(user_id, first_name="提问人" if user_id == ASKER else "路人"),
            "chat_instance": "group",
            "data": data,
            "message": {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": {"id": GROUP, "type": "group", "title": "车间群"},
                "from": {"id": BOT_ID, "is_bot": True, "first_name": "职工服务"},
                "text": "…",
            },
        }
    }


async def test_in_a_group_only_the_asker_can_hand_their_question_over(chat: ChatDriver) -> None:
    update = group_message("今天天气怎么样", ASKER)
    calls = await chat.feed(update)
    assert "ho:ask" in buttons(calls)
    answer_id = update["message"]["message_id"] + 1
    calls = await chat.feed(group_press("ho:ask", OTHER, answer_id))
    assert not staff_texts(calls)
    [(_, alert)] = [c for c in calls if c[0] == "answerCallbackQuery"]
    assert alert["show_alert"] is True
    assert "只有提问的人" in alert["text"]
    calls = await chat.feed(group_press("ho:ask", ASKER, answer_id))
    [posted] = staff_texts(calls)
    assert "提问人" in posted
    assert "路人" not in posted


async def test_a_long_question_reaches_staff_whole_and_any_part_can_be_answered(
    chat: ChatDriver, bot_services: Services
) -> None:
    question = "我想问：" + "工资被拖欠了怎么办。" * 409  # 4,094 characters: the header pushes it over 4,096
    calls = await chat.send(f"/human {question}")
    parts = staff_texts(calls)
    assert len(parts) >= 2
    assert all(len(p) <= 4096 for p in parts)
    assert "".join(parts).count("工资被拖欠了怎么办。") == 409
    assert "请直接回复" in parts[-1]
    posted = rows(bot_services.settings.data_dir, "SELECT staff_message_id FROM handoffs ORDER BY staff_message_id")
    assert len(posted) == len(parts)
    last_part = posted[-1][0]
    calls = await chat.feed(staff_message("收到，请来工会一趟", last_part))
    assert "收到，请来工会一趟" in to_chat(calls, MEMBER)[0]["text"]


async def test_a_long_staff_reply_reaches_the_member_whole(chat: ChatDriver, bot_services: Services) -> None:
    await chat.send("/human 加班费怎么算")
    [(staff_message_id,)] = rows(bot_services.settings.data_dir, "SELECT staff_message_id FROM handoffs")
    reply = "按劳动法规定。" * 585  # 4,095 characters: with its header over one message
    calls = await chat.feed(staff_message(reply, staff_message_id))
    relayed = [p["text"] for p in to_chat(calls, MEMBER)]
    assert len(relayed) == 2
    assert "".join(relayed).count("按劳动法规定。") == 585
    assert "已转达" in staff_texts(calls)[-1]
