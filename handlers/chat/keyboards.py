"""The main menu's buttons: one per topic, the most asked questions, and a person to talk to.

In a module of its own (no topic imports) so that every flow can end by offering the menu.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.i18n import N_
from bot.understanding.render import MENU_TOPICS, Gettext

TOPICS = (*MENU_TOPICS, ("human", N_("🙋 转人工")))
PER_ROW = 2


def topics_keyboard(_: Gettext) -> InlineKeyboardMarkup:
    buttons = [InlineKeyboardButton(_(label), callback_data=f"menu:{topic}") for topic, label in TOPICS]
    return InlineKeyboardMarkup([buttons[i : i + PER_ROW] for i in range(0, len(buttons), PER_ROW)])
