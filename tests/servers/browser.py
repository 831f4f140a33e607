"""Headless Chromium (Debian's /usr/bin/chromium) driven by Playwright's async API.

    async def test_x(page: Page) -> None:          # fresh context, phone viewport 390x844
        await page.goto(url)
        await page.get_by_role("button", name="OK").click()

`browser` is launched once per session, so it lives in pytest-asyncio's session event loop: every
test that uses `browser` or `page` is run in that loop (this plugin marks it so). Such a test's
other async fixtures must run there too: declare them `@pytest_asyncio.fixture(loop_scope="session")`
(any scope); a test that mixes in a function-loop async fixture fails at setup saying which one.
Playwright's own browser downloads are never used (no `playwright install`).
"""

from __future__ import annotations

import inspect
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import pytest_asyncio

from tests.servers import unavailable

if TYPE_CHECKING:
    from playwright.async_api import Browser, Page

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
INSTALL_HINT = "apt-get install chromium fonts-noto-cjk, or `make install` as root"
# As root, in a closed network: without the background-networking flags Chromium keeps trying to reach
# Google's hosts. Playwright adds a fresh temporary --user-data-dir itself on every launch.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE_VIEWPORT = {"width": 390, "height": 844}
BROWSER_FIXTURES = {"browser", "page"}
_loop_problem = pytest.StashKey[str]()


def _chromium_installed() -> bool:
    return CHROMIUM.is_file()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def browser() -> AsyncIterator[Browser]:
    if not _chromium_installed():
        unavailable(f"Chromium not installed ({CHROMIUM} missing): {INSTALL_HINT}")
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        unavailable("Python package playwright not installed: `make install` (requirements.txt)")
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            await browser.close()


@pytest_asyncio.fixture(loop_scope="session")
async def page(browser: Browser) -> AsyncIterator[Page]:
    """A page in a fresh browser context (no cookies or storage from other tests), 390x844."""
    context = await browser.new_context(viewport=PHONE_VIEWPORT)
    context.set_default_timeout(10_000)
    try:
        yield await context.new_page()
    finally:
        await context.close()


def _fixture_loop_scope(fixturedef: pytest.FixtureDef[object], config: pytest.Config) -> str | None:
    """The event-loop scope pytest-asyncio will run an async fixture in, None for a sync fixture."""
    func = fixturedef.func
    if not (inspect.iscoroutinefunction(func) or inspect.isasyncgenfunction(func)):
        return None
    default = config.getini("asyncio_default_fixture_loop_scope") or "function"
    return getattr(func, "_loop_scope", None) or (fixturedef.scope if default == "fixture" else default)


def _uses_browser(item: pytest.Function) -> bool:
    """Whether the item gets this module's `browser` or `page` (not, say, a parameter named `page`)."""
    defs = item._fixtureinfo.name2fixturedefs
    return any(name in defs and defs[name][-1].func.__module__ == __name__ for name in BROWSER_FIXTURES)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if not isinstance(item, pytest.Function) or not _uses_browser(item):
            continue
        if not inspect.iscoroutinefunction(item.obj):
            item.stash[_loop_problem] = "tests that use `browser` or `page` must be `async def`"
            continue
        item.add_marker(pytest.mark.asyncio(loop_scope="session"), append=False)
        for name, defs in item._fixtureinfo.name2fixturedefs.items():
            scope = _fixture_loop_scope(defs[-1], config)
            if scope not in (None, "session"):
                item.stash[_loop_problem] = (
                    f"async fixture {name!r} runs in the {scope} event loop, but tests that use `browser` or "
                    '`page` run in the session loop: declare it @pytest_asyncio.fixture(loop_scope="session")'
                )
                break


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    problem = item.stash.get(_loop_problem, None)
    if problem:
        pytest.fail(problem, pytrace=False)
