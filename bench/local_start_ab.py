"""Local mode's step from the desk's first frame to its first queue, two source trees side by side.

    python bench/local_start_ab.py BASE_SRC NEW_SRC [--rounds N]

Each round starts two fresh interpreters per tree (the trees alternating, round by round),
with PYTHONPATH set to the tree's `src`. Each imports what the desk's first screen has
loaded (textual.app, textual.widgets, frontdesk.cli, frontdesk.app.app, the lookup screen),
then times what local mode does next: import `frontdesk.local.embedded_client`, open the
`:memory:` demonstration and answer `health` and `list_guides` (wall and the main thread's
CPU, `time.thread_time`, and the wall time of each of those four parts; the two answers
include asyncio.run's own loop); VmRSS before and after that step. The second interpreter runs the
same step under tracemalloc (Python's own allocations: what is still held after the step,
and the peak). Bytecode is written and read (PYTHONDONTWRITEBYTECODE is dropped) and one
warm-up round is not counted, so neither tree pays for compiling its sources.

Medians with min-max per tree and the ratio NEW/BASE; print `uptime` beside them.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

CHILD = """
import asyncio, json, sys, time, tracemalloc
import textual.app, textual.widgets
import frontdesk.cli, frontdesk.app.app, frontdesk.app.screens.lookup

def rss_kib():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))

parts = {}

def stamp(name, since):
    now = time.perf_counter()
    parts[name] = (now - since) * 1000
    return now

def first_queue():
    at = time.perf_counter()
    from frontdesk.local import embedded_client as embedded
    at = stamp("import ms", at)
    backend = embedded.open_backend(":memory:")
    at = stamp("open demo ms", at)
    client, _ = embedded.embedded_client(backend=backend)
    at = stamp("app+client ms", at)
    async def ask():
        await client.health()
        return await client.list_guides()
    answer = asyncio.run(ask())
    stamp("two answers ms", at)
    return answer, backend

traced = sys.argv[1] == "trace"
before = rss_kib()
if traced:
    tracemalloc.start()
wall, cpu = time.perf_counter(), time.thread_time()
kept = first_queue()
wall, cpu = time.perf_counter() - wall, time.thread_time() - cpu
figures = {"wall ms": wall * 1000, "cpu ms": cpu * 1000, "rss +KiB": rss_kib() - before}
figures.update(parts)
if traced:
    held, peak = tracemalloc.get_traced_memory()
    figures = {"traced KiB": held / 1024, "traced peak KiB": peak / 1024}
print(json.dumps(figures))
"""


def measure(src: str, mode: str) -> dict[str, float]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = src
    done = subprocess.run(
        [sys.executable, "-c", CHILD, mode],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=src,
    )
    figures: dict[str, float] = json.loads(done.stdout.splitlines()[-1])
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", help="the baseline's src directory")
    parser.add_argument("new", help="the changed tree's src directory")
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    trees = {"base": os.path.abspath(args.base), "new": os.path.abspath(args.new)}
    found: dict[str, dict[str, list[float]]] = {name: {} for name in trees}
    for round_ in range(args.rounds + 1):
        order = ("base", "new") if round_ % 2 == 0 else ("new", "base")
        for name in order:
            figures = {**measure(trees[name], "time"), **measure(trees[name], "trace")}
            if round_ == 0:
                continue  # warm-up: bytecode written
            for key, value in figures.items():
                found[name].setdefault(key, []).append(value)
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), f"load average {load}")
    for key in found["base"]:
        base, new = found["base"][key], found["new"][key]
        print(
            f"{key:16} base {statistics.median(base):8.1f} ({min(base):.1f}–{max(base):.1f})"
            f"  new {statistics.median(new):8.1f} ({min(new):.1f}–{max(new):.1f})"
            f"  ratio {statistics.median(new) / statistics.median(base):.2f}"
        )


if __name__ == "__main__":
    main()
