"""Button presses that turn the message they sit under into another page of a flow.

Editing instead of sending keeps a flow to one message, however many buttons are pressed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from telegram import InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from handlers.context import BotContext

log = logging.getLogger(__name__)

View = tuple[str, InlineKeyboardMarkup | None]  # HTML text and its keyboard (None: no buttons)
ViewBuilder = Callable[[str, BotContext], View | None]  # callback data → page, None when stale or forged


async def edit_in_place(update: Update, context: BotContext, text: str, markup: InlineKeyboardMarkup | None) -> None:
    """Edit the pressed message; send a new one when Telegram refuses the edit.

    A double tap asks for the same content again ("message is not modified"): nothing to do.
    A message too old or gone cannot be edited: the reader still gets the page, as a new message.
    """
    query = update.callback_query
    try:
        await query.edit_message_text(text, reply_markup=markup)
    except BadRequest as exc:
        if "not modified" in exc.message.lower():
            return
        log.info("could not edit message, sending a new one: %s", exc.message)
        await context.bot.send_message(update.effective_chat.id, text, reply_markup=markup)


async def show_pressed(update: Update, context: BotContext, build: ViewBuilder, stale: str) -> None:
    """Answer a button press with the page its data names, or with ``stale`` (a msgid) when none."""
    query = update.callback_query
    await query.answer()
    view = build(query.data or "", context)
    if view is None:
        log.warning("stale or forged button %r", query.data)
        await context.bot.send_message(update.effective_chat.id, context.gettext(stale))
        return
    await edit_in_place(update, context, *view)
