"""Benchmark of the terminal app against a minimal Textual app: first screen, memory, bytes, idle.

One command: `python bench/app.py [--runs 5] [--json PATH] [--strict] [--explain]`.

In the same run it starts the front desk (`frontdesk --db :memory:`: the embedded local
backend with fresh demo data), the minimal Textual app the budgets are judged against
(`bench/_minimal_app.py`: one Input and one DataTable with six rows, nothing else) and, for
scale, issue 8's outside yardstick (`bench/_yardstick_app.py`: Header, Input, a 50-row
DataTable and Footer: the lookup screen's shape in Textual's stock widgets) in tmux at 80×24,
on a private tmux
server (`tmux -L fdbench-<pid>`, killed at the end), rotating the order of the three in each
round so that whatever else the machine does falls on all of them. The tmux server is driven
through one control-mode client (`tmux -C`), so polling the screen every 5 ms costs a few hundred
microseconds, not a fork and exec of tmux each time. Both programs get the same clean
environment (TERM=xterm-256color, LANG=pt_BR.UTF-8, empty XDG folders).

Per run it measures:
  first screen   launch → the first capture-pane that shows the first screen's known text.
                 The app has three milestones, each a set of texts that must all be on
                 screen: "first paint" (the guide-number field: its title and placeholder),
                 "first screen" (the field and the key bar's own keys: `Abrir guia`,
                 `F1 Ajuda`) and "complete" (also the queue loaded from the backend with a
                 guide AGUARDANDO TOKEN, the local-mode label, and `F2 Simulador`, the key
                 shown once the backend is known: every key). The minimal app's and the
                 yardstick's first frame has it all (the Input and a row of the table; the
                 yardstick's footer too), so for them all three milestones are one.
  memory         VmHWM (peak resident set) of the python process, from /proc/<pid>/status,
                 at "complete" and after the whole flow.
  flow bytes     bytes the program wrote to the terminal (`tmux pipe-pane`) for the whole
                 flow. The app: lookup → guide → Enviar Token → send to the preselected
                 phone → F2 simulator panel (the code is read from it) → F2 → code +
                 Enter → GUIA AUTORIZADA → Enter → back on the lookup (26 keystrokes). The
                 minimal app: a comparable 26 keystrokes (13 digits, Enter, Tab, 3× Down,
                 Tab, 6 digits, Enter).
  idle bytes/s   after the flow, --idle-seconds (5) on the lookup screen; for the app also
                 on the code-entry screen (a second guide), whose countdowns change once a
                 minute, then every ten seconds (issue 12; at 1 Hz before).
The measured runs set SSH_CONNECTION (both programs then keep the cursor still); then
--blink-runs (1) more runs of each without it (the cursor blinks), --remote-runs (1)
runs of the app with `--url` to `frontdesk serve --db :memory:` on loopback (the thin
client's configuration: no backend in the process), and --tiss-runs (1) runs of the app on
a TISS profile whose operator is `frontdesk serve`'s local TISS operator on loopback (its
import folder written by `frontdesk tiss demo-files`): first screen, complete screen (the
queue of the exports), and peak memory at complete and after a release (an SP/SADT guide:
number, Enter, E, Enter, the SAC's code, Enter → GUIA AUTORIZADA, Enter), beside local mode;
each TISS run has its own cache folder, so it checks its exports as a first start does
(--tiss-restart: a first start to the queue is closed before each measured one, which
then finds the exports' checks in the cache, as a desk restarted on the same folder does),
and the peak RSS of the desk's schemas worker process is shown beside (not in) the budget's.

In-process, with Textual's Pilot (`App.run_test(size=(80, 24))`) and the app's own classes
on the embedded local backend (as `run_app` builds it): lookup keypress → result drawn. It
types a guide number, presses Enter and times until the app hands the guide screen's first
frame showing that number to the driver (the frame is turned into terminal bytes, as a real
driver would); Esc goes back; --lookups (40) times after --warmup (3), cycling over the
demo queue. The same is timed on a minimal Textual app that pushes a screen with a Static,
a DataTable and a Footer: Textual's own cost on this machine, for scale.

It prints each figure as a median with its min–max, the ratios app/minimal (and
app/yardstick), and PASS/FAIL per budget of docs/performance.md: first screen ≤ 1.2× the
minimal app and the yardstick, the complete screen ≤ 1.3× the yardstick (issue 8 states it
against that yardstick; the minimal app draws its rows without a backend, so that ratio is
shown beside it), peak memory after the flow ≤ 1.3× the minimal app, idle output 0 B/s with
the cursor not blinking, lookup p95 ≤ 50 ms. Measure a non-editable install
(`pip install .` into a fresh venv, then that venv's python runs this file): an editable
install run without bytecode (PYTHONDONTWRITEBYTECODE=1, as on some machines) compiles
frontdesk's sources at every start, and its first screen measured 1.8×; the report says
which install it measured. Exit code 0 unless `--strict` and
a budget fails. `--explain` also shows where startup time and memory go: a startup
timeline of both programs (`bench/_startup_probe.py`), `python -X importtime` of both
programs as they really start (grouped by top-level package), and the resident set after
each import stage. `--keep DIR` keeps the raw terminal output (*.bin); `--app-env
NAME=VALUE` runs the app with extra environment (experiments).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from desk_bench.explain import import_report
from desk_bench.lookups import pilot_lookups, pilot_yardstick
from desk_bench.outside import Figures, measure_outside, outside_checks, print_outside
from desk_bench.programs import EXTRA_APP_ENV, frontdesk_command, install_kind
from desk_bench.report import mb, print_imports, print_report, summarize, verdict
from desk_bench.runs import Bench, Run, run_yardstick
from desk_bench.terminal import Tmux


@contextlib.contextmanager
def private_tmux() -> Iterator[Tmux]:
    tmux = Tmux(f"fdbench-{os.getpid()}")
    try:
        yield tmux
    finally:
        tmux.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=5, help="starts of each program (default 5)")
    parser.add_argument(
        "--blink-runs", type=int, default=1, help="extra starts without SSH_CONNECTION (1)"
    )
    parser.add_argument(
        "--remote-runs",
        type=int,
        default=1,
        help="extra starts of the app with --url to `frontdesk serve` on loopback (1)",
    )
    parser.add_argument(
        "--tiss-runs",
        type=int,
        default=1,
        help="extra starts of the app on a TISS profile (`frontdesk serve`'s TISS operator) (1)",
    )
    parser.add_argument(
        "--tiss-restart",
        action="store_true",
        help="each TISS run is a restart: the same profile, exports and cache as a first start "
        "just closed (its exports' checks kept), instead of a first start",
    )
    parser.add_argument("--idle-seconds", type=float, default=5.0, help="per idle figure (5)")
    parser.add_argument("--lookups", type=int, default=40, help="Pilot lookups measured (40)")
    parser.add_argument("--warmup", type=int, default=3, help="Pilot lookups not counted (3)")
    parser.add_argument(
        "--explain",
        action="store_true",
        help="also show where startup time and memory go (timeline, importtime, RSS stages)",
    )
    parser.add_argument(
        "--explain-runs", type=int, default=3, help="probed starts of each program (3)"
    )
    parser.add_argument(
        "--outside-rounds",
        type=int,
        default=5,
        help="rounds of the start-up as ../shared/bench/startup.sh measures it (5; 0: none)",
    )
    parser.add_argument("--json", type=Path, help="write every figure as JSON to this path")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a budget fails")
    parser.add_argument(
        "--app-env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="extra environment for the app only, for experiments (repeatable)",
    )
    parser.add_argument(
        "--keep", type=Path, help="keep the raw terminal output (*.bin) and scripts in this folder"
    )
    args = parser.parse_args(argv)
    for item in args.app_env:
        key, _, value = item.partition("=")
        EXTRA_APP_ENV[key] = value
    if shutil.which("tmux") is None:
        print("tmux is not installed", file=sys.stderr)
        return 2

    # Stopped (kill, CI's timeout): unwind, so that the private tmux server, its apps and the
    # served backends are stopped by the `with`/`finally` blocks instead of left running.
    # A second signal (`timeout` forwards its own) is ignored: the unwinding must finish.
    def stop(*_: object) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        sys.exit(143)

    signal.signal(signal.SIGTERM, stop)

    runs: list[Run] = []
    outside: dict[str, Figures] = {}
    imports: dict[str, Any] | None = None
    with tempfile.TemporaryDirectory(prefix="fdbench-") as tmp, private_tmux() as tmux:
        workdir = Path(tmp)
        if args.keep is not None:
            args.keep.mkdir(parents=True, exist_ok=True)
            workdir = args.keep.resolve()
        bench = Bench(tmux, workdir, args.idle_seconds, tiss_restart=args.tiss_restart)
        plan = [(True, i) for i in range(args.runs)] + [(False, i) for i in range(args.blink_runs)]
        jobs: list[tuple[str, bool]] = []
        for ssh, i in plan:
            kinds = ["app", "minimal", "yardstick"] if ssh else ["app", "minimal"]
            shift = i % len(kinds)
            jobs += [(kind, ssh) for kind in kinds[shift:] + kinds[:shift]]
        jobs += [("remote", True)] * args.remote_runs
        jobs += [("tiss", True)] * args.tiss_runs
        for kind, ssh in jobs:
            if kind == "minimal":
                run = bench.run_minimal(ssh)
            elif kind == "yardstick":
                run = run_yardstick(bench, ssh)
            elif kind == "tiss":
                run = bench.run_tiss(ssh)
            else:
                run = bench.run_app(ssh, remote=kind == "remote")
            runs.append(run)
            status = run.error or (
                f"first paint {run.paint_ms:.0f} ms, first screen {run.first_ms:.0f} ms, "
                f"complete {run.ready_ms:.0f} ms, "
                f"peak RSS {mb(run.hwm_flow_kb or run.hwm_ready_kb)}"
            )
            print(f"[{len(runs):2}] {kind:7} ssh={'yes' if ssh else 'no':3} {status}", flush=True)
        if args.outside_rounds > 0:
            outside = measure_outside(tmux, workdir, args.outside_rounds)
        if args.explain:
            imports = import_report(tmux, workdir, args.explain_runs)

    lookup: dict[str, Any] = {}
    if args.lookups > 0:
        lookup = asyncio.run(pilot_lookups(args.lookups, args.warmup))
        lookup["yardstick"] = asyncio.run(pilot_yardstick(args.lookups, args.warmup))

    result: dict[str, Any] = {
        "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"textual {package_version('textual')}, tmux {tmux_version()}, load average "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}",
        "command": " ".join(frontdesk_command()),
        "install": install_kind(),
        "app": summarize(runs, "app", True),
        "minimal": summarize(runs, "minimal", True),
        "yardstick": summarize(runs, "yardstick", True),
        "app_blink": summarize(runs, "app", False),
        "minimal_blink": summarize(runs, "minimal", False),
        "app_remote": summarize(runs, "app", True, remote=True),
        "app_tiss": summarize(runs, "app", True, tiss=True),
        "tiss_restart": args.tiss_restart,
        "lookup": lookup,
        "app_env": EXTRA_APP_ENV,
        "runs": [asdict(r) for r in runs],
        "imports": imports,
        "outside": {label: asdict(figures) for label, figures in outside.items()},
    }
    ok = True
    if runs:
        ok = print_report(result)
    elif imports:  # --runs 0 --explain: where start-up time and memory go, alone
        print_imports(imports)
    if outside:
        print()
        print_outside(outside)
        for what, passed in outside_checks(outside):
            print(f"  {verdict(passed)} {what}")
            ok = ok and passed
    result["budgets_pass"] = ok
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str))
    return 1 if args.strict and not ok else 0


def package_version(name: str) -> str:
    import importlib.metadata

    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "?"


def tmux_version() -> str:
    done = subprocess.run(["tmux", "-V"], capture_output=True, text=True)
    return done.stdout.strip().removeprefix("tmux ")


if __name__ == "__main__":
    sys.exit(main())
