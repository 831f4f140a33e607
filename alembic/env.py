"""Alembic's environment: migrations run on the store's connection (start-up, ``run_bot.py migrate``).

Run by the ``alembic`` command instead, it opens the store the bot would open (``DATABASE_URL``,
else SQLite in ``DATA_DIR``), so ``alembic revision --autogenerate -m …`` compares with it.
"""

from __future__ import annotations

import asyncio
from logging.config import fileConfig

from alembic import context
from sqlalchemy import Connection

from bot.core.db.schema import metadata

config = context.config


def run_on(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_from_the_command_line() -> None:
    from bot.core.db.engine import Store
    from bot.core.settings import Settings

    settings = Settings.from_env()
    store = Store.create(settings.data_dir, settings.database_url)
    try:
        async with store.begin() as connection:
            await connection.run_sync(run_on)
    finally:
        await store.close()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported: run them against the database")
shared = config.attributes.get("connection")
if shared is not None:
    run_on(shared)
else:
    if config.config_file_name:
        fileConfig(config.config_file_name)
    asyncio.run(run_from_the_command_line())
