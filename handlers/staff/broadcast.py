"""The thin Telegram side of delivery: map PTB errors to outcomes, arm jobs, show progress.

Everything that decides (order, pacing, retries, durable progress) is in ``bot/staff/delivery.py``.
Announcements run one at a time per process, so two notices never compete for the
rate limit and a chat never gets two messages in the same second from us.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Awaitable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import Application, ContextTypes, ExtBot
from telegram.request import HTTPXRequest
from telegram.warnings import PTBDeprecationWarning

from bot.core.i18n import DEFAULT_LOCALE, gettext_for
from bot.core.settings import Settings
from bot.services import Services
from bot.staff.announce_render import progress_text, report_text
from bot.staff.announcements import Announcement, Counts, Status
from bot.staff.delivery import OK, Delivery, Kind, Policy, Report, Send, SendResult

log = logging.getLogger(__name__)

GONE = ("chat not found", "user is deactivated", "bot was kicked", "peer_id_invalid", "have no rights to send")
T = TypeVar("T")
PROGRESS_EVERY = 2.0  # seconds between edits of the sender's progress message


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


def telegram_send(bot: Bot, text: str) -> Send:
    async def send(chat_id: int) -> SendResult:
        try:
            await bot.send_message(chat_id, text, parse_mode=ParseMode.HTML)
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


@dataclass
class _State:
    """Per-application: one delivery at a time, and which announcements are already running."""

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    running: set[str] = field(default_factory=set)


def _state(application: Application) -> _State:  # type: ignore[type-arg]
    return application.bot_data.setdefault("broadcast", _State())


def _services(application: Application) -> Services:  # type: ignore[type-arg]
    return application.bot_data["services"]


def _job_name(announcement_id: str) -> str:
    return f"announcement:{announcement_id}"


def schedule_announcement(application: Application, announcement: Announcement) -> None:  # type: ignore[type-arg]
    """Arm a JobQueue job at ``send_at`` (or at once); arming twice is harmless."""
    name = _job_name(announcement.id)
    if application.job_queue.get_jobs_by_name(name) or announcement.id in _state(application).running:
        return
    delay = 0.0
    if announcement.send_at is not None:
        delay = max(0.0, (announcement.send_at - datetime.now(UTC)).total_seconds())
    application.job_queue.run_once(_job, when=delay, data=announcement.id, name=name)


async def _job(context: ContextTypes.DEFAULT_TYPE) -> None:
    await deliver(context.application, str(context.job.data))


async def rearm(application: Application) -> None:  # type: ignore[type-arg]
    """At start-up: resume notices a crash interrupted, then re-arm the scheduled ones."""
    announcements = _services(application).announcements
    for announcement in announcements.list_sending() + announcements.list_scheduled():
        log.info("re-arming announcement %s (%s)", announcement.id, announcement.status)
        schedule_announcement(application, announcement)


def policy_of(application: Application) -> Policy:  # type: ignore[type-arg]
    settings = _services(application).settings
    return Policy(rate=settings.broadcast_rate, per_chat_rate=settings.per_chat_rate)


async def deliver(application: Application, announcement_id: str) -> Report | None:  # type: ignore[type-arg]
    """Send one announcement to everyone pending, with a live progress message to its sender."""
    state = _state(application)
    if announcement_id in state.running:
        return None
    state.running.add(announcement_id)
    try:
        async with state.lock:
            return await _deliver(application, announcement_id)
    finally:
        state.running.discard(announcement_id)


async def _deliver(application: Application, announcement_id: str) -> Report | None:  # type: ignore[type-arg]
    services = _services(application)
    announcement = services.announcements.get(announcement_id)
    if announcement is None or announcement.status not in (Status.SCHEDULED, Status.SENDING):
        return None  # cancelled (or finished) after its job was armed
    progress = _ProgressMessage(application.bot, announcement.created_by, services)
    policy = policy_of(application)
    async with sender_bot(application.bot, services.settings, policy) as bot:
        delivery = Delivery(services.announcements, telegram_send(bot, announcement.text), policy)
        report = await delivery.run(announcement_id, progress.update, PROGRESS_EVERY)
    log.info(
        "announcement %s: %s in %.1fs (flood pauses %.1fs)",
        announcement_id,
        report.counts.to_dict(),
        report.seconds,
        report.flood_pause,
    )
    await progress.final(report)
    return report


class _ProgressMessage:
    """One message to the sender, edited as the counts change (never a stream of new messages)."""

    def __init__(self, bot: Bot, created_by: str, services: Services) -> None:
        self.bot = bot
        self.chat_id = int(created_by) if created_by.lstrip("-").isdigit() else services.settings.staff_chat_id
        locale = services.preferences.locale(self.chat_id) if self.chat_id else None
        self._ = gettext_for(locale or DEFAULT_LOCALE)
        self.message_id: int | None = None
        self.last = ""

    async def update(self, counts: Counts) -> None:
        await self._show(progress_text(counts, self._))

    async def final(self, report: Report) -> None:
        """The report is a new message, so the sender is notified when the run ends."""
        if self.chat_id is not None:
            await self._guarded(self.bot.send_message(self.chat_id, report_text(report, self._), parse_mode=None))

    async def _show(self, text: str) -> None:
        if self.chat_id is None or text == self.last:
            return
        self.last = text
        if self.message_id is None:
            message = await self._guarded(self.bot.send_message(self.chat_id, text, parse_mode=None))
            self.message_id = message.message_id if message else None
        else:
            await self._guarded(self.bot.edit_message_text(text, self.chat_id, self.message_id, parse_mode=None))

    @staticmethod
    async def _guarded(call: Awaitable[T]) -> T | None:
        try:
            return await call
        except TelegramError as exc:  # progress is a courtesy: never let it stop the delivery
            log.warning("could not update the progress message: %s", exc)
            return None
