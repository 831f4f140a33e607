"""/language: choose 简体中文, 繁體中文 or English; the choice is stored and survives restarts."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.core.i18n import LANGUAGE_NAMES, SUPPORTED, gettext_for, parse_choice
from handlers.chat.keyboards import topics_keyboard
from handlers.context import BotContext

log = logging.getLogger(__name__)
PREFIX = "lang:"


def languages_keyboard() -> InlineKeyboardMarkup:
    rows = [[InlineKeyboardButton(name, callback_data=PREFIX + locale)] for locale, name in LANGUAGE_NAMES.items()]
    return InlineKeyboardMarkup(rows)


async def command(update: Update, context: BotContext) -> None:
    """``/language`` shows the choices; ``/language en`` switches at once."""
    choice = parse_choice(" ".join(context.args)) if context.args else None
    if choice is not None:
        await switch(update, context, choice)
        return
    _ = context.gettext
    await update.effective_message.reply_text(_("请选择语言："), reply_markup=languages_keyboard())


async def on_choice(update: Update, context: BotContext) -> None:
    query = update.callback_query
    await query.answer()
    choice = (query.data or "").removeprefix(PREFIX)
    if choice not in SUPPORTED:
        log.warning("stale or forged language button %r", query.data)
        await query.message.reply_text(context.gettext("这个按钮已经失效了，请重新发送 /language。"))
        return
    await switch(update, context, choice)


async def switch(update: Update, context: BotContext, locale: str) -> None:
    """Store the choice, then confirm in the new language with the topic menu in it."""
    await context.services.preferences.set_locale(update.effective_user.id, locale)
    context.locale = locale
    _ = gettext_for(locale)
    text = _("好的，以后我用{language}和您交流。").format(language=LANGUAGE_NAMES[locale])
    await update.effective_message.reply_text(text, reply_markup=topics_keyboard(_))
