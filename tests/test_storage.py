"""The SQL store itself: URLs, the SQLite writer lock, migrations, durability under kill -9, member state."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import textwrap
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from bot.core.db.engine import Store, StoreLocked, database_url
from bot.core.db.migrations import alembic_config, current_revision, head_revision
from bot.core.db.schema import metadata
from bot.core.member_state import MemberState
from bot.core.preferences import Preferences
from bot.core.settings import Settings
from bot.core.storage import StorageError, open_store

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ("zh_Hans", "zh_Hant", "en")


@pytest.mark.parametrize(
    ("configured", "expected"),
    [
        ("postgresql://bot:s3cret@db.example:5432/union", "postgresql+asyncpg://bot:***@db.example:5432/union"),
        ("postgres://bot@db/union", "postgresql+asyncpg://bot@db/union"),
    ],
)
def test_database_url_is_driven_by_asyncpg(configured: str, expected: str) -> None:
    assert database_url(Path("/data"), configured).render_as_string(hide_password=True) == expected


def test_without_database_url_the_store_is_sqlite_in_data_dir() -> None:
    assert str(database_url(Path("/data"), None)) == "sqlite+aiosqlite:////data/state.db"


@pytest.mark.parametrize("configured", ["mysql://u@h/db", "not a url"])
def test_a_database_url_we_cannot_use_is_refused(configured: str) -> None:
    with pytest.raises(StorageError, match="DATABASE_URL"):
        database_url(Path("/data"), configured)


def test_the_database_password_never_reaches_a_log_line() -> None:
    settings = Settings.from_env({"DATABASE_URL": "postgresql://bot:pa55word@db/union"})
    assert "pa55word" in settings.secrets
    assert "pa55word" not in repr(settings)


async def test_a_second_opener_of_one_sqlite_store_is_refused(tmp_path: Path) -> None:
    store = await open_store(tmp_path)
    try:
        with pytest.raises(StoreLocked, match="another process"):
            Store.create(tmp_path)
    finally:
        await store.close()
    again = await open_store(tmp_path)  # closing released the lock
    await again.close()


async def test_migrations_build_the_schema_the_code_declares(store: Store) -> None:
    """Alembic's revisions and schema.py agree: autogenerate finds nothing to add or change."""

    def check(connection: object) -> tuple[str | None, list[object]]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})  # type: ignore[arg-type]
        return current_revision(connection), compare_metadata(context, metadata)  # type: ignore[arg-type]

    async with store.connect() as connection:
        revision, differences = await connection.run_sync(check)
    assert revision == head_revision()
    assert differences == []


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
async def test_upgrading_a_filled_store_keeps_its_rows(
    database: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """A store left at the first revision, with members in it, is upgraded at the next start."""
    url = request.getfixturevalue("postgres_db_url") if database == "postgresql" else None
    old = Store.create(tmp_path, url)
    try:
        async with old.begin() as connection:
            await connection.run_sync(lambda c: command.upgrade(alembic_config(c), "0001"))
        await Preferences(old).set_locale(7, "en")
    finally:
        await old.close()
    store = await open_store(tmp_path, url)
    try:
        assert await Preferences(store).locale(7) == "en"
        async with store.connect() as connection:
            assert await connection.run_sync(current_revision) == head_revision() != "0001"
            if database == "postgresql":
                options = await connection.scalar(
                    text("SELECT reloptions FROM pg_class WHERE relname = 'feedback_questions'")
                )
                assert "autovacuum_vacuum_insert_threshold=1000" in options
    finally:
        await store.close()


async def test_migrating_a_filled_store_again_keeps_its_rows(tmp_path: Path) -> None:
    store = await open_store(tmp_path)
    await Preferences(store).set_locale(7, "en")
    await store.close()
    store = await open_store(tmp_path)  # every start runs the migrations: a no-op at head
    try:
        assert await Preferences(store).locale(7) == "en"
        async with store.connect() as connection:
            tables = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
        assert set(metadata.tables) <= tables
    finally:
        await store.close()


async def test_preferences_round_trip_and_refuse_an_unknown_locale(store: Store) -> None:
    preferences = Preferences(store)
    assert await preferences.locale(1) is None
    await preferences.set_locale(1, "zh_Hant")
    await preferences.set_locale(1, "en")
    assert await preferences.locale(1) == "en"
    with pytest.raises(ValueError, match="unsupported"):
        await preferences.set_locale(1, "xx")
    assert await preferences.locale(1) == "en"


async def test_member_state_per_channel(store: Store) -> None:
    state = MemberState(store)
    assert await state.load("web", "m1") == {}
    await state.save("web", "m1", {"step": 2, "answers": {"city": "海口"}})
    await state.save("wechat", "m1", {"step": 9})
    assert await state.load("web", "m1") == {"step": 2, "answers": {"city": "海口"}}
    assert await state.load("wechat", "m1") == {"step": 9}
    with pytest.raises(ValueError, match="JSON"):
        await state.save("web", "m1", {"when": object()})
    assert await state.load("web", "m1") == {"step": 2, "answers": {"city": "海口"}}  # nothing half written
    await state.save("web", "m1", {})
    assert await state.load("web", "m1") == {}


WRITER = textwrap.dedent(
    """
    import asyncio, sys
    from pathlib import Path
    from bot.core.preferences import Preferences
    from bot.core.storage import open_store

    async def main():
        store = await open_store(Path(sys.argv[1]))
        preferences = Preferences(store)
        i = 0
        while True:
            await preferences.set_locale(i % 50, ("zh_Hans", "zh_Hant", "en")[i % 3])  # LOCALES
            print(i, flush=True)
            i += 1

    asyncio.run(main())
    """
)


@pytest.mark.slow
async def test_kill_9_during_writes_loses_no_acknowledged_write(tmp_path: Path) -> None:
    """Kill a writer mid-stream; the store must open and hold every write it acknowledged."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        WRITER,
        str(tmp_path),
        stdout=asyncio.subprocess.PIPE,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    acknowledged = -1
    while acknowledged < 300:
        acknowledged = int(await proc.stdout.readline())  # type: ignore[union-attr]
    proc.send_signal(signal.SIGKILL)
    await proc.wait()
    store = await open_store(tmp_path)  # the dead writer's lock is gone with it
    try:
        preferences = Preferences(store)
        for i in range(acknowledged - 49, acknowledged + 1):  # each member's last acknowledged write
            allowed = {LOCALES[i % 3]} | ({LOCALES[(i + 50) % 3]} if i + 50 == acknowledged + 1 else set())
            assert await preferences.locale(i % 50) in allowed  # …or the next, if the kill cut off its ack
    finally:
        await store.close()
