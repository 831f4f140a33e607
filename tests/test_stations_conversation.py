"""Stations as a member meets them: a need asked before the location is remembered when it comes."""

from __future__ import annotations

from tests.conftest import ChatDriver, texts
from tests.test_stations_handlers import FIRST, methods


async def test_a_need_typed_before_the_location_is_kept_for_it(chat: ChatDriver) -> None:
    calls = await chat.send("附近哪里能充电")
    [params] = [p for m, p in calls if m == "sendMessage"]
    [[button]] = params["reply_markup"]["keyboard"]  # the phone's location button, one tap away
    assert button["request_location"] is True
    calls = await chat.locate(FIRST.lat, FIRST.lon)
    [text] = texts(calls)
    assert text.startswith("<b>离您最近的能充电的站点</b>")
    assert methods(calls) == ["sendMessage", "sendVenue"]


async def test_the_need_is_used_once(chat: ChatDriver) -> None:
    await chat.send("附近哪里能热饭")
    await chat.locate(FIRST.lat, FIRST.lon)
    [text] = texts(await chat.locate(FIRST.lat, FIRST.lon))
    assert text.startswith("<b>离您最近的站点</b>")


async def test_a_location_without_a_need_asked_lists_every_station(chat: ChatDriver) -> None:
    [text] = texts(await chat.locate(FIRST.lat, FIRST.lon))
    assert text.startswith("<b>离您最近的站点</b>")
