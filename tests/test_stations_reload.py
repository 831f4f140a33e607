"""A running bot picks up a new station import without a restart: reload, the file noticed, the admin route."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import aiohttp
import pytest
import pytest_asyncio

from bot.core.content_loader import load_model
from bot.core.content_models import StationsFile
from bot.stations import directory as directory_module
from bot.stations.columns import StationColumns, StationFileError
from bot.stations.csv_import import import_stations
from bot.stations.directory import StationDirectory
from bot.stations.station_files import StationFiles
from tests.conftest import CONTENT
from tests.fake_bot_api import location_update
from tests.serving import Serving, serving

SHIPPED = load_model(CONTENT / "stations.json", StationsFile)
HEADER = "name,city,district,address,lat,lon,kind,facilities,hours,phone"
HAIKOU = (20.03, 110.33)
TOKEN = "admin-token-for-tests"


def write_import(data_dir: Path, *names: str) -> None:
    """Run the staff import of stations called ``names``, all near 海口, the nearest first."""
    rows = [
        f"{name},海口,龙华区,海口市龙华区{name}路{i}号,{20.03 + i / 100},110.33,驿站,微波炉,,"
        for i, name in enumerate(names)
    ]
    source = data_dir.parent / "stations.csv"
    source.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    assert import_stations(source, StationFiles(CONTENT, data_dir).imported, date(2026, 11, 25)).ok


def nearest_name(directory: StationDirectory) -> str:
    return directory.nearest(*HAIKOU).hits[0].station.name


@pytest.fixture
def files(tmp_path: Path) -> StationFiles:
    return StationFiles(CONTENT, tmp_path / "data")


def test_without_an_import_the_shipped_sample_is_used(files: StationFiles) -> None:
    directory = StationDirectory.open(files, SHIPPED.qa)
    assert len(directory) == len(SHIPPED.stations)
    assert directory.nearest(*HAIKOU).hits[0].station.sample


def test_reload_answers_from_the_new_import_and_back_to_the_sample_when_it_is_gone(files: StationFiles) -> None:
    directory = StationDirectory.open(files, SHIPPED.qa)
    write_import(files.data_dir, "甲站", "乙站")
    assert directory.reload() == 2
    assert nearest_name(directory) == "甲站"
    write_import(files.data_dir, "丙站")
    assert directory.reload() == 1
    assert nearest_name(directory) == "丙站"
    files.imported.unlink()
    assert directory.reload() == len(SHIPPED.stations)  # what a restart would load now


def test_a_look_up_in_flight_finishes_on_the_set_it_started_with(
    files: StationFiles, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(directory_module, "CHECK_EVERY_S", 3600.0)  # only the reload below swaps
    write_import(files.data_dir, "旧一", "旧二", "旧三")
    directory = StationDirectory.open(files)
    write_import(files.data_dir, "新一", "新二", "新三")
    old_columns = directory._snapshot.columns
    made = old_columns.station
    swapped = []

    def station_then_swap(row: int):  # the swap lands between the hits of one look-up
        if not swapped:
            swapped.append(directory.reload())
        return made(row)

    object.__setattr__(old_columns, "station", station_then_swap)
    found = directory.nearest(*HAIKOU)
    assert swapped == [3]
    assert [h.station.name for h in found.hits] == ["旧一", "旧二", "旧三"]
    assert [h.station.name for h in directory.nearest(*HAIKOU).hits] == ["新一", "新二", "新三"]


def test_a_damaged_import_is_refused_and_the_current_set_stays(files: StationFiles) -> None:
    write_import(files.data_dir, "甲站")
    directory = StationDirectory.open(files)
    files.imported.write_bytes(b"half a file")
    with pytest.raises(StationFileError):
        directory.reload()
    assert nearest_name(directory) == "甲站"


def wait_for(condition, within: float = 5.0) -> None:
    deadline = time.monotonic() + within
    while not condition():
        assert time.monotonic() < deadline, "not within the time"
        time.sleep(0.01)


def reloaders() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "stations-reload"]


def test_a_new_import_is_noticed_by_itself(files: StationFiles, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(directory_module, "CHECK_EVERY_S", 0.0)
    directory = StationDirectory.open(files, SHIPPED.qa)
    assert directory.nearest(*HAIKOU).hits[0].station.sample
    write_import(files.data_dir, "甲站")
    wait_for(lambda: nearest_name(directory) == "甲站")
    wait_for(lambda: not reloaders())
    assert len(directory) == 1


def test_a_damaged_file_noticed_is_logged_once_and_the_set_stays(
    files: StationFiles, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(directory_module, "CHECK_EVERY_S", 0.0)
    write_import(files.data_dir, "甲站")
    directory = StationDirectory.open(files)
    files.imported.write_bytes(b"half a file")
    with caplog.at_level(logging.ERROR, logger="bot.stations.directory"):
        wait_for(
            lambda: nearest_name(directory) == "甲站" and any("could not load" in r.message for r in caplog.records)
        )
        wait_for(lambda: not reloaders())
        for _ in range(20):  # each look-up looks at the file again: the same damaged file is not tried again
            assert nearest_name(directory) == "甲站"
        wait_for(lambda: not reloaders())
    assert sum("could not load" in r.message for r in caplog.records) == 1


def test_look_ups_look_at_the_file_only_every_check_interval(
    files: StationFiles, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(directory_module, "CHECK_EVERY_S", 0.2)
    directory = StationDirectory.open(files)
    looks = []
    monkeypatch.setattr(StationFiles, "signature", lambda self: looks.append(1))
    time.sleep(0.25)
    for _ in range(100):
        directory.nearest(*HAIKOU)
    assert len(looks) == 1
    time.sleep(0.25)
    directory.nearest(*HAIKOU)
    assert len(looks) == 2


def legacy_file(data_dir: Path) -> Path:
    """The whole set as JSON in DATA_DIR, as import-stations wrote it before the compact columns."""
    legacy = data_dir / "stations.json"
    data_dir.mkdir(parents=True)
    stations = [SHIPPED.stations[0].model_copy(update={"name": "旧格式站", "sample": False})]
    legacy.write_text(StationsFile(stations=stations, qa=SHIPPED.qa).model_dump_json(), encoding="utf-8")
    return legacy


def test_an_import_of_the_earlier_json_format_is_converted_once(files: StationFiles) -> None:
    legacy = legacy_file(files.data_dir)
    directory = StationDirectory.open(files)
    assert [nearest_name(directory), len(directory)] == ["旧格式站", 1]
    assert files.imported.exists()
    assert not legacy.exists()
    assert (files.data_dir / "stations.json.imported").exists()
    assert nearest_name(StationDirectory.open(files)) == "旧格式站"


def test_an_unconvertible_earlier_import_is_still_used(files: StationFiles, monkeypatch: pytest.MonkeyPatch) -> None:
    legacy = legacy_file(files.data_dir)

    def read_only(self: StationColumns, path: Path) -> None:
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(StationColumns, "save", read_only)
    assert nearest_name(StationDirectory.open(files)) == "旧格式站"
    assert legacy.exists()


# -- POST /api/stations/reload on a running bot ---------------------------------------------

on_the_module_loop = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def running(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Serving]:
    async with serving(tmp_path_factory.mktemp("reload") / "data", admin_api_token=TOKEN) as running:
        yield running


async def post_reload(http: aiohttp.ClientSession, token: str | None = TOKEN) -> tuple[int, dict]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with http.post("/api/stations/reload", headers=headers) as resp:
        return resp.status, await resp.json()


@on_the_module_loop
async def test_the_reload_route_needs_the_admin_token(running: Serving) -> None:
    assert (await post_reload(running.http, None))[0] == 401
    assert (await post_reload(running.http, "wrong"))[0] == 401


@on_the_module_loop
async def test_after_a_reload_the_running_bot_answers_from_the_new_import(running: Serving) -> None:
    data_dir = running.services.settings.data_dir
    write_import(data_dir, "新导入站")
    assert await post_reload(running.http) == (200, {"stations": 1})
    running.fake_api.push_update(location_update(*HAIKOU))
    [venue] = (await running.fake_api.wait_for("sendVenue"))[-1:]
    assert venue["title"] == "新导入站"


@on_the_module_loop
async def test_a_damaged_import_is_refused_and_the_bot_keeps_its_set(running: Serving) -> None:
    write_import(running.services.settings.data_dir, "好站")
    assert (await post_reload(running.http))[0] == 200
    running.services.settings.data_dir.joinpath("stations.npz").write_bytes(b"PK\x03\x04 damaged")
    status, body = await post_reload(running.http)
    assert (status, body["error"]["code"]) == (500, "stations_unreadable")
    assert "current station set stays" in body["error"]["message"]
    assert nearest_name(running.services.stations) == "好站"
