"""Which updates the bot answers: every private message; in groups only what is addressed to it.

A bot in a group that answered every message would drown the conversation, and one in a
channel has nobody to answer. An edited message is not answered again: the edit may land
in the middle of a questionnaire where re-reading it would answer the wrong step.
"""

from __future__ import annotations

from enum import StrEnum

GROUP_TYPES = frozenset({"group", "supergroup"})


class Route(StrEnum):
    HANDLE = "handle"
    IGNORE = "ignore"  # silently: not ours to answer
    EDITED = "edited"  # tell the user that edits are not re-read


def route(chat_type: str | None, *, from_bot: bool, edited: bool, addressed: bool) -> Route:
    """``addressed``: a command, a mention of the bot, a reply to the bot, or a button press."""
    if from_bot or chat_type == "channel":
        return Route.IGNORE
    if chat_type in GROUP_TYPES and not addressed:
        return Route.IGNORE
    if edited:
        return Route.EDITED if chat_type == "private" else Route.IGNORE
    return Route.HANDLE
