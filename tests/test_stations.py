"""The stations domain: distances, the spatial index, nearest order, filters, places, rendering."""

from __future__ import annotations

import math
import random

import pytest

from bot.core.content_models import QAEntry, Source, Station
from bot.core.i18n import gettext_for
from bot.stations.directory import FAR_M, Listing, LocationRequest, Nearby, StationDirectory, meets, need_in
from bot.stations.geo import haversine_m, parse_location, valid_coordinates
from bot.stations.render import render_stations, venue_title
from bot.stations.spatial_index import SpatialIndex
from bot.understanding.engine import Kind, Query

SAMPLE = Source(publication="工人日报", date="2022-01", note="示例数据")
REAL = Source(publication="工会工作人员导入", date="2026-11-25")
MAP_HELP = QAEntry(
    id="st-find",
    questions=["怎么找附近的站点"],
    answer="可以在百度、高德等地图搜索附近的工会户外劳动者服务站点。",
    source=Source(publication="发布会报道", date="2023-07-11"),
)


def station(
    sid: str,
    lat: float,
    lon: float,
    *,
    city: str = "海口",
    district: str = "龙华区",
    facilities: tuple[str, ...] = (),
    sample: bool = True,
) -> Station:
    return Station(
        id=sid,
        name=f"{sid}站",
        city=city,
        district=district,
        address=f"{district}{sid}路",
        lat=lat,
        lon=lon,
        kind="户外劳动者服务站点",
        facilities=list(facilities),
        hours="8:00-20:00",
        sample=sample,
        source=SAMPLE if sample else REAL,
    )


HAIKOU = (20.03, 110.33)
STATIONS = [
    station("甲", 20.030, 110.330, facilities=("微波炉", "饮水机")),  # at HAIKOU
    station("乙", 20.040, 110.330, facilities=("手机充电",)),  # ~1.1 km north
    station("丙", 20.030, 110.360, district="美兰区", facilities=("洗手间", "电动车充电")),  # ~3.1 km east
    station("丁", 20.100, 110.330, district="美兰区"),  # ~7.8 km north
    station("戊", 26.580, 106.710, city="贵阳", district="云岩区", facilities=("饮水",)),
]


@pytest.fixture(scope="module")
def directory() -> StationDirectory:
    return StationDirectory(STATIONS, [MAP_HELP])


# -- geometry -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "metres"),
    [
        ((0.0, 0.0), (0.0, 1.0), 111_195),  # one degree of the equator
        ((0.0, 0.0), (1.0, 0.0), 111_195),  # one degree of a meridian
        ((39.9042, 116.4074), (31.2304, 121.4737), 1_067_000),  # Beijing – Shanghai
        ((20.03, 110.33), (20.03, 110.33), 0),
        ((0.0, 179.9), (0.0, -179.9), 22_239),  # across the antimeridian
        ((90.0, 0.0), (-90.0, 0.0), 20_015_115),  # pole to pole
    ],
)
def test_haversine_distances(a: tuple[float, float], b: tuple[float, float], metres: float) -> None:
    assert haversine_m(*a, *b) == pytest.approx(metres, rel=0.005, abs=1)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ([20.03, 110.33], (20.03, 110.33)),
        ((-90, 180), (-90.0, 180.0)),
        ([0, 0], (0.0, 0.0)),
        ([90.0001, 0], None),
        ([0, -180.5], None),
        ([float("nan"), 0], None),
        ([0, float("inf")], None),
        (["20.03", "110.33"], None),
        ([True, 1], None),
        ([1], None),
        ([1, 2, 3], None),
        ("20.03,110.33", None),
        (None, None),
        ({"lat": 1, "lon": 2}, None),
    ],
)
def test_parse_location(value: object, expected: tuple[float, float] | None) -> None:
    assert parse_location(value) == expected


def test_valid_coordinates_rejects_non_finite() -> None:
    assert not valid_coordinates(math.nan, 0)
    assert valid_coordinates(-90, -180)


def test_index_agrees_with_a_linear_scan() -> None:
    rng = random.Random(7)
    points = [(rng.uniform(18, 53), rng.uniform(73, 135)) for _ in range(2000)]
    index = SpatialIndex(points)
    for _ in range(50):
        lat, lon = rng.uniform(15, 55), rng.uniform(70, 140)
        expected = sorted(range(len(points)), key=lambda i: haversine_m(lat, lon, *points[i]))[:3]
        found = index.nearest(lat, lon, 3)
        assert [i for i, _ in found] == expected
        for i, metres in found:
            assert metres == pytest.approx(haversine_m(lat, lon, *points[i]), rel=1e-6, abs=0.01)


@pytest.mark.parametrize("k", [0, 1, 3, 10])
def test_index_of_nothing_finds_nothing(k: int) -> None:
    assert SpatialIndex([]).nearest(20, 110, k) == []


def test_index_with_fewer_points_than_asked() -> None:
    assert [i for i, _ in SpatialIndex([(1, 1), (0, 0)]).nearest(0, 0, 3)] == [1, 0]


# -- nearest --------------------------------------------------------------------------


def test_nearest_three_in_order_with_distances(directory: StationDirectory) -> None:
    found = directory.nearest(*HAIKOU)
    assert [h.station.id for h in found.hits] == ["甲", "乙", "丙"]
    assert [round(h.distance_m, -2) for h in found.hits] == [0, 1100, 3100]
    assert not found.far


@pytest.mark.parametrize(
    ("need", "expected"),
    [
        ("charge", ["乙", "丙"]),  # 手机充电, 电动车充电
        ("heat", ["甲"]),  # 微波炉
        ("water", ["甲", "戊"]),  # 饮水机, 饮水
        ("toilet", ["丙"]),
        ("medicine", []),
    ],
)
def test_nearest_filtered_by_need(directory: StationDirectory, need: str, expected: list[str]) -> None:
    assert [h.station.id for h in directory.nearest(*HAIKOU, need=need).hits] == expected


def test_needs_offered_are_those_some_station_meets(directory: StationDirectory) -> None:
    assert directory.needs == ("charge", "heat", "water", "toilet")


def test_far_from_every_station_still_gives_the_nearest(directory: StationDirectory) -> None:
    found = directory.nearest(39.9042, 116.4074)  # Beijing: over 1,000 km from 贵阳
    assert found.far
    assert found.hits[0].station.id == "戊"
    assert found.hits[0].distance_m > FAR_M
    assert len(found.hits) == 3


def test_just_inside_the_far_limit_is_not_far() -> None:
    near = StationDirectory([station("甲", 0.0, 0.0)])
    assert not near.nearest(0.0, 0.44).far  # ~49 km
    assert near.nearest(0.0, 0.46).far  # ~51 km


@pytest.mark.parametrize(("lat", "lon"), [(91, 0), (0, 181), (math.nan, 0), (0, -math.inf)])
def test_nearest_refuses_bad_coordinates(directory: StationDirectory, lat: float, lon: float) -> None:
    with pytest.raises(ValueError, match="out of range"):
        directory.nearest(lat, lon)


def test_an_empty_directory_finds_nothing() -> None:
    found = StationDirectory([]).nearest(*HAIKOU)
    assert found.hits == ()
    assert not found.far


@pytest.mark.parametrize(
    ("facilities", "need", "expected"),
    [(("电动车充电",), "charge", True), (("微波炉",), "heat", True), (("空调",), "heat", False), ((), "water", False)],
)
def test_meets(facilities: tuple[str, ...], need: str, expected: bool) -> None:
    assert meets(station("x", 0, 0, facilities=facilities), need) is expected


@pytest.mark.parametrize(
    ("text", "need"), [("附近哪里能热饭", "heat"), ("哪里能充电", "charge"), ("想上厕所", "toilet"), ("站点", None)]
)
def test_need_in_text(text: str, need: str | None) -> None:
    assert need_in(text) == need


# -- the place resolver ---------------------------------------------------------------


def resolve(directory: StationDirectory, text: str):
    return directory.resolve(Query(text, text, ()))


@pytest.mark.parametrize(
    ("text", "place", "ids"),
    [
        ("海口龙华区的站点", "海口龙华区", ["甲", "乙"]),
        ("海口的站点", "海口", ["甲", "乙", "丙", "丁"]),
        ("龙华区有驿站吗", "龙华区", ["甲", "乙"]),
        ("请问美兰区的站点", "美兰区", ["丙", "丁"]),
        ("贵阳云岩区的环卫工休息室", "贵阳云岩区", ["戊"]),
        ("海口哪里能充电", "海口", ["乙", "丙"]),
    ],
)
def test_place_queries_list_the_stations_there(
    directory: StationDirectory, text: str, place: str, ids: list[str]
) -> None:
    answer = resolve(directory, text)
    assert answer is not None
    assert (answer.topic, answer.kind) == ("stations", Kind.STATIONS)
    found = answer.data["found"]
    assert isinstance(found, Listing)
    assert found.known
    assert found.place == place
    assert [s.id for s in found.stations] == ids
    assert answer.text == ""  # no map help needed when we have stations


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("北京的站点", "北京"),
        ("北京朝阳区有驿站吗", "北京朝阳区"),
        ("深圳龙华区的站点", "深圳龙华区"),  # a district name we know, in a city we do not
        ("广州哪里有户外劳动者服务站点", "广州"),
    ],
)
def test_a_place_without_stations_gets_an_honest_reply(directory: StationDirectory, text: str, place: str) -> None:
    answer = resolve(directory, text)
    assert answer is not None
    found = answer.data["found"]
    assert isinstance(found, Listing)
    assert (found.place, found.known, found.stations) == (place, False, ())
    assert answer.text == MAP_HELP.answer
    assert answer.sources == (MAP_HELP.source,)
    rendered = render_stations(answer, gettext_for("zh_Hans")).plain()
    assert f"还没有{place}的站点" in rendered
    assert "高德" in rendered


@pytest.mark.parametrize(
    "text",
    ["附近有站点吗", "附近哪里能热饭", "我身边有没有驿站", "附近有没有可以歇一下喝口水的地方", "附近哪里能歇一会儿"],
)
def test_nearby_without_a_place_asks_for_the_location(directory: StationDirectory, text: str) -> None:
    answer = resolve(directory, text)
    assert answer is not None
    assert isinstance(answer.data["found"], LocationRequest)
    assert "位置" in render_stations(answer, gettext_for("zh_Hans")).plain()


@pytest.mark.parametrize(
    "text",
    [
        "海口有多少个站点",  # a count: the Q&A answers it
        "贵阳环卫工休息室有几座",
        "户外劳动者服务站点 海口 数量",  # a count typed as keywords
        "海口驿站里有什么",
        "站点有微波炉吗",
        "怎么找站点",
        "福建怎么找工会站点",
        "快递员能进驿站休息吗",
        "环卫工休息室能洗澡吗",
        "劳模能热饭吗",
        "工会法第6条",
    ],
)
def test_other_questions_are_left_to_the_engine(directory: StationDirectory, text: str) -> None:
    assert resolve(directory, text) is None


def test_place_listing_is_capped_and_counted() -> None:
    many = StationDirectory([station(f"s{i}", 20 + i / 1000, 110.3) for i in range(25)])
    found = resolve(many, "海口的站点").data["found"]
    assert (len(found.stations), found.total) == (10, 25)
    assert "共25个站点" in render_stations(many.answer(found), gettext_for("zh_Hans")).plain()


# -- rendering ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("locale", "near", "far"),
    [("zh_Hans", "0米", "1.1公里"), ("zh_Hant", "0 米", "1.1 公里"), ("en", "0 m", "1.1 km")],
)
def test_nearby_reply_shows_distances_in_the_locale_and_every_detail(
    directory: StationDirectory, locale: str, near: str, far: str
) -> None:
    _ = gettext_for(locale)
    text = render_stations(directory.answer(directory.nearest(*HAIKOU)), _).plain()
    assert f"甲站 · {near}" in text
    assert f"乙站 · {far}" in text
    assert text.index("甲") < text.index("乙") < text.index("丙")
    for detail in ("龙华区甲路", "微波炉", "8:00-20:00"):
        assert _.content(detail) in text


def test_sample_stations_are_labelled_in_the_reply_and_the_map_card(directory: StationDirectory) -> None:
    _ = gettext_for("zh_Hans")
    text = render_stations(directory.answer(directory.nearest(*HAIKOU)), _).plain()
    assert "示例数据" in text
    assert text.count("【示例】") == 3
    assert venue_title(STATIONS[0], _) == "【示例数据】甲站"


def test_a_name_already_marked_sample_is_not_marked_twice() -> None:
    marked = station("x", 0, 0).model_copy(update={"name": "【示例】海口站"})
    _ = gettext_for("zh_Hans")
    text = render_stations(StationDirectory([marked]).answer(StationDirectory([marked]).nearest(0, 0)), _).plain()
    assert "【示例】【示例】" not in text
    assert venue_title(marked, _) == "【示例数据】海口站"


def test_real_stations_carry_no_sample_label() -> None:
    real = StationDirectory([station("甲", *HAIKOU, sample=False)])
    _ = gettext_for("zh_Hans")
    text = render_stations(real.answer(real.nearest(*HAIKOU)), _).plain()
    assert "示例" not in text
    assert "工会工作人员导入" in text  # the source line


def test_far_reply_says_so_and_points_to_the_maps(directory: StationDirectory) -> None:
    answer = directory.answer(directory.nearest(39.9042, 116.4074))
    text = render_stations(answer, gettext_for("zh_Hans")).plain()
    assert "50公里以内没有我们收录的站点" in text
    assert "最近的一个在贵阳" in text  # the nearest (戊站) named by its city, not listed 1,700 km away
    assert "戊站" not in text
    assert MAP_HELP.answer in text


def test_a_need_nobody_meets_says_so(directory: StationDirectory) -> None:
    found = directory.nearest(*HAIKOU, need="medicine")
    assert isinstance(found, Nearby)
    text = render_stations(directory.answer(found), gettext_for("zh_Hans")).plain()
    assert "没有找到有应急药品的站点" in text
