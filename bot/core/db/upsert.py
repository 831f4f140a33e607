"""Insert-or-update in one statement, the same on SQLite and PostgreSQL (both say ON CONFLICT)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import Insert


def upsert(dialect: str, table: Table, keys: Sequence[str], update: Sequence[str] | None = None) -> Insert:
    """``INSERT … ON CONFLICT (keys) DO UPDATE SET`` the ``update`` columns (None: every other column).

    An empty ``update`` means ``DO NOTHING``: the row that is there stays. Execute it with the
    values (one dict, or a list for many rows).
    """
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    columns = [c.name for c in table.columns if c.name not in keys] if update is None else list(update)
    if not columns:
        return insert.on_conflict_do_nothing(index_elements=list(keys))
    return insert.on_conflict_do_update(
        index_elements=list(keys), set_={name: insert.excluded[name] for name in columns}
    )
