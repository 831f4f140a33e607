"""What the engine answers with: the kinds of reply, the answer, and the query it read.

Plain data, shared by the engine, the gap replies and every renderer and topic resolver.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from bot.core.content_models import Source
from bot.understanding.regions import Place


class Kind(StrEnum):
    ENTRY = "entry"  # a curated Q&A entry
    ARTICLE = "article"  # a law article
    NO_ARTICLE = "no_article"  # an article number the law does not have
    UNSURE = "unsure"  # below the threshold: suggestions only
    CHITCHAT = "chitchat"
    OFF_TOPIC = "off_topic"
    NOT_COVERED = "not_covered"  # names a law, place or subject the knowledge does not hold: say so, and who to ask
    EMPTY = "empty"  # nothing readable in the message
    STATIONS = "stations"  # stations near a location or in a place: the result is in ``data["found"]``


@dataclass(frozen=True)
class Suggestion:
    ref: str  # "qa:<id>" or "art:<n>": enough to answer it again without searching
    title: str


@dataclass(frozen=True)
class Answer:
    topic: str  # law, benefits, stations, loans, faq, chitchat or unknown
    kind: Kind
    confidence: float
    text: str = ""
    title: str = ""
    sources: tuple[Source, ...] = ()
    suggestions: tuple[Suggestion, ...] = ()
    ref: str | None = None
    detail: str = ""
    data: dict[str, Any] = field(default_factory=dict)  # flow-specific payload (e.g. stations)
    english: str | None = None  # the entry's own English text, shown to English readers
    ranked: Ranked | None = None  # how a ranked reply was decided: for calibration and logs


@dataclass(frozen=True)
class Ranked:
    """The best entry of a ranked query and the calibration features that judged it."""

    top: str  # the best entry's reference, whatever the reply
    features: tuple[float, ...]
    right: float  # calibrated P(the best entry answers the question)
    uncovered: float  # calibrated P(the knowledge does not cover the question)


@dataclass(frozen=True)
class Query:
    raw: str
    text: str  # normalised
    tokens: tuple[str, ...]
    places: tuple[tuple[Place, ...], ...] = ()  # places named, each with its possible meanings
    asked: tuple[str, ...] | None = None  # a story's question's tokens (its last sentence); None: all of it

    @property
    def asked_tokens(self) -> tuple[str, ...]:
        return self.tokens if self.asked is None else self.asked


Resolver = Callable[[Query], Answer | None]
