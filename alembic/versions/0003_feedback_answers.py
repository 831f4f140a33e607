"""feedback_answers: answered questions for the most-asked menu

Answered questions and the answer each got: the ❓ menu lists the answers most members were
given lately, and a 👎 can hand the question to a person. Insert-only like the other feedback
tables, so PostgreSQL vacuums it as migration 0002 does them.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 22:21:48.983985
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

AUTOVACUUM = (
    "autovacuum_vacuum_insert_threshold = 1000, autovacuum_vacuum_insert_scale_factor = 0.005,"
    " autovacuum_analyze_scale_factor = 0.01"
)


revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "feedback_answers",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("ref", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_answers")),
    )
    with op.batch_alter_table("feedback_answers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_feedback_answers_chat_id_message_id"), ["chat_id", "message_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_feedback_answers_created_at_ref_user_id"), ["created_at", "ref", "user_id"], unique=False
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE feedback_answers SET ({AUTOVACUUM})")


def downgrade() -> None:
    with op.batch_alter_table("feedback_answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_answers_created_at_ref_user_id"))
        batch_op.drop_index(batch_op.f("ix_feedback_answers_chat_id_message_id"))

    op.drop_table("feedback_answers")
