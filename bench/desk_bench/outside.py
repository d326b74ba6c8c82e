"""Start-up as `../shared/bench/startup.sh` measures it, inside this benchmark's run.

The outside script is how the desk's start-up is judged; this measures the same thing so the
two agree: side by side, in tmux at 80×24, without SSH_CONNECTION (the cursor blinks, as in
the outside script), in the outside script's clean environment, a warm-up round and then
rounds that rotate the order of the programs:

- the yardstick (`bench/_yardstick_app.py`: Header, Input, a 50-row DataTable, Footer: the
  outside script's minimal app), until its first screen is drawn;
- the desk in local mode (`--db :memory:`): first screen (the key bar, `F1 Ajuda`), and
  complete: the queue heading (`Fila de atendimento (`) and the top bar's `· ok` both on
  screen;
- the desk with `--url` to `frontdesk serve` on loopback (what a real desk uses): first
  screen (the outside script does not measure it) and complete.

Launch → the first capture-pane that shows every marker (polled every 5 ms through the
control-mode client, where the outside script forks `tmux capture-pane`), and the peak
resident set (VmHWM) of the program 1.5 s after (the outside script's `/usr/bin/time -f %M`
reads it at exit).
"""

from __future__ import annotations

import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from desk_bench.common import YARDSTICK_APP
from desk_bench.programs import frontdesk_command, served_backend, shlex_quote
from desk_bench.terminal import Tmux, TmuxError, find_python, proc_status

FIRST = ("F1 Ajuda",)
# The yardstick's marker is one of its table's rows, as the outside script waits for its
# minimal app's "Patient 10": Textual's Footer fills its keys one refresh after the first
# frame, so waiting for them too made the yardstick slower and every ratio lower.
YARDSTICK_ROW = ("2026112200027",)
COMPLETE = ("Fila de atendimento (", "· ok")
KEY_ENV = "FRONTDESK_API_KEY"
SETTLE = 1.5  # seconds on screen before the peak RSS is read, as the outside script waits

# The budgets of issue 23, against the yardstick (two runs of the outside script each).
BUDGET_FIRST = 1.1
BUDGET_LOCAL_COMPLETE = 1.2
BUDGET_REMOTE_COMPLETE = 1.3
BUDGET_REMOTE_RSS = 1.25


@dataclass(frozen=True)
class Program:
    label: str
    argv: list[str]
    markers: tuple[str, ...]
    env: dict[str, str] = field(default_factory=dict)


@dataclass
class Figures:
    ms: list[float] = field(default_factory=list)
    rss_kb: list[float] = field(default_factory=list)
    misses: int = 0

    def median_ms(self) -> float:
        return statistics.median(self.ms) if self.ms else float("nan")

    def median_rss(self) -> float:
        return statistics.median(self.rss_kb) if self.rss_kb else float("nan")


def outside_script(workdir: Path, name: str, program: Program) -> Path:
    """The outside script's environment: `env -i`, its variables and nothing else."""
    home = workdir / "outside"
    env = {
        "PATH": "/usr/bin:/bin",
        "LANG": "pt_BR.UTF-8",
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "c"),
        "XDG_DATA_HOME": str(home / "d"),
        "XDG_STATE_HOME": str(home / "s"),
        "TERM": "xterm-256color",
        **program.env,
    }
    assignments = " ".join(f"{k}={shlex_quote(v)}" for k, v in env.items())
    argv = " ".join(shlex_quote(a) for a in program.argv)
    path = workdir / f"{name}.sh"
    path.write_text(f"#!/bin/sh\nexec env -i {assignments} {argv}\n")
    path.chmod(0o755)
    return path


def one_start(tmux: Tmux, workdir: Path, name: str, program: Program) -> tuple[float, int]:
    """(ms until every marker is on screen, peak RSS in kB); raises TmuxError on a miss."""
    script = outside_script(workdir, name, program)
    t0 = time.monotonic()
    tmux.new_session(name, script)
    try:
        seen, _ = tmux.wait_text(name, program.markers)
        time.sleep(SETTLE)
        rss = proc_status(find_python(tmux.pane_pid(name)))["VmHWM"]
    finally:
        tmux.quit(name)
    return (seen - t0) * 1000, rss


def programs(url: str, key: str) -> list[Program]:
    desk = [*frontdesk_command()[:-2]]
    return [
        Program("yardstick", [sys.executable, str(YARDSTICK_APP)], YARDSTICK_ROW),
        Program("local, first screen", [*desk, "--db", ":memory:"], FIRST),
        Program("local, complete", [*desk, "--db", ":memory:"], COMPLETE),
        Program("remote (--url), first screen", [*desk, "--url", url], FIRST, {KEY_ENV: key}),
        Program("remote (--url), complete", [*desk, "--url", url], COMPLETE, {KEY_ENV: key}),
    ]


def measure_outside(tmux: Tmux, workdir: Path, rounds: int) -> dict[str, Figures]:
    """`rounds` rotating rounds after a warm-up one (not counted), as the outside script."""
    (workdir / "outside").mkdir(exist_ok=True)
    with served_backend(workdir, str(workdir / "outside-backend.sqlite3")) as (url, key):
        chosen = programs(url, key)
        found = {p.label: Figures() for p in chosen}
        for r in range(rounds + 1):
            shift = r % len(chosen)
            for index, program in enumerate(chosen[shift:] + chosen[:shift]):
                try:
                    ms, rss = one_start(tmux, workdir, f"outside-{r}-{index}", program)
                except (TmuxError, RuntimeError, OSError, KeyError) as exc:
                    print(f"  {program.label}: {type(exc).__name__}: {exc}", file=sys.stderr)
                    found[program.label].misses += r > 0
                    continue
                if r:
                    found[program.label].ms.append(ms)
                    found[program.label].rss_kb.append(float(rss))
    return found


def outside_checks(found: dict[str, Figures]) -> list[tuple[str, bool]]:
    """The budgets of issue 23 on these figures: (what, passed)."""
    labels = list(found)
    base = found[labels[0]]
    local_first, local_complete, remote_first, remote = (found[label] for label in labels[1:5])

    def ratio(figures: Figures) -> float:
        return figures.median_ms() / base.median_ms()

    rss = remote.median_rss() / base.median_rss()
    return [
        (
            f"local first screen ≤ {BUDGET_FIRST}×: {ratio(local_first):.2f}×",
            ratio(local_first) <= BUDGET_FIRST,
        ),
        (
            f"remote first screen ≤ {BUDGET_FIRST}×: {ratio(remote_first):.2f}×",
            ratio(remote_first) <= BUDGET_FIRST,
        ),
        (
            f"local complete ≤ {BUDGET_LOCAL_COMPLETE}×: {ratio(local_complete):.2f}×",
            ratio(local_complete) <= BUDGET_LOCAL_COMPLETE,
        ),
        (
            f"remote complete ≤ {BUDGET_REMOTE_COMPLETE}×: {ratio(remote):.2f}×",
            ratio(remote) <= BUDGET_REMOTE_COMPLETE,
        ),
        (f"remote peak RSS ≤ {BUDGET_REMOTE_RSS}×: {rss:.2f}×", rss <= BUDGET_REMOTE_RSS),
    ]


def print_outside(found: dict[str, Figures]) -> None:
    labels = list(found)
    base = found[labels[0]]
    print("start-up as ../shared/bench/startup.sh measures it (no SSH_CONNECTION, its markers):")
    ratio = "ratio"
    head = f"{'ms (median)':>12} {'min–max':>11} {ratio:>6} {'peak RSS MiB':>13} {ratio:>6}"
    print(f"  {'program':32} {head}")
    for label, figures in found.items():
        ms, rss = figures.median_ms(), figures.median_rss()
        span = f"{min(figures.ms):.0f}–{max(figures.ms):.0f}" if figures.ms else "-"
        print(
            f"  {label:32} {ms:12.0f} {span:>11} {ms / base.median_ms():6.2f} "
            f"{rss / 1024:13.1f} {rss / base.median_rss():6.2f}"
            + (f"  ({figures.misses} missed)" if figures.misses else "")
        )
