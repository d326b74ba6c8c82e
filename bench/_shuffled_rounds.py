"""`../shared/bench/side_by_side.py`'s measurement, each round in a new random order.

Usage: _shuffled_rounds.py SIDE_BY_SIDE_DIR SPEC.json ROUNDS [SEED]

side_by_side.py rotates one fixed order, so each program always follows the same other
program, and two installs of one program read 50-100 ms apart in whichever slot follows
the other (docs/performance.md, "How to reproduce"). Here every round is shuffled (a seed
for the record), each start is still side_by_side.py's own `one`, and each row prints its
median with min-max, ratios against the first entry (the yardstick) of the same run;
with SBS_JSON=PATH set, every start's figures are written there too.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
from pathlib import Path
from typing import Any


def main() -> None:
    folder, spec_path, rounds_text, *rest = sys.argv[1:]
    sys.path.insert(0, folder)
    import side_by_side  # type: ignore[import-not-found]

    specs: list[dict[str, Any]] = json.loads(Path(spec_path).read_text("utf-8"))
    rounds = int(rounds_text)
    seed = int(rest[0]) if rest else random.SystemRandom().randrange(10**6)
    shuffle = random.Random(seed)
    print(f"seed {seed}")
    found: dict[str, dict[str, list[float]]] = {s["label"]: {"first": [], "rss": []} for s in specs}
    for round_ in range(rounds + 1):  # round 0 warms the caches and is not counted
        order = list(specs)
        shuffle.shuffle(order)
        for spec in order:
            first, rss = side_by_side.one(spec)
            if round_ and first is not None:
                found[spec["label"]]["first"].append(first * 1000)
            if round_ and rss is not None:
                found[spec["label"]]["rss"].append(rss)
    if os.environ.get("SBS_JSON"):  # every start's figures, for a closer look
        Path(os.environ["SBS_JSON"]).write_text(json.dumps(found), "utf-8")
    base = found[specs[0]["label"]]
    b_first, b_rss = statistics.median(base["first"]), statistics.median(base["rss"])
    heading = f"{'ms median (min-max)':>22} {'ratio':>6} {'peak RSS MiB':>13} {'ratio':>6}"
    print(f"{'program':28} {heading}")
    for spec in specs:
        row = found[spec["label"]]
        if not row["first"]:
            print(f"{spec['label']:28} {'missed':>22}")
            continue
        first, rss = statistics.median(row["first"]), statistics.median(row["rss"])
        spread = f"{first:.0f} ({min(row['first']):.0f}-{max(row['first']):.0f})"
        misses = rounds - len(row["first"])
        print(
            f"{spec['label']:28} {spread:>22} {first / b_first:6.2f} {rss:13.1f} {rss / b_rss:6.2f}"
            + (f"  {misses} missed" if misses else "")
        )


if __name__ == "__main__":
    main()
