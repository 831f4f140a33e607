"""The long-lived objects every channel needs, built once at start-up."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.benefits.places import BenefitPlaces
from bot.core.db.retention import prune
from bot.core.knowledge import Knowledge
from bot.core.member_state import MemberState
from bot.core.preferences import Preferences
from bot.core.settings import Settings
from bot.core.storage import Store, open_store
from bot.staff.announcements import Announcements
from bot.staff.delivery_queue import DeliveryQueue
from bot.staff.feedback import Feedback
from bot.staff.handoff import HandOffs
from bot.staff.legacy import import_staff
from bot.staff.subscriptions import Options, Subscriptions
from bot.stations.directory import StationDirectory
from bot.stations.render import render_stations
from bot.stations.station_files import StationFiles
from bot.understanding.engine import Engine, Kind
from bot.understanding.render import register_renderer


@dataclass
class Services:
    settings: Settings
    knowledge: Knowledge
    engine: Engine
    store: Store
    preferences: Preferences
    member_state: MemberState
    subscriptions: Subscriptions
    announcements: Announcements
    deliveries: DeliveryQueue  # this instance's hands on the shared delivery queue
    feedback: Feedback
    handoffs: HandOffs
    stations: StationDirectory

    async def prune(self) -> dict[str, int]:
        """The daily retention sweep (old feedback, finished conversations, closed hand-offs)."""
        return await prune(self.store, self.settings.feedback_days)

    async def close(self) -> None:
        await self.store.close()


def load_engine(settings: Settings) -> Engine:
    """Load and validate the knowledge and index it; fails fast on bad content."""
    return load_engine_and_stations(settings)[0]


def load_engine_and_stations(settings: Settings, knowledge: Knowledge | None = None) -> tuple[Engine, StationDirectory]:
    """The engine, and the station directory its place resolver ("海口龙华区的站点") answers from;
    ``knowledge`` when already loaded (an evaluation leaves a set's own asked questions out)."""
    knowledge = knowledge or Knowledge.load(settings.content_dir)
    files = StationFiles(settings.content_dir, settings.data_dir)  # the staff import, else the shipped sample
    stations = StationDirectory.open(files, knowledge.files.stations.qa)
    register_renderer(Kind.STATIONS, render_stations)
    return Engine(knowledge, resolvers=(stations.resolve, BenefitPlaces.from_knowledge(knowledge))), stations


def instance_name() -> str:
    """Who holds a claim or a lease: this host, this process, and a nonce for a restart that reuses a pid."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


async def build_services(settings: Settings, prebuilt: tuple[Engine, StationDirectory] | None = None) -> Services:
    """Everything a channel needs; ``prebuilt`` reuses an engine (its index takes a second to build).

    Opens the store (migrating it, importing an old state.json once); raises ``StoreLocked``
    when another process already writes this SQLite store.
    """
    engine, stations = prebuilt or load_engine_and_stations(settings)
    options = Options.load(settings.content_dir)  # content errors before the store is opened
    store = await open_store(settings.data_dir, settings.database_url, importers=(import_staff,))
    subscriptions = Subscriptions(store, options)
    return Services(
        settings,
        engine.knowledge,
        engine,
        store,
        Preferences(store),
        MemberState(store),
        subscriptions,
        Announcements(store, subscriptions, settings.union_name),
        DeliveryQueue(store, instance_name(), settings.broadcast_lease),
        Feedback(store),
        HandOffs(store, settings.staff_chat_id),
        stations,
    )


def serve_until_signal(settings: Settings, serve: Callable[[Services, asyncio.Event], Awaitable[None]]) -> None:
    """Open the services, run ``serve`` until SIGINT or SIGTERM sets its event, then close them.

    Every long-running verb (the Telegram bot, the web chat) has this shape; each keeps its own
    handling of the errors that escape it.
    """

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        services = await build_services(settings)
        try:
            await serve(services, stop)
        finally:
            await services.close()

    asyncio.run(main())
