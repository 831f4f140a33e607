"""The button that leads from a typed benefits answer into the benefits check."""

from __future__ import annotations

from telegram import InlineKeyboardButton

from bot.understanding.engine import Answer, Kind
from handlers.context import BotContext

START = "ben:p"  # the check's first step, in the message pressed
FROM_ANSWER = "ben:n"  # the first step as a new message, under the answer it was offered with


def check_rows(answer: Answer, context: BotContext) -> list[list[InlineKeyboardButton]]:
    """Under a benefits answer: the way to "does this apply to me?" in a few taps."""
    if answer.topic != "benefits" or answer.kind is not Kind.ENTRY:
        return []
    return [[InlineKeyboardButton(context.gettext("🏅 查一查我能享受哪些待遇"), callback_data=FROM_ANSWER)]]
