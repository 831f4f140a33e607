"""转人工: a member's question goes to the staff chat; a staff reply to it goes back to the member.

The way there: 🙋 under an unsure answer, the offer after a 👎, the menu's 🙋 button, and /human.
``/human 问题`` hands the question over at once; a bare /human (or the menu button) asks for it
and takes the member's next message in that chat as the question. In a group only the member
who asked can hand their question over, so staff always see the asker. Texts longer than one
Telegram message, either way, are split rather than lost.
"""

from __future__ import annotations

import html
import logging
import time

from telegram import ForceReply, InlineKeyboardButton, InlineKeyboardMarkup, Message, ReplyParameters, Update, User
from telegram.error import Forbidden, TelegramError
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.core.i18n import DEFAULT_LOCALE, N_, gettext_for
from bot.core.settings import Settings
from bot.staff import handoff_render as words
from bot.staff.feedback import UNANSWERED, Question
from bot.staff.handoff import HandOff, Refusal
from bot.understanding.engine import Answer
from handlers.chat.split import split_message
from handlers.context import BotContext
from handlers.staff.access import is_staff, refuse

log = logging.getLogger(__name__)

PREFIX = "ho:ask"  # ho:ask under an unsure answer; ho:ask:<message id> names the answer a 👎 was for
LABEL = N_("🙋 转人工")
WAITING = "human_wait"  # user_data: the chat where the member's next message is their question
WAIT_SECONDS = 15 * 60  # later text is an ordinary question again

Row = list[InlineKeyboardButton]


def button(context: BotContext, data: str = PREFIX) -> InlineKeyboardButton:
    return InlineKeyboardButton(context.gettext(LABEL), callback_data=data)


def handoff_rows(answer: Answer, context: BotContext) -> list[Row]:
    """The 转人工 button under an unsure answer, when there is a staff chat to hand off to."""
    if context.services.settings.staff_chat_id is None or answer.kind not in UNANSWERED:
        return []
    return [[button(context)]]


async def offer_handoff(answer_message: Message, context: BotContext) -> None:
    """After a 👎: another wording, or a person; the button names the answer the vote was for."""
    if context.services.settings.staff_chat_id is None:
        return
    markup = InlineKeyboardMarkup([[button(context, f"{PREFIX}:{answer_message.message_id}")]])
    await answer_message.reply_text(words.after_down_vote_text(context.gettext), reply_markup=markup)


async def on_button(update: Update, context: BotContext) -> None:
    """Hand to staff the question the pressed answer was for; in a group, only its asker may."""
    query = update.callback_query
    message, data = query.message, query.data or ""
    below = data.removeprefix(PREFIX).removeprefix(":")
    if not data.startswith(PREFIX) or (below and not below.isdecimal()):
        log.warning("stale or forged hand-off button %r", data)
        await query.answer(context.gettext("这个按钮已经失效了。"))
        return
    question = await context.services.feedback.question_before(message.chat.id, int(below or message.message_id))
    if question is not None and question.user_id != query.from_user.id:
        await query.answer(words.not_yours_text(context.gettext), show_alert=True)
        return
    await query.answer()
    if question is None:  # nothing logged (or over a week old): ask for it
        await ask_for_question(message, query.from_user, context)
        return
    await hand_off(message, question, query.from_user, context)


async def human_command(update: Update, context: BotContext) -> None:
    """``/human 问题`` hands the question to staff; a bare /human asks for it first."""
    message = update.effective_message
    user = update.effective_user
    words_after = (message.text or "").split(None, 1)[1:]
    if not words_after:
        await ask_for_question(message, user, context)
        return
    await hand_off(message, Question(message.chat_id, message.message_id, user.id, words_after[0]), user, context)


async def ask_for_question(message: Message, member: User, context: BotContext) -> None:
    """Wait for the member's next message in this chat as their question (the menu's 🙋, a bare /human)."""
    _ = context.gettext
    if context.services.handoffs.staff_chat_id is None:
        await message.reply_text(words.refusal_text(Refusal.NO_STAFF, _))
        return
    context.user_data[WAITING] = {"chat": message.chat_id, "at": time.time()}
    prompt = ForceReply(selective=True, input_field_placeholder=_("输入您的问题"))
    await message.reply_text(words.ask_for_question_text(_), reply_markup=prompt)


async def take_waiting(update: Update, context: BotContext) -> bool:
    """Hand off this message if the member was asked for their question here; False otherwise."""
    message, user = update.effective_message, update.effective_user
    waiting = context.user_data.get(WAITING) if context.user_data is not None else None
    if not isinstance(waiting, dict) or waiting.get("chat") != message.chat_id:
        return False
    del context.user_data[WAITING]
    if time.time() - float(waiting.get("at") or 0) > WAIT_SECONDS:
        return False
    await hand_off(message, Question(message.chat_id, message.message_id, user.id, message.text or ""), user, context)
    return True


def drop_wait(context: BotContext) -> bool:
    """/cancel: stop waiting for a question to hand off; True when one was awaited."""
    return context.user_data is not None and context.user_data.pop(WAITING, None) is not None


async def hand_off(message: Message, question: Question | None, member: User, context: BotContext) -> None:
    """Post the question to the staff chat (in parts when long), naming the member who asked."""
    _ = context.gettext
    handoffs = context.services.handoffs
    refusal = await handoffs.refusal(question)
    if refusal is not None or question is None:
        await message.reply_text(words.refusal_text(refusal or Refusal.NO_QUESTION, _))
        return
    staff_text = words.staff_request_text(
        html.escape(member.full_name), member.id, html.escape(question.text), gettext_for(DEFAULT_LOCALE)
    )
    posted: list[Message] = []
    try:
        for part in split_message(staff_text):
            posted.append(await context.bot.send_message(handoffs.staff_chat_id, part))
    except TelegramError:
        log.exception("could not post a hand-off to the staff chat")
        if not posted:
            await message.reply_text(words.unavailable_text(_))
            return
    for part in posted:  # a staff reply to any part finds its way back
        await handoffs.record(question, part.message_id, context.locale)
    log.info("handed off question %s:%s to staff in %d part(s)", question.chat_id, question.message_id, len(posted))
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
    """Text goes with a line saying it is from staff (in parts when long, the first quoting the
    question); anything else (a photo, a file) is copied as it is."""
    reply_to = ReplyParameters(handoff.question_message_id, allow_sending_without_reply=True)
    if not message.text:
        await message.copy(handoff.member_chat_id, reply_parameters=reply_to)
        return
    text = words.relay_text(html.escape(message.text), gettext_for(handoff.locale))
    for i, part in enumerate(split_message(text)):
        await context.bot.send_message(handoff.member_chat_id, part, reply_parameters=reply_to if i == 0 else None)


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
