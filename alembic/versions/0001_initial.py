"""the SQL store: members, subscriptions, PTB state, announcements, deliveries, feedback, hand-offs

Revision ID: 0001
Revises: (none)
Create Date: 2026-12-01 21:40:16.527933
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "announcements",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("target", sa.JSON(), nullable=False),
        sa.Column("send_at", sa.Double(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.Double(), nullable=False),
        sa.Column("started_at", sa.Double(), nullable=True),
        sa.Column("finished_at", sa.Double(), nullable=True),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("delivered", sa.Integer(), nullable=False),
        sa.Column("blocked", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("duplicates", sa.Integer(), nullable=False),
        sa.Column("reporter", sa.String(length=64), nullable=True),
        sa.Column("reporter_until", sa.Double(), nullable=True),
        sa.Column("progress_message_id", sa.BigInteger(), nullable=True),
        sa.Column("reported", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_announcements")),
    )
    with op.batch_alter_table("announcements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_announcements_status_send_at"), ["status", "send_at"], unique=False)

    op.create_table(
        "feedback_questions",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("norm", sa.Text(), nullable=False),
        sa.Column("created_at", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_questions")),
    )
    with op.batch_alter_table("feedback_questions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_feedback_questions_chat_id_message_id"), ["chat_id", "message_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_feedback_questions_created_at_norm_id"), ["created_at", "norm", "id"], unique=False
        )

    op.create_table(
        "feedback_votes",
        sa.Column("chat_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("message_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("ref", sa.String(length=128), nullable=False),
        sa.Column("vote", sa.String(length=4), nullable=False),
        sa.Column("created_at", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("chat_id", "message_id", "user_id", name=op.f("pk_feedback_votes")),
    )
    with op.batch_alter_table("feedback_votes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_feedback_votes_created_at_ref_vote"), ["created_at", "ref", "vote"], unique=False
        )

    op.create_table(
        "handoffs",
        sa.Column("staff_chat_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("staff_message_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("member_chat_id", sa.BigInteger(), nullable=False),
        sa.Column("member_user_id", sa.BigInteger(), nullable=False),
        sa.Column("question_message_id", sa.BigInteger(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("locale", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.Double(), nullable=False),
        sa.Column("replies", sa.Integer(), nullable=False),
        sa.Column("closed_at", sa.Double(), nullable=True),
        sa.PrimaryKeyConstraint("staff_chat_id", "staff_message_id", name=op.f("pk_handoffs")),
    )
    with op.batch_alter_table("handoffs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_handoffs_closed_at"), ["closed_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_handoffs_created_at"), ["created_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_handoffs_member_chat_id_question_message_id"),
            ["member_chat_id", "question_message_id"],
            unique=False,
        )

    op.create_table(
        "member_state",
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("member_id", sa.String(length=128), nullable=False),
        sa.Column("state", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("channel", "member_id", name=op.f("pk_member_state")),
    )
    op.create_table(
        "members",
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("locale", sa.String(length=16), nullable=True),
        sa.Column("updated_at", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_members")),
    )
    op.create_table(
        "pacer",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("next_slot", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_pacer")),
    )
    op.create_table(
        "ptb_callback_data",
        sa.Column("id", sa.String(length=16), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ptb_callback_data")),
    )
    op.create_table(
        "ptb_chat_data",
        sa.Column("chat_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("chat_id", name=op.f("pk_ptb_chat_data")),
    )
    op.create_table(
        "ptb_conversations",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("state", sa.JSON(), nullable=True),
        sa.Column("updated_at", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("name", "key", name=op.f("pk_ptb_conversations")),
    )
    with op.batch_alter_table("ptb_conversations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ptb_conversations_updated_at"), ["updated_at"], unique=False)

    op.create_table(
        "ptb_user_data",
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_ptb_user_data")),
    )
    op.create_table(
        "store_meta",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_store_meta")),
    )
    op.create_table(
        "subscribers",
        sa.Column("chat_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("inactive_reason", sa.String(length=32), nullable=True),
        sa.Column("since", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("chat_id", name=op.f("pk_subscribers")),
    )
    op.create_table(
        "deliveries",
        sa.Column("announcement_id", sa.String(length=32), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("lease_owner", sa.String(length=64), nullable=True),
        sa.Column("lease_until", sa.Double(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("finished_at", sa.Double(), nullable=True),
        sa.ForeignKeyConstraint(
            ["announcement_id"],
            ["announcements.id"],
            name=op.f("fk_deliveries_announcement_id_announcements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("announcement_id", "chat_id", name=op.f("pk_deliveries")),
    )
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_deliveries_announcement_id_status_chat_id"),
            ["announcement_id", "status", "chat_id"],
            unique=False,
        )

    op.create_table(
        "subscriber_choices",
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("option", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["chat_id"],
            ["subscribers.chat_id"],
            name=op.f("fk_subscriber_choices_chat_id_subscribers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("chat_id", "kind", "option", name=op.f("pk_subscriber_choices")),
    )


def downgrade() -> None:
    op.drop_table("subscriber_choices")
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deliveries_announcement_id_status_chat_id"))

    op.drop_table("deliveries")
    op.drop_table("subscribers")
    op.drop_table("store_meta")
    op.drop_table("ptb_user_data")
    with op.batch_alter_table("ptb_conversations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ptb_conversations_updated_at"))

    op.drop_table("ptb_conversations")
    op.drop_table("ptb_chat_data")
    op.drop_table("ptb_callback_data")
    op.drop_table("pacer")
    op.drop_table("members")
    op.drop_table("member_state")
    with op.batch_alter_table("handoffs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_handoffs_member_chat_id_question_message_id"))
        batch_op.drop_index(batch_op.f("ix_handoffs_created_at"))
        batch_op.drop_index(batch_op.f("ix_handoffs_closed_at"))

    op.drop_table("handoffs")
    with op.batch_alter_table("feedback_votes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_votes_created_at_ref_vote"))

    op.drop_table("feedback_votes")
    with op.batch_alter_table("feedback_questions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_questions_created_at_norm_id"))
        batch_op.drop_index(batch_op.f("ix_feedback_questions_chat_id_message_id"))

    op.drop_table("feedback_questions")
    with op.batch_alter_table("announcements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_announcements_status_send_at"))

    op.drop_table("announcements")
