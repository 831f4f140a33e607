"""The thin Telegram side of delivery: arm jobs, run a notice, pause on shutdown, show progress.

Everything that decides (order, pacing, retries, claims and leases) is in ``bot/staff/delivery.py``
and ``bot/staff/delivery_queue.py``; PTB errors become outcomes in ``broadcast_send.py``.
Announcements run one at a time per process, so two notices never compete for this
instance's share of the rate. With several instances each one arms every notice: the first
to start it freezes the recipients, the others join in claiming them, and a sweep every
``SWEEP_EVERY`` seconds picks up notices created elsewhere or left by an instance that died.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime

from telegram.ext import Application, ContextTypes

from bot.services import Services
from bot.staff.announcement import Announcement, Status
from bot.staff.delivery import Delivery, Policy, Report
from handlers.staff.broadcast_send import ProgressMessage, sender_bot, telegram_send

log = logging.getLogger(__name__)

PROGRESS_EVERY = 2.0  # seconds between edits of the sender's progress message
SWEEP_EVERY = 30.0  # seconds between looks for due notices this instance has not armed
PAUSE_WITHIN = 3.0  # seconds a running notice gets to save its progress when the bot stops
# APScheduler drops a job that fires more than misfire_grace_time late (default 1 s, e.g. a busy
# event loop); None runs it however late, so a due notice is never silently skipped.
JOB_KWARGS = {"misfire_grace_time": None}


@dataclass
class _State:
    """Per-application: one delivery at a time, which are running, and the stop signal."""

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    running: set[str] = field(default_factory=set)
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    idle: asyncio.Event = field(default_factory=asyncio.Event)


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
    application.job_queue.run_once(_job, when=delay, data=announcement.id, name=name, job_kwargs=JOB_KWARGS)


async def _job(context: ContextTypes.DEFAULT_TYPE) -> None:
    await deliver(context.application, str(context.job.data))


async def _sweep(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Arm what is due and not armed here: made by another instance, or left by one that died."""
    for announcement in await _services(context.application).announcements.list_due():
        schedule_announcement(context.application, announcement)


async def rearm(application: Application) -> None:  # type: ignore[type-arg]
    """At start-up: resume notices a crash or a stop interrupted, re-arm the scheduled ones, start the sweep."""
    services = _services(application)
    if not services.store.shared:  # we hold the SQLite writer lock: whoever held those leases is gone
        await services.deliveries.expire_leases()
    announcements = services.announcements
    for announcement in await announcements.list_sending() + await announcements.list_scheduled():
        log.info("re-arming announcement %s (%s)", announcement.id, announcement.status)
        schedule_announcement(application, announcement)
    application.job_queue.run_repeating(_sweep, interval=SWEEP_EVERY, name="announcement-sweep", job_kwargs=JOB_KWARGS)


async def pause_all(application: Application, within: float = PAUSE_WITHIN) -> None:  # type: ignore[type-arg]
    """On shutdown: running notices stop starting messages, save their progress and hand back their claims."""
    state = _state(application)
    state.stop.set()
    if state.running:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(state.idle.wait(), within)
    if state.running:
        log.warning("announcements %s still sending at shutdown; their leases will run out", sorted(state.running))


def policy_of(application: Application) -> Policy:  # type: ignore[type-arg]
    settings = _services(application).settings
    return Policy(rate=settings.broadcast_rate, per_chat_rate=settings.per_chat_rate)


async def deliver(application: Application, announcement_id: str) -> Report | None:  # type: ignore[type-arg]
    """Send one announcement to everyone pending, with a live progress message to its sender."""
    state = _state(application)
    if announcement_id in state.running or state.stop.is_set():
        return None
    state.running.add(announcement_id)
    state.idle.clear()
    try:
        async with state.lock:
            return None if state.stop.is_set() else await _deliver(application, announcement_id, state.stop)
    finally:
        state.running.discard(announcement_id)
        if not state.running:
            state.idle.set()


async def _deliver(application: Application, announcement_id: str, stop: asyncio.Event) -> Report | None:  # type: ignore[type-arg]
    services = _services(application)
    announcement = await services.announcements.get(announcement_id)
    if announcement is None or announcement.status not in (Status.SCHEDULED, Status.SENDING):
        return None  # cancelled (or finished) after its job was armed
    progress = await ProgressMessage.for_sender(application.bot, announcement.created_by, services)
    policy = policy_of(application)
    async with sender_bot(application.bot, services.settings, policy) as bot:
        send = telegram_send(bot, announcement.text, services.announcements.issuer, services.preferences.locale)
        delivery = Delivery(services.announcements, services.deliveries, send, policy, stop=stop)
        report = await delivery.run(announcement_id, progress, PROGRESS_EVERY)
    log.info(
        "announcement %s: %s in %.1fs (flood pauses %.1fs)%s",
        announcement_id,
        report.counts.to_dict(),
        report.seconds,
        report.flood_pause,
        " — paused for the next start" if report.paused else "",
    )
    if report.closed:
        await progress.final(report)
    return report
