"""👍/👎, the unanswered-question log and staff /report, end to end through the fake Bot API."""

from __future__ import annotations

from typing import Any

from bot.services import Services
from tests.calls import buttons
from tests.conftest import ChatDriver, texts

STAFF = 9000  # in ADMIN_IDS (conftest)
MEMBER = 4242
SURE_QUESTION = "劳模看病要挂号费吗"
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


async def test_staff_report_lists_unanswered_and_down_voted_questions(chat: ChatDriver) -> None:
    for _ in range(2):
        await chat.send(UNSURE_QUESTION, user_id=MEMBER)
    await chat.send("今天天气怎么样", user_id=MEMBER + 1)
    await chat.send(SURE_QUESTION)  # answered: not in the report
    await chat.press(f"fb:down:{SURE_REF}", user_id=MEMBER, message_id=90)
    await chat.press(f"fb:down:{SURE_REF}", user_id=MEMBER + 1, message_id=91)
    await chat.press(f"fb:up:{SURE_REF}", user_id=MEMBER + 2, message_id=92)

    [report] = texts(await chat.send("/report", user_id=STAFF))
    unanswered, down_voted = report.split("被点踩的回答")
    assert f"1. {UNSURE_QUESTION}（2）" in unanswered
    assert "今天天气怎么样（1）" in unanswered
    assert SURE_QUESTION not in unanswered
    assert "1. 劳模看病挂号要钱吗（2/1）" in down_voted  # the entry's title, 👎 2 and 👍 1


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
