"""The compact station columns: the file round trip, the models made on demand, damaged files refused."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import numpy as np
import pytest

from bot.core.content_loader import load_model
from bot.core.content_models import Source, Station, StationsFile
from bot.stations.columns import StationColumns, StationFileError
from tests.conftest import CONTENT

SHIPPED = load_model(CONTENT / "stations.json", StationsFile).stations
OTHER = Source(publication="工会工作人员导入", date="2026-11-25")


def round_trip(stations: list[Station], path: Path) -> list[Station]:
    StationColumns.from_stations(stations).save(path)
    columns = StationColumns.load(path)
    return [columns.station(i) for i in range(len(columns))]


def test_the_shipped_stations_come_back_equal(tmp_path: Path) -> None:
    assert round_trip(SHIPPED, tmp_path / "s.npz") == SHIPPED


def test_every_field_survives_including_none_empty_and_shared_values(tmp_path: Path) -> None:
    first = SHIPPED[0]
    varied = [
        first.model_copy(update={"id": "a", "phone": None, "facilities": [], "district": "", "hours": ""}),
        first.model_copy(update={"id": "b", "phone": "0898-1", "sample": False, "source": OTHER, "lat": -90.0}),
        first.model_copy(update={"id": "c", "name": "𠀀站（扩展B区的字）", "lon": 180.0, "facilities": ["微波炉"]}),
    ]
    back = round_trip(varied, tmp_path / "s.npz")
    assert back == varied
    assert back[0].phone is None
    assert back[1].source == OTHER


def test_an_empty_set_round_trips(tmp_path: Path) -> None:
    assert round_trip([], tmp_path / "s.npz") == []


def test_repeated_values_are_stored_once(tmp_path: Path) -> None:
    many = [SHIPPED[0].model_copy(update={"id": f"s{i}"}) for i in range(100)]
    columns = StationColumns.from_stations(many)
    assert [len(columns.tables[name]) for name in ("city", "source", "facilities")] == [1, 1, 1]
    assert len(columns) == 100


def test_a_failed_save_keeps_the_old_file_and_leaves_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "s.npz"
    StationColumns.from_stations(SHIPPED).save(path)
    before = path.read_bytes()

    def disk_full(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(OSError, match="No space"):
        StationColumns.from_stations(SHIPPED[:1]).save(path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["s.npz"]


def rewrite(path: Path, **changes: np.ndarray | None) -> None:
    """Write ``path`` again with some arrays replaced (None: removed), as damage or another version would."""
    with np.load(path) as data:
        arrays = {key: data[key] for key in data.files}
    for key, value in changes.items():
        if value is None:
            del arrays[key]
        else:
            arrays[key] = value
    with path.open("wb") as out:
        np.savez(out, **arrays)


def tables(**changes: object) -> np.ndarray:
    return np.frombuffer(json.dumps({"format": 1, **changes}).encode(), dtype=np.uint8)


N = len(SHIPPED)


@pytest.mark.parametrize(
    ("damage", "why"),
    [
        ({"coordinates": np.zeros((N + 1, 2))}, "different lengths"),
        ({"coordinates": np.zeros(2 * N)}, "different lengths"),
        ({"coordinates": np.full((N, 2), 95.0)}, "out of range"),
        ({"coordinates": np.full((N, 2), np.nan)}, "out of range"),
        ({"codes": np.full((N, 7), 99, dtype=np.int32)}, "outside its table"),
        ({"codes": np.full((N, 7), -1, dtype=np.int32)}, "outside its table"),
        ({"codes": np.zeros((N, 6), dtype=np.int32)}, "shape"),
        ({"codes": np.zeros((N, 7), dtype=np.float64)}, "whole numbers"),
        ({"texts_offsets": np.zeros(4 * N + 1, dtype=np.int64)}, "offsets"),
        ({"texts_offsets": np.zeros(4 * N + 1, dtype=np.float64)}, "whole numbers"),
        ({"texts_blob": None}, "KeyError"),
        ({"tables": tables(format=2)}, "format 1"),
        ({"tables": tables(city=["海口"])}, "KeyError"),
        ({"tables": np.frombuffer(b"not json", dtype=np.uint8)}, "ValueError|JSONDecodeError"),
    ],
)
def test_a_damaged_file_is_refused_with_the_reason(tmp_path: Path, damage: dict, why: str) -> None:
    path = tmp_path / "s.npz"
    StationColumns.from_stations(SHIPPED).save(path)
    rewrite(path, **damage)
    with pytest.raises(StationFileError, match=why):
        StationColumns.load(path)


@pytest.mark.parametrize("content", [b"", b"not a zip file", b"PK\x03\x04broken"])
def test_a_file_that_is_not_a_station_file_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "s.npz"
    path.write_bytes(content)
    with pytest.raises(StationFileError, match=str(path)):
        StationColumns.load(path)


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StationFileError, match="No such file"):
        StationColumns.load(tmp_path / "nope.npz")


def test_the_file_holds_no_pickle(tmp_path: Path) -> None:
    path = tmp_path / "s.npz"
    StationColumns.from_stations(SHIPPED).save(path)
    with zipfile.ZipFile(path) as archive, np.load(path, allow_pickle=False) as data:
        assert all(name.endswith(".npy") for name in archive.namelist())
        assert all(data[key].dtype != object for key in data.files)
