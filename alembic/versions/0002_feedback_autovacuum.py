"""Feedback tables: PostgreSQL vacuums them after a few thousand inserts, not after 20% of the table

/report reads the last week's rows through an index on (created_at, norm); PostgreSQL answers it
from the index alone only for heap pages its visibility map marks all-visible, which VACUUM does.
Insert-only tables are vacuumed by default after 20% new rows (200,000 at a million), so the hot
week would be read from the heap; these settings keep it index-only. Nothing to do on SQLite.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 23:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("feedback_questions", "feedback_votes")
SETTINGS = (
    "autovacuum_vacuum_insert_threshold = 1000",
    "autovacuum_vacuum_insert_scale_factor = 0.005",
    "autovacuum_analyze_scale_factor = 0.01",
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f"ALTER TABLE {table} SET ({', '.join(SETTINGS)})")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    names = ", ".join(setting.split(" = ")[0] for setting in SETTINGS)
    for table in TABLES:
        op.execute(f"ALTER TABLE {table} RESET ({names})")
