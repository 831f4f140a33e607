"""/subscribe, /settings, /unsubscribe through the real PTB HTTP path against the fake Bot API."""

from __future__ import annotations

from typing import Any

from bot.services import Services
from tests.conftest import ChatDriver, texts
from tests.sql import rows


def buttons(calls: list[tuple[str, dict[str, Any]]]) -> dict[str, str]:
    """callback_data → label of every inline button in the calls."""
    found = {}
    for _method, params in calls:
        markup = params.get("reply_markup")
        if isinstance(markup, dict):
            for row in markup.get("inline_keyboard", []):
                found.update({b["callback_data"]: b["text"] for b in row if "callback_data" in b})
    return found


async def test_one_tap_subscribes_to_everything_then_buttons_narrow(chat: ChatDriver, bot_services: Services) -> None:
    calls = await chat.send("/subscribe")
    assert "订阅成功" in texts(calls)[0]
    assert "主题：全部" in texts(calls)[0]
    offered = buttons(calls)
    assert {"sub:t:loans", "sub:c:haikou", "sub:all", "sub:off"} <= set(offered)
    subscriber = await bot_services.subscriptions.get(4242)
    assert subscriber.active
    assert subscriber.topics == ()
    assert subscriber.cities == ()

    calls = await chat.press("sub:t:loans")
    assert "主题：贷款帮扶" in texts(calls, "editMessageText")[0]
    assert buttons(calls)["sub:t:loans"].startswith("✅")
    await chat.press("sub:c:haikou")
    assert (await bot_services.subscriptions.get(4242)).cities == ("haikou",)

    calls = await chat.press("sub:t:loans")  # pressed again: off
    assert (await bot_services.subscriptions.get(4242)).topics == ()
    await chat.press("sub:c:beijing")
    calls = await chat.press("sub:all")
    assert "城市：全部" in texts(calls, "editMessageText")[0]
    assert (await bot_services.subscriptions.get(4242)).cities == ()


async def test_subscription_is_durable(chat: ChatDriver, bot_services: Services) -> None:
    await chat.send("/subscribe")
    await chat.press("sub:c:guiyang")
    data_dir = bot_services.settings.data_dir  # read as a restarted process would
    assert rows(data_dir, "SELECT kind, option FROM subscriber_choices WHERE chat_id = 4242") == [("city", "guiyang")]
    assert rows(data_dir, "SELECT active FROM subscribers WHERE chat_id = 4242") == [(1,)]


async def test_settings_shows_choices_and_unsubscribe_button(chat: ChatDriver, bot_services: Services) -> None:
    calls = await chat.send("/settings")
    assert "没有订阅" in texts(calls)[0]
    assert buttons(calls) == {}
    await chat.send("/subscribe")
    await chat.press("sub:t:events")
    calls = await chat.send("/settings")
    assert "主题：工会活动" in texts(calls)[0]
    calls = await chat.press("sub:off")
    assert "已退订" in texts(calls)[0]
    assert (await bot_services.subscriptions.get(4242)).active is False
    assert await bot_services.subscriptions.recipients() == []


async def test_unsubscribe_command_and_when_not_subscribed(chat: ChatDriver, bot_services: Services) -> None:
    calls = await chat.send("/unsubscribe")
    assert "没有订阅" in texts(calls)[0]
    await chat.send("/subscribe")
    calls = await chat.send("/unsubscribe")
    assert "已退订" in texts(calls)[0]
    await chat.send("/subscribe")  # re-subscribing keeps earlier choices and re-activates
    assert (await bot_services.subscriptions.get(4242)).active


async def test_forged_or_stale_buttons_change_nothing(chat: ChatDriver, bot_services: Services) -> None:
    calls = await chat.press("sub:t:loans")  # not subscribed
    assert "失效" in texts(calls)[0]
    await chat.send("/subscribe")
    for data in ("sub:t:no-such-topic", "sub:c:atlantis", "sub:zz:loans", "sub:"):
        calls = await chat.press(data)
        assert any(name == "answerCallbackQuery" for name, _ in calls)
        assert "失效" in texts(calls)[0]
    subscriber = await bot_services.subscriptions.get(4242)
    assert subscriber.topics == ()
    assert subscriber.cities == ()
