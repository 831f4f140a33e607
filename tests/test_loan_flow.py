"""The loan questionnaire end to end through PTB's real HTTP path against the fake Bot API."""

from __future__ import annotations

from typing import Any

import pytest

from bot.services import Services
from handlers.app import build_application
from handlers.topics.loans import IDLE_SECONDS, STATE_KEY
from tests.conftest import ChatDriver, texts
from tests.fake_bot_api import FakeBotAPI

Calls = list[tuple[str, dict[str, Any]]]
USER = 4242
QUESTIONS = ("（1/5）", "（2/5）", "（3/5）", "（4/5）", "（5/5）")
# What reaches each step: presses and typed answers, in order.
ROUTE = ("loan:group:1", "loan:city:home", "loan:unpaid:no", "8万", "开一家早餐店")


def buttons(calls: Calls) -> list[str]:
    sent = [p for m, p in calls if m == "sendMessage" and isinstance(p.get("reply_markup"), dict)]
    return [b["callback_data"] for row in sent[-1]["reply_markup"]["inline_keyboard"] for b in row] if sent else []


def last_text(calls: Calls) -> str:
    return texts(calls)[-1]


async def step(chat: ChatDriver, answer: str) -> Calls:
    return await (chat.press(answer) if answer.startswith("loan:") else chat.send(answer))


async def reach(chat: ChatDriver, index: int) -> Calls:
    """Open the questionnaire and answer the first ``index`` steps."""
    calls = await chat.send("/loan")
    for answer in ROUTE[:index]:
        calls = await step(chat, answer)
    return calls


def saved(chat: ChatDriver) -> dict[str, Any] | None:
    """The questionnaire kept in user_data, without its time stamp."""
    raw = chat.application.user_data.get(USER, {}).get(STATE_KEY)
    return None if raw is None else {k: v for k, v in raw.items() if k != "at"}


async def test_the_whole_questionnaire_ends_in_a_sourced_verdict(chat: ChatDriver) -> None:
    calls = await chat.send("/loan")
    assert last_text(calls).startswith(QUESTIONS[0])
    assert buttons(calls) == [f"loan:group:{i}" for i in range(5)] + ["loan:group:other", "loan:back", "loan:cancel"]
    for i, answer in enumerate(ROUTE[:-1], start=1):
        calls = await step(chat, answer)
        assert QUESTIONS[i] in last_text(calls)
        assert {"loan:back", "loan:cancel"} <= set(buttons(calls))
    calls = await chat.send(ROUTE[-1])
    [verdict] = texts(calls)
    for expected in ("贷款资格测评结果", "符合条件", "您属于扶持对象", "来源：工人日报"):
        assert expected in verdict
    assert "fs-default" not in verdict  # rule ids are for staff and tests
    assert buttons(calls) == ["loan:details", "loan:restart"]
    assert saved(chat) is None
    [details] = texts(await chat.press("loan:details"))
    for fact in (
        "高校毕业生",
        "8万元",
        "开一家早餐店",
        "一年",
        "无息",
        "5万元~10万元",
        "抚顺市总工会",
        "来源：工人日报",
    ):
        assert fact in details


async def test_the_first_button_is_answered_before_anything_else(chat: ChatDriver) -> None:
    await chat.send("/loan")
    calls = await chat.press("loan:group:0")
    assert calls[0][0] == "answerCallbackQuery"
    assert saved(chat) == {"step": "city", "answers": {"group": "下岗失业人员"}}


@pytest.mark.parametrize("opener", ["menu:loans", "/start loans", "/start LOANS", "贷款测评"])
async def test_menu_button_deep_link_and_start_word_open_it(chat: ChatDriver, opener: str) -> None:
    calls = await (chat.press(opener) if opener.startswith("menu:") else chat.send(opener))
    assert last_text(calls).startswith(QUESTIONS[0])
    assert saved(chat) == {"step": "group", "answers": {}}


async def verdict_for(chat: ChatDriver, city: str, business: str) -> str:
    """The verdict text after the usual answers with ``city`` and ``business`` typed."""
    await reach(chat, 1)
    for answer in (city, "loan:unpaid:no", "8万"):
        await step(chat, answer)
    [verdict] = texts(await chat.send(business))
    return verdict


async def test_outside_fushun_the_answer_is_honest_and_points_elsewhere(chat: ChatDriver) -> None:
    verdict = await verdict_for(chat, "杭州", "开网店")
    assert "您不在抚顺，能否申请需要确认" in verdict
    assert "资料里只有" in verdict
    assert "当地总工会" in verdict
    assert "12351" in verdict
    assert "创业担保贷款" in verdict
    assert "新华网" in verdict


@pytest.mark.parametrize("index", [0, 1, 2])
@pytest.mark.parametrize("typed", ["火星人", "😀", "7"])
async def test_typed_text_where_a_button_is_expected_is_reasked(chat: ChatDriver, index: int, typed: str) -> None:
    if index == 1 and typed == "火星人":
        typed = "12345"  # at the city step a word is a city name; digits are not
    before = await reach(chat, index)
    state = saved(chat)
    calls = await chat.send(typed)
    [reply] = texts(calls)
    assert QUESTIONS[index] in reply
    assert reply.split("\n")[0] != reply.split("\n")[-1]  # a hint comes before the question
    assert buttons(calls) == buttons(before)
    assert saved(chat) == state


async def test_typed_words_answer_button_steps(chat: ChatDriver) -> None:
    await chat.send("/loan")
    assert QUESTIONS[1] in last_text(await chat.send("退役"))
    assert QUESTIONS[2] in last_text(await chat.send("抚顺"))
    assert QUESTIONS[3] in last_text(await chat.send("没有"))
    assert saved(chat) == {"step": "amount", "answers": {"group": "退役军人", "city": "抚顺", "unpaid": False}}


@pytest.mark.parametrize(
    ("typed", "hint"),
    [("abc", "没看懂这个金额"), ("-5", "要大于零"), ("0", "要大于零"), ("5", "少写了单位"), ("3-5万", "只填一个金额")],
)
async def test_absurd_amount_is_reasked_with_a_hint(chat: ChatDriver, typed: str, hint: str) -> None:
    await reach(chat, 3)
    [reply] = texts(await chat.send(typed))
    assert hint in reply
    assert QUESTIONS[3] in reply
    assert saved(chat)["step"] == "amount"


@pytest.mark.parametrize(("typed", "amount"), [("5万块", 50_000), ("五万块", 50_000), ("100000", 100_000)])
async def test_amounts_as_people_type_them(chat: ChatDriver, typed: str, amount: int) -> None:
    await reach(chat, 3)
    [reply] = texts(await chat.send(typed))
    assert reply.startswith(QUESTIONS[4])
    assert saved(chat)["answers"]["amount"] == amount


async def test_an_amount_above_the_range_is_taken_and_flagged(chat: ChatDriver) -> None:
    await reach(chat, 3)
    [reply] = texts(await chat.send("一百万"))
    assert "超过了抚顺市总工会每次借款的额度" in reply
    assert QUESTIONS[4] in reply
    [verdict] = texts(await chat.send("开工厂"))
    assert "您需要的金额超过了10万元" in verdict  # the rule's reason
    assert "您需要的100万元超过了这个项目每次借款的额度（5万元~10万元）" in verdict  # the note promised


@pytest.mark.parametrize("typed", ["🍜", "面" * 201])
async def test_unreadable_business_is_reasked(chat: ChatDriver, typed: str) -> None:
    await reach(chat, 4)
    [reply] = texts(await chat.send(typed))
    assert QUESTIONS[4] in reply
    assert saved(chat)["step"] == "business"


@pytest.mark.parametrize("index", range(5))
async def test_cancel_at_each_step_closes_and_forgets(chat: ChatDriver, index: int) -> None:
    await reach(chat, index)
    [reply] = texts(await chat.send("/cancel"))
    assert "已退出贷款测评" in reply
    assert saved(chat) is None
    after = texts(await chat.send("8万"))  # free text is a question again, not an answer
    assert not any("（" in t and "/5）" in t for t in after)


@pytest.mark.parametrize("index", range(5))
async def test_cancel_button_at_each_step(chat: ChatDriver, index: int) -> None:
    await reach(chat, index)
    calls = await chat.press("loan:cancel")
    assert calls[0][0] == "answerCallbackQuery"
    assert "已退出贷款测评" in last_text(calls)
    assert saved(chat) is None


@pytest.mark.parametrize("index", range(5))
async def test_back_at_each_step(chat: ChatDriver, index: int) -> None:
    await reach(chat, index)
    calls = await chat.press("loan:back")
    assert calls[0][0] == "answerCallbackQuery"
    if index == 0:
        assert "已退出贷款测评" in last_text(calls)
        assert "menu:law" in buttons(calls)  # back on the menu, not in a void
        assert saved(chat) is None
    else:
        assert last_text(calls).startswith(QUESTIONS[index - 1])
        assert saved(chat)["step"] == ("group", "city", "unpaid", "amount")[index - 1]


async def test_typed_back_word_goes_back(chat: ChatDriver) -> None:
    await reach(chat, 3)
    assert last_text(await chat.send("返回")).startswith(QUESTIONS[2])


@pytest.mark.parametrize(
    ("data", "word"),
    [
        ("loan:group:99", "无效"),
        ("loan:group:-1", "无效"),
        ("loan:zzz", "无效"),
        ("loan:", "无效"),
        ("loan:city:home", "过期"),
        ("loan:unpaid:yes", "过期"),
    ],
)
async def test_forged_or_stale_buttons_reask_the_current_step(chat: ChatDriver, data: str, word: str) -> None:
    await chat.send("/loan")
    calls = await chat.press(data)
    assert calls[0][0] == "answerCallbackQuery"
    [reply] = texts(calls)
    assert word in reply
    assert QUESTIONS[0] in reply
    assert saved(chat) == {"step": "group", "answers": {}}


async def test_loan_button_after_the_end_says_so(chat: ChatDriver) -> None:
    calls = await chat.press("loan:group:0")
    assert calls[0][0] == "answerCallbackQuery"
    assert "已经结束" in last_text(calls)


async def test_restart_button_under_the_verdict_starts_again(chat: ChatDriver) -> None:
    await reach(chat, 5)
    assert last_text(await chat.press("loan:restart")).startswith(QUESTIONS[0])


@pytest.mark.parametrize("reopen", ["/loan", "menu:loans", "贷款测评"])
async def test_reopening_offers_resume_or_restart(chat: ChatDriver, reopen: str) -> None:
    await reach(chat, 3)
    calls = await (chat.press(reopen) if reopen.startswith("menu:") else chat.send(reopen))
    assert "没填完" in last_text(calls)
    assert "3/5" in last_text(calls)
    assert buttons(calls) == ["loan:resume", "loan:restart", "loan:cancel"]
    assert "/cancel" in last_text(calls)
    assert last_text(await chat.press("loan:resume")).startswith(QUESTIONS[3])
    assert saved(chat)["answers"] == {"group": "高校毕业生", "city": "辽宁省抚顺市", "unpaid": False}


async def test_restart_forgets_the_answers(chat: ChatDriver) -> None:
    await reach(chat, 3)
    await chat.send("/loan")
    assert last_text(await chat.press("loan:restart")).startswith(QUESTIONS[0])
    assert saved(chat) == {"step": "group", "answers": {}}


@pytest.mark.parametrize(("typed", "question"), [("继续", QUESTIONS[2]), ("重新开始", QUESTIONS[0])])
async def test_resume_offer_takes_typed_words(chat: ChatDriver, typed: str, question: str) -> None:
    await reach(chat, 2)
    await chat.send("/loan")
    assert last_text(await chat.send(typed)).startswith(question)


async def test_other_text_at_the_resume_offer_is_answered_not_looped(chat: ChatDriver) -> None:
    await reach(chat, 2)
    await chat.send("/loan")
    [answer] = texts(await chat.send("工会法第六条讲什么"))
    assert "竭诚服务职工群众" in answer
    assert saved(chat)["step"] == "unpaid"  # kept for 继续
    [again] = texts(await chat.send("工会法第六条讲什么"))  # and not offered again and again
    assert "没填完" not in again


@pytest.mark.parametrize("cancel", ["loan:cancel", "取消", "/cancel"])
async def test_the_resume_offer_can_be_cancelled(chat: ChatDriver, cancel: str) -> None:
    await reach(chat, 2)
    await chat.send("/loan")
    calls = await (chat.press(cancel) if cancel.startswith("loan:") else chat.send(cancel))
    assert "已退出贷款测评" in last_text(calls)
    assert saved(chat) is None


async def test_html_in_answers_is_escaped(chat: ChatDriver) -> None:
    await verdict_for(chat, "<b>杭州</b>", "卖<i>烤</i>串")
    [details] = texts(await chat.press("loan:details"))
    assert "&lt;b&gt;杭州&lt;/b&gt;" in details
    assert "卖&lt;i&gt;烤&lt;/i&gt;串" in details


async def test_an_unfinished_questionnaire_survives_a_restart(bot_services: Services, fake_api: FakeBotAPI) -> None:
    first = build_application(bot_services)
    async with first:
        chat = ChatDriver(first, fake_api)
        await reach(chat, 3)
    second = build_application(bot_services)
    async with second:
        chat = ChatDriver(second, fake_api)
        [reply] = texts(await chat.send("8万"))
        assert reply.startswith(QUESTIONS[4])
        calls = await chat.send("/loan")
        assert "4/5" in last_text(calls)


async def test_after_a_long_pause_text_is_a_question_again(chat: ChatDriver) -> None:
    await reach(chat, 3)
    chat.application.user_data[USER][STATE_KEY]["at"] -= IDLE_SECONDS + 1
    chat.application.mark_data_for_update_persistence(user_ids=USER)  # state is read from the store per update
    await chat.application.update_persistence()
    [answer] = texts(await chat.send("工会法第六条讲什么"))
    assert "竭诚服务职工群众" in answer
    assert saved(chat)["step"] == "amount"  # kept for 继续
    assert "没填完" in last_text(await chat.send("/loan"))
    assert last_text(await chat.press("loan:resume")).startswith(QUESTIONS[3])


async def test_a_recent_questionnaire_keeps_taking_answers(chat: ChatDriver) -> None:
    await reach(chat, 3)
    [reply] = texts(await chat.send("8万"))
    assert reply.startswith(QUESTIONS[4])
