"""/announce as staff and members meet it: multi-select segments, times as people say them, the notice's
header and its one-tap 退订. Through the real PTB HTTP path against the fake Bot API, JobQueue running.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime
from typing import Any

import pytest

from bot.core.settings import Settings
from bot.services import Services
from bot.staff.send_time import SHANGHAI
from tests.conftest import ChatDriver, texts
from tests.fake_bot_api import FakeBotAPI
from tests.test_announce_flow import (  # noqa: F401 (fixtures)
    ADMIN,
    MEMBERS,
    _wait_for_text,
    draft_to_preview,
    markup_data,
    member_messages,
    services,
    staff,
)

Calls = list[tuple[str, dict[str, Any]]]
CHOICES = {  # what members 101..109 narrowed their subscription to (100 takes everything)
    101: [("topic", "events")],
    102: [("topic", "policy")],
    103: [("topic", "loans")],
    104: [("topic", "events"), ("city", "haikou")],
    105: [("city", "guiyang")],
    106: [("city", "haikou")],
    107: [("topic", "loans"), ("city", "haikou")],
    108: [("topic", "events"), ("city", "guiyang")],
}
# 政策法规 or 工会活动, and 海口: a topic match (none chosen counts) and a city match (none chosen counts)
POLICY_OR_EVENTS_IN_HAIKOU = {100, 101, 102, 104, 106, 109}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return replace(settings, broadcast_rate=500, union_name="海口市总工会")


async def narrow(subscribed: Services) -> None:
    for chat, choices in CHOICES.items():
        for kind, option in choices:
            await subscribed.subscriptions.toggle(chat, kind, option)


def edited(calls: Calls) -> list[dict[str, Any]]:
    return [params for name, params in calls if name == "editMessageText"]


def labels(params: dict[str, Any]) -> list[str]:
    markup = params.get("reply_markup") or {}
    return [button["text"] for row in markup.get("inline_keyboard", []) for button in row]


async def test_topics_and_cities_combine_and_the_rule_is_stated(
    staff: ChatDriver,  # noqa: F811
    services: Services,  # noqa: F811
    fake_api: FakeBotAPI,
) -> None:
    await narrow(services)
    await staff.send("/announce", user_id=ADMIN)
    calls = await staff.send("<b>海口站点开放日</b>", user_id=ADMIN)
    [question] = [params for name, params in calls if name == "sendMessage"]
    assert "可多选" in question["text"]
    assert {"全部订阅者", "工会活动", "政策法规", "海口", "贵阳", "✔️ 完成"} <= set(labels(question))

    [shown] = edited(await staff.press("ann:tg:t:events", user_id=ADMIN))
    assert "订阅了「工会活动」的会员，共 7 人" in shown["text"]  # 100, 101, 104, 105, 106, 108, 109
    assert "✅ 工会活动" in labels(shown)
    await staff.press("ann:tg:t:policy", user_id=ADMIN)
    await staff.press("ann:tg:c:guiyang", user_id=ADMIN)
    await staff.press("ann:tg:c:guiyang", user_id=ADMIN)  # ticked by mistake, unticked
    [shown] = edited(await staff.press("ann:tg:c:haikou", user_id=ADMIN))
    rule = "订阅了「政策法规」或「工会活动」且城市为「海口」的会员，共 6 人"
    assert rule in shown["text"]
    assert {"✅ 政策法规", "✅ 工会活动", "✅ 海口", "贵阳"} <= set(labels(shown))

    calls = await staff.press("ann:tg:done", user_id=ADMIN)
    assert edited(calls)[0]["text"] == f"发给：{rule}"
    assert "reply_markup" not in edited(calls)[0]  # the choice is settled: no buttons left to press
    assert "什么时候发" in texts(calls)[0]
    calls = await staff.send("立即", user_id=ADMIN)
    assert f"发给：{rule}" in texts(calls)[0]
    await staff.press(markup_data(calls)[0], user_id=ADMIN)
    await _wait_for_text(fake_api, "通知发送完毕")
    assert set(member_messages(fake_api)) == POLICY_OR_EVENTS_IN_HAIKOU


async def test_cities_alone_and_done_without_a_choice(
    staff: ChatDriver,  # noqa: F811
    services: Services,  # noqa: F811
) -> None:
    await narrow(services)
    await staff.send("/announce", user_id=ADMIN)
    await staff.send("通知", user_id=ADMIN)
    calls = await staff.press("ann:tg:done", user_id=ADMIN)  # nothing ticked
    [(name, alert)] = calls
    assert name == "answerCallbackQuery"
    assert alert["show_alert"] is True
    assert "全部订阅者" in alert["text"]
    await staff.press("ann:tg:c:guiyang", user_id=ADMIN)
    calls = await staff.press("ann:tg:done", user_id=ADMIN)
    assert edited(calls)[0]["text"] == "发给：城市为「贵阳」的会员，共 7 人"  # 100–103, 105, 108, 109


async def test_a_forged_toggle_changes_nothing(staff: ChatDriver) -> None:  # noqa: F811
    await staff.send("/announce", user_id=ADMIN)
    await staff.send("通知", user_id=ADMIN)
    for data in ("ann:tg:t:no-such-topic", "ann:tg:c:atlantis", "ann:tg:x:events"):
        calls = await staff.press(data, user_id=ADMIN)
        assert "没有这个" in texts(calls)[0]
    calls = await staff.press("ann:tg:done", user_id=ADMIN)
    assert [name for name, _ in calls] == ["answerCallbackQuery"]  # still nothing chosen


def _dates_in(text: str, today: date) -> list[date]:
    iso = [date.fromisoformat(found) for found in re.findall(r"\d{4}-\d{2}-\d{2}", text)]
    month_day = [date(today.year, int(m), int(d)) for m, d in re.findall(r"(\d{1,2})月(\d{1,2})日", text)]
    return iso + [d if d >= today else d.replace(year=today.year + 1) for d in month_day]


async def test_the_time_examples_are_ahead_and_typing_one_works(staff: ChatDriver) -> None:  # noqa: F811
    await staff.send("/announce", user_id=ADMIN)
    await staff.send("通知", user_id=ADMIN)
    calls = await staff.press("ann:tg:all", user_id=ADMIN)
    prompt = texts(calls)[0]
    today = datetime.now(SHANGHAI).date()
    shown = _dates_in(prompt, today)
    assert len(shown) >= 2
    assert all(day > today for day in shown)
    assert "明天上午9点" in prompt

    typed = re.search(r"\d{1,2}月\d{1,2}日14:00", prompt).group()  # type what the bot suggested
    calls = await staff.send(typed, user_id=ADMIN)
    assert f"时间：{_dates_in(typed, today)[0].isoformat()}（" in texts(calls)[0]
    assert "14:00（北京时间）" in texts(calls)[0]


@pytest.mark.parametrize(
    ("typed", "reply"),
    [("后年吧", "看不懂这个时间"), ("明天", "您是想说“明天上午9点”吗"), ("2020-05-01 09:00", "已经过去了")],
)
async def test_a_time_that_cannot_be_used_is_explained_with_fresh_examples(
    staff: ChatDriver,  # noqa: F811
    services: Services,  # noqa: F811
    typed: str,
    reply: str,
) -> None:
    await staff.send("/announce", user_id=ADMIN)
    await staff.send("通知", user_id=ADMIN)
    await staff.press("ann:tg:all", user_id=ADMIN)
    [answer] = texts(await staff.send(typed, user_id=ADMIN))
    assert reply in answer
    today = datetime.now(SHANGHAI).date()
    assert all(day > today for day in _dates_in(answer.split("例如：")[1], today))
    assert await services.announcements.list_all() == []  # nothing stored; the step is asked again
    calls = await staff.send("半小时后", user_id=ADMIN)
    assert "预览" in texts(calls)[0]


async def test_members_get_the_header_and_a_one_tap_unsubscribe(
    staff: ChatDriver,  # noqa: F811
    services: Services,  # noqa: F811
    fake_api: FakeBotAPI,
) -> None:
    await services.preferences.set_locale(103, "en")
    calls = await draft_to_preview(staff, "<b>停水通知</b>：周六上午")
    preview = [p for name, p in calls if name == "sendMessage" and "停水通知" in p["text"]]
    assert preview[0]["text"] == "<b>工会通知 · 海口市总工会</b>\n\n<b>停水通知</b>：周六上午"
    await staff.press(markup_data(calls)[0], user_id=ADMIN)
    await _wait_for_text(fake_api, "通知发送完毕")

    notices = {int(p["chat_id"]): p for p in fake_api.of("sendMessage") if "停水通知" in str(p["text"])}
    member = notices[101]
    assert member["text"] == "<b>工会通知 · 海口市总工会</b>\n\n<b>停水通知</b>：周六上午"
    assert [b["callback_data"] for row in member["reply_markup"]["inline_keyboard"] for b in row] == ["sub:off"]
    assert labels(member) == ["退订"]
    assert notices[103]["text"].startswith("<b>Union notice · ")  # the header in the member's language
    assert labels(notices[103]) == ["Unsubscribe"]

    calls = await staff.press("sub:off", user_id=101, message_id=5000)  # the member taps 退订 under the notice
    [toast] = [p for name, p in calls if name == "answerCallbackQuery"]
    assert toast["text"] == "已退订"
    [confirmation] = [p for name, p in calls if name == "sendMessage"]
    assert "已退订，您不会再收到工会通知" in confirmation["text"]
    assert labels(confirmation) == ["重新订阅"]
    assert (await services.subscriptions.get(101)).active is False
    assert 101 not in await services.subscriptions.recipients()

    calls = await staff.press("sub:on", user_id=101)  # changed their mind
    assert "订阅成功" in texts(calls)[0]
    assert (await services.subscriptions.get(101)).active is True
