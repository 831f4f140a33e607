"""A typed CallbackContext: the services and the user's locale, read once per update."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from telegram import Update, User
from telegram.ext import Application, CallbackContext, ExtBot

from bot.core.i18n import DEFAULT_LOCALE, gettext_for, negotiate
from bot.services import Services
from bot.understanding.render import Gettext

# (user id, locale) of the update being processed: an error handler's context is built without
# the async refresh, and reads the locale the update's own context found.
_UPDATE_LOCALE: ContextVar[tuple[int, str] | None] = ContextVar("update_locale", default=None)


class BotContext(CallbackContext[ExtBot, dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """Gives callbacks ``context.services``, ``context.locale`` and ``context.gettext``."""

    locale: str = DEFAULT_LOCALE
    _member: User | None = None

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
            context._member = user = update.effective_user
            known = _UPDATE_LOCALE.get()
            context.locale = known[1] if known and known[0] == user.id else negotiate(user.language_code)
        return context

    async def refresh_data(self) -> None:
        """PTB's per-update read of the stored state, plus the member's locale.

        The stored choice is the one source of truth; without one, the Telegram app's language
        decides, so a change there is followed.
        """
        await super().refresh_data()
        if self._member is not None:
            stored = await self.services.preferences.locale(self._member.id)
            self.locale = stored or negotiate(self._member.language_code)
            _UPDATE_LOCALE.set((self._member.id, self.locale))
