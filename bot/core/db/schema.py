"""Every table of the writable state, declared once; Alembic's migrations are written against it.

Times are seconds since the epoch (``Double``): the same arithmetic on SQLite and PostgreSQL,
and leases compare with the plain wall clock every instance shares. JSON columns hold only what
JSON holds (PTB's user_data, a target), never pickles.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Double,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = MetaData(naming_convention=NAMING)

store_meta = Table(  # facts about the store itself, e.g. that the old state.json was imported
    "store_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", JSON, nullable=False),
)

# -- members ------------------------------------------------------------------------------------

members = Table(
    "members",
    metadata,
    Column("user_id", BigInteger, primary_key=True, autoincrement=False),
    Column("locale", String(16)),  # the language the member chose; NULL: follow Telegram's
    Column("updated_at", Double, nullable=False),
)

member_state = Table(  # per-channel state of channels without PTB (the web chat)
    "member_state",
    metadata,
    Column("channel", String(32), primary_key=True),
    Column("member_id", String(128), primary_key=True),
    Column("state", JSON, nullable=False),
    Column("updated_at", Double, nullable=False),
)

subscribers = Table(
    "subscribers",
    metadata,
    Column("chat_id", BigInteger, primary_key=True, autoincrement=False),
    Column("active", Boolean, nullable=False),
    Column("inactive_reason", String(32)),  # unsubscribed | blocked | …
    Column("since", Double, nullable=False),
)

subscriber_choices = Table(  # one row per chosen topic or city; none of a kind: all of that kind
    "subscriber_choices",
    metadata,
    Column("chat_id", BigInteger, ForeignKey("subscribers.chat_id", ondelete="CASCADE"), primary_key=True),
    Column("kind", String(8), primary_key=True),  # topic | city
    Column("option", String(64), primary_key=True),
)

# -- python-telegram-bot persistence ------------------------------------------------------------

ptb_user_data = Table(
    "ptb_user_data",
    metadata,
    Column("user_id", BigInteger, primary_key=True, autoincrement=False),
    Column("data", JSON, nullable=False),
    Column("updated_at", Double, nullable=False),
)

ptb_chat_data = Table(
    "ptb_chat_data",
    metadata,
    Column("chat_id", BigInteger, primary_key=True, autoincrement=False),
    Column("data", JSON, nullable=False),
    Column("updated_at", Double, nullable=False),
)

ptb_conversations = Table(
    "ptb_conversations",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("key", String(255), primary_key=True),  # the conversation key as JSON: "[chat, user]"
    Column("state", JSON(none_as_null=True)),  # NULL: finished (pruned by the daily job)
    Column("updated_at", Double, nullable=False),
    Index(None, "updated_at"),
)

ptb_callback_data = Table(
    "ptb_callback_data",
    metadata,
    Column("id", String(16), primary_key=True),
    Column("data", JSON, nullable=False),
)

# -- announcements and their delivery -----------------------------------------------------------

announcements = Table(
    "announcements",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("text", Text, nullable=False),
    Column("target", JSON, nullable=False),
    Column("send_at", Double),
    Column("status", String(16), nullable=False),
    Column("created_by", String(64), nullable=False),
    Column("created_at", Double, nullable=False),
    Column("started_at", Double),
    Column("finished_at", Double),
    Column("total", Integer, nullable=False, default=0),
    Column("delivered", Integer, nullable=False, default=0),
    Column("blocked", Integer, nullable=False, default=0),
    Column("failed", Integer, nullable=False, default=0),
    Column("duplicates", Integer, nullable=False, default=0),  # possibly sent twice (taken over in flight)
    Column("reporter", String(64)),  # the instance editing the sender's progress message
    Column("reporter_until", Double),
    Column("progress_message_id", BigInteger),
    Column("reported", Boolean, nullable=False, default=False),  # the final report went out
    # the story of a delivery a stop or a crash interrupted, for the final report (0004)
    Column("interruptions", Integer, nullable=False, default=0, server_default="0"),
    Column("interrupted_at", Double),  # the last interruption: when sending stopped
    Column("interrupted_done", Integer),  # … and how many recipients had their outcome by then
    Column("resumed_at", Double),  # when sending went on again after it
    Column("downtime", Double, nullable=False, default=0.0, server_default="0"),  # seconds between the two, summed
    Index(None, "status", "send_at"),
)

deliveries = Table(  # one row per recipient of a notice being sent; claimed in batches under a lease
    "deliveries",
    metadata,
    Column("announcement_id", String(32), ForeignKey("announcements.id", ondelete="CASCADE"), primary_key=True),
    Column("chat_id", BigInteger, primary_key=True, autoincrement=False),
    Column("status", String(8), nullable=False),  # pending | sent | blocked | failed
    Column("lease_owner", String(64)),
    Column("lease_until", Double),
    Column("attempts", Integer, nullable=False, default=0),  # sends started; >0 and taken over: maybe twice
    Column("finished_at", Double),
    Index(None, "announcement_id", "status", "chat_id"),
)

pacer = Table(  # the next free send slot, shared by every instance: the overall rate holds across them
    "pacer",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("next_slot", Double, nullable=False),
)

# -- feedback and hand-offs ---------------------------------------------------------------------

feedback_questions = Table(  # unanswered questions, for /report and 转人工
    "feedback_questions",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("chat_id", BigInteger, nullable=False),
    Column("message_id", BigInteger, nullable=False),
    Column("user_id", BigInteger, nullable=False),
    Column("text", Text, nullable=False),
    Column("norm", Text, nullable=False),  # the normalised text: spellings of one question group together
    Column("created_at", Double, nullable=False),
    Index(None, "created_at", "norm", "id"),  # /report: the window, grouped, and each group's latest row
    Index(None, "chat_id", "message_id"),  # 转人工: the question an unsure answer was for
)

feedback_answers = Table(  # answered questions and the answer they got: the ❓ menu's most asked, 转人工 after 👎
    "feedback_answers",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("chat_id", BigInteger, nullable=False),
    Column("message_id", BigInteger, nullable=False),
    Column("user_id", BigInteger, nullable=False),
    Column("text", Text, nullable=False),
    Column("ref", String(128), nullable=False),
    Column("created_at", Double, nullable=False),
    Index(None, "created_at", "ref", "user_id"),  # the most asked of the week (covering)
    Index(None, "chat_id", "message_id"),  # 转人工: the question an answer was for
)

feedback_votes = Table(  # 👍/👎; a member's later vote on the same answer replaces the earlier one
    "feedback_votes",
    metadata,
    Column("chat_id", BigInteger, primary_key=True, autoincrement=False),
    Column("message_id", BigInteger, primary_key=True, autoincrement=False),
    Column("user_id", BigInteger, primary_key=True, autoincrement=False),
    Column("ref", String(128), nullable=False),
    Column("vote", String(4), nullable=False),
    Column("created_at", Double, nullable=False),
    Column("question", Text),  # what the member had asked (0004); NULL when it is not known
    Column("norm", Text),  # … normalised, so /report groups its spellings together
    Index(None, "created_at", "ref", "vote"),
)

handoffs = Table(
    "handoffs",
    metadata,
    Column("staff_chat_id", BigInteger, primary_key=True, autoincrement=False),
    Column("staff_message_id", BigInteger, primary_key=True, autoincrement=False),
    Column("member_chat_id", BigInteger, nullable=False),
    Column("member_user_id", BigInteger, nullable=False),
    Column("question_message_id", BigInteger, nullable=False),
    Column("text", Text, nullable=False),
    Column("locale", String(16), nullable=False),
    Column("created_at", Double, nullable=False),
    Column("replies", Integer, nullable=False, default=0),
    Column("closed_at", Double),  # the first staff reply closes it
    Index(None, "member_chat_id", "question_message_id"),
    Index(None, "closed_at"),
    Index(None, "created_at"),
)
