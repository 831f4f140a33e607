"""Benefits as a member meets them: the check opens beside the answer, short buttons, no circular lines."""

from __future__ import annotations

import re

import pytest

from bot.core.content_models import BUTTON_CHARS
from bot.core.knowledge import Knowledge
from tests.conftest import ChatDriver, texts
from tests.test_benefits_flow import FORESTRY, data_of, keyboard


async def test_the_check_under_an_answer_opens_a_new_message(chat: ChatDriver) -> None:
    calls = await chat.send("去雪乡要门票吗")
    [answer] = texts(calls)
    [check] = [d for d in data_of(calls, "sendMessage") if d.startswith("ben:")]
    calls = await chat.press(check, message_id=4321)
    assert "editMessageText" not in [m for m, _ in calls]  # the answer just read stays on screen
    [opened] = texts(calls)
    assert "劳模待遇查询" in opened
    assert opened != answer


@pytest.mark.parametrize("language", ["zh-hans", "zh-hk", "en"])
async def test_policy_buttons_fit_a_phone(chat: ChatDriver, language: str) -> None:
    calls = await chat.send("/start benefits", language_code=language)
    labels = [label for label, _ in keyboard(calls, "sendMessage")]
    limit = BUTTON_CHARS if language != "en" else 2 * BUTTON_CHARS
    assert labels
    assert all(len(label) <= limit for label in labels), labels


async def test_english_readers_get_english_policy_and_honour_buttons(chat: ChatDriver, knowledge: Knowledge) -> None:
    calls = await chat.send("/start benefits", language_code="en")
    labels = [label for label, _ in keyboard(calls, "sendMessage")]
    assert "Heilongjiang forestry model workers" in labels
    [forestry] = [d for label, d in keyboard(calls, "sendMessage") if label.startswith("Heilongjiang")]
    honours = await chat.press(forestry, language_code="en")
    assert not any(re.search(r"[\u4e00-\u9fff]", label) for label, _ in keyboard(honours, "editMessageText"))


def test_no_condition_line_is_circular(knowledge: Knowledge) -> None:
    for policy in knowledge.files.benefits.policies:
        for condition in policy.conditions:
            assert not re.match(r"^符合(相关|有关)?条件", condition), (policy.id, condition)


async def test_the_check_result_has_no_circular_condition(chat: ChatDriver, knowledge: Knowledge) -> None:
    from bot.benefits.policy import policy_tag

    [policy] = [p for p in knowledge.files.benefits.policies if p.id == FORESTRY]
    calls = await chat.press(f"ben:r:{policy_tag(policy)}:0:s")
    [text] = [p["text"] for m, p in calls if m == "editMessageText"]
    assert "· 符合条件" not in text
    assert "条件：" in text
