"""❓ 常见问题 in the menu: buttons of the most asked questions, curated until members have asked."""

from __future__ import annotations

from bot.core.knowledge import Knowledge
from handlers.chat.faq_menu import BUTTONS, MIN_ASKERS, faq_refs
from tests.calls import buttons
from tests.conftest import ChatDriver, texts


async def test_a_new_bot_offers_the_curated_questions(chat: ChatDriver, knowledge: Knowledge) -> None:
    calls = await chat.press("menu:faq")
    assert buttons(calls) == [f"ask:qa:{entry_id}" for entry_id in knowledge.files.menu.faq[:BUTTONS]]
    assert "可以这样问" not in texts(calls)[0]


async def test_a_pressed_question_is_answered(chat: ChatDriver, knowledge: Knowledge) -> None:
    first = knowledge.files.menu.faq[0]
    [answer] = texts(await chat.press(f"ask:qa:{first}"))
    assert knowledge.entries[first].entry.answer[:20] in answer


async def test_what_members_ask_most_comes_first(chat: ChatDriver) -> None:
    for member in range(MIN_ASKERS):
        await chat.send("怎么成立工会", user_id=7000 + member)
    offered = buttons(await chat.press("menu:faq"))
    assert offered[0] == "ask:qa:law-found-union"
    assert len(offered) == BUTTONS


async def test_one_member_asking_again_and_again_is_no_traffic(chat: ChatDriver) -> None:
    for _ in range(MIN_ASKERS + 2):
        await chat.send("怎么成立工会", user_id=7100)
    assert "ask:qa:law-found-union" not in buttons(await chat.press("menu:faq"))[:1]


def test_popular_then_curated_without_repeats() -> None:
    assert faq_refs(["qa:b", "qa:c"], ["qa:a", "qa:b", "qa:d"], 4) == ["qa:b", "qa:c", "qa:a", "qa:d"]
