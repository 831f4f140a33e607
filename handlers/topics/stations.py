"""The stations flow: share a location → the nearest stations and a map card; need filters.

Text questions about a place ("海口龙华区的站点") reach the engine's station resolver
through the ordinary question handler; this module handles locations and buttons. A need
asked before the location ("附近哪里能充电") is kept for the location that follows; a filter
tap edits the list it sits under, and the map card is sent once, with the first list.
"""

from __future__ import annotations

import logging
import time

from telegram import Message, Update

from bot.core.i18n import N_
from bot.stations.directory import LocationRequest, is_need
from bot.stations.geo import valid_coordinates
from bot.stations.render import venue_title
from bot.understanding.engine import Answer, Kind
from handlers.chat.answer import send_answer
from handlers.chat.edit import View, show_pressed
from handlers.chat.render import answer_html, answer_keyboard
from handlers.context import BotContext
from handlers.topics.stations_keyboards import location_keyboard, parse_filter

log = logging.getLogger(__name__)

INTRO = N_(
    "请点下面的“📍 发送我的位置”，我帮您找离您最近的3个户外劳动者服务站点。\n"
    "也可以直接输入城市或区县，例如“海口龙华区的站点”。"
)
BAD_LOCATION = N_("这个位置无法识别，请重新发送您的位置。")
STALE = N_("这个按钮已经失效了，请重新发送您的位置。")
NEED = "station_need"  # user_data: a need asked for before the location arrived
NEED_SECONDS = 30 * 60


async def open_stations(update: Update, context: BotContext) -> None:
    """The menu's "stations" topic and ``/start stations``: ask for the location."""
    _ = context.gettext
    await update.effective_message.reply_text(_(INTRO), reply_markup=location_keyboard(_))


def remember_need(answer: Answer, context: BotContext) -> None:
    """ "附近哪里能充电" asks for the location; keep 充电 for when it comes."""
    found = answer.data.get("found") if answer.kind is Kind.STATIONS else None
    if isinstance(found, LocationRequest) and context.user_data is not None:
        context.user_data[NEED] = {"need": found.need, "at": time.time()}


def take_need(context: BotContext) -> str | None:
    kept = context.user_data.pop(NEED, None) if context.user_data is not None else None
    if not isinstance(kept, dict) or time.time() - float(kept.get("at") or 0) > NEED_SECONDS:
        return None
    need = kept.get("need")
    return need if isinstance(need, str) and is_need(need) else None


async def send_nearby(message: Message, context: BotContext, lat: float, lon: float, need: str | None) -> None:
    """The nearest stations as a list with filter buttons, then the nearest as a map card.

    No card when even the nearest is far: a pin 1,700 km away helps nobody; the list offers
    a map search around the member instead.
    """
    stations = context.services.stations
    found = stations.nearest(lat, lon, need)
    await send_answer(message, stations.answer(found), context)
    if found.hits and not found.far:
        _, nearest = context.gettext, found.hits[0].station
        await message.reply_venue(nearest.lat, nearest.lon, venue_title(nearest, _), _.content(nearest.address))


async def on_location(update: Update, context: BotContext) -> None:
    message = update.effective_message
    lat, lon = message.location.latitude, message.location.longitude
    if not valid_coordinates(lat, lon):
        log.warning("location out of range: %r, %r", lat, lon)
        await message.reply_text(context.gettext(BAD_LOCATION))
        return
    await send_nearby(message, context, lat, lon, take_need(context))


def filtered_view(data: str, context: BotContext) -> View | None:
    """The list a filter button asks for; None when its data is forged or stale."""
    parsed = parse_filter(data)
    if parsed is None:
        return None
    stations = context.services.stations
    answer = stations.answer(stations.nearest(parsed[1], parsed[2], parsed[0]))
    return answer_html(answer, context.gettext), answer_keyboard(answer, context)


async def on_filter(update: Update, context: BotContext) -> None:
    """A need filter: the list it sits under changes in place; the map card is not sent again."""
    await show_pressed(update, context, filtered_view, STALE)
