"""The loan questionnaire never traps a member: what they type, what they read (fake Bot API)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from handlers.topics.loans import STATE_KEY
from tests.conftest import ChatDriver, texts
from tests.test_loan_flow import QUESTIONS, USER, buttons, last_text, reach, saved

Calls = list[tuple[str, dict[str, Any]]]
HAVE_A_REST = "我送外卖的，夏天太热了有没有地方能歇脚喝口水啊"


async def go(chat: ChatDriver, what: str) -> Calls:
    return await (chat.press(what) if what.startswith("menu:") else chat.send(what))


@pytest.mark.parametrize("elsewhere", ["/start", "/help", "/law", "/settings", "menu:law", "menu:benefits"])
async def test_another_command_or_menu_button_pauses_it(chat: ChatDriver, elsewhere: str) -> None:
    await reach(chat, 3)  # at the amount step
    await go(chat, elsewhere)
    [answer] = texts(await chat.send("工会法第六条是啥"))
    assert "竭诚服务职工群众" in answer
    assert "没看懂这个金额" not in answer
    assert saved(chat)["answers"]["unpaid"] is False  # the answers wait for 继续
    assert "没填完" in last_text(await chat.send("/loan"))
    assert last_text(await chat.press("loan:resume")).startswith(QUESTIONS[3])
    assert last_text(await chat.send("8万")).startswith(QUESTIONS[4])  # and answers count again


async def test_a_button_of_the_questionnaire_after_a_pause_goes_on(chat: ChatDriver) -> None:
    await reach(chat, 1)
    await chat.send("/start")
    assert last_text(await chat.press("loan:city:home")).startswith(QUESTIONS[2])


async def test_a_question_at_a_button_step_is_answered_with_a_way_back(chat: ChatDriver) -> None:
    await reach(chat, 0)
    calls = await chat.send(HAVE_A_REST)
    [answer] = texts(calls)
    assert "没看懂" not in answer
    assert "站点" in answer
    [back] = [b for m, p in calls if m == "sendMessage" for row in p["reply_markup"]["inline_keyboard"] for b in row][
        :1
    ]
    assert back["callback_data"] == "loan:resume"
    assert "回到贷款测评" in back["text"]
    assert saved(chat) == {"step": "group", "answers": {}}
    assert last_text(await chat.press("loan:resume")).startswith(QUESTIONS[0])


@pytest.mark.parametrize(
    ("index", "question", "expected"),
    [(3, "工会法第六条是啥", "竭诚服务职工群众"), (1, "工会借款最多能借多少钱", "万元")],
)
async def test_a_question_at_a_typed_step_is_answered(
    chat: ChatDriver, index: int, question: str, expected: str
) -> None:
    await reach(chat, index)
    state = saved(chat)
    calls = await chat.send(question)
    assert expected in texts(calls)[0]
    assert "loan:resume" in buttons(calls)
    assert saved(chat) == state


async def test_a_business_that_mentions_a_question_word_is_still_a_business(chat: ChatDriver) -> None:
    await reach(chat, 4)
    [verdict] = texts(await chat.send("开一家卖什么都有的杂货店"))
    assert "贷款资格测评结果" in verdict


async def test_a_button_steps_hint_asks_for_no_number_it_does_not_show(chat: ChatDriver) -> None:
    await reach(chat, 0)
    calls = await chat.send("火星人")
    [hint] = texts(calls)
    assert "数字" not in hint
    [params] = [p for m, p in calls if m == "sendMessage"]
    assert not any(re.match(r"\d", b["text"]) for row in params["reply_markup"]["inline_keyboard"] for b in row)


async def test_a_city_that_is_no_place_is_asked_again(chat: ChatDriver) -> None:
    await reach(chat, 1)
    [reply] = texts(await chat.send("火星"))
    assert "没找到这个地方" in reply
    assert QUESTIONS[1] in reply
    assert saved(chat)["step"] == "city"


async def test_a_member_elsewhere_is_not_told_fushuns_range(chat: ChatDriver) -> None:
    await reach(chat, 1)
    await chat.send("杭州")
    [question] = texts(await chat.press("loan:unpaid:no"))
    assert question.startswith(QUESTIONS[3])
    assert "5万" not in question.split("例如")[1].replace("“5万”", "")  # the example stays, the range goes
    assert "抚顺" not in question
    await chat.send("/cancel")
    [at_home] = texts(await reach(chat, 3))
    assert "抚顺市总工会每次借款5万元~10万元" in at_home


async def test_the_national_programme_reads_in_plain_words(chat: ChatDriver) -> None:
    await reach(chat, 1)
    for answer in ("杭州", "loan:unpaid:no", "8万", "开网店"):
        calls = await (chat.press(answer) if answer.startswith("loan:") else chat.send(answer))
    [verdict] = texts(calls)
    assert len(re.sub(r"<[^>]+>", "", verdict)) <= 500
    [details] = texts(await chat.press("loan:details"))
    assert "贷款市场报价利率" in details
    assert "BP" not in details
    assert "规则" not in verdict + details


async def test_details_of_a_forgotten_verdict_say_so(chat: ChatDriver) -> None:
    [reply] = texts(await chat.press("loan:details"))
    assert "过期" in reply
    assert chat.application.user_data.get(USER, {}).get(STATE_KEY) is None


async def test_details_of_an_earlier_verdict_leave_a_new_questionnaire_open(chat: ChatDriver) -> None:
    await reach(chat, 5)
    await chat.press("loan:restart")
    await chat.press("loan:group:1")
    [details] = texts(await chat.press("loan:details"))
    assert "详细说明" in details
    assert last_text(await chat.send("抚顺")).startswith(QUESTIONS[2])  # still an answer to the step
