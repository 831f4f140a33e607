"""The long-lived objects every channel needs, built once at start-up."""

from __future__ import annotations

from dataclasses import dataclass

from bot.announcements import Announcements
from bot.benefits_answers import BenefitPlaces
from bot.feedback import Feedback
from bot.handoff import HandOffs
from bot.knowledge import Knowledge
from bot.preferences import Preferences
from bot.qa import Engine
from bot.settings import Settings
from bot.stations import StationDirectory
from bot.storage import Journal, Store, open_journal, open_store
from bot.subscriptions import Options, Subscriptions

IMPORTED_STATIONS = "stations.json"  # staff-imported station set in DATA_DIR, preferred over content/


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
    knowledge = Knowledge.load(settings.content_dir, settings.data_dir / IMPORTED_STATIONS)
    stations = StationDirectory.from_file(knowledge.files.stations)
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
