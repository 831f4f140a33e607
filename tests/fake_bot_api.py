"""A small fake Telegram Bot API server on 127.0.0.1, for tests and benchmarks.

python-telegram-bot talks to it over real HTTP (``base_url``), so handlers are
exercised exactly as in production. It records every call, serves ``getUpdates``
from a queue, and can be told to fail chosen requests (429, 403, 400, network).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

BOT_ID = 777000
BOT_USERNAME = "union_service_test_bot"

# Given (method, params), return a response to send instead, a result dict, or None for the default.
Behaviour = Callable[[str, dict[str, Any]], Any]


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)
    result: Any = None  # what the default answer returned (the sent message, with its message_id)


def _decode(value: str) -> Any:
    """PTB sends each parameter as a form field; objects arrive JSON-encoded."""
    try:
        return json.loads(value)
    except (json.JSONDecodeError, TypeError):
        return value


def error(status: int, description: str, retry_after: int | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return web.json_response(body, status=status)


class FakeBotAPI:
    """Serve ``/bot<token>/<method>`` like Telegram does, recording every call."""

    def __init__(self, token: str = "123456:TEST-token") -> None:
        self.token = token
        self.calls: list[Call] = []
        self.updates: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.behaviour: Behaviour | None = None
        self._message_ids = itertools.count(1000)
        self._update_ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self._new_call = asyncio.Event()
        self.port = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    async def start(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    async def __aenter__(self) -> FakeBotAPI:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # -- inspection ---------------------------------------------------------------------

    def of(self, method: str) -> list[dict[str, Any]]:
        return [c.params for c in self.calls if c.method == method]

    def clear(self) -> None:
        self.calls.clear()

    async def wait_for(self, method: str, count: int = 1, within: float = 5.0) -> list[dict[str, Any]]:
        """Wait until ``method`` has been called ``count`` times in all; return those calls."""
        try:
            async with asyncio.timeout(within):
                while len(self.of(method)) < count:
                    self._new_call.clear()
                    await self._new_call.wait()
        except TimeoutError:
            raise TimeoutError(f"{method} called {len(self.of(method))} times, expected {count}") from None
        return self.of(method)

    def push_update(self, update: dict[str, Any]) -> dict[str, Any]:
        update = {"update_id": next(self._update_ids), **update}
        self.updates.put_nowait(update)
        return update

    # -- serving ------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return error(401, "Unauthorized")
        method = request.match_info["method"]
        params = await self._params(request)
        call = Call(method, params)
        self.calls.append(call)
        self._new_call.set()
        if self.behaviour is not None:
            custom = self.behaviour(method, params)
            if isinstance(custom, Awaitable):
                custom = await custom
            if isinstance(custom, web.StreamResponse):
                return custom
            if custom is not None:
                return web.json_response({"ok": True, "result": custom})
        if method == "getUpdates":
            return web.json_response({"ok": True, "result": await self._get_updates(params)})
        call.result = self._result(method, params)
        return web.json_response({"ok": True, "result": call.result})

    @staticmethod
    async def _params(request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            return await request.json()
        form = await request.post()
        return {key: _decode(value) if isinstance(value, str) else value for key, value in form.items()}

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        timeout = float(params.get("timeout") or 0)
        batch: list[dict[str, Any]] = []
        try:
            batch.append(await asyncio.wait_for(self.updates.get(), timeout=max(timeout, 0.01)))
        except TimeoutError:
            return []
        while not self.updates.empty():
            batch.append(self.updates.get_nowait())
        return batch

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return {
                "id": BOT_ID,
                "is_bot": True,
                "first_name": "职工服务",
                "username": BOT_USERNAME,
                "can_join_groups": True,
                "can_read_all_group_messages": False,
                "supports_inline_queries": True,
            }
        if method.startswith(("send", "forward", "copy")) or (
            method.startswith("edit") and "inline_message_id" not in params
        ):
            return self._message(method, params)
        if method == "getMyCommands":
            return []
        return True

    def _message(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = params.get("chat_id", 1)
        message: dict[str, Any] = {
            "message_id": int(params.get("message_id") or next(self._message_ids)),
            "date": int(time.time()),
            "chat": {"id": int(chat_id) if str(chat_id).lstrip("-").isdigit() else 1, "type": "private"},
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "职工服务"},
        }
        if "text" in params:
            message["text"] = str(params["text"])
        if method == "sendVenue":
            message["venue"] = {
                "location": {"latitude": float(params["latitude"]), "longitude": float(params["longitude"])},
                "title": params.get("title", ""),
                "address": params.get("address", ""),
            }
        if method == "sendLocation":
            message["location"] = {"latitude": float(params["latitude"]), "longitude": float(params["longitude"])}
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:  # Telegram echoes inline keyboards only
            message["reply_markup"] = markup
        return message


# -- update builders --------------------------------------------------------------------

_ids = itertools.count(1)


def user(user_id: int = 4242, language_code: str = "zh-hans", first_name: str = "小王") -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": language_code}


def message_update(
    text: str | None = None, *, user_id: int = 4242, language_code: str = "zh-hans", **extra: Any
) -> dict[str, Any]:
    sender = user(user_id, language_code)
    message: dict[str, Any] = {
        "message_id": next(_ids),
        "date": int(time.time()),
        "chat": {"id": user_id, "type": "private", "first_name": sender["first_name"]},
        "from": sender,
        **extra,
    }
    if text is not None:
        message["text"] = text
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
    return {"message": message}


def callback_update(
    data: str, *, user_id: int = 4242, language_code: str = "zh-hans", message_id: int = 1
) -> dict[str, Any]:
    sender = user(user_id, language_code)
    return {
        "callback_query": {
            "id": str(next(_ids)),
            "from": sender,
            "chat_instance": "ci",
            "data": data,
            "message": {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": {"id": user_id, "type": "private"},
                "from": {"id": BOT_ID, "is_bot": True, "first_name": "职工服务"},
                "text": "…",
            },
        }
    }


def location_update(lat: float, lon: float, **kw: Any) -> dict[str, Any]:
    return message_update(None, location={"latitude": lat, "longitude": lon}, **kw)
