"""转人工: a member's question goes to the staff chat; a staff reply to it goes back to the member."""

from __future__ import annotations

import html
import logging

from telegram import InlineKeyboardButton, Message, ReplyParameters, Update, User
from telegram.error import Forbidden, TelegramError
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.core.i18n import DEFAULT_LOCALE, N_, gettext_for
from bot.core.settings import Settings
from bot.staff import handoff_render as words
from bot.staff.feedback import UNANSWERED, Question
from bot.staff.handoff import HandOff, Refusal
from bot.understanding.engine import Answer
from handlers.context import BotContext
from handlers.staff.access import is_staff, refuse

log = logging.getLogger(__name__)

BUTTON_DATA = "ho:ask"
LABEL = N_("🙋 转人工")


def handoff_rows(answer: Answer, context: BotContext) -> list[list[InlineKeyboardButton]]:
    """The 转人工 button under an unsure answer, when there is a staff chat to hand off to."""
    if context.services.settings.staff_chat_id is None or answer.kind not in UNANSWERED:
        return []
    return [[InlineKeyboardButton(context.gettext(LABEL), callback_data=BUTTON_DATA)]]


async def on_button(update: Update, context: BotContext) -> None:
    """Hand the question this unsure answer was for to staff."""
    query = update.callback_query
    await query.answer()
    message = query.message
    question = await context.services.feedback.question_before(message.chat.id, message.message_id)
    await hand_off(message, question, query.from_user, context)


async def human_command(update: Update, context: BotContext) -> None:
    """Hand the question after /human, or else the member's last unanswered one, to staff."""
    message = update.effective_message
    user = update.effective_user
    words_after = (message.text or "").split(None, 1)[1:]
    if words_after:
        question = Question(message.chat_id, message.message_id, user.id, words_after[0])
    else:
        question = await context.services.feedback.question_before(message.chat_id, message.message_id)
    await hand_off(message, question, user, context)


async def hand_off(message: Message, question: Question | None, member: User, context: BotContext) -> None:
    _ = context.gettext
    handoffs = context.services.handoffs
    refusal = await handoffs.refusal(question)
    if refusal is not None or question is None:
        await message.reply_text(words.refusal_text(refusal or Refusal.NO_QUESTION, _))
        return
    staff_text = words.staff_request_text(
        html.escape(member.full_name), member.id, html.escape(question.text), gettext_for(DEFAULT_LOCALE)
    )
    try:
        posted = await context.bot.send_message(handoffs.staff_chat_id, staff_text)
    except TelegramError:
        log.exception("could not post a hand-off to the staff chat")
        await message.reply_text(words.unavailable_text(_))
        return
    await handoffs.record(question, posted.message_id, context.locale)
    log.info("handed off question %s:%s to staff", question.chat_id, question.message_id)
    await message.reply_text(words.handed_off_text(_))


async def on_staff_reply(update: Update, context: BotContext) -> None:
    """Relay a staff member's reply to the member whose hand-off it answers."""
    message = update.effective_message
    replied = message.reply_to_message
    handoff = await context.services.handoffs.find(message.chat_id, replied.message_id)
    staff_ = gettext_for(DEFAULT_LOCALE)
    if handoff is None:
        if replied.from_user and replied.from_user.id == context.bot.id:
            await message.reply_text(words.not_a_handoff_text(staff_))
        return  # staff talking among themselves
    if not is_staff(update, context):
        await refuse(update, context)
        return
    try:
        await relay(message, handoff, context)
    except Forbidden:
        log.info("member chat %s no longer reachable for a staff reply", handoff.member_chat_id)
        await message.reply_text(words.undeliverable_text(staff_))
        return
    await context.services.handoffs.replied(handoff)
    await message.reply_text(words.relayed_text(staff_))


async def relay(message: Message, handoff: HandOff, context: BotContext) -> None:
    """Text goes with a line saying it is from staff; anything else (a photo, a file) is copied as it is."""
    reply_to = ReplyParameters(handoff.question_message_id, allow_sending_without_reply=True)
    if message.text:
        text = words.relay_text(html.escape(message.text), gettext_for(handoff.locale))
        await context.bot.send_message(handoff.member_chat_id, text, reply_parameters=reply_to)
    else:
        await message.copy(handoff.member_chat_id, reply_parameters=reply_to)


def handlers(settings: Settings) -> list[BaseHandler]:
    """The staff-chat relay exists only with a staff chat; it must come before the question handler."""
    found: list[BaseHandler] = [
        CommandHandler("human", human_command),
        CallbackQueryHandler(on_button, pattern=r"^ho:"),
    ]
    if settings.staff_chat_id is not None:
        staff_replies = filters.Chat(chat_id=settings.staff_chat_id) & filters.REPLY & ~filters.COMMAND
        found.append(MessageHandler(staff_replies, on_staff_reply))
    return found
