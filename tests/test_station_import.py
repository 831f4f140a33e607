"""Staff CSV import: encodings, separators, every bad-row reason, all-or-nothing replacement."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest

from bot.core.content_loader import load_model
from bot.core.content_models import QAEntry, Source, StationsFile
from bot.core.i18n import gettext_for
from bot.stations.csv_import import IMPORT_PUBLICATION, UnreadableFile, import_stations
from bot.stations.render import render_import_report, render_row_error

HEADER = "name,city,district,address,lat,lon,kind,facilities,hours,phone"
GOOD_ROWS = [
    "龙华驿站,海口,龙华区,海口市龙华区滨海大道1号,20.03,110.33,户外劳动者服务站点,微波炉、饮水机、手机充电,8:00-20:00,0898-12345678",
    "美兰驿站,海口,美兰区,海口市美兰区海甸岛2号,20.05,110.35,户外劳动者服务站点,饮水机;洗手间,全天,",
    "云岩休息室,贵阳,云岩区,贵阳市云岩区瑞金北路3号,26.58,106.71,环卫工休息室,饮水；洗澡,,",
]
TODAY = date(2026, 11, 25)
QA = [
    QAEntry(
        id="st-find",
        questions=["怎么找附近的站点"],
        answer="可以在百度、高德等地图搜索。",
        source=Source(publication="发布会报道", date="2023-07-11"),
    )
]


def write_csv(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


@pytest.fixture
def target(tmp_path: Path) -> Path:
    return tmp_path / "data" / "stations.json"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_import_reads_every_encoding_excel_writes(tmp_path: Path, target: Path, encoding: str) -> None:
    source = write_csv(tmp_path / "stations.csv", [HEADER, *GOOD_ROWS], encoding)
    result = import_stations(source, target, QA, TODAY)
    assert result.ok
    assert [s.name for s in result.stations] == ["龙华驿站", "美兰驿站", "云岩休息室"]
    assert result.cities == {"海口": 2, "贵阳": 1}
    saved = load_model(target, StationsFile)
    assert [s.name for s in saved.stations] == ["龙华驿站", "美兰驿站", "云岩休息室"]
    assert saved.qa == QA


def test_imported_rows_are_real_data_with_the_import_as_source(tmp_path: Path, target: Path) -> None:
    source = write_csv(tmp_path / "stations.csv", [HEADER, *GOOD_ROWS])
    import_stations(source, target, QA, TODAY)
    first, second, third = load_model(target, StationsFile).stations
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
    result = import_stations(write_csv(tmp_path / "s.csv", [HEADER, row]), target, QA, TODAY)
    assert result.stations[0].facilities == facilities


def test_ids_are_stable_across_imports(tmp_path: Path, target: Path) -> None:
    source = write_csv(tmp_path / "stations.csv", [HEADER, *GOOD_ROWS])
    first = [s.id for s in import_stations(source, target, QA, TODAY).stations]
    second = [s.id for s in import_stations(source, target, QA, TODAY).stations]
    assert first == second
    assert len(set(first)) == 3


def test_columns_in_another_order_and_blank_lines(tmp_path: Path, target: Path) -> None:
    lines = [
        "lat,lon,name,city,district,address,kind,facilities,hours,phone",
        "20,110,站,海口,,地址,驿站,,,",
        ",,,,,,,,,",
        "",
    ]
    result = import_stations(write_csv(tmp_path / "s.csv", lines), target, QA, TODAY)
    assert [(s.name, s.lat, s.lon) for s in result.stations] == [("站", 20.0, 110.0)]


def test_fullwidth_digits_are_read(tmp_path: Path, target: Path) -> None:
    row = "站,海口,龙华区,地址,２０.０３,１１０.３３,驿站,,,"
    result = import_stations(write_csv(tmp_path / "s.csv", [HEADER, row]), target, QA, TODAY)
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
    result = import_stations(source, target, QA, TODAY)
    assert not result.ok
    assert [(e.row, e.code, e.column, e.value) for e in result.errors] == [(3, code, column, value)]
    assert not target.exists()
    message = render_row_error(result.errors[0], gettext_for("zh_Hans"))
    assert message.startswith("第3行")
    assert column in message


def test_duplicate_rows_name_the_row_they_repeat(tmp_path: Path, target: Path) -> None:
    source = write_csv(tmp_path / "s.csv", [HEADER, *GOOD_ROWS, GOOD_ROWS[1]])
    result = import_stations(source, target, QA, TODAY)
    assert [(e.row, e.code, e.other_row) for e in result.errors] == [(5, "duplicate", 3)]
    assert "第5行：与第3行重复" in render_row_error(result.errors[0], gettext_for("zh_Hans"))


def test_every_bad_row_is_reported_at_once(tmp_path: Path, target: Path) -> None:
    rows = [row for row, *_ in BAD_ROWS]
    result = import_stations(write_csv(tmp_path / "s.csv", [HEADER, *rows]), target, QA, TODAY)
    assert [e.row for e in result.errors] == list(range(2, 2 + len(rows)))
    report = render_import_report(result, str(target), gettext_for("zh_Hans"))
    assert len(report) == len(rows) + 1
    assert "没有导入任何站点" in report[-1]


def test_bad_rows_leave_the_old_set_in_place(tmp_path: Path, target: Path) -> None:
    import_stations(write_csv(tmp_path / "old.csv", [HEADER, *GOOD_ROWS]), target, QA, TODAY)
    before = target.read_bytes()
    bad = write_csv(tmp_path / "new.csv", [HEADER, "新站,海口,龙华区,地址,200,110,驿站,,,"])
    assert not import_stations(bad, target, QA, TODAY).ok
    assert target.read_bytes() == before


def test_a_failed_write_leaves_the_old_set_and_no_temporary_file(
    tmp_path: Path, target: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_stations(write_csv(tmp_path / "old.csv", [HEADER, *GOOD_ROWS]), target, QA, TODAY)
    before = target.read_bytes()

    def disk_full(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(OSError, match="No space"):
        import_stations(write_csv(tmp_path / "new.csv", [HEADER, GOOD_ROWS[0]]), target, QA, TODAY)
    assert target.read_bytes() == before
    assert [p.name for p in target.parent.iterdir()] == ["stations.json"]


def test_success_replaces_the_whole_set(tmp_path: Path, target: Path) -> None:
    import_stations(write_csv(tmp_path / "old.csv", [HEADER, *GOOD_ROWS]), target, QA, TODAY)
    import_stations(write_csv(tmp_path / "new.csv", [HEADER, GOOD_ROWS[2]]), target, QA, TODAY)
    assert [s.name for s in load_model(target, StationsFile).stations] == ["云岩休息室"]
    assert json.loads(target.read_text(encoding="utf-8"))["qa"][0]["id"] == "st-find"


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
        import_stations(path, target, QA, TODAY)
    assert raised.value.code == code
    assert not target.exists()


def test_a_missing_file_is_unreadable(tmp_path: Path, target: Path) -> None:
    with pytest.raises(UnreadableFile) as raised:
        import_stations(tmp_path / "nope.csv", target, QA, TODAY)
    assert raised.value.code == "missing"


def test_success_report_counts(tmp_path: Path, target: Path) -> None:
    result = import_stations(write_csv(tmp_path / "s.csv", [HEADER, *GOOD_ROWS]), target, QA, TODAY)
    report = render_import_report(result, str(target), gettext_for("zh_Hans"))
    assert report[0] == "导入成功：共 3 个站点，2 个城市（海口 2、贵阳 1）。"
