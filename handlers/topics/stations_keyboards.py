"""Keyboards of the stations flow and the callback data they carry.

Filter buttons carry the location they filter: ``st:<need>:<lat>:<lon>`` (``all`` for no
filter, coordinates to 5 decimals, about a metre), so a press works after a restart and
needs no per-user state; the longest is under 40 of Telegram's 64 bytes. Data that does
not parse or is out of range is treated as stale.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, KeyboardButton, ReplyKeyboardMarkup

from bot.core.i18n import N_
from bot.stations.directory import LocationRequest, Nearby, is_need
from bot.stations.geo import valid_coordinates
from bot.stations.map_search import map_searches
from bot.stations.render import need_label
from bot.understanding.engine import Answer, Kind
from bot.understanding.render import Gettext
from handlers.context import BotContext

PREFIX = "st:"
ALL = "all"
SEND_LOCATION = N_("📍 发送我的位置")
NEAREST_TO_ME = N_("📍 发送位置，查离我最近的站点")
SHOW_ALL = N_("全部站点")
MAP_SEARCH = {"amap": N_("🗺️ 在高德地图搜附近站点"), "baidu": N_("🗺️ 在百度地图搜附近站点")}

Row = list[InlineKeyboardButton]


def filter_data(need: str | None, lat: float, lon: float) -> str:
    return f"{PREFIX}{need or ALL}:{lat:.5f}:{lon:.5f}"


def parse_filter(data: str) -> tuple[str | None, float, float] | None:
    """(need or None, lat, lon) from a filter button; None when forged or stale."""
    match data.split(":"):
        case ["st", need, lat, lon] if need == ALL or is_need(need):
            try:
                where = float(lat), float(lon)
            except ValueError:
                return None
            return (None if need == ALL else need, *where) if valid_coordinates(*where) else None
    return None


def location_keyboard(_: Gettext) -> ReplyKeyboardMarkup:
    """The phone's own "share location" button: one tap, no typing."""
    button = KeyboardButton(_(SEND_LOCATION), request_location=True)
    return ReplyKeyboardMarkup([[button]], resize_keyboard=True, one_time_keyboard=True)


def filter_rows(found: Nearby, needs: tuple[str, ...], _: Gettext) -> list[Row]:
    """One button per need some station meets (the active one left out), and "all" when filtered."""
    buttons = [
        InlineKeyboardButton(need_label(need, _), callback_data=filter_data(need, found.lat, found.lon))
        for need in needs
        if need != found.need
    ]
    if found.need is not None:
        buttons.append(InlineKeyboardButton(_(SHOW_ALL), callback_data=filter_data(None, found.lat, found.lon)))
    return [buttons[i : i + 3] for i in range(0, len(buttons), 3)]


def location_request_markup(answer: Answer, _: Gettext) -> ReplyKeyboardMarkup | None:
    """ "附近哪里能充电" is answered with the phone's location button, one tap from the answer."""
    wants = answer.kind is Kind.STATIONS and isinstance(answer.data.get("found"), LocationRequest)
    return location_keyboard(_) if wants else None


def map_search_rows(found: Nearby, _: Gettext) -> list[Row]:
    """Far from every station we hold: a search of the national maps around the member instead."""
    return [[InlineKeyboardButton(_(MAP_SEARCH[s.provider]), url=s.url)] for s in map_searches(found.lat, found.lon)]


def station_answer_rows(answer: Answer, context: BotContext) -> list[Row]:
    """Under station answers: filters (or, far from all, map searches) for a location; for a place,
    a way to search by location."""
    if answer.kind is not Kind.STATIONS:
        return []
    found, _ = answer.data["found"], context.gettext
    if isinstance(found, Nearby):
        return map_search_rows(found, _) if found.far else filter_rows(found, context.services.stations.needs, _)
    return [[InlineKeyboardButton(_(NEAREST_TO_ME), callback_data="menu:stations")]]
