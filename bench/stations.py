"""Benchmark the nearest-station look-up at national scale and print the figures.

    python bench/stations.py [--stations 150000] [--queries 20000]

Synthetic stations: clustered around 300 "cities" across China's extent (city sizes
follow a Zipf law, as station counts do) plus 10 % scattered, which is harder for a
spatial index than a uniform spread. Queries: 80 % in cities, 20 % anywhere in the
extent (some far from every station). Reports, for the bare spatial index and for the
full StationDirectory (which also indexes each need and each city and district):
build time, memory (tracemalloc peak and RSS growth), and nearest-3 latency p50/p99,
unfiltered and filtered by a need; plus a linear scan for comparison.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.core.content_models import Source, Station  # noqa: E402
from bot.stations.directory import StationDirectory  # noqa: E402
from bot.stations.geo import haversine_m  # noqa: E402
from bot.stations.spatial_index import SpatialIndex  # noqa: E402

LAT, LON = (18.0, 50.0), (75.0, 132.0)
FACILITIES = ("饮水机", "微波炉", "手机充电", "洗手间", "应急药箱", "空调", "桌椅")
SOURCE = Source(publication="合成数据", date="2026")


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def synthetic_points(n: int, rng: random.Random) -> tuple[list[tuple[float, float]], list[tuple[float, float]]]:
    cities = [(rng.uniform(*LAT), rng.uniform(*LON)) for _ in range(300)]
    weights = [1 / (rank + 1) for rank in range(len(cities))]
    points = []
    for _ in range(n):
        if rng.random() < 0.1:
            points.append((rng.uniform(*LAT), rng.uniform(*LON)))
        else:
            lat, lon = rng.choices(cities, weights)[0]
            points.append((min(90.0, max(-90.0, rng.gauss(lat, 0.15))), rng.gauss(lon, 0.15)))
    return cities, points


def queries(cities: list[tuple[float, float]], count: int, rng: random.Random) -> list[tuple[float, float]]:
    out = []
    for _ in range(count):
        if rng.random() < 0.8:
            lat, lon = rng.choice(cities)
            out.append((rng.gauss(lat, 0.1), rng.gauss(lon, 0.1)))
        else:
            out.append((rng.uniform(LAT[0] - 5, LAT[1] + 5), rng.uniform(LON[0] - 5, LON[1] + 5)))
    return out


def measured_build(build: Callable[[], object]) -> tuple[object, float, float, float]:
    """(result, seconds, RSS growth MiB, tracemalloc peak MiB): timed without tracing, then traced."""
    gc.collect()
    process = psutil.Process()
    rss_before = process.memory_info().rss
    start = time.perf_counter()
    result = build()
    seconds = time.perf_counter() - start
    rss_growth = process.memory_info().rss - rss_before
    tracemalloc.start()
    build()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return result, seconds, rss_growth / 2**20, peak / 2**20


def latency_us(lookup: Callable[[float, float], object], points: list[tuple[float, float]]) -> tuple[float, float]:
    for lat, lon in points[:200]:  # warm-up
        lookup(lat, lon)
    samples = []
    for lat, lon in points:
        start = time.perf_counter()
        lookup(lat, lon)
        samples.append((time.perf_counter() - start) * 1e6)
    return statistics.median(samples), percentile(samples, 0.99)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stations", type=int, default=150_000)
    parser.add_argument("--queries", type=int, default=20_000)
    args = parser.parse_args()
    rng = random.Random(20260125)
    cities, points = synthetic_points(args.stations, rng)
    asked = queries(cities, args.queries, rng)
    print(f"stations: {args.stations:,} synthetic (300 clustered cities + 10 % scattered); queries: {len(asked):,}")

    index, seconds, rss, peak = measured_build(lambda: SpatialIndex(points))
    p50, p99 = latency_us(lambda lat, lon: index.nearest(lat, lon, 3), asked)
    print(f"spatial index (cKDTree, 3-D unit vectors): build {seconds * 1000:.0f} ms, "
          f"memory: tracemalloc peak {peak:.1f} MiB, RSS +{rss:.1f} MiB")  # fmt: skip
    print(f"  nearest 3:                p50 {p50:.1f} µs   p99 {p99:.1f} µs")

    stations = [
        Station(
            id=f"s{i}",
            name=f"站点{i}",
            city=f"城市{i % 300}",
            district=f"区{i % 7}",
            address="合成地址",
            lat=lat,
            lon=lon,
            kind="户外劳动者服务站点",
            facilities=rng.sample(FACILITIES, rng.randint(1, 5)),
            source=SOURCE,
        )
        for i, (lat, lon) in enumerate(points)
    ]
    directory, seconds, rss, peak = measured_build(lambda: StationDirectory(stations))
    print(f"StationDirectory (all + one index per need + city/district maps): build {seconds * 1000:.0f} ms, "
          f"memory: tracemalloc peak {peak:.1f} MiB, RSS +{rss:.1f} MiB")  # fmt: skip
    for need in (None, "charge", "medicine"):
        p50, p99 = latency_us(lambda lat, lon, need=need: directory.nearest(lat, lon, need), asked)
        label = f"nearest 3, need={need}:" if need else "nearest 3 (directory):"
        print(f"  {label:<25} p50 {p50:.1f} µs   p99 {p99:.1f} µs")

    scan = asked[:20]
    p50, p99 = latency_us(lambda lat, lon: sorted(points, key=lambda p: haversine_m(lat, lon, *p))[:3], scan)
    print(f"linear scan for comparison ({len(scan)} queries): p50 {p50 / 1000:.1f} ms   p99 {p99 / 1000:.1f} ms")


if __name__ == "__main__":
    main()
