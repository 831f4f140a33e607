"""Free-text questions and suggestion buttons: the engine answers, this module replies.

Before the engine, a member who was asked for a question to hand to staff (/human) has it
handed over; after it, a station need asked without a location ("附近哪里能充电") is kept
for the location that follows.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from telegram import Message, Update

from bot.understanding.engine import Answer
from handlers.chat.answer import Row, send_answer
from handlers.context import BotContext
from handlers.staff.feedback import record_question, record_suggestion
from handlers.staff.handoff import take_waiting
from handlers.topics.stations import remember_need

log = logging.getLogger(__name__)


async def reply(message: Message, answer: Answer, context: BotContext, extra: Sequence[Row] = ()) -> None:
    """Log the question for feedback, keep what a later message needs, and send the answer."""
    await record_question(message, answer, context)
    remember_need(answer, context)
    await send_answer(message, answer, context, extra)


async def on_question(update: Update, context: BotContext) -> None:
    """Answer a free-text question (or hand it to staff when the member was asked for one)."""
    if await take_waiting(update, context):
        return
    message = update.effective_message
    await reply(message, context.services.engine.answer(message.text or ""), context)


async def on_suggestion(update: Update, context: BotContext) -> None:
    """Answer the suggestion a user pressed."""
    query = update.callback_query
    await query.answer()
    ref = (query.data or "").removeprefix("ask:")
    answer = context.services.engine.answer_ref(ref)
    if answer is None:
        log.warning("stale or forged suggestion button %r", query.data)
        await query.message.reply_text(context.gettext("这个按钮已经失效了，请重新输入您的问题。"))
        return
    await record_suggestion(query.message, answer, context)
    await send_answer(query.message, answer, context)
