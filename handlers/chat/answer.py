"""Sending an engine answer: its HTML split under Telegram's limit, its buttons under the last part."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.constants import ParseMode

from bot.understanding.engine import Answer
from handlers.chat.render import answer_html, answer_keyboard
from handlers.chat.split import split_message
from handlers.context import BotContext
from handlers.topics.stations_keyboards import location_request_markup

Row = list[InlineKeyboardButton]


async def send_answer(message: Message, answer: Answer, context: BotContext, extra: Sequence[Row] = ()) -> Message:
    """Reply with the answer; ``extra`` rows (a way back into a flow) go first under it. The last part sent.

    An answer asking for the location comes with the phone's location button instead (a message
    carries one keyboard or the other), unless there are ``extra`` rows to offer.
    """
    _ = context.gettext
    parts = split_message(answer_html(answer, _))
    keyboard = answer_keyboard(answer, context)
    rows = [*extra, *(keyboard.inline_keyboard if keyboard else ())]
    markup = (None if extra else location_request_markup(answer, _)) or (InlineKeyboardMarkup(rows) if rows else None)
    sent = message
    for i, part in enumerate(parts, start=1):
        last = i == len(parts)
        sent = await message.reply_text(part, parse_mode=ParseMode.HTML, reply_markup=markup if last else None)
    return sent
