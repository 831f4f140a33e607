"""The model-worker benefits check end to end through the fake Bot API, and typed benefit questions."""

from __future__ import annotations

from typing import Any

import pytest

from bot.benefits.policy import policy_tag
from bot.core.knowledge import Knowledge
from tests.conftest import ChatDriver, texts

Calls = list[tuple[str, dict[str, Any]]]
FORESTRY = "heilongjiang-forestry-model-workers"


def keyboard(calls: Calls, method: str) -> list[tuple[str, str]]:
    """(label, callback data) of the keyboard sent by the last ``method`` call."""
    [*_, params] = [p for m, p in calls if m == method]
    return [(b["text"], b["callback_data"]) for row in params["reply_markup"]["inline_keyboard"] for b in row]


def data_of(calls: Calls, method: str) -> list[str]:
    return [d for _, d in keyboard(calls, method)]


def edited_text(calls: Calls) -> str:
    [params] = [p for m, p in calls if m == "editMessageText"]
    return str(params["text"])


@pytest.fixture
def tag(knowledge: Knowledge) -> str:
    [policy] = [p for p in knowledge.files.benefits.policies if p.id == FORESTRY]
    return policy_tag(policy)


@pytest.mark.parametrize("opening", ["/start benefits", "menu:benefits"])
async def test_opening_asks_which_policy(chat: ChatDriver, knowledge: Knowledge, opening: str) -> None:
    calls = await (chat.press(opening) if opening.startswith("menu:") else chat.send(opening))
    policies = knowledge.files.benefits.policies
    data = data_of(calls, "sendMessage")
    assert data == [f"ben:h:{policy_tag(p)}" for p in policies]


async def test_serving_model_worker_in_three_taps(chat: ChatDriver, tag: str) -> None:
    honours = await chat.press(f"ben:h:{tag}", message_id=9)
    assert "您获得的是哪项荣誉" in edited_text(honours)
    labels = dict(keyboard(honours, "editMessageText"))
    assert labels["全国劳动模范"] == f"ben:s:{tag}:0"
    assert labels["其他/不确定"] == f"ben:r:{tag}:x"
    assert labels["‹ 返回"] == "ben:p"
    status = await chat.press(labels["龙江工匠"], message_id=9)
    assert "龙江工匠" in edited_text(status)
    assert data_of(status, "editMessageText")[:2] == [f"ben:r:{tag}:5:s", f"ben:r:{tag}:5:r"]
    result = await chat.press(f"ben:r:{tag}:5:s", message_id=9)
    text = edited_text(result)
    for fact in (
        "景区免门票",
        "一名家属",
        "挂号免费",
        "《先优模范优惠证》",
        "黑龙江省林业工会",
        "黑龙江省林业系统",
        "2022年1月1日",
    ):
        assert fact in text
    assert "来源：工人日报" in text
    assert data_of(result, "editMessageText") == ["ben:p"]
    assert not texts(result)  # every step edited the one message


async def test_retired_forestry_model_worker_is_covered(chat: ChatDriver, tag: str) -> None:
    text = edited_text(await chat.press(f"ben:r:{tag}:0:r"))
    assert "已离退休" in text
    assert "景区免门票" in text


async def test_retired_holder_of_a_policy_silent_on_retirees_is_told_the_source_does_not_say(
    chat: ChatDriver, knowledge: Knowledge
) -> None:
    [policy] = [p for p in knowledge.files.benefits.policies if p.includes_retirees is None]
    text = edited_text(await chat.press(f"ben:r:{policy_tag(policy)}:0:r"))
    assert "没有写明" in text
    assert "离退休" in text
    assert "没有把离退休人员列入范围" not in text  # the source is silent: no refusal is invented
    assert policy.issuer in text


async def test_other_honour_lists_the_honours_and_who_to_ask(chat: ChatDriver, tag: str) -> None:
    text = edited_text(await chat.press(f"ben:r:{tag}:x"))
    assert "全国五一劳动奖章" in text
    assert "黑龙江省林业工会" in text
    assert "景区免门票" not in text


async def test_back_buttons_lead_to_the_previous_step(chat: ChatDriver, tag: str) -> None:
    assert data_of(await chat.press(f"ben:s:{tag}:0"), "editMessageText")[-1] == f"ben:h:{tag}"
    assert f"ben:h:{tag}" in data_of(await chat.press("ben:p"), "editMessageText")


async def test_every_button_of_the_check_fits_telegrams_limit(chat: ChatDriver) -> None:
    """Walk the whole tree of buttons from the first step."""
    seen: set[str] = set()
    todo = ["ben:p"]
    while todo:
        data = todo.pop()
        if data in seen:
            continue
        seen.add(data)
        calls = await chat.press(data, user_id=5000 + len(seen))  # one reader per press: no flood gate
        assert "失效" not in "".join(texts(calls))
        todo += [d for d in data_of(calls, "editMessageText") if d.startswith("ben:")]
    assert len(seen) > 10
    assert max(len(d.encode()) for d in seen) <= 64


@pytest.mark.parametrize(
    "data",
    [
        "ben:",
        "ben:zz",
        "ben:p:1",
        "ben:h:deadbeef",  # stale: a policy tag from older content
        "ben:h:",
        "ben:s:{tag}:7",
        "ben:s:{tag}:x",  # "other" has no status step
        "ben:s:{tag}:-1",
        "ben:s:{tag}",
        "ben:r:{tag}:0",  # a listed honour needs the status
        "ben:r:{tag}:0:z",
        "ben:r:{tag}:0:s:s",
        "ben:r:{tag}:99:s",
        "ben:r:deadbeef:0:s",
    ],
)
async def test_forged_or_stale_buttons_get_a_polite_reply(chat: ChatDriver, tag: str, data: str) -> None:
    calls = await chat.press(data.format(tag=tag))
    assert calls[0][0] == "answerCallbackQuery"
    assert "editMessageText" not in [m for m, _ in calls]
    [text] = texts(calls)
    assert "失效" in text


async def test_text_typed_instead_of_pressing_gets_an_answer(chat: ChatDriver, tag: str) -> None:
    await chat.press(f"ben:h:{tag}")
    [reply] = texts(await chat.send("全国劳动模范"))
    assert reply


@pytest.mark.parametrize(
    ("question", "fact"),
    [("去雪乡要门票吗", "免门票"), ("看病挂号要钱吗", "挂号免费"), ("勞模去雪鄉要門票嗎", "免门票")],
)
async def test_typed_place_or_service_questions_are_answered_with_a_way_into_the_check(
    chat: ChatDriver, question: str, fact: str
) -> None:
    calls = await chat.send(question)
    [text] = texts(calls)
    assert fact in text
    assert "来源：" in text
    assert "ben:n" in data_of(calls, "sendMessage")


@pytest.mark.parametrize("language", ["en", "zh-hk"])
async def test_check_renders_in_every_locale(chat: ChatDriver, tag: str, language: str) -> None:
    assert texts(await chat.send("/start benefits", language_code=language))
    for data in (f"ben:h:{tag}", f"ben:s:{tag}:0", f"ben:r:{tag}:0:r", f"ben:r:{tag}:x"):
        assert edited_text(await chat.press(data, language_code=language))
