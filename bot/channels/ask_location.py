"""``{"location": [lat, lon]}`` lines for ``run_bot.py ask --jsonl``: the nearest stations.

The result has the usual keys (topic, answer, sources, confidence, suggestions) plus
``stations``: the nearest in order as ``{"name", "distance_m"}``, so that tools can
check distances without parsing the answer text. ``"need": "charge"`` (optional) filters.
"""

from __future__ import annotations

from typing import Any

from bot.channels.ask import Special, answer_json, error_result
from bot.stations.directory import NEEDS, StationDirectory, is_need
from bot.stations.geo import parse_location


def location_special(stations: StationDirectory) -> Special:
    def answer_location(request: dict[str, Any]) -> dict[str, Any] | None:
        if "location" not in request:
            return None
        where = parse_location(request["location"])
        if where is None:
            return error_result("location must be [lat, lon]: two numbers, lat in -90..90, lon in -180..180")
        need = request.get("need")
        if need is not None and not (isinstance(need, str) and is_need(need)):
            return error_result(f"need must be one of {', '.join(NEEDS)}")
        found = stations.nearest(*where, need=need)
        nearest = [{"name": hit.station.name, "distance_m": round(hit.distance_m)} for hit in found.hits]
        return {**answer_json(stations.answer(found)), "stations": nearest}

    return answer_location
