"""The web chat in real headless Chromium (Playwright, Debian's chromium), as a worker uses it on a phone."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio
from playwright.async_api import Page, expect

from bot.channels.web.server import build_app
from bot.core.settings import Settings
from bot.services import build_services
from bot.stations.directory import StationDirectory
from bot.understanding.engine import Engine
from tests.channel_serving import running
from tests.conftest import CONTENT

HAIKOU = {"latitude": 20.03, "longitude": 110.33}


@pytest_asyncio.fixture(loop_scope="session")
async def chat_url(tmp_path: Path, production_engine: tuple[Engine, StationDirectory]) -> AsyncIterator[str]:
    services = await build_services(Settings(data_dir=tmp_path / "data", content_dir=CONTENT), production_engine)
    try:
        async with running(build_app(services, env={"WEB_SESSION_SECRET": "browser-tests"})) as server:
            yield server.url + "/"
    finally:
        await services.close()


@pytest_asyncio.fixture(loop_scope="session")
async def chat(page: Page, chat_url: str) -> Page:
    """The chat page opened in Simplified Chinese, as a mainland phone would ask for it."""
    await page.set_extra_http_headers({"Accept-Language": "zh-CN,zh;q=0.9"})
    await page.goto(chat_url)
    await expect(page.locator('[data-role="bot"]').first).to_contain_text("您好")
    return page


def bot_messages(page: Page):
    return page.locator('[data-role="bot"]')


async def ask(page: Page, text: str) -> None:
    box = page.get_by_label("您的问题")
    await box.fill(text)
    await box.press("Enter")


async def test_a_typed_question_is_answered_with_its_source(chat: Page) -> None:
    await ask(chat, "劳模去雪乡要门票吗")
    answer = bot_messages(chat).last
    await expect(answer).to_contain_text("雪乡")
    await expect(answer.locator(".source")).to_contain_text("来源：")
    await expect(chat.locator('[data-role="user"]').last).to_have_text("我：劳模去雪乡要门票吗")
    await expect(chat.get_by_label("您的问题")).to_be_focused()
    await expect(chat.get_by_label("您的问题")).to_have_value("")


async def test_pressing_a_suggestion_answers_it(chat: Page) -> None:
    await ask(chat, "劳模去雪乡要门票吗")
    first = bot_messages(chat).last
    await expect(first).to_contain_text("雪乡")
    chip = first.locator(".chips button").first
    title = await chip.text_content()
    await chip.click()
    await expect(bot_messages(chat).last.locator(".heading")).to_have_text(title or "")
    await expect(bot_messages(chat).last).to_be_focused()


async def test_the_loan_questionnaire_runs_on_buttons(chat: Page) -> None:
    await chat.get_by_role("navigation").get_by_role("button", name="💰 小额贷款").click()
    step = bot_messages(chat).last
    await expect(step).to_contain_text("（1/5）")
    await step.get_by_role("button").first.click()
    await expect(bot_messages(chat).last).to_contain_text("（2/5）")
    await bot_messages(chat).last.get_by_role("button").first.click()
    await expect(bot_messages(chat).last).to_contain_text("（3/5）")
    await bot_messages(chat).last.get_by_role("button", name="没有（已还清或没借过）").click()
    await expect(bot_messages(chat).last).to_contain_text("（4/5）")
    await ask(chat, "5万")
    await expect(bot_messages(chat).last).to_contain_text("（5/5）")
    await ask(chat, "开一家早餐店")
    verdict = bot_messages(chat).last
    await expect(verdict.locator(".heading")).to_have_text("贷款资格测评结果")
    await expect(verdict).to_contain_text("符合条件")
    await expect(verdict.get_by_role("button", name="🔄 重新测评")).to_be_visible()


async def test_the_benefits_check_runs_on_buttons(chat: Page) -> None:
    await chat.get_by_role("navigation").get_by_role("button", name="🏅 劳模待遇").click()
    await expect(bot_messages(chat).last).to_contain_text("请选择要查的一项")
    await bot_messages(chat).last.get_by_role("button").first.click()
    await expect(bot_messages(chat).last).to_contain_text("您获得的是哪项荣誉？")
    await bot_messages(chat).last.get_by_role("button").first.click()
    await expect(bot_messages(chat).last).to_contain_text("您现在是在职，还是已经离退休？")
    await bot_messages(chat).last.get_by_role("button", name="在职").click()
    await expect(bot_messages(chat).last).to_contain_text("可以享受")


async def test_a_granted_location_lists_the_nearest_stations_with_map_links(chat: Page) -> None:
    await chat.context.grant_permissions(["geolocation"])
    await chat.context.set_geolocation(HAIKOU)
    await chat.locator("#geo").click()
    answer = bot_messages(chat).last
    await expect(answer.locator(".heading")).to_have_text("离您最近的站点")
    links = answer.get_by_role("link")
    await expect(links).to_have_count(3)
    assert (await links.first.get_attribute("href") or "").startswith("https://uri.amap.com/marker?position=110.")
    await expect(chat.locator('[data-role="user"]').last).to_contain_text("📍 我的位置")


async def test_a_refused_location_asks_for_a_city_instead(chat: Page) -> None:
    await chat.context.clear_permissions()
    await chat.locator("#geo").click()
    await expect(bot_messages(chat).last).to_contain_text("请直接输入城市或区县")
    await expect(chat.get_by_label("您的问题")).to_be_focused()
    await ask(chat, "海口龙华区的站点")
    await expect(bot_messages(chat).last.locator(".heading")).to_contain_text("龙华区")


async def test_hostile_html_is_shown_as_text_and_never_run(chat: Page) -> None:
    hostile = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script><b>粗体</b>'
    await ask(chat, hostile)
    await expect(chat.locator('[data-role="user"]').last).to_have_text("我：" + hostile)
    await expect(bot_messages(chat).last).not_to_contain_text("您好")  # the bot answered it
    assert await chat.evaluate("window.pwned") is None
    await expect(chat.locator("#log img, #log script, #log b")).to_have_count(0)
    await chat.reload()  # and from the stored history too
    await expect(chat.locator('[data-role="user"]').last).to_have_text("我：" + hostile)
    assert await chat.evaluate("window.pwned") is None


async def test_the_conversation_survives_a_reload(chat: Page) -> None:
    await ask(chat, "工会法第6条")
    await expect(bot_messages(chat).last).to_contain_text("第六条")
    await chat.reload()
    await expect(chat.locator('[data-role="user"]')).to_have_text(["我：工会法第6条"])
    await expect(bot_messages(chat).last).to_contain_text("第六条")


async def test_votes_thank_the_member_and_lock_the_buttons(chat: Page) -> None:
    await ask(chat, "工会法第6条")
    up = bot_messages(chat).last.get_by_role("button", name="👍 有帮助")
    await up.click()
    await expect(chat.get_by_role("status")).to_have_text("谢谢您的反馈！")
    await expect(up).to_be_disabled()


async def test_the_language_switch_reloads_the_page_in_english(chat: Page) -> None:
    await chat.get_by_role("button", name="English").click()
    await expect(chat.get_by_role("button", name="Send", exact=True)).to_be_visible()
    assert await chat.evaluate("document.documentElement.lang") == "en"
    await expect(chat.get_by_role("button", name="English")).to_have_attribute("aria-pressed", "true")
    await chat.get_by_label("Your question").fill("工会法第6条")
    await chat.get_by_label("Your question").press("Enter")
    await expect(bot_messages(chat).last.locator(".source")).to_contain_text("Source")


async def test_keyboard_only_use_reaches_the_menu(chat: Page) -> None:
    await chat.get_by_role("navigation").get_by_role("button", name="📍 服务站点").focus()
    await chat.keyboard.press("Enter")
    answer = bot_messages(chat).last
    await expect(answer).to_contain_text("户外劳动者服务站点")
    await expect(answer).to_be_focused()  # read out first; the next Tab reaches its button
    await chat.keyboard.press("Tab")
    await expect(answer.get_by_role("button", name="📍 发送我的位置")).to_be_focused()


async def test_readable_at_320_pixels(chat: Page) -> None:
    await chat.set_viewport_size({"width": 320, "height": 640})
    await ask(chat, "海口的站点")
    await expect(bot_messages(chat).last).to_contain_text("示例")
    assert await chat.evaluate("document.documentElement.scrollWidth") <= 320
    size = await chat.evaluate("parseFloat(getComputedStyle(document.querySelector('.body')).fontSize)")
    assert size >= 16
