"""The stations flow end to end through PTB's real HTTP path against the fake Bot API.

The shipped content/stations.json holds sample stations in 海口 and 贵阳 only; every reply
that shows one must say so.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from bot.core.content_loader import load_model
from bot.core.content_models import StationsFile
from bot.stations.geo import haversine_m
from tests.conftest import CONTENT, ChatDriver, texts
from tests.fake_bot_api import message_update

Calls = list[tuple[str, dict[str, Any]]]
STATIONS = load_model(CONTENT / "stations.json", StationsFile).stations
FIRST = STATIONS[0]  # a 海口 sample station
BEIJING = (39.9042, 116.4074)  # over 1,000 km from any shipped station


def methods(calls: Calls) -> list[str]:
    return [method for method, _ in calls if method != "answerCallbackQuery"]


def buttons(calls: Calls, method: str = "sendMessage") -> dict[str, str]:
    """Inline button text → callback data over the replies' keyboards."""
    found = {}
    for name, params in calls:
        markup = params.get("reply_markup") if name == method else None
        for row in (markup or {}).get("inline_keyboard", []):
            for button in row:
                found[button["text"]] = button.get("callback_data", "")
    return found


def venue(calls: Calls) -> dict[str, Any]:
    [params] = [params for name, params in calls if name == "sendVenue"]
    return params


def test_shipped_stations_are_all_sample() -> None:
    assert STATIONS
    assert all(s.sample for s in STATIONS)


async def test_shared_location_gets_the_nearest_three_and_a_map_card(chat: ChatDriver) -> None:
    calls = await chat.locate(FIRST.lat, FIRST.lon)
    assert methods(calls) == ["sendMessage", "sendVenue"]
    [text] = texts(calls)
    nearest = sorted(STATIONS, key=lambda s: haversine_m(FIRST.lat, FIRST.lon, s.lat, s.lon))[:3]
    positions = [text.index(s.name) for s in nearest]
    assert positions == sorted(positions)
    assert "0米" in text
    assert "示例数据" in text
    assert FIRST.address in text
    assert FIRST.facilities[0] in text
    card = venue(calls)
    assert (card["latitude"], card["longitude"]) == (FIRST.lat, FIRST.lon)
    assert card["title"].startswith("【示例数据】")
    assert card["address"] == FIRST.address


async def test_filter_buttons_narrow_to_a_need(chat: ChatDriver) -> None:
    offered = buttons(await chat.locate(FIRST.lat, FIRST.lon))
    assert offered["能充电"].startswith("st:charge:")
    assert offered["能热饭"].startswith("st:heat:")
    calls = await chat.press(offered["能充电"])
    assert methods(calls) == ["editMessageText"]  # the list changes in place; no second map card
    [text] = texts(calls, "editMessageText")
    assert "能充电" in text
    assert "示例数据" in text
    charging = {s.name for s in STATIONS if any("充电" in f for f in s.facilities)}
    assert any(name.removeprefix("【示例】") in text for name in charging)
    again = buttons(calls, "editMessageText")
    assert "能充电" not in again
    assert again["全部站点"].startswith("st:all:")
    assert methods(await chat.press(again["全部站点"])) == ["editMessageText"]


@pytest.mark.parametrize(
    "data",
    ["st:", "st:charge", "st:fly:20.0:110.0", "st:charge:abc:110", "st:all:95:0", "st:all:20:nan", "st:all:20:110:9"],
)
async def test_forged_or_stale_filter_buttons_get_a_polite_reply(chat: ChatDriver, data: str) -> None:
    calls = await chat.press(data)
    assert "answerCallbackQuery" in [m for m, _ in calls]
    assert methods(calls) == ["sendMessage"]
    assert "失效" in texts(calls)[0]


async def test_far_from_every_station_says_so_and_offers_a_map_search_instead_of_a_pin(chat: ChatDriver) -> None:
    calls = await chat.locate(*BEIJING)
    assert methods(calls) == ["sendMessage"]  # no map pin to a station 1,000+ km away
    [text] = texts(calls)
    assert "50公里以内没有我们收录的站点" in text
    nearest = min(STATIONS, key=lambda s: haversine_m(*BEIJING, s.lat, s.lon))
    assert f"最近的一个在{nearest.city}" in text
    assert "地图" in text  # the national way to find real stations
    [params] = [p for m, p in calls if m == "sendMessage"]
    urls = [b["url"] for row in params["reply_markup"]["inline_keyboard"] for b in row if "url" in b]
    assert len(urls) == 2
    amap, baidu = (urlsplit(u) for u in urls)
    assert amap.netloc == "uri.amap.com"
    assert parse_qs(amap.query)["center"] == [f"{BEIJING[1]:.5f},{BEIJING[0]:.5f}"]
    assert parse_qs(amap.query)["keyword"] == ["户外劳动者服务站点"]
    assert baidu.netloc == "api.map.baidu.com"
    assert parse_qs(baidu.query)["location"] == [f"{BEIJING[0]:.5f},{BEIJING[1]:.5f}"]
    assert parse_qs(baidu.query)["coord_type"] == ["wgs84"]
    assert not any(
        b.get("callback_data", "").startswith("st:") for row in params["reply_markup"]["inline_keyboard"] for b in row
    )


async def test_the_position_behind_a_map_search_is_not_stored(chat: ChatDriver) -> None:
    await chat.locate(*BEIJING)
    application = chat.application
    stored = json.dumps([application.user_data, application.chat_data], ensure_ascii=False, default=str)
    assert f"{BEIJING[0]:.3f}" not in stored
    assert f"{BEIJING[1]:.3f}" not in stored


async def test_an_impossible_location_is_refused_politely(chat: ChatDriver) -> None:
    calls = await chat.locate(123.0, 500.0)
    assert methods(calls) == ["sendMessage"]
    assert "无法识别" in texts(calls)[0]


async def test_distances_follow_the_users_locale(chat: ChatDriver) -> None:
    calls = await chat.locate(FIRST.lat + 0.05, FIRST.lon, language_code="en")
    assert " km" in texts(calls)[0]


async def test_city_and_district_text_query(chat: ChatDriver) -> None:
    calls = await chat.send("海口龙华区的站点")
    [text] = texts(calls)
    in_district = [s for s in STATIONS if s.city == "海口" and s.district == "龙华区"]
    assert all(s.name in text for s in in_district)
    assert not any(s.name in text for s in STATIONS if s.district != "龙华区")
    assert "示例数据" in text
    assert buttons(calls)["📍 发送位置，查离我最近的站点"] == "menu:stations"


async def test_a_city_without_stations_gets_an_honest_reply(chat: ChatDriver) -> None:
    [text] = texts(await chat.send("北京的站点"))
    assert "还没有北京的站点" in text
    assert "地图" in text
    assert "来源" in text


@pytest.mark.parametrize("opening", ["menu", "deep link"])
async def test_opening_asks_for_the_location_with_a_button(chat: ChatDriver, opening: str) -> None:
    calls = await (chat.press("menu:stations") if opening == "menu" else chat.send("/start stations"))
    [params] = [p for name, p in calls if name == "sendMessage"]
    [[button]] = params["reply_markup"]["keyboard"]
    assert button["request_location"] is True
    assert "海口龙华区的站点" in params["text"]


async def test_live_location_updates_do_not_list_the_stations_again(chat: ChatDriver) -> None:
    update = message_update(None, location={"latitude": FIRST.lat, "longitude": FIRST.lon, "live_period": 900})
    edited = {"edited_message": {**update["message"], "edit_date": update["message"]["date"] + 30}}
    calls = await chat.feed(edited)
    assert "sendVenue" not in methods(calls)
    assert not any("示例数据" in text for text in texts(calls))
