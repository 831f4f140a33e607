"""The engines the evaluation sets are scored with: a set is never answered from its own questions.

Once a blind set is spent its questions join the knowledge (``content/asked.json``). Scored or
calibrated with them in the index, a set would be matched against itself; so each set is scored
with an engine built without the questions that came from it.
"""

from __future__ import annotations

import tempfile
from dataclasses import replace
from functools import cache
from pathlib import Path

from bot.core.content_loader import load_content
from bot.core.knowledge import Knowledge
from bot.core.settings import Settings
from bot.services import load_engine_and_stations
from bot.understanding.engine import Engine

CONTENT = Path(__file__).resolve().parents[2] / "content"


@cache
def engine_without(origins: frozenset[str] = frozenset()) -> Engine:
    """The shipped engine, resolvers included, less the asked questions from ``origins``."""
    files = load_content(CONTENT)
    knowledge = Knowledge.from_files(replace(files, asked=files.asked.without(origins)))
    with tempfile.TemporaryDirectory() as data_dir:
        settings = Settings.from_env({"CONTENT_DIR": str(CONTENT), "DATA_DIR": data_dir})
        return load_engine_and_stations(settings, knowledge)[0]


def engine_for(origin: str | None) -> Engine:
    """The engine to score a set with: without its own asked questions (our own sets have none)."""
    return engine_without(frozenset({origin}) if origin else frozenset())
