"""Reading the Bot API calls an update caused: buttons offered, messages to one chat."""

from __future__ import annotations

from typing import Any

Calls = list[tuple[str, dict[str, Any]]]


def buttons(calls: Calls) -> list[str]:
    """The callback data of every inline button in the messages sent."""
    return [
        button["callback_data"]
        for method, params in calls
        if method == "sendMessage" and isinstance(params.get("reply_markup"), dict)
        for row in params["reply_markup"]["inline_keyboard"]
        for button in row
    ]


def to_chat(calls: Calls, chat_id: int, method: str = "sendMessage") -> list[dict[str, Any]]:
    return [params for name, params in calls if name == method and int(params["chat_id"]) == chat_id]
