"""The SQL store's inside: the tables (declared once, in ``schema``), the engine and its lock
(``engine``), Alembic migrations applied at start-up (``migrations``), the one-time import of the
old JSON state (``legacy``), upserts that read the same on SQLite and PostgreSQL (``upsert``) and
the daily retention sweep (``retention``).

Part of `bot.core`: imports nothing else from `bot`. Domain code reaches it through
``bot.core.storage.Store``.
"""
