"""Free-text questions and suggestion buttons: the engine answers, this module replies."""

from __future__ import annotations

import logging

from telegram import Message, Update
from telegram.constants import ParseMode

from bot.understanding.engine import Answer
from handlers.chat.render import answer_html, answer_keyboard, split_message
from handlers.context import BotContext
from handlers.staff.feedback import record_answered, record_unanswered

log = logging.getLogger(__name__)


async def send_answer(message: Message, answer: Answer, context: BotContext) -> None:
    """Reply with the answer, split under Telegram's limit; buttons go under the last part."""
    parts = split_message(answer_html(answer, context.gettext))
    for i, part in enumerate(parts):
        markup = answer_keyboard(answer, context) if i == len(parts) - 1 else None
        sent = await message.reply_text(part, parse_mode=ParseMode.HTML, reply_markup=markup)
    await record_answered(message, answer, sent, context)  # so a 👎 on it says what was asked


async def on_question(update: Update, context: BotContext) -> None:
    """Answer a free-text question."""
    message = update.effective_message
    answer = context.services.engine.answer(message.text or "")
    await record_unanswered(message, answer, context)
    await send_answer(message, answer, context)


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
    await send_answer(query.message, answer, context)
