"""Save a phone-size (390×844) screenshot of a web chat conversation for the README.

    .venv/bin/python tools/web_screenshot.py [docs/web-chat.png]

Starts the web chat on a free 127.0.0.1 port with a throwaway data dir, asks a question, presses a
suggestion and shares a location in headless Chromium (Debian's /usr/bin/chromium, or $CHROMIUM),
then saves the visible screen. Emoji need fonts-noto-color-emoji; Chinese needs fonts-noto-cjk.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

from aiohttp import web
from playwright.async_api import Page, async_playwright, expect

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.channels.web.server import build_app  # noqa: E402
from bot.core.settings import Settings  # noqa: E402
from bot.services import build_services  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
PHONE = {"width": 390, "height": 844}
HAIKOU = {"latitude": 20.03, "longitude": 110.33}


async def converse(page: Page) -> None:
    """A typed question and its answer, scrolled so that the question sits under the header."""
    box = page.get_by_label("您的问题")
    await box.fill("劳模去雪乡要门票吗")
    await box.press("Enter")
    answer = page.locator('[data-role="bot"]').last
    await expect(answer).to_contain_text("雪乡")
    await page.locator('[data-role="user"]').last.evaluate("m => window.scrollTo(0, m.offsetTop - 80)")


async def main(target: Path) -> None:
    with tempfile.TemporaryDirectory() as data:
        services = await build_services(Settings(data_dir=Path(data)))
        runner = web.AppRunner(build_app(services, env={}), access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        url = f"http://127.0.0.1:{runner.addresses[0][1]}/"
        try:
            async with async_playwright() as pw:
                browser = await pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"], headless=True)
                context = await browser.new_context(viewport=PHONE, locale="zh-CN", device_scale_factor=1)
                page = await context.new_page()
                await page.goto(url)
                await converse(page)
                await page.screenshot(path=str(target))
                await browser.close()
        finally:
            await runner.cleanup()
            await services.close()


if __name__ == "__main__":
    saved = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "web-chat.png"
    asyncio.run(main(saved))
    print(f"saved {saved} ({saved.stat().st_size // 1024} KB)")
