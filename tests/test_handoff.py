"""转人工 end to end through the fake Bot API: member → staff chat → staff reply → member."""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

import pytest

from bot.core.settings import Settings
from bot.services import Services
from tests.calls import buttons, to_chat
from tests.conftest import ChatDriver, texts
from tests.fake_bot_api import BOT_ID, FakeBotAPI, error, message_update
from tests.sql import rows

STAFF_CHAT = -1001234
STAFF = 9000  # in ADMIN_IDS (conftest)
MEMBER = 4242
UNSURE_QUESTION = "工资"  # the engine is unsure: suggestions, not an answer
OFF_TOPIC_QUESTION = "今天天气怎么样"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return replace(settings, staff_chat_id=STAFF_CHAT)


async def ask(chat: ChatDriver, text: str, user_id: int = MEMBER) -> tuple[int, list[tuple[str, dict[str, Any]]]]:
    """Send a question; its message id and the calls it caused."""
    update = message_update(text, user_id=user_id)
    return update["message"]["message_id"], await chat.feed(update)


def staff_message(text: str | None, reply_to: int | None, user_id: int = STAFF, **extra: Any) -> dict[str, Any]:
    chat = {"id": STAFF_CHAT, "type": "supergroup", "title": "工会工作人员"}
    message: dict[str, Any] = {
        "message_id": int(time.time() * 1000) % 10**9,
        "date": int(time.time()),
        "chat": chat,
        "from": {"id": user_id, "is_bot": False, "first_name": "李老师"},
        **extra,
    }
    if text is not None:
        message["text"] = text
    if reply_to is not None:
        message["reply_to_message"] = {
            "message_id": reply_to,
            "date": int(time.time()),
            "chat": chat,
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "职工服务"},
            "text": "职工求助（转人工）…",
        }
    return {"message": message}


def handoff_message_id(services: Services) -> int:
    [(message_id,)] = rows(services.settings.data_dir, "SELECT staff_message_id FROM handoffs")
    return message_id


async def hand_off_by_button(chat: ChatDriver, text: str = UNSURE_QUESTION) -> tuple[int, list[tuple[str, Any]]]:
    question_id, calls = await ask(chat, text)
    assert "ho:ask" in buttons(calls)
    return question_id, await chat.press("ho:ask", user_id=MEMBER, message_id=question_id + 1)


@pytest.mark.parametrize("question", [UNSURE_QUESTION, OFF_TOPIC_QUESTION])
async def test_unsure_answers_offer_a_hand_off_and_sure_ones_do_not(chat: ChatDriver, question: str) -> None:
    _, calls = await ask(chat, question)
    assert "ho:ask" in buttons(calls)
    _, calls = await ask(chat, "劳模看病挂号要钱吗")
    assert "ho:ask" not in buttons(calls)


async def test_button_forwards_the_question_and_a_staff_reply_comes_back(
    chat: ChatDriver, bot_services: Services
) -> None:
    question_id, calls = await hand_off_by_button(chat, "股票 <涨> 怎么买")
    [posted] = to_chat(calls, STAFF_CHAT)
    assert "股票 &lt;涨&gt; 怎么买" in posted["text"]  # the member's words, escaped for HTML
    assert str(MEMBER) in posted["text"]
    [told] = to_chat(calls, MEMBER)
    assert "转给工会工作人员" in told["text"]

    calls = await chat.feed(staff_message("请带上工资条 <原件> 来工会", handoff_message_id(bot_services)))
    [relayed] = to_chat(calls, MEMBER)
    assert "请带上工资条 &lt;原件&gt; 来工会" in relayed["text"]
    assert relayed["reply_parameters"]["message_id"] == question_id  # quotes the member's question
    [confirmed] = to_chat(calls, STAFF_CHAT)
    assert "已转达" in confirmed["text"]
    assert (await bot_services.handoffs.find(STAFF_CHAT, handoff_message_id(bot_services))).replies == 1


async def test_the_same_question_goes_to_staff_once(chat: ChatDriver) -> None:
    question_id, _ = await hand_off_by_button(chat)
    calls = await chat.press("ho:ask", user_id=MEMBER, message_id=question_id + 1)
    assert not to_chat(calls, STAFF_CHAT)
    assert "已经转给工会工作人员" in texts(calls)[0]


async def test_human_command_with_a_question(chat: ChatDriver, bot_services: Services) -> None:
    calls = await chat.send("/human 单位不给签劳动合同怎么办", user_id=MEMBER)
    [posted] = to_chat(calls, STAFF_CHAT)
    assert "单位不给签劳动合同怎么办" in posted["text"]
    assert "/human" not in posted["text"]
    calls = await chat.feed(staff_message("可以申请劳动仲裁", handoff_message_id(bot_services)))
    assert "可以申请劳动仲裁" in to_chat(calls, MEMBER)[0]["text"]


async def test_a_stale_button_without_a_logged_question_asks_for_one(chat: ChatDriver) -> None:
    calls = await chat.press("ho:ask", user_id=MEMBER, message_id=1)
    assert not to_chat(calls, STAFF_CHAT)
    assert "请把您的问题发给我" in texts(calls)[0]
    calls = await chat.send("公司不给交社保怎么办", user_id=MEMBER)
    [posted] = to_chat(calls, STAFF_CHAT)
    assert "公司不给交社保怎么办" in posted["text"]


async def test_a_non_admin_in_the_staff_chat_cannot_reply_to_members(chat: ChatDriver, bot_services: Services) -> None:
    await hand_off_by_button(chat)
    calls = await chat.feed(staff_message("我来回答", handoff_message_id(bot_services), user_id=31337))
    assert not to_chat(calls, MEMBER)
    [refusal] = to_chat(calls, STAFF_CHAT)
    assert "只供工会工作人员使用" in refusal["text"]
    assert (await bot_services.handoffs.find(STAFF_CHAT, handoff_message_id(bot_services))).replies == 0


async def test_a_reply_to_another_bot_message_is_not_relayed(chat: ChatDriver) -> None:
    calls = await chat.feed(staff_message("这条回复给谁？", reply_to=424242))
    assert not to_chat(calls, MEMBER)
    assert "不是转人工请求" in to_chat(calls, STAFF_CHAT)[0]["text"]


async def test_a_staff_photo_reply_is_copied_to_the_member(chat: ChatDriver, bot_services: Services) -> None:
    await hand_off_by_button(chat)
    photo = [{"file_id": "AgAD", "file_unique_id": "u1", "width": 90, "height": 90}]
    calls = await chat.feed(staff_message(None, handoff_message_id(bot_services), photo=photo))
    [copied] = to_chat(calls, MEMBER, "copyMessage")
    assert copied["from_chat_id"] == STAFF_CHAT


async def test_a_member_who_blocked_the_bot_is_reported_to_staff(
    chat: ChatDriver, bot_services: Services, fake_api: FakeBotAPI
) -> None:
    await hand_off_by_button(chat)
    fake_api.behaviour = lambda method, params: (
        error(403, "Forbidden: bot was blocked by the user") if int(params.get("chat_id", 0)) == MEMBER else None
    )
    calls = await chat.feed(staff_message("您好", handoff_message_id(bot_services)))
    assert "未能转达" in to_chat(calls, STAFF_CHAT)[-1]["text"]
    assert (await bot_services.handoffs.find(STAFF_CHAT, handoff_message_id(bot_services))).replies == 0


async def test_an_unreachable_staff_chat_is_explained_and_nothing_is_recorded(
    chat: ChatDriver, bot_services: Services, fake_api: FakeBotAPI
) -> None:
    fake_api.behaviour = lambda method, params: (
        error(400, "Bad Request: chat not found") if int(params.get("chat_id", 0)) == STAFF_CHAT else None
    )
    _, calls = await hand_off_by_button(chat)
    assert "暂时没能转给工作人员" in to_chat(calls, MEMBER)[-1]["text"]
    assert rows(bot_services.settings.data_dir, "SELECT * FROM handoffs") == []
