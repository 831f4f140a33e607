"""The stations flow: share a location → the nearest stations and a map card; need filters.

Text questions about a place ("海口龙华区的站点") reach the engine's station resolver
through the ordinary question handler; this module handles locations and buttons.
"""

from __future__ import annotations

import logging

from telegram import Message, Update

from bot.core.i18n import N_
from bot.stations.geo import valid_coordinates
from bot.stations.render import venue_title
from handlers.chat.faq import send_answer
from handlers.context import BotContext
from handlers.topics.stations_keyboards import location_keyboard, parse_filter

log = logging.getLogger(__name__)

INTRO = N_(
    "请点下面的“📍 发送我的位置”，我帮您找离您最近的3个户外劳动者服务站点。\n"
    "也可以直接输入城市或区县，例如“海口龙华区的站点”。"
)
BAD_LOCATION = N_("这个位置无法识别，请重新发送您的位置。")
STALE = N_("这个按钮已经失效了，请重新发送您的位置。")


async def open_stations(update: Update, context: BotContext) -> None:
    """The menu's "stations" topic and ``/start stations``: ask for the location."""
    _ = context.gettext
    await update.effective_message.reply_text(_(INTRO), reply_markup=location_keyboard(_))


async def send_nearby(message: Message, context: BotContext, lat: float, lon: float, need: str | None) -> None:
    """The nearest stations as a list with filter buttons, then the nearest as a map card."""
    stations = context.services.stations
    found = stations.nearest(lat, lon, need)
    await send_answer(message, stations.answer(found), context)
    if found.hits:
        _, nearest = context.gettext, found.hits[0].station
        await message.reply_venue(nearest.lat, nearest.lon, venue_title(nearest, _), _.content(nearest.address))


async def on_location(update: Update, context: BotContext) -> None:
    message = update.effective_message
    lat, lon = message.location.latitude, message.location.longitude
    if not valid_coordinates(lat, lon):
        log.warning("location out of range: %r, %r", lat, lon)
        await message.reply_text(context.gettext(BAD_LOCATION))
        return
    await send_nearby(message, context, lat, lon, None)


async def on_filter(update: Update, context: BotContext) -> None:
    query = update.callback_query
    await query.answer()
    parsed = parse_filter(query.data or "")
    if parsed is None:
        log.warning("stale or forged stations button %r", query.data)
        await query.message.reply_text(context.gettext(STALE))
        return
    await send_nearby(query.message, context, parsed[1], parsed[2], parsed[0])
