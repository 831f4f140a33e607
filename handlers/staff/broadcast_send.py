"""Sending a notice through Telegram: PTB errors as outcomes, the sending bot, the progress message."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TypeVar

from telegram import Bot, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import ExtBot
from telegram.request import HTTPXRequest
from telegram.warnings import PTBDeprecationWarning

from bot.core.i18n import DEFAULT_LOCALE, gettext_for
from bot.core.settings import Settings
from bot.services import Services
from bot.staff.announce_render import progress_text, report_text
from bot.staff.announcement import Counts
from bot.staff.delivery import OK, Kind, Policy, Report, Send, SendResult
from bot.staff.notice import notice_html
from handlers.staff.subscribe import unsubscribe_markup

log = logging.getLogger(__name__)

GONE = ("chat not found", "user is deactivated", "bot was kicked", "peer_id_invalid", "have no rights to send")
T = TypeVar("T")
LocaleOf = Callable[[int], Awaitable[str | None]]  # the locale a member chose, if any


def _retry_after_seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():  # PTB 22 warns about the int/timedelta transition on access
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def classify(exc: TelegramError) -> SendResult:
    """A PTB error as the delivery engine's outcome kind."""
    if isinstance(exc, RetryAfter):
        return SendResult(Kind.RETRY_AFTER, _retry_after_seconds(exc), exc.message)
    if isinstance(exc, Forbidden):
        return SendResult(Kind.BLOCKED, detail=exc.message)
    if isinstance(exc, BadRequest):  # before NetworkError: BadRequest is one of its subclasses
        gone = any(marker in exc.message.lower() for marker in GONE)
        return SendResult(Kind.BLOCKED if gone else Kind.REJECTED, detail=exc.message)
    if isinstance(exc, ChatMigrated):
        return SendResult(Kind.REJECTED, detail=exc.message)
    if isinstance(exc, NetworkError):  # includes TimedOut
        return SendResult(Kind.TRANSIENT, detail=exc.message)
    return SendResult(Kind.REJECTED, detail=exc.message)


def telegram_send(bot: Bot, text: str, issuer: str, locale_of: LocaleOf) -> Send:
    """Send the notice as each member reads it: the header and the 退订 button in their language."""
    rendered: dict[str, tuple[str, InlineKeyboardMarkup]] = {}

    async def send(chat_id: int) -> SendResult:
        locale = await locale_of(chat_id) or DEFAULT_LOCALE
        if locale not in rendered:
            _ = gettext_for(locale)
            rendered[locale] = notice_html(text, issuer, _), unsubscribe_markup(_)
        notice, markup = rendered[locale]
        try:
            await bot.send_message(chat_id, notice, parse_mode=ParseMode.HTML, reply_markup=markup)
        except TelegramError as exc:
            return classify(exc)
        return OK

    return send


def sender_bot(bot: Bot, settings: Settings, policy: Policy) -> ExtBot:  # type: ignore[type-arg]
    """A bot for the notice itself, without the Application's AIORateLimiter.

    The engine's Pacer is the limiter for broadcasts. AIORateLimiter would swallow a 429,
    sleep, and then let every request that queued meanwhile through at once (measured:
    bursts above the configured rate after each flood wait); the Pacer holds them back.
    """
    request = HTTPXRequest(connection_pool_size=policy.workers)
    return ExtBot(bot.token, base_url=settings.api_base_url, request=request)


class ProgressMessage:
    """One message to the sender, edited as the counts change (never a stream of new messages).

    Its id is kept with the notice, so whichever instance shows progress edits the same message.
    """

    def __init__(self, bot: Bot, chat_id: int | None, locale: str | None) -> None:
        self.bot = bot
        self.chat_id = chat_id
        self._ = gettext_for(locale or DEFAULT_LOCALE)
        self.last = ""

    @classmethod
    async def for_sender(cls, bot: Bot, created_by: str, services: Services) -> ProgressMessage:
        chat_id = int(created_by) if created_by.lstrip("-").isdigit() else services.settings.staff_chat_id
        locale = await services.preferences.locale(chat_id) if chat_id else None
        return cls(bot, chat_id, locale)

    async def show(self, counts: Counts, message_id: int | None, late_by: timedelta | None) -> int | None:
        text = progress_text(counts, late_by, self._)
        if self.chat_id is None or (text == self.last and message_id is not None):
            return message_id
        self.last = text
        if message_id is not None:
            try:
                await self.bot.edit_message_text(text, self.chat_id, message_id, parse_mode=None)
                return message_id
            except BadRequest as exc:  # "not modified": shown already (by another instance); else it is gone
                if "not modified" in exc.message.lower():
                    return message_id
                log.warning("progress message %s cannot be edited (%s); sending a new one", message_id, exc)
            except TelegramError as exc:  # progress is a courtesy: never let it stop the delivery
                log.warning("could not update the progress message: %s", exc)
                return message_id
        message = await self._guarded(self.bot.send_message(self.chat_id, text, parse_mode=None))
        return message.message_id if message else None

    async def final(self, report: Report) -> None:
        """The report is a new message, so the sender is notified when the run ends."""
        if self.chat_id is not None:
            await self._guarded(self.bot.send_message(self.chat_id, report_text(report, self._), parse_mode=None))

    @staticmethod
    async def _guarded(call: Awaitable[T]) -> T | None:
        try:
            return await call
        except TelegramError as exc:  # progress is a courtesy: never let it stop the delivery
            log.warning("could not update the progress message: %s", exc)
            return None
