"""The JSON shape of what the page shows, built from the channel-neutral renderers' output.

A message is ``{"id", "role": "bot"|"user", "heading", "body", "source", "chips", "links",
"vote", "handoff"}``: only strings, numbers and booleans, which the page puts into the DOM as text.
A chip is a button: ``{"label", "data"}``, where ``data`` is what the page posts back when it is
pressed (``ask:<ref>``, ``menu:<topic>``, ``loan:…``, ``ben:…``, ``st:…``, ``geo``: the same
vocabulary as the Telegram buttons). A link is ``{"label", "href"}`` to a map.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from bot.core.content_models import Station
from bot.core.i18n import N_
from bot.staff.feedback import UNANSWERED
from bot.stations.directory import Listing, Nearby
from bot.stations.render import need_label, station_name, venue_title
from bot.understanding.engine import Answer, Kind
from bot.understanding.render import Gettext, Rendered, render_answer

Message = dict[str, Any]
VOTED_KINDS = frozenset({Kind.ENTRY, Kind.ARTICLE})
GEO = "geo"  # the chip that asks the browser for the location
MAP_URL = "https://uri.amap.com/marker"
BENEFITS_CHECK = N_("🏅 查一查我能享受哪些待遇")
NEAREST_TO_ME = N_("📍 发送位置，查离我最近的站点")
SHOW_ALL = N_("全部站点")
ON_MAP = N_("🗺️ 地图：{name}")


def chip(label: str, data: str) -> dict[str, str]:
    return {"label": label, "data": data}


def bot_message(rendered: Rendered, chips: list[dict[str, str]] | None = None, **extra: Any) -> Message:
    return {
        "role": "bot",
        "heading": rendered.heading,
        "body": rendered.body,
        "source": rendered.source_line,
        "chips": chips or [],
        "links": [],
        "vote": None,
        "handoff": False,
        **extra,
    }


def text_message(text: str, chips: list[dict[str, str]] | None = None) -> Message:
    return bot_message(Rendered(None, text), chips)


def user_message(text: str) -> Message:
    return {"role": "user", "body": text}


def map_link(station: Station, _: Gettext) -> dict[str, str]:
    """A map link for a station (Amap's public marker page, WGS-84 as our coordinates are)."""
    name = venue_title(station, _)  # sample stations keep their mark on the map page too
    query = {"position": f"{station.lon},{station.lat}", "name": name, "coordinate": "wgs84", "callnative": 0}
    return {"label": _(ON_MAP).format(name=station_name(station, _)), "href": f"{MAP_URL}?{urlencode(query)}"}


def filter_data(need: str | None, lat: float, lon: float) -> str:
    """The chip data of a stations filter: ``st:<need|all>:<lat>:<lon>`` as Telegram's buttons carry it."""
    return f"st:{need or 'all'}:{lat:.5f}:{lon:.5f}"


def station_extras(answer: Answer, needs: tuple[str, ...], _: Gettext) -> tuple[list[dict[str, str]], list]:
    """Chips (filters by need, or a way to search by location) and map links under a station answer."""
    found = answer.data["found"]
    if isinstance(found, Nearby):
        chips = [chip(need_label(n, _), filter_data(n, found.lat, found.lon)) for n in needs if n != found.need]
        if found.need is not None:
            chips.append(chip(_(SHOW_ALL), filter_data(None, found.lat, found.lon)))
        return chips, [map_link(hit.station, _) for hit in found.hits]
    links = [map_link(s, _) for s in found.stations] if isinstance(found, Listing) else []
    return [chip(_(NEAREST_TO_ME), GEO)], links


def answer_message(answer: Answer, _: Gettext, needs: tuple[str, ...], staff: bool) -> Message:
    """An engine answer with its chips: suggestions, the benefits check, station filters and maps;
    👍/👎 under a definite answer, 转人工 under an unsure one when staff can be reached."""
    chips = [chip(_.content(s.title), f"ask:{s.ref}") for s in answer.suggestions]
    links: list[dict[str, str]] = []
    if answer.topic == "benefits" and answer.kind is Kind.ENTRY:
        chips.append(chip(_(BENEFITS_CHECK), "ben:p"))
    if answer.kind is Kind.STATIONS:
        more, links = station_extras(answer, needs, _)
        chips += more
    vote = answer.ref if answer.kind in VOTED_KINDS and answer.ref else None
    return bot_message(
        render_answer(answer, _), chips, links=links, vote=vote, handoff=staff and answer.kind in UNANSWERED
    )


HISTORY = 60  # messages kept per conversation: enough to scroll back, small enough to save whole


def remember(state: dict[str, Any], message: Message) -> Message:
    """Number the message and add it to the conversation's history (the oldest fall off)."""
    number = int(state.get("seq", 0)) + 1
    state["seq"] = number
    message = {**message, "id": number}
    state["messages"] = [*state.get("messages", []), message][-HISTORY:]
    return message


def find(state: dict[str, Any], message_id: int) -> Message | None:
    return next((m for m in state.get("messages", []) if m.get("id") == message_id), None)
