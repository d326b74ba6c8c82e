"""`--explain`: where start-up time and memory go (timeline, importtime, RSS stages)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from desk_bench.common import APP_FIRST, APP_READY, BENCH_DIR, MINIMAL_APP, MINIMAL_FIRST, median
from desk_bench.programs import frontdesk_command, write_script
from desk_bench.terminal import Tmux


def parse_importtime(text: str) -> list[tuple[str, int, int, int]]:
    """(module, depth, self µs, cumulative µs) per `-X importtime` line, in output order."""
    rows: list[tuple[str, int, int, int]] = []
    for line in text.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        parts = line[len("import time:") :].split("|")
        self_us, cumulative, raw_name = parts[0].strip(), parts[1].strip(), parts[2]
        stripped = raw_name.lstrip()
        depth = (len(raw_name) - len(stripped) - 1) // 2
        rows.append((stripped.strip(), depth, int(self_us), int(cumulative)))
    return rows


def by_package(rows: list[tuple[str, int, int, int]]) -> dict[str, int]:
    totals: dict[str, int] = defaultdict(int)
    for name, _, self_us, _ in rows:
        totals[name.split(".")[0]] += self_us
    return dict(totals)


# `-X importtime` writes to the C-level stderr (fd 2), and Textual draws on sys.__stderr__.
# So fd 2 goes to the log and sys.__stderr__ to a duplicate of the terminal: every import
# of the real start, lazy ones included, is logged (the interpreter's own, before this runs,
# are not: they are the same for both programs).
IMPORTTIME_WRAPPER = (
    "import os, sys, runpy; "
    "tty = os.dup(2); "
    "os.dup2(os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644), 2); "
    "sys.__stderr__ = open(tty, 'w', encoding='utf-8', errors='backslashreplace'); "
    "target = sys.argv[2]; sys.argv = sys.argv[2:]; "
    "runpy.run_module('frontdesk', run_name='__main__') if target == '-m' "
    "else runpy.run_path(target, run_name='__main__')"
)


def importtime_of_program(tmux: Tmux, workdir: Path, kind: str) -> list[tuple[str, int, int, int]]:
    """`-X importtime` of a real start in tmux (until ready, then Ctrl+Q): every import."""
    log = workdir / f"importtime-{kind}.txt"
    ready: tuple[str, ...]
    if kind == "app":
        command = frontdesk_command()
        target = ["-m", *command[3:]] if command[0] == sys.executable else command
        ready = APP_READY
    else:
        target, ready = [str(MINIMAL_APP)], MINIMAL_FIRST
    argv = [sys.executable, "-X", "importtime", "-c", IMPORTTIME_WRAPPER, str(log), *target]
    name = f"importtime-{kind}"
    script = write_script(workdir, name, argv, ssh=True)
    tmux.new_session(name, script)
    try:
        tmux.wait_text(name, ready)
        tmux.wait_stable(name)
    finally:
        tmux.quit(name)
    return parse_importtime(log.read_text())


PROBE = BENCH_DIR / "_startup_probe.py"
PHASES = (
    ("launch → interpreter up", None, "probe_start"),
    ("import textual.app", "probe_start", "textual_imported"),
    ("the program's imports and setup → App.run", "textual_imported", "app_run"),
    ("App.run → first frame composed", "app_run", "first_frame"),
    ("first frame → written to the terminal", "first_frame", "first_frame_written"),
    ("written → seen by capture-pane", "first_frame_written", "seen"),
    # the desk, after its first frame: what waits for what until the complete screen
    ("first frame written → health check sent", "first_frame_written", "health_sent"),
    ("health check sent → answered", "health_sent", "health_answered"),
    ("health check sent → queue asked", "health_sent", "queue_sent"),
    ("queue asked → answered", "queue_sent", "queue_answered"),
    ("queue answered → filled", "queue_answered", "queue_filled"),
    ("queue filled → its frame composed", "queue_filled", "queue_frame"),
    ("queue filled → complete seen", "queue_filled", "ready"),
)


def startup_timeline(tmux: Tmux, workdir: Path, kind: str, index: int) -> dict[str, Any]:
    """One start under `_startup_probe.py`: its phases (ms) on the shared monotonic clock."""
    out = workdir / f"timeline-{kind}-{index}.json"
    if kind == "app":
        command = frontdesk_command()
        target = ["-m", *command[3:]] if command[0] == sys.executable else command
        first: tuple[str, ...] = APP_FIRST
    else:
        target, first = [str(MINIMAL_APP)], MINIMAL_FIRST
    name = f"timeline-{kind}-{index}"
    script = write_script(workdir, name, [sys.executable, str(PROBE), str(out), *target], ssh=True)
    t0 = time.monotonic()
    tmux.new_session(name, script)
    try:
        seen, _ = tmux.wait_text(name, first)
        ready = seen
        if kind == "app":
            ready, _ = tmux.wait_text(name, APP_READY)
        tmux.wait_stable(name)
    finally:
        tmux.quit(name)
    marks = json.loads(out.read_text())
    marks["seen"], marks["ready"] = seen, ready
    phases: dict[str, float] = {}
    for label, start, end in PHASES:
        if end in marks and (start is None or start in marks):
            phases[label] = (marks[end] - (t0 if start is None else marks[start])) * 1000
    if "queue_frame_cpu" in marks:
        cpu = marks["queue_frame_cpu"] - marks["first_frame_cpu"]
        phases["event loop's CPU, first frame → the queue's frame"] = cpu * 1000
    phases["total: launch → first screen seen"] = (seen - t0) * 1000
    phases["total: launch → complete (queue, every key)"] = (ready - t0) * 1000
    imports = {
        module: {"at_ms": (at - t0) * 1000, "thread": where}
        for module, (at, where) in marks["imports"].items()
    }
    return {"phases": phases, "imports": imports}


def timelines(tmux: Tmux, workdir: Path, runs: int) -> dict[str, Any]:
    found: dict[str, list[dict[str, Any]]] = {"app": [], "minimal": []}
    for i in range(runs):
        for kind in ("app", "minimal") if i % 2 == 0 else ("minimal", "app"):
            found[kind].append(startup_timeline(tmux, workdir, kind, i))
    result: dict[str, Any] = {}
    for kind, items in found.items():
        labels = list(items[0]["phases"]) if items else []
        result[kind] = {
            "phases_median_ms": {
                label: median([it["phases"][label] for it in items if label in it["phases"]])
                for label in labels
            },
            "imports_median_ms": {
                module: {
                    "at_ms": median(
                        [it["imports"][module]["at_ms"] for it in items if module in it["imports"]]
                    ),
                    "thread": items[0]["imports"][module]["thread"],
                }
                for module in (items[0]["imports"] if items else {})
            },
            "runs": items,
        }
    return result


def cumulative_of(rows: list[tuple[str, int, int, int]], module: str) -> int | None:
    for name, _, _, cumulative in rows:
        if name == module:
            return cumulative
    return None


def importtime_total(statement: str, repeat: int = 3) -> float:
    """Median over `repeat` fresh interpreters of the summed self time of `statement`'s imports."""
    totals: list[float] = []
    for _ in range(repeat):
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", statement],
            capture_output=True,
            text=True,
            check=True,
        )
        totals.append(sum(r[2] for r in parse_importtime(done.stderr)) / 1000)
    return median(totals)


MEMORY_STAGES = """
import gc, sys
def rss():
    for line in open('/proc/self/status'):
        if line.startswith('VmRSS'):
            return int(line.split()[1])
out = [('python', rss(), len(sys.modules))]
import textual.app
out.append(('import textual.app', rss(), len(sys.modules)))
import textual.widgets._input, textual.widgets._data_table
import textual.widgets._static
out.append(('+ Input, DataTable, Static', rss(), len(sys.modules)))
import frontdesk.cli, frontdesk.cli.app, frontdesk.app.app
out.append(('+ frontdesk.cli, frontdesk.app.app (lookup screen)', rss(), len(sys.modules)))
import frontdesk.app.screens.guide, frontdesk.app.screens.send_token
import frontdesk.app.screens.code_entry, frontdesk.app.screens.result
out.append(('+ guide, send, code, result screens', rss(), len(sys.modules)))
import frontdesk.local.embedded_client
out.append(('+ frontdesk.local.embedded_client', rss(), len(sys.modules)))
from frontdesk.local.embedded_client import embedded_client
client, backend = embedded_client(':memory:')
gc.collect()
out.append(('+ embedded_client(":memory:") (demo DB)', rss(), len(sys.modules)))
for name, kb, modules in out:
    print(f'{name}\\t{kb}\\t{modules}')
"""


def memory_stages() -> list[tuple[str, int, int]]:
    done = subprocess.run(
        [sys.executable, "-c", MEMORY_STAGES], capture_output=True, text=True, check=True
    )
    stages: list[tuple[str, int, int]] = []
    for line in done.stdout.splitlines():
        name, kb, modules = line.split("\t")
        stages.append((name, int(kb), int(modules)))
    return stages


def import_report(tmux: Tmux, workdir: Path, runs: int) -> dict[str, Any]:
    timeline = timelines(tmux, workdir, runs)
    app_rows = importtime_of_program(tmux, workdir, "app")
    minimal_rows = importtime_of_program(tmux, workdir, "minimal")
    app_pkgs, minimal_pkgs = by_package(app_rows), by_package(minimal_rows)
    extra = {
        pkg: app_pkgs.get(pkg, 0) - minimal_pkgs.get(pkg, 0)
        for pkg in set(app_pkgs) | set(minimal_pkgs)
    }
    minimal_modules = {r[0] for r in minimal_rows}
    only_app = [r for r in app_rows if r[0] not in minimal_modules]
    key_modules = [
        "frontdesk.cli",
        "frontdesk.cli.parsers",
        "frontdesk.cli.app",
        "frontdesk.core.i18n",
        "frontdesk.app.app",
        "frontdesk.app.screens.lookup",
        "frontdesk.local.embedded_client",
        "frontdesk.client.client",
        "frontdesk.backend.server",
        "frontdesk.backend.service",
        "frontdesk.backend.http",
        "httpx",
        "sqlite3",
        "pyotp",
        "textual.app",
        "textual.widgets._data_table",
    ]
    return {
        "app_total_ms": sum(r[2] for r in app_rows) / 1000,
        "app_modules": len(app_rows),
        "minimal_total_ms": sum(r[2] for r in minimal_rows) / 1000,
        "minimal_modules": len(minimal_rows),
        "only_in_app_modules": len(only_app),
        "only_in_app_ms": sum(r[2] for r in only_app) / 1000,
        "extra_by_package_ms": {
            k: v / 1000 for k, v in sorted(extra.items(), key=lambda kv: -kv[1]) if v > 0
        },
        "app_by_package_ms": {
            k: v / 1000 for k, v in sorted(app_pkgs.items(), key=lambda kv: -kv[1])
        },
        "cumulative_ms": {
            m: (c / 1000 if c is not None else None)
            for m in key_modules
            for c in [cumulative_of(app_rows, m)]
        },
        "c_import_textual_app_ms": importtime_total("import textual.app"),
        "c_import_frontdesk_app_app_ms": importtime_total("import frontdesk.app.app"),
        "c_import_backend_embedded_ms": importtime_total("import frontdesk.local.embedded_client"),
        "memory_stages": memory_stages(),
        "timeline": timeline,
    }


# -- the report ---------------------------------------------------------------------------------
