"""Alembic owns the schema: ``upgrade`` brings any database to the newest revision.

It runs at every start-up and by ``python run_bot.py migrate``, on the store's own connection
(Alembic's "shared connection" recipe), so it works inside the running event loop. On
PostgreSQL an advisory lock makes instances that start together migrate one after another.
"""

from __future__ import annotations

import logging

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text

from bot.core.db.engine import Store
from bot.core.settings import ROOT

log = logging.getLogger(__name__)

ALEMBIC_DIR = ROOT / "alembic"
MIGRATION_LOCK = 0x756E696F6E  # pg_advisory_xact_lock key: "union"


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(ALEMBIC_DIR))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def _upgrade(connection: Connection) -> tuple[str | None, str | None]:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
    before = current_revision(connection)
    command.upgrade(alembic_config(connection), "head")
    return before, current_revision(connection)


async def upgrade(store: Store) -> tuple[str | None, str | None]:
    """Apply every migration not yet applied; (revision before, revision after).

    Upgrading a store that holds data is logged; creating a new one is not news.
    """
    async with store.begin() as connection:
        before, after = await connection.run_sync(_upgrade)
    if before != after:
        level = logging.INFO if before else logging.DEBUG
        log.log(level, "store %s migrated from %s to %s", store.url, before or "empty", after)
    return before, after
