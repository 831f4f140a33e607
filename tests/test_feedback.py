"""👍/👎, the unanswered-question log and staff /report, end to end through the fake Bot API."""

from __future__ import annotations

from typing import Any

from bot.services import Services
from tests.calls import buttons
from tests.conftest import ChatDriver, texts

STAFF = 9000  # in ADMIN_IDS (conftest)
MEMBER = 4242
SURE_QUESTION = "劳模看病挂号免费吗"
SURE_REF = "qa:ben-registration-fee"
UNSURE_QUESTION = "工资"


def notices(calls: list[tuple[str, dict[str, Any]]]) -> list[str]:
    return [str(params.get("text", "")) for method, params in calls if method == "answerCallbackQuery"]


async def test_sure_answers_carry_vote_buttons_and_unsure_ones_do_not(chat: ChatDriver) -> None:
    assert {f"fb:up:{SURE_REF}", f"fb:down:{SURE_REF}"} <= set(buttons(await chat.send(SURE_QUESTION)))
    assert {"fb:up:art:6", "fb:down:art:6"} <= set(buttons(await chat.send("工会法第六条")))
    assert not [b for b in buttons(await chat.send(UNSURE_QUESTION)) if b.startswith("fb:")]


async def test_without_a_staff_chat_there_is_no_hand_off(chat: ChatDriver) -> None:
    assert "ho:ask" not in buttons(await chat.send(UNSURE_QUESTION))
    [reply] = texts(await chat.send("/human 单位不给签合同"))
    assert "没有开通人工服务" in reply


async def test_a_vote_is_acknowledged_quietly(chat: ChatDriver, bot_services: Services) -> None:
    calls = await chat.press(f"fb:down:{SURE_REF}", user_id=MEMBER, message_id=77)
    assert [method for method, _ in calls] == ["answerCallbackQuery"]
    assert "谢谢" in notices(calls)[0]
    assert (await bot_services.feedback.report()).down_voted[0].ref == SURE_REF


async def test_forged_or_stale_vote_buttons_change_nothing(chat: ChatDriver, bot_services: Services) -> None:
    for data in ("fb:down:qa:no-such-entry", "fb:meh:" + SURE_REF, "fb:down:", "fb:"):
        calls = await chat.press(data, user_id=MEMBER, message_id=78)
        assert "失效" in notices(calls)[0]
    assert (await bot_services.feedback.report()).down_voted == []


def answer_id(chat: ChatDriver, button: str) -> int:
    """The message id Telegram gave the last answer that carries ``button``."""
    [*_, answer] = [
        c for c in chat.api.calls if c.method == "sendMessage" and button in str(c.params.get("reply_markup"))
    ]
    return int(answer.result["message_id"])


async def ask_and_vote(chat: ChatDriver, question: str, vote: str, user_id: int) -> None:
    await chat.send(question, user_id=user_id)
    await chat.press(f"fb:{vote}:{SURE_REF}", user_id=user_id, message_id=answer_id(chat, f"fb:{vote}:{SURE_REF}"))


async def test_staff_report_lists_unanswered_and_down_voted_questions(chat: ChatDriver) -> None:
    for _ in range(2):
        await chat.send(UNSURE_QUESTION, user_id=MEMBER)
    await chat.send("今天天气怎么样", user_id=MEMBER + 1)
    await ask_and_vote(chat, "劳模去医院挂号要钱吗", "up", MEMBER + 2)
    await ask_and_vote(chat, SURE_QUESTION, "down", MEMBER)
    await ask_and_vote(chat, "勞模看病掛號免費嗎", "down", MEMBER + 1)  # the same question, another spelling

    [report] = texts(await chat.send("/report", user_id=STAFF))
    unanswered, down_voted = report.split("回答被点踩的问题")
    assert f"1. {UNSURE_QUESTION}（2）" in unanswered
    assert "今天天气怎么样（1）" in unanswered
    assert SURE_QUESTION not in unanswered
    lines = down_voted.split("\n")
    # what members asked (the latest spelling), 👎 2 👍 0; the answer they got beneath it
    assert lines[1:3] == ["1. 勞模看病掛號免費嗎（2/0）", "   → 给出的回答：劳模看病挂号要钱吗"]
    assert "劳模去医院" not in down_voted  # only 👍: not listed
    assert "1. 劳模看病挂号要钱吗" not in down_voted  # the answer's title is not passed off as the question


async def test_a_suggestion_pressed_under_an_unsure_answer_is_reported_with_the_question_typed(
    chat: ChatDriver,
) -> None:
    await chat.send(UNSURE_QUESTION, user_id=MEMBER)
    unsure = answer_id(chat, "ask:qa:law-wage-arrears")
    await chat.press("ask:qa:law-wage-arrears", user_id=MEMBER, message_id=unsure)
    answered = answer_id(chat, "fb:down:qa:law-wage-arrears")
    await chat.press("fb:down:qa:law-wage-arrears", user_id=MEMBER, message_id=answered)
    [report] = texts(await chat.send("/report", user_id=STAFF))
    assert f"1. {UNSURE_QUESTION}（1/0）" in report.split("回答被点踩的问题")[1]


async def test_a_vote_on_an_answer_whose_question_was_not_kept_still_counts(chat: ChatDriver) -> None:
    await chat.press(f"fb:down:{SURE_REF}", user_id=MEMBER, message_id=424242)  # e.g. an answer from before
    [report] = texts(await chat.send("/report", user_id=STAFF))
    assert "1. （提问没有记录）（1/0）\n   → 给出的回答：劳模看病挂号要钱吗" in report


async def test_empty_report(chat: ChatDriver) -> None:
    [report] = texts(await chat.send("/report", user_id=STAFF))
    assert report.count("没有。") == 2


async def test_a_non_admin_gets_a_polite_refusal_and_no_report(chat: ChatDriver) -> None:
    await chat.send(UNSURE_QUESTION, user_id=MEMBER)
    calls = await chat.send("/report", user_id=MEMBER)
    [reply] = texts(calls)
    assert "只供工会工作人员使用" in reply
    assert UNSURE_QUESTION not in reply
    assert len(calls) == 1
