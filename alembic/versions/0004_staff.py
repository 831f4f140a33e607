"""staff: the story of an interrupted delivery; the question behind each vote (on feedback_votes)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("announcements", schema=None) as batch_op:
        batch_op.add_column(sa.Column("interruptions", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("interrupted_at", sa.Double(), nullable=True))
        batch_op.add_column(sa.Column("interrupted_done", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("resumed_at", sa.Double(), nullable=True))
        batch_op.add_column(sa.Column("downtime", sa.Double(), server_default="0", nullable=False))
    with op.batch_alter_table("feedback_votes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("question", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("norm", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("feedback_votes", schema=None) as batch_op:
        batch_op.drop_column("norm")
        batch_op.drop_column("question")
    with op.batch_alter_table("announcements", schema=None) as batch_op:
        batch_op.drop_column("downtime")
        batch_op.drop_column("resumed_at")
        batch_op.drop_column("interrupted_done")
        batch_op.drop_column("interrupted_at")
        batch_op.drop_column("interruptions")
