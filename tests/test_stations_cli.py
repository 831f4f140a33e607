"""``ask --jsonl`` location lines and ``import-stations``, run as staff run them: subprocesses."""

from __future__ import annotations

import json
from pathlib import Path

from bot.core.content_loader import load_model
from bot.core.content_models import StationsFile
from tests.conftest import CONTENT
from tests.test_cli import KEYS, run

SHIPPED = load_model(CONTENT / "stations.json", StationsFile)
FIRST = SHIPPED.stations[0]
HEADER = "name,city,district,address,lat,lon,kind,facilities,hours,phone"
ROW = "龙华驿站,海口,龙华区,海口市龙华区滨海大道1号,20.03,110.33,户外劳动者服务站点,微波炉、手机充电,8:00-20:00,"


def ask_lines(lines: list[object], data_dir: Path) -> list[dict]:
    stdin = "\n".join(line if isinstance(line, str) else json.dumps(line, ensure_ascii=False) for line in lines)
    done = run("ask", "--jsonl", stdin=stdin + "\n", DATA_DIR=str(data_dir))
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def test_location_lines_get_the_nearest_stations_and_bad_ones_an_error(tmp_path: Path) -> None:
    results = ask_lines(
        [
            {"location": [FIRST.lat, FIRST.lon]},
            {"location": [39.9042, 116.4074]},
            {"location": [FIRST.lat, FIRST.lon], "need": "charge"},
            {"location": [91, 0]},
            {"location": [0, 181]},
            {"location": ["20", "110"]},
            {"location": [20]},
            {"location": "20.03,110.33"},
            {"location": [True, False]},
            '{"location": [NaN, 110]}',
            '{"location": [20, Infinity]}',
            {"location": [FIRST.lat, FIRST.lon], "need": "wifi"},
            {"q": "海口龙华区的站点"},
        ],
        tmp_path,
    )
    assert len(results) == 13
    near, far, charging, *bad, place = results
    for result in (near, far, charging):
        assert set(result) == {*KEYS, "stations"}
        assert result["topic"] == "stations"
        assert len(result["stations"]) == 3 or result is charging
        distances = [s["distance_m"] for s in result["stations"]]
        assert distances == sorted(distances)
        assert "示例数据" in result["answer"]
        assert result["sources"]
    assert near["stations"][0] == {"name": FIRST.name, "distance_m": 0}
    assert far["stations"][0]["distance_m"] > 50_000
    assert "50公里以内没有我们收录的站点" in far["answer"]
    assert all("充电" in "".join(s.facilities) for s in SHIPPED.stations if s.name in charging["answer"])
    for result in bad:
        assert result["topic"] == "unknown"
        assert "error" in result
    assert place["topic"] == "stations"
    assert set(place) == KEYS


def test_import_replaces_the_set_the_bot_answers_from(tmp_path: Path) -> None:
    source = tmp_path / "stations.csv"
    source.write_bytes((HEADER + "\r\n" + ROW + "\r\n").encode("gb18030"))
    done = run("import-stations", str(source), DATA_DIR=str(tmp_path / "data"))
    assert done.returncode == 0, done.stderr
    assert "导入成功：共 1 个站点" in done.stdout
    [result] = ask_lines([{"location": [20.03, 110.33]}], tmp_path / "data")
    assert result["stations"] == [{"name": "龙华驿站", "distance_m": 0}]
    assert "示例" not in result["answer"]
    assert "工会工作人员导入" in "".join(result["sources"])
    assert "不用重启" in done.stdout
    [missed] = ask_lines([{"location": [39.9042, 116.4074]}], tmp_path / "data")  # far: the shipped Q&A still helps
    assert "高德" in missed["answer"]


def test_import_with_bad_rows_prints_them_and_exits_1(tmp_path: Path) -> None:
    source = tmp_path / "stations.csv"
    source.write_text(f"{HEADER}\n{ROW}\n坏站,海口,,地址,200,110,驿站,,,\n", encoding="utf-8-sig")
    done = run("import-stations", str(source), DATA_DIR=str(tmp_path / "data"))
    assert done.returncode == 1
    assert "第3行：lat 超出范围（200）" in done.stderr
    assert not (tmp_path / "data").exists() or not any((tmp_path / "data").iterdir())


def test_import_of_an_unreadable_file_exits_2(tmp_path: Path) -> None:
    done = run("import-stations", str(tmp_path / "missing.csv"), DATA_DIR=str(tmp_path / "data"))
    assert done.returncode == 2
    assert "无法打开文件" in done.stderr
    bad = tmp_path / "stations.xlsx"
    bad.write_bytes(b"PK\x03\x04\x00binary")
    assert run("import-stations", str(bad), DATA_DIR=str(tmp_path / "data")).returncode == 2


def test_a_damaged_import_stops_the_start_with_one_clear_line(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "stations.npz").write_bytes(b"PK\x03\x04 damaged")
    done = run("ask", "海口的站点", DATA_DIR=str(tmp_path / "data"))
    assert done.returncode == 2
    assert "stations.npz" in done.stderr
    assert "Traceback" not in done.stderr
