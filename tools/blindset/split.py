"""Split a frozen blind set into dev and test halves, stratified and seeded.

Questions are grouped by (expect, topic, style); each group is shuffled with the seed and dealt
alternately, carrying the turn from group to group, so both halves hold the same mix. Usage:
``python3 split.py --seed N [blind.jsonl]``; writes dev.jsonl and test.jsonl beside the set.
"""

from __future__ import annotations

import argparse
import collections
import json
import random
from pathlib import Path


def split(rows: list[dict], seed: int) -> tuple[list[dict], list[dict]]:
    """Deal each stratum's shuffled rows alternately into two halves."""
    rng = random.Random(seed)
    groups: dict[tuple, list[dict]] = collections.defaultdict(list)
    for row in rows:
        groups[(row["expect"], row["topic"], row["style"])].append(row)
    halves: tuple[list[dict], list[dict]] = ([], [])
    turn = 0
    for key in sorted(groups):
        group = groups[key]
        rng.shuffle(group)
        for row in group:
            halves[turn].append(row)
            turn ^= 1
    return halves


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path", nargs="?", default=str(Path(__file__).with_name("blind.jsonl")))
    parser.add_argument("--seed", type=int, required=True)
    args = parser.parse_args()
    path = Path(args.path)
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for name, half in zip(("dev", "test"), split(rows, args.seed), strict=True):
        lines = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in half)
        (path.parent / f"{name}.jsonl").write_text(lines, encoding="utf-8")
        print(f"{name}.jsonl: {len(half)} questions")


if __name__ == "__main__":
    main()
