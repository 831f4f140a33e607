"""The long-lived objects every channel needs, built once at start-up."""

from __future__ import annotations

from dataclasses import dataclass

from bot.benefits.places import BenefitPlaces
from bot.core.knowledge import Knowledge
from bot.core.preferences import Preferences
from bot.core.settings import Settings
from bot.core.storage import Journal, Store, open_journal, open_store
from bot.staff.announcements import Announcements
from bot.staff.feedback import Feedback
from bot.staff.handoff import HandOffs
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
    journal: Journal
    subscriptions: Subscriptions
    announcements: Announcements
    feedback: Feedback
    handoffs: HandOffs
    stations: StationDirectory

    def close(self) -> None:
        self.journal.close()
        self.store.close()


def load_engine(settings: Settings) -> Engine:
    """Load and validate the knowledge and index it; fails fast on bad content."""
    return load_engine_and_stations(settings)[0]


def load_engine_and_stations(settings: Settings) -> tuple[Engine, StationDirectory]:
    """The engine, and the station directory its place resolver ("海口龙华区的站点") answers from."""
    knowledge = Knowledge.load(settings.content_dir)
    files = StationFiles(settings.content_dir, settings.data_dir)  # the staff import, else the shipped sample
    stations = StationDirectory.open(files, knowledge.files.stations.qa)
    register_renderer(Kind.STATIONS, render_stations)
    return Engine(knowledge, resolvers=(stations.resolve, BenefitPlaces.from_knowledge(knowledge))), stations


def build_services(settings: Settings, prebuilt: tuple[Engine, StationDirectory] | None = None) -> Services:
    """Everything a channel needs; ``prebuilt`` reuses an engine (its index takes a second to build)."""
    engine, stations = prebuilt or load_engine_and_stations(settings)
    knowledge = engine.knowledge
    store = open_store(settings.data_dir)
    journal = open_journal(settings.data_dir)
    subscriptions = Subscriptions(store, Options.load(settings.content_dir))
    announcements = Announcements(store, subscriptions, journal)
    return Services(
        settings,
        knowledge,
        engine,
        store,
        Preferences(store),
        journal,
        subscriptions,
        announcements,
        Feedback(journal),
        HandOffs(store, settings.staff_chat_id),
        stations,
    )
