"""/announce end to end: staff gate, validation, preview, 发送 / 取消, delivery with progress and report.

The Application is started (JobQueue running), so 发送 arms a real job that sends through
the real PTB HTTP path to the fake Bot API, which answers some chats with 403.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp import web
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut

from bot.core.settings import Settings
from bot.services import Services
from bot.staff.announcement import SHANGHAI
from bot.staff.announcements import Status
from bot.staff.delivery import Kind
from handlers.app import build_application, on_startup
from handlers.staff.broadcast import deliver, schedule_announcement
from handlers.staff.broadcast_send import classify
from tests.conftest import ChatDriver, texts
from tests.fake_bot_api import FakeBotAPI, error

ADMIN = 9000
MEMBERS = range(100, 110)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return replace(settings, broadcast_rate=500)  # notices to the test members go out at once


@pytest.fixture
async def services(bot_services: Services) -> Services:
    await bot_services.subscriptions.subscribe_many(MEMBERS)
    return bot_services


@pytest.fixture
async def staff(services: Services, fake_api: FakeBotAPI) -> AsyncIterator[ChatDriver]:
    """A running Application (JobQueue started), fed updates as the staff member."""
    application = build_application(services)
    async with application:
        await application.start()
        yield ChatDriver(application, fake_api)
        await application.stop()


def markup_data(calls: list[tuple[str, dict[str, Any]]]) -> list[str]:
    return [
        button["callback_data"]
        for _name, params in calls
        if isinstance(params.get("reply_markup"), dict)
        for row in params["reply_markup"]["inline_keyboard"]
        for button in row
        if "callback_data" in button
    ]


async def draft_to_preview(staff: ChatDriver, text: str, target: str = "ann:tg:all", when: str = "现在") -> list:
    await staff.send("/announce", user_id=ADMIN)
    await staff.send(text, user_id=ADMIN)
    await staff.press(target, user_id=ADMIN)
    if target != "ann:tg:all":  # a topic or city toggled: then 完成
        await staff.press("ann:tg:done", user_id=ADMIN)
    return await staff.send(when, user_id=ADMIN)


def member_messages(api: FakeBotAPI) -> dict[int, int]:
    counts: dict[int, int] = {}
    for params in api.of("sendMessage"):
        chat = int(params["chat_id"])
        if chat in MEMBERS:
            counts[chat] = counts.get(chat, 0) + 1
    return counts


async def test_non_staff_is_refused_politely_and_nothing_happens(staff: ChatDriver, services: Services) -> None:
    calls = await staff.send("/announce", user_id=4242)
    assert texts(calls) == ["抱歉，这个功能只供工会工作人员使用。"]
    await staff.send("<b>假通知</b>", user_id=4242)  # not in the conversation: an ordinary question
    assert (await services.announcements.list_all()) == []
    await draft_to_preview(staff, "真通知")
    announcement_id = (await services.announcements.list_all())[0].id
    calls = await staff.press(f"ann:send:{announcement_id}", user_id=4242)  # a forged press
    assert "只供工会工作人员" in texts(calls)[0]
    assert (await services.announcements.get(announcement_id)).status is Status.DRAFT


async def test_full_flow_preview_send_progress_and_report(
    staff: ChatDriver, services: Services, fake_api: FakeBotAPI
) -> None:
    blocked = {103, 107}
    fake_api.behaviour = lambda method, params: (
        error(403, "Forbidden: bot was blocked by the user")
        if method == "sendMessage" and int(params["chat_id"]) in blocked
        else None
    )
    text = "<b>停水通知</b>\n明天 9:00–12:00 工会大楼停水。"
    calls = await draft_to_preview(staff, text)
    preview = [params for name, params in calls if name == "sendMessage" and params["text"].endswith(text)]
    assert len(preview) == 1
    assert preview[0]["text"] == f"<b>工会通知 · 工会工作人员</b>\n\n{text}"  # as members get it
    assert preview[0]["parse_mode"] == "HTML"
    assert "10 人" in texts(calls)[0]
    send, cancel = markup_data(calls)
    assert send.startswith("ann:send:")
    assert cancel.startswith("ann:cancel:")

    await staff.press(send, user_id=ADMIN)
    await fake_api.wait_for("sendMessage", count=len(preview) + 10)
    reports = await _wait_for_text(fake_api, "通知发送完毕")
    assert member_messages(fake_api) == {m: 1 for m in MEMBERS}
    assert "送达 8，屏蔽了机器人 2，失败 0" in reports[0]
    status = await services.announcements.status(send.removeprefix("ann:send:"))
    assert (status["status"], status["delivered"], status["blocked"], status["pending"]) == ("done", 8, 2, 0)
    assert await services.subscriptions.recipients() == [m for m in MEMBERS if m not in blocked]
    progress = [p for p in fake_api.of("sendMessage") if p["chat_id"] == ADMIN and "正在发送" in str(p["text"])]
    assert len(progress) <= 1  # one progress message, then edits


async def _wait_for_text(api: FakeBotAPI, fragment: str) -> list[str]:
    for _ in range(200):
        found = [str(p["text"]) for p in api.of("sendMessage") if fragment in str(p.get("text", ""))]
        if found:
            return found
        await api.wait_for("sendMessage", count=len(api.of("sendMessage")) + 1, within=5)
    raise AssertionError(f"no message containing {fragment!r}")


async def test_cancel_button_drops_the_draft(staff: ChatDriver, services: Services, fake_api: FakeBotAPI) -> None:
    calls = await draft_to_preview(staff, "不会发出的通知")
    _send, cancel = markup_data(calls)
    calls = await staff.press(cancel, user_id=ADMIN)
    assert "已取消" in texts(calls)[0]
    announcement_id = cancel.removeprefix("ann:cancel:")
    assert (await services.announcements.get(announcement_id)).status is Status.CANCELLED
    calls = await staff.press(f"ann:send:{announcement_id}", user_id=ADMIN)  # the stale 发送 afterwards
    assert "已经处理过" in texts(calls)[0]
    assert member_messages(fake_api) == {}


@pytest.mark.parametrize(
    ("text", "reply"),
    [("<b>没闭合", "HTML 格式有误"), ("<div>不支持</div>", "HTML 格式有误"), ("字" * 4100, "太长")],
)
async def test_bad_text_is_explained_and_can_be_retyped(
    staff: ChatDriver, services: Services, text: str, reply: str
) -> None:
    await staff.send("/announce", user_id=ADMIN)
    calls = await staff.send(text, user_id=ADMIN)
    assert reply in texts(calls)[0]
    calls = await staff.send("<i>改好了</i>", user_id=ADMIN)
    assert "发给谁" in texts(calls)[0]
    assert (await services.announcements.list_all()) == []


@pytest.mark.parametrize(
    ("when", "reply"),
    [
        ("2020-01-01 09:00", "已经过去"),
        ("下周一早上", "请说明几点"),
        ("火星时间", "看不懂"),
        ("2099-01-01 09:00", "一年以内"),
    ],
)
async def test_bad_time_is_explained(staff: ChatDriver, services: Services, when: str, reply: str) -> None:
    calls = await draft_to_preview(staff, "通知", when=when)
    assert reply in texts(calls)[0]
    calls = await staff.send("明天上午9点", user_id=ADMIN)
    assert "预览" in texts(calls)[0]
    tomorrow = (datetime.now(SHANGHAI) + timedelta(days=1)).strftime("%Y-%m-%d")
    assert f"{tomorrow}（" in texts(calls)[0]
    assert "09:00（北京时间）" in texts(calls)[0]


async def test_target_by_topic_reaches_only_matching_subscribers(
    staff: ChatDriver, services: Services, fake_api: FakeBotAPI
) -> None:
    await services.subscriptions.toggle(100, "topic", "events")  # only events: not reached by a loans notice
    calls = await draft_to_preview(staff, "贷款政策更新", target="ann:tg:t:loans")
    assert "9 人" in texts(calls)[0]
    await staff.press(markup_data(calls)[0], user_id=ADMIN)
    await _wait_for_text(fake_api, "通知发送完毕")
    assert set(member_messages(fake_api)) == set(MEMBERS) - {100}


async def test_forged_target_button_is_refused(staff: ChatDriver) -> None:
    await staff.send("/announce", user_id=ADMIN)
    await staff.send("通知", user_id=ADMIN)
    calls = await staff.press("ann:tg:t:no-such-topic", user_id=ADMIN)
    assert "没有这个主题" in texts(calls)[0]


async def test_scheduled_notice_is_rearmed_after_a_restart(
    settings: Settings, services: Services, fake_api: FakeBotAPI
) -> None:
    later = datetime.now(UTC) + timedelta(hours=3)
    announcement = await services.announcements.create("三小时后", "all", later, created_by=ADMIN)
    application = build_application(services)  # a fresh process: nothing armed yet
    async with application:
        await on_startup(application)
        jobs = [job for job in application.job_queue.jobs() if job.name.startswith("announcement:")]
        assert [job.name for job in jobs] == [f"announcement:{announcement.id}"]
        schedule_announcement(application, announcement)  # arming twice is harmless
        assert len(application.job_queue.get_jobs_by_name(f"announcement:{announcement.id}")) == 1
        assert abs((jobs[0].job.trigger.run_date - later).total_seconds()) < 5


async def test_flood_control_is_honoured(staff: ChatDriver, services: Services, fake_api: FakeBotAPI) -> None:
    answered: set[int] = set()

    def flood_once(method: str, params: dict[str, Any]) -> web.Response | None:
        chat = int(params.get("chat_id", 0))
        if method == "sendMessage" and chat == 105 and chat not in answered:
            answered.add(chat)
            return error(429, "Too Many Requests: retry after 1", retry_after=1)
        return None

    fake_api.behaviour = flood_once
    calls = await draft_to_preview(staff, "限流测试")
    await staff.press(markup_data(calls)[0], user_id=ADMIN)
    await _wait_for_text(fake_api, "通知发送完毕")
    assert member_messages(fake_api)[105] == 2  # refused once, then sent after the pause
    assert all(count == 1 for chat, count in member_messages(fake_api).items() if chat != 105)


async def test_progress_is_one_message_edited_in_place(
    staff: ChatDriver, services: Services, fake_api: FakeBotAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("handlers.staff.broadcast.PROGRESS_EVERY", 0.01)
    services.settings = replace(services.settings, broadcast_rate=100)  # ~0.1 s: several progress ticks
    calls = await draft_to_preview(staff, "进度测试")
    await staff.press(markup_data(calls)[0], user_id=ADMIN)
    await _wait_for_text(fake_api, "通知发送完毕")
    progress = [p for p in fake_api.of("sendMessage") if p["chat_id"] == ADMIN and "正在发送" in str(p["text"])]
    edits = [p for p in fake_api.of("editMessageText") if p["chat_id"] == ADMIN and "正在发送" in str(p["text"])]
    assert len(progress) == 1
    assert edits
    assert "10/10" in str(edits[-1]["text"])


async def test_a_cancelled_scheduled_notice_is_not_sent_when_its_job_fires(
    staff: ChatDriver, services: Services, fake_api: FakeBotAPI
) -> None:
    announcement = await services.announcements.create("会被取消", "all", None, created_by=ADMIN)
    await services.announcements.cancel(announcement.id)
    assert await deliver(staff.application, announcement.id) is None
    assert member_messages(fake_api) == {}


async def test_formatting_made_with_telegram_buttons_is_kept(staff: ChatDriver, services: Services) -> None:
    """Bold made in the Telegram app arrives as an entity, not as tags; the preview keeps it."""
    await staff.send("/announce", user_id=ADMIN)
    await staff.send("紧急 通知 a<b", user_id=ADMIN, entities=[{"type": "bold", "offset": 0, "length": 2}])
    await staff.press("ann:tg:all", user_id=ADMIN)
    calls = await staff.send("现在", user_id=ADMIN)
    assert any(text.endswith("<b>紧急</b> 通知 a&lt;b") for text in texts(calls))


@pytest.mark.parametrize(
    ("make", "kind"),
    [
        (lambda: RetryAfter(3), Kind.RETRY_AFTER),
        (lambda: Forbidden("Forbidden: bot was blocked by the user"), Kind.BLOCKED),
        (lambda: BadRequest("Bad Request: chat not found"), Kind.BLOCKED),
        (lambda: BadRequest("Bad Request: message is too long"), Kind.REJECTED),
        (lambda: TimedOut(), Kind.TRANSIENT),
        (lambda: NetworkError("Bad Gateway"), Kind.TRANSIENT),
    ],
)
def test_telegram_errors_become_delivery_outcomes(make: Callable[[], TelegramError], kind: Kind) -> None:
    result = classify(make())
    assert result.kind is kind
    assert result.retry_after == (3.0 if kind is Kind.RETRY_AFTER else 0.0)
