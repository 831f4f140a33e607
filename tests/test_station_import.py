"""Staff CSV import: encodings (Big5 too), separators, spreadsheet row numbers, every bad-row reason,
all-or-nothing replacement."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from bot.core.content_models import Source
from bot.core.i18n import gettext_for
from bot.stations.columns import StationColumns
from bot.stations.csv_import import IMPORT_PUBLICATION, UnreadableFile, import_stations
from bot.stations.render import render_import_report, render_row_error

HEADER = "name,city,district,address,lat,lon,kind,facilities,hours,phone"
GOOD_ROWS = [
    "龙华驿站,海口,龙华区,海口市龙华区滨海大道1号,20.03,110.33,户外劳动者服务站点,微波炉、饮水机、手机充电,8:00-20:00,0898-12345678",
    "美兰驿站,海口,美兰区,海口市美兰区海甸岛2号,20.05,110.35,户外劳动者服务站点,饮水机;洗手间,全天,",
    "云岩休息室,贵阳,云岩区,贵阳市云岩区瑞金北路3号,26.58,106.71,环卫工休息室,饮水；洗澡,,",
]
TODAY = date(2026, 11, 25)


def write_csv(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


@pytest.fixture
def target(tmp_path: Path) -> Path:
    return tmp_path / "data" / "stations.npz"


def saved(target: Path) -> list:
    columns = StationColumns.load(target)
    return [columns.station(i) for i in range(len(columns))]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_import_reads_every_encoding_excel_writes(tmp_path: Path, target: Path, encoding: str) -> None:
    source = write_csv(tmp_path / "stations.csv", [HEADER, *GOOD_ROWS], encoding)
    result = import_stations(source, target, TODAY)
    assert result.ok
    assert [s.name for s in result.stations] == ["龙华驿站", "美兰驿站", "云岩休息室"]
    assert result.cities == {"海口": 2, "贵阳": 1}
    assert [s.name for s in saved(target)] == ["龙华驿站", "美兰驿站", "云岩休息室"]


def test_imported_rows_are_real_data_with_the_import_as_source(tmp_path: Path, target: Path) -> None:
    source = write_csv(tmp_path / "stations.csv", [HEADER, *GOOD_ROWS])
    import_stations(source, target, TODAY)
    first, second, third = saved(target)
    assert not any(s.sample for s in (first, second, third))
    assert first.source == Source(publication=IMPORT_PUBLICATION, date="2026-11-25")
    assert (first.lat, first.lon, first.district, first.phone) == (20.03, 110.33, "龙华区", "0898-12345678")
    assert second.phone is None
    assert third.hours == ""


@pytest.mark.parametrize(
    ("cell", "facilities"),
    [
        ("微波炉、饮水机", ["微波炉", "饮水机"]),
        ("微波炉;饮水机", ["微波炉", "饮水机"]),
        ("微波炉；饮水机", ["微波炉", "饮水机"]),
        ("微波炉; 饮水机、 ;", ["微波炉", "饮水机"]),
        ("", []),
    ],
)
def test_facilities_separators(tmp_path: Path, target: Path, cell: str, facilities: list[str]) -> None:
    row = f"站,海口,龙华区,地址,20,110,户外劳动者服务站点,{cell},,"
    result = import_stations(write_csv(tmp_path / "s.csv", [HEADER, row]), target, TODAY)
    assert list(result.stations[0].facilities) == facilities
    assert saved(target)[0].facilities == facilities


def test_ids_are_stable_across_imports(tmp_path: Path, target: Path) -> None:
    source = write_csv(tmp_path / "stations.csv", [HEADER, *GOOD_ROWS])
    first = [s.id for s in import_stations(source, target, TODAY).stations]
    second = [s.id for s in import_stations(source, target, TODAY).stations]
    assert first == second
    assert len(set(first)) == 3


def test_columns_in_another_order_and_blank_lines(tmp_path: Path, target: Path) -> None:
    lines = [
        "lat,lon,name,city,district,address,kind,facilities,hours,phone",
        "20,110,站,海口,,地址,驿站,,,",
        ",,,,,,,,,",
        "",
    ]
    result = import_stations(write_csv(tmp_path / "s.csv", lines), target, TODAY)
    assert [(s.name, s.lat, s.lon) for s in result.stations] == [("站", 20.0, 110.0)]


def test_fullwidth_digits_are_read(tmp_path: Path, target: Path) -> None:
    row = "站,海口,龙华区,地址,２０.０３,１１０.３３,驿站,,,"
    result = import_stations(write_csv(tmp_path / "s.csv", [HEADER, row]), target, TODAY)
    assert (result.stations[0].lat, result.stations[0].lon) == (20.03, 110.33)


BAD_ROWS = [
    (",海口,龙华区,地址,20,110,驿站,,,", "missing", "name", ""),
    ("站,,龙华区,地址,20,110,驿站,,,", "missing", "city", ""),
    ("站,海口,龙华区,,20,110,驿站,,,", "missing", "address", ""),
    ("站,海口,龙华区,地址,,110,驿站,,,", "missing", "lat", ""),
    ("站,海口,龙华区,地址,20,110,,,,", "missing", "kind", ""),
    ("站,海口,龙华区,地址,abc,110,驿站,,,", "not_number", "lat", "abc"),
    ("站,海口,龙华区,地址,20,NaN,驿站,,,", "not_number", "lon", "NaN"),
    ("站,海口,龙华区,地址,20,inf,驿站,,,", "not_number", "lon", "inf"),
    ("站,海口,龙华区,地址,91,110,驿站,,,", "out_of_range", "lat", "91"),
    ("站,海口,龙华区,地址,20,-180.5,驿站,,,", "out_of_range", "lon", "-180.5"),
    ("站,海口,龙华区,地址,20,110,驿站,,,,多出来的一列", "columns", "", "11"),
]


@pytest.mark.parametrize(("row", "code", "column", "value"), BAD_ROWS)
def test_each_bad_row_reason(tmp_path: Path, target: Path, row: str, code: str, column: str, value: str) -> None:
    source = write_csv(tmp_path / "s.csv", [HEADER, GOOD_ROWS[0], row])
    result = import_stations(source, target, TODAY)
    assert not result.ok
    assert [(e.row, e.code, e.column, e.value) for e in result.errors] == [(3, code, column, value)]
    assert not target.exists()
    message = render_row_error(result.errors[0], gettext_for("zh_Hans"))
    assert message.startswith("第3行")
    assert column in message


def test_duplicate_rows_name_the_row_they_repeat(tmp_path: Path, target: Path) -> None:
    source = write_csv(tmp_path / "s.csv", [HEADER, *GOOD_ROWS, GOOD_ROWS[1]])
    result = import_stations(source, target, TODAY)
    assert [(e.row, e.code, e.other_row) for e in result.errors] == [(5, "duplicate", 3)]
    assert "第5行：与第3行重复" in render_row_error(result.errors[0], gettext_for("zh_Hans"))


def test_every_bad_row_is_reported_at_once(tmp_path: Path, target: Path) -> None:
    rows = [row for row, *_ in BAD_ROWS]
    result = import_stations(write_csv(tmp_path / "s.csv", [HEADER, *rows]), target, TODAY)
    assert [e.row for e in result.errors] == list(range(2, 2 + len(rows)))
    report = render_import_report(result, str(target), gettext_for("zh_Hans"))
    assert len(report) == len(rows) + 1
    assert "没有导入任何站点" in report[-1]


def test_bad_rows_leave_the_old_set_in_place(tmp_path: Path, target: Path) -> None:
    import_stations(write_csv(tmp_path / "old.csv", [HEADER, *GOOD_ROWS]), target, TODAY)
    before = target.read_bytes()
    bad = write_csv(tmp_path / "new.csv", [HEADER, "新站,海口,龙华区,地址,200,110,驿站,,,"])
    assert not import_stations(bad, target, TODAY).ok
    assert target.read_bytes() == before


def test_a_failed_write_leaves_the_old_set_and_no_temporary_file(
    tmp_path: Path, target: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_stations(write_csv(tmp_path / "old.csv", [HEADER, *GOOD_ROWS]), target, TODAY)
    before = target.read_bytes()

    def disk_full(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(OSError, match="No space"):
        import_stations(write_csv(tmp_path / "new.csv", [HEADER, GOOD_ROWS[0]]), target, TODAY)
    assert target.read_bytes() == before
    assert [p.name for p in target.parent.iterdir()] == ["stations.npz"]


def test_success_replaces_the_whole_set(tmp_path: Path, target: Path) -> None:
    import_stations(write_csv(tmp_path / "old.csv", [HEADER, *GOOD_ROWS]), target, TODAY)
    import_stations(write_csv(tmp_path / "new.csv", [HEADER, GOOD_ROWS[2]]), target, TODAY)
    assert [s.name for s in saved(target)] == ["云岩休息室"]


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "empty"),
        (HEADER.encode() + b"\r\n", "empty"),
        (b"name,city,address\r\n\xe7\xab\x99,a,b\r\n", "header"),
        (HEADER.replace("facilities", "facilites").encode() + b"\r\n" + GOOD_ROWS[0].encode(), "header"),
        (HEADER.encode() + b",name\r\n" + GOOD_ROWS[0].encode(), "header"),
        (b"\xff\xfe\xff\xfe not text", "encoding"),
        (b"PK\x03\x04\x00\x00binary xlsx", "encoding"),
    ],
)
def test_unreadable_files(tmp_path: Path, target: Path, content: bytes, code: str) -> None:
    path = tmp_path / "s.csv"
    path.write_bytes(content)
    with pytest.raises(UnreadableFile) as raised:
        import_stations(path, target, TODAY)
    assert raised.value.code == code
    assert not target.exists()


def test_a_missing_file_is_unreadable(tmp_path: Path, target: Path) -> None:
    with pytest.raises(UnreadableFile) as raised:
        import_stations(tmp_path / "nope.csv", target, TODAY)
    assert raised.value.code == "missing"


def test_success_report_counts(tmp_path: Path, target: Path) -> None:
    result = import_stations(write_csv(tmp_path / "s.csv", [HEADER, *GOOD_ROWS]), target, TODAY)
    report = render_import_report(result, str(target), gettext_for("zh_Hans"))
    assert report[0] == "导入成功：共 3 个站点，2 个城市（海口 2、贵阳 1）。"


# -- Traditional-Chinese Excel (Big5) and the other code pages --------------------------------

TRADITIONAL_ROWS = [
    "萬華環衛工休息站,臺北,萬華區,臺北市萬華區艋舺大道101號,25.03,121.50,戶外勞動者服務站點,飲水機、微波爐、手機充電,全天,02-2306-1234",
    "前鎮愛心驛站,高雄,前鎮區,高雄市前鎮區中山二路2號,22.60,120.30,環衛工人休息室,熱水、廁所,8:00-20:00,",
]
HONG_KONG_ROW = "灣仔休息站,香港,灣仔區,香港灣仔區港灣道18號,22.28,114.17,戶外勞動者服務站點,飲水機,全天,"


@pytest.mark.parametrize(
    ("encoding", "rows"),
    [("cp950", TRADITIONAL_ROWS), ("big5", TRADITIONAL_ROWS), ("big5hkscs", [*TRADITIONAL_ROWS, HONG_KONG_ROW])],
)
def test_a_big5_file_reads_as_traditional_chinese_not_mojibake(
    tmp_path: Path, target: Path, encoding: str, rows: list[str]
) -> None:
    source = write_csv(tmp_path / "stations.csv", [HEADER, *rows], encoding)
    source.read_bytes().decode("gb18030")  # no error: a strict GB18030 decode alone would have taken this file
    result = import_stations(source, target, TODAY)
    assert result.ok, result.errors
    expected = [row.split(",") for row in rows]
    assert [(s.name, s.city, s.address) for s in result.stations] == [(r[0], r[1], r[3]) for r in expected]
    assert saved(target)[0].facilities == ["飲水機", "微波爐", "手機充電"]
    assert result.cities == {"臺北": 1, "高雄": 1, **({"香港": 1} if len(rows) == 3 else {})}


def test_simplified_gb18030_that_also_decodes_as_big5_stays_gb18030(tmp_path: Path, target: Path) -> None:
    source = write_csv(tmp_path / "stations.csv", [HEADER, GOOD_ROWS[0]], "gb18030")
    assert source.read_bytes().decode("cp950") != source.read_bytes().decode("gb18030")  # both decode: a real choice
    [station] = import_stations(source, target, TODAY).stations
    assert (station.name, station.address) == ("龙华驿站", "海口市龙华区滨海大道1号")


def test_traditional_text_saved_as_gb18030_is_read(tmp_path: Path, target: Path) -> None:
    source = write_csv(tmp_path / "stations.csv", [HEADER, *TRADITIONAL_ROWS], "gb18030")
    assert [s.name for s in import_stations(source, target, TODAY).stations] == ["萬華環衛工休息站", "前鎮愛心驛站"]


def test_bytes_no_chinese_encoding_reads_are_unreadable(tmp_path: Path, target: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_bytes(HEADER.encode() + b"\r\n\x81\x30\xff\xff,\xfe\xfe\xff\r\n")
    with pytest.raises(UnreadableFile) as raised:
        import_stations(path, target, TODAY)
    assert raised.value.code == "encoding"


# -- row numbers are the spreadsheet's -----------------------------------------------------------


def test_row_numbers_count_a_cell_with_a_line_break_as_one_row(tmp_path: Path, target: Path) -> None:
    lines = [
        HEADER,
        '龙华驿站,海口,龙华区,"海口市龙华区\n滨海大道1号",20.03,110.33,驿站,"微波炉\n饮水机",,',  # row 2, two lines
        GOOD_ROWS[1],  # row 3
        ",,,,,,,,,",  # row 4: blank, still a row
        "坏站,海口,龙华区,地址,200,110,驿站,,,",  # row 5 (line 6 of the file)
    ]
    result = import_stations(write_csv(tmp_path / "s.csv", lines), target, TODAY)
    assert [(e.row, e.code) for e in result.errors] == [(5, "out_of_range")]
    assert render_row_error(result.errors[0], gettext_for("zh_Hans")).startswith("第5行")


def test_a_line_break_in_a_cell_becomes_a_space_or_separates_facilities(tmp_path: Path, target: Path) -> None:
    row = '龙华驿站,海口,龙华区,"海口市龙华区\r\n滨海大道1号",20.03,110.33,驿站,"微波炉\n饮水机、 手机充电",,'
    [station] = import_stations(write_csv(tmp_path / "s.csv", [HEADER, row]), target, TODAY).stations
    assert station.address == "海口市龙华区 滨海大道1号"
    assert station.facilities == ("微波炉", "饮水机", "手机充电")


def test_an_unclosed_quote_swallowing_later_rows_is_reported_at_its_row(tmp_path: Path, target: Path) -> None:
    swallowed = [f"站{i},海口,龙华区,地址{i},20,110,驿站,,," for i in range(20)]
    lines = [HEADER, GOOD_ROWS[0], '站,海口,龙华区,"地址,20,110,驿站,,,', *swallowed]
    result = import_stations(write_csv(tmp_path / "s.csv", lines), target, TODAY)
    assert not result.ok
    assert {e.row for e in result.errors} == {3}
    assert "invalid" in {e.code for e in result.errors}
    assert not target.exists()


@pytest.mark.parametrize("good_rows", [0, 1, 2])
def test_a_row_the_csv_reader_cannot_read_is_named_by_its_spreadsheet_row(
    tmp_path: Path, target: Path, good_rows: int
) -> None:
    runaway = '站,海口,龙华区,"' + "很长的地址" * 30_000  # an unclosed quote over the reader's field limit
    lines = [HEADER, '龙华驿站,海口,龙华区,"两行\n地址",20.03,110.33,驿站,,,', GOOD_ROWS[1]][: good_rows + 1]
    with pytest.raises(UnreadableFile) as raised:
        import_stations(write_csv(tmp_path / "s.csv", [*lines, runaway]), target, TODAY)
    assert raised.value.detail.startswith(f"row {good_rows + 2}: field larger than field limit")
