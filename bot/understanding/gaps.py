"""The honest reply to a question the knowledge does not cover.

Topic ``unknown`` and no sources: nothing in the reply answers the question. It carries, for the
renderer, what the knowledge does hold on the topic, the topic's help entries (how to find
stations on a map) and the hotline, whose sources stay in ``data``.
"""

from __future__ import annotations

from bot.core.knowledge import Knowledge
from bot.understanding.answers import Answer, Kind, Suggestion
from bot.understanding.scope import Gap


def not_covered(knowledge: Knowledge, gap: Gap, suggestions: tuple[Suggestion, ...] = ()) -> Answer:
    """Say what is not covered, with the topic's holdings and help entries and where to ask."""
    scope = knowledge.files.scope
    topic = scope.topics.get(gap.topic) if gap.topic else None  # type: ignore[call-overload]
    helps = [knowledge.entries[e].entry for e in (topic.help if topic else ())]
    return Answer(
        "unknown",
        Kind.NOT_COVERED,
        0.0,
        text="\n".join(e.answer for e in helps),
        suggestions=suggestions,
        detail=gap.reason,
        data={
            "name": gap.name,
            "article": gap.article,
            "what": topic.what if topic else "",
            "held": topic.held if topic else "",
            "help_sources": tuple(e.source for e in helps),
            "hotline": scope.hotline,
        },
    )
