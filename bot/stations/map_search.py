"""Links that open a map search for service stations around a member, on the maps that list them.

The ACFTU has the stations put on Baidu and Amap maps ("上图"), and local unions tell members to
search there (/work/shared/sources/facts.md: 双15工程 2023-07-11; 福建 2023-05-11; 雅安): so
when none of the stations we hold is near, the honest next step is that search, around the
member's own position. The position goes only into the links sent back to the member, built
when they are sent; nothing is stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

KEYWORD = "户外劳动者服务站点"  # the national name of the stations, as they are listed on the maps
RADIUS_M = 5_000
SOURCE = "union-service-bot"  # the ``src`` both map sites ask callers to give


@dataclass(frozen=True)
class MapSearch:
    provider: str  # "amap" or "baidu": the channel names it in the reader's language
    url: str


def map_searches(lat: float, lon: float, keyword: str = KEYWORD) -> tuple[MapSearch, ...]:
    """Amap's and Baidu's web search for ``keyword`` around (lat, lon); both open their app on a phone.

    Telegram gives GPS (WGS-84) coordinates: Baidu is told so; Amap's search takes its own
    coordinates, a few hundred metres off, which does not matter for a search around a point.
    """
    amap = {"keyword": keyword, "center": f"{lon:.5f},{lat:.5f}", "view": "map", "src": SOURCE, "callnative": 1}
    baidu = {
        "query": keyword,
        "location": f"{lat:.5f},{lon:.5f}",
        "radius": RADIUS_M,
        "coord_type": "wgs84",
        "output": "html",
        "src": SOURCE,
    }
    return (
        MapSearch("amap", "https://uri.amap.com/search?" + urlencode(amap)),
        MapSearch("baidu", "https://api.map.baidu.com/place/search?" + urlencode(baidu)),
    )
