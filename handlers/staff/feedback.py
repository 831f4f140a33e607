"""👍/👎 under answers, unanswered questions logged, and the staff /report built from both."""

from __future__ import annotations

import html
import logging

from telegram import InlineKeyboardButton, Message, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.core.i18n import N_
from bot.staff.feedback import Vote
from bot.staff.feedback_render import render_report
from bot.understanding.engine import Answer, Engine, Kind
from handlers.context import BotContext
from handlers.staff.access import staff_only
from handlers.staff.handoff import offer_handoff

log = logging.getLogger(__name__)

PREFIX = "fb"
MAX_CALLBACK_DATA = 64  # bytes, Telegram's limit
VOTED_KINDS = frozenset({Kind.ENTRY, Kind.ARTICLE})
LABELS = {Vote.UP: N_("👍 有帮助"), Vote.DOWN: N_("👎 没帮助")}


def vote_data(vote: Vote, ref: str) -> str:
    return f"{PREFIX}:{vote}:{ref}"


def parse_vote(data: str) -> tuple[Vote, str] | None:
    prefix, _, rest = data.partition(":")
    vote, _, ref = rest.partition(":")
    if prefix != PREFIX or vote not in set(Vote) or not ref:
        return None
    return Vote(vote), ref


def vote_rows(answer: Answer, context: BotContext) -> list[list[InlineKeyboardButton]]:
    """👍/👎 under a definite answer (an entry or a law article)."""
    if answer.kind not in VOTED_KINDS or not answer.ref:
        return []
    if len(vote_data(Vote.DOWN, answer.ref).encode()) > MAX_CALLBACK_DATA:
        log.warning("answer ref %r too long for vote buttons", answer.ref)
        return []
    _ = context.gettext
    return [[InlineKeyboardButton(_(label), callback_data=vote_data(v, answer.ref)) for v, label in LABELS.items()]]


async def record_question(message: Message, answer: Answer, context: BotContext) -> None:
    """Log the question: for /report when the answer was unsure or off-topic, else with the answer it got."""
    user_id = message.from_user.id if message.from_user else message.chat_id
    feedback, text = context.services.feedback, message.text or ""
    if await feedback.record_unanswered(message.chat_id, message.message_id, user_id, text, answer):
        log.info("unanswered question (kind=%s, topic=%s)", answer.kind, answer.topic)
    else:
        await feedback.record_answered(message.chat_id, message.message_id, user_id, text, answer)


async def record_suggestion(unsure: Message, answer: Answer, context: BotContext) -> None:
    """A suggestion pressed under an unsure answer answers the question typed before it: log that pair,
    so a 👎 on the answer is reported under the words the member typed."""
    feedback = context.services.feedback
    asked = await feedback.question_before(unsure.chat_id, unsure.message_id)
    if asked is not None:
        await feedback.record_answered(asked.chat_id, asked.message_id, asked.user_id, asked.text, answer)


async def on_vote(update: Update, context: BotContext) -> None:
    """Record a 👍 or 👎 and thank the member in a small notice (no extra message in the chat)."""
    query = update.callback_query
    _ = context.gettext
    parsed = parse_vote(query.data or "")
    if parsed is None or query.message is None or context.services.engine.answer_ref(parsed[1]) is None:
        await query.answer(_("这个按钮已经失效了。"))
        log.warning("stale or forged vote button %r", query.data)
        return
    vote, ref = parsed
    await context.services.feedback.vote(query.message.chat.id, query.message.message_id, query.from_user.id, ref, vote)
    await query.answer(_("谢谢您的反馈！") if vote is Vote.UP else _("谢谢反馈，我们会改进这个回答。"))
    if vote is Vote.DOWN:
        await offer_handoff(query.message, context)


def answer_title(engine: Engine, ref: str) -> str:
    answer = engine.answer_ref(ref)
    return answer.title if answer is not None and answer.title else ref


@staff_only
async def report_command(update: Update, context: BotContext) -> None:
    """List the most asked unanswered and most down-voted questions of the last 7 days."""
    engine = context.services.engine
    text = render_report(
        await context.services.feedback.report(), lambda ref: answer_title(engine, ref), context.gettext
    )
    await update.effective_message.reply_text(html.escape(text))


def handlers() -> list[BaseHandler]:
    return [CommandHandler("report", report_command), CallbackQueryHandler(on_vote, pattern=rf"^{PREFIX}:")]
