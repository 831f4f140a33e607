"""A typed CallbackContext: the services and the user's locale, negotiated once per update."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackContext, ExtBot

from bot.core.i18n import gettext_for, negotiate
from bot.services import Services
from bot.understanding.render import Gettext


class BotContext(CallbackContext[ExtBot, dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """Gives callbacks ``context.services``, ``context.locale`` and ``context.gettext``."""

    locale: str = "zh_Hans"

    @property
    def services(self) -> Services:
        return self.bot_data["services"]

    @property
    def gettext(self) -> Gettext:
        return gettext_for(self.locale)

    @classmethod
    def from_update(cls, update: object, application: Application[Any, Any, Any, Any, Any, Any]) -> BotContext:
        context = super().from_update(update, application)
        if isinstance(update, Update) and update.effective_user:
            # The stored choice (an O(1) in-memory read) is the one source of truth; without one,
            # the Telegram app's language decides, so a change there is followed.
            user = update.effective_user
            context.locale = context.services.preferences.locale(user.id) or negotiate(user.language_code)
        return context
