"""The real test servers work: PostgreSQL 15 through asyncpg, and a click in headless Chromium."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest_asyncio
from aiohttp import web
from playwright.async_api import Page, expect

PAGE = """<!doctype html>
<html lang="zh"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>按钮</title></head>
<body><p id="width"></p>
<button type="button" onclick="this.textContent = '已办理 done'">办理 Apply</button>
<script>document.getElementById('width').textContent = window.innerWidth + 'x' + window.innerHeight;</script>
</body></html>
"""


async def test_postgres_roundtrip(postgres_db_url: str) -> None:
    conn = await asyncpg.connect(postgres_db_url)
    try:
        assert conn.get_server_version().major == 15
        await conn.execute("CREATE TABLE station (id serial PRIMARY KEY, name text NOT NULL, lat double precision)")
        await conn.execute("INSERT INTO station (name, lat) VALUES ($1, $2)", "户外劳动者服务站", 45.75)
        rows = await conn.fetch("SELECT name, lat FROM station")
        assert [tuple(r) for r in rows] == [("户外劳动者服务站", 45.75)]
    finally:
        await conn.close()


async def test_each_test_gets_its_own_empty_database(postgres_url: str, postgres_db_url: str) -> None:
    assert postgres_db_url != postgres_url
    assert postgres_url.startswith("postgresql://postgres@127.0.0.1:")
    conn = await asyncpg.connect(postgres_db_url)
    try:
        assert await conn.fetchval("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == 0
        assert await conn.fetchval("SELECT current_database()") == postgres_db_url.rsplit("/", 1)[1]
    finally:
        await conn.close()


@pytest_asyncio.fixture(loop_scope="session")
async def button_page_url() -> AsyncIterator[str]:
    async def index(request: web.Request) -> web.Response:
        return web.Response(text=PAGE, content_type="text/html")

    app = web.Application()
    app.router.add_get("/", index)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    try:
        yield f"http://{host}:{port}/"
    finally:
        await runner.cleanup()


async def test_chromium_click_changes_text(page: Page, button_page_url: str) -> None:
    await page.goto(button_page_url)
    await expect(page.locator("#width")).to_have_text("390x844")
    button = page.get_by_role("button", name="办理 Apply")
    await button.click()
    await expect(page.get_by_role("button")).to_have_text("已办理 done")
    await expect(page.get_by_role("button", name="办理 Apply")).to_have_count(0)
