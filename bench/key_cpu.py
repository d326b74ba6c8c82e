"""CPU per keystroke of one web desk: what each key costs the desk and the web server.

One command: `python bench/key_cpu.py [--rounds 5] [--runs 3] [--python OTHER …] [--json PATH]`.

It starts `frontdesk web --port 0 --db <temp file>` (forked desks; --spawn: spawned) with
one user, signs one headless client in (bench/web_load.py's: aiohttp, no browser), opens its
desk at 100×30 and, per round, types what bench/web_load.py's desks type, a guide number of
the queue, Enter (the guide), `e` (Enviar Token), Enter (by SMS), then Esc twice (back to
the queue). After each key it waits until the desk has been quiet for --quiet-ms (150), so
everything the key caused is counted, and reads the CPU time the desk and the server used
meanwhile from /proc/<pid>/task/*/schedstat (nanoseconds, every thread: the web driver
writes from a thread of its own). The cursor does not blink (FRONTDESK_CURSOR_BLINK=0), so
a quiet desk uses no CPU.

Per run it reports the mean CPU per key of each kind (digit, Enter on the lookup, `e`, Enter
on the send form, Esc) and of web_load's 16-key sequence (13 digits, Enter, e, Enter), the
figure bench/web_load.py's hundred desks are bound by: 100 desks × 1 key/s × that CPU must
fit the machine's cores. The first round (each of web_load's desks types its sequence once:
the guide screen and the send form are built then) and the later rounds (a desk's day) are
reported apart; each figure is the median over the runs with its min–max. Beside, the
desk's private memory (smaps_rollup's Private_Clean + Private_Dirty: what one more desk
costs, however many share the rest) with its queue drawn and after the rounds.

--python: more interpreters (each a non-editable install, e.g. main's) whose frontdesk is
measured the same way; runs alternate between them (this one first), so each sees the same
load, and the ratios against the first are printed. Linux only (/proc).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the browser tests' helpers

from support.browser import add_user, web_server  # noqa: E402

KINDS = ("digit", "enter_lookup", "send_form", "enter_send", "escape")
SEQUENCE_WEIGHTS = {"digit": 13, "enter_lookup": 1, "send_form": 1, "enter_send": 1}


def _web_load() -> Any:
    """bench/web_load.py (its client), loaded by path: `web` is also the tests' package."""
    spec = importlib.util.spec_from_file_location("bench_web_load", ROOT / "bench" / "web_load.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def cpu_ns(pid: int) -> int:
    """CPU time of every thread of `pid`, in nanoseconds (0 once it has gone)."""
    total = 0
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return 0
    for task in tasks:
        try:
            total += int((task / "schedstat").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            continue
    return total


def private_kb(pid: int) -> float:
    """What `pid` holds alone (Private_Clean + Private_Dirty of smaps_rollup), kB: what one
    more desk costs the host, whatever the number of desks sharing the rest."""
    rollup = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
    return float(sum(int(line.split()[1]) for line in rollup if line.startswith("Private_")))


async def quiet(desk: Any, seconds: float) -> None:
    """Until the desk has written nothing for `seconds`."""
    while time.perf_counter() - desk.last_output < seconds:
        await asyncio.sleep(seconds / 3)


def kinds_of(keys: list[str]) -> list[str]:
    digits = sum(k.isdigit() for k in keys)
    return ["digit"] * digits + ["enter_lookup", "send_form", "enter_send", "escape", "escape"]


Spent = dict[str, list[tuple[int, float]]]  # "desk:digit" → (round, ms) per key


async def measure(url: str, web: Any, args: argparse.Namespace) -> Spent:
    load = _web_load()
    desk = await load.open_desk(url, 0)
    pids = {"desk": web.desks()[0], "server": web.process.pid}
    await quiet(desk, 1.0)  # the queue's settle (a collection) is done
    spent: Spent = {f"{who}:{kind}": [] for who in pids for kind in KINDS}
    spent["private:open"] = [(0, private_kb(pids["desk"]))]
    for round_ in range(args.rounds):
        desk.index = round_
        keys = [*load.keys_for(desk, 16), "\x1b", "\x1b"]
        for key, kind in zip(keys, kinds_of(keys), strict=True):
            before = {who: cpu_ns(pid) for who, pid in pids.items()}
            await load.press(desk, key)
            await quiet(desk, args.quiet_ms / 1000)
            for who, pid in pids.items():
                spent[f"{who}:{kind}"].append((round_, (cpu_ns(pid) - before[who]) / 1e6))
        if "AGUARDANDO TOKEN" not in desk.text[-6000:]:
            raise SystemExit(f"round {round_} did not end on the queue: {desk.text[-3000:]}")
    if desk.missed:
        raise SystemExit(f"{desk.missed} keys without a screen update")
    await asyncio.sleep(1.0)  # the last screen's collection (MemoryTidying) is done
    spent["private:end"] = [(0, private_kb(pids["desk"]))]
    await desk.close()
    return spent


def one_run(args: argparse.Namespace) -> Spent:
    with tempfile.TemporaryDirectory(prefix="fdbench-keycpu-") as temp:
        root = Path(temp)
        add_user(root, "bench", "Bancada#2026")
        options = ["--db", str(root / "desk.sqlite3"), "--idle-minutes", "30"]
        if args.spawn:
            options.append("--spawn-desks")
        env = {"FRONTDESK_CURSOR_BLINK": "0"}
        with web_server(root, *options, env_extra=env) as web:
            return asyncio.run(measure(web.url, web, args))


def per_key(spent: Spent, who: str, first: bool) -> dict[str, float]:
    """Mean ms per key of each kind, and of web_load's 16-key sequence, in the first round
    (`first`: what each of web_load's desks types once) or in the later ones."""
    means = {
        kind: statistics.mean(ms for r, ms in spent[f"{who}:{kind}"] if (r == 0) == first)
        for kind in KINDS
    }
    weighted = sum(means[k] * n for k, n in SEQUENCE_WEIGHTS.items())
    means["sequence"] = weighted / sum(SEQUENCE_WEIGHTS.values())
    return means


def child(python: str, args: argparse.Namespace, *, own: bool) -> Spent:
    """One run measured by `python`, this file as its script. Another install's (`own`
    False) runs without PYTHONPATH, so it measures its own frontdesk, never this tree's."""
    command = [python, __file__, "--child", "--rounds", str(args.rounds)]
    command += ["--quiet-ms", str(args.quiet_ms)] + (["--spawn"] if args.spawn else [])
    env = dict(os.environ)
    if not own:
        env.pop("PYTHONPATH", None)
    done = subprocess.run(
        command, capture_output=True, text=True, check=False, timeout=900, env=env
    )
    if done.returncode != 0:
        raise SystemExit(f"{python}: {done.stderr[-3000:]}")
    result = json.loads(done.stdout.splitlines()[-1])
    return {name: [(r, ms) for r, ms in pairs] for name, pairs in result.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="sequences typed per run")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quiet-ms", type=float, default=150.0)
    parser.add_argument("--python", action="append", default=[], help="another interpreter")
    parser.add_argument("--spawn", action="store_true", help="spawned desks (--spawn-desks)")
    parser.add_argument("--json", type=Path, help="write the raw figures here")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(one_run(args)))
        return 0
    pythons = [sys.executable, *args.python]
    runs: dict[str, list[Spent]] = {p: [] for p in pythons}
    load_before = os.getloadavg()
    for _ in range(args.runs):
        for python in pythons:
            runs[python].append(child(python, args, own=python == sys.executable))
    load_after = os.getloadavg()
    print(f"CPU per key, one web desk ({args.rounds} rounds × {args.runs} runs, alternating)")
    print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f}")
    figures: dict[str, Any] = {"load": [load_before, load_after], "pythons": {}}
    medians: dict[tuple[str, bool], dict[str, float]] = {}
    for python in pythons:
        print(f"\n{python}")
        figures["pythons"][python] = runs[python]
        for first in (True, False):
            desk = [per_key(run, "desk", first) for run in runs[python]]
            server = [per_key(run, "server", first) for run in runs[python]]
            medians[python, first] = {
                kind: statistics.median(d[kind] for d in desk) for kind in (*KINDS, "sequence")
            }
            print(f"  {'first round' if first else 'later rounds'}:")
            for kind in (*KINDS, "sequence"):
                values = [d[kind] for d in desk]
                print(
                    f"    desk {kind:<13} {medians[python, first][kind]:6.1f} ms "
                    f"({min(values):.1f}–{max(values):.1f})"
                )
            server_sequence = statistics.median(s["sequence"] for s in server)
            print(f"    server, per key of the sequence {server_sequence:.1f} ms")
        for moment in ("open", "end"):
            kb = [run[f"private:{moment}"][0][1] for run in runs[python]]
            medians[python, moment == "open"][f"private:{moment}"] = statistics.median(kb)
            when = "queue drawn" if moment == "open" else "after the rounds"
            low, mid, high = (x / 1024 for x in (min(kb), statistics.median(kb), max(kb)))
            print(f"  desk private memory, {when}: {mid:.1f} MiB ({low:.1f}–{high:.1f})")
    for other in pythons[1:]:
        print(f"\nratio {pythons[0]} / {other} (medians), first round | later rounds:")
        for kind in (*KINDS, "sequence"):
            ratios = [medians[pythons[0], f][kind] / medians[other, f][kind] for f in (True, False)]
            print(f"  {kind:<13} {ratios[0]:.2f} | {ratios[1]:.2f}")
        for moment, first in (("open", True), ("end", False)):
            key = f"private:{moment}"
            ratio = medians[pythons[0], first][key] / medians[other, first][key]
            print(f"  private memory, {moment}: {ratio:.2f}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
