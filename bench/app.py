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
number, Enter, E, Enter, the SAC's code, Enter → GUIA AUTORIZADA, Enter), beside local mode.

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
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

BENCH_DIR = Path(__file__).resolve().parent
MINIMAL_APP = BENCH_DIR / "_minimal_app.py"
YARDSTICK_APP = BENCH_DIR / "_yardstick_app.py"

WIDTH, HEIGHT = 80, 24
POLL = 0.005  # seconds between capture-pane polls while timing
STEP_TIMEOUT = 30.0  # a screen may take this long on a busy machine before a run is failed
SSH_VALUE = "10.0.0.2 50000 10.0.0.1 22"

# What each program's first screen shows once drawn.
APP_PAINT = ("Número da guia", "Digite ou leia")  # the field: its title and placeholder
APP_FIRST = (*APP_PAINT, "Abrir guia", "F1 Ajuda")  # ... and the key bar's own keys
# ... and the queue, the local-mode label and F2, the key shown once the backend answered.
APP_READY = (*APP_FIRST, "MODO DEMONSTRAÇÃO LOCAL", "Fila de atendimento (", "AGUARDANDO TOKEN")
APP_READY += ("F2 Simulador",)
MINIMAL_FIRST = ("Número da guia", "Luíza Ferreira")  # the Input; the table's last row
YARDSTICK_FIRST = ("Número da guia", "Maria Aparecida Souza", "Ajuda")  # + a row, the footer

BUDGET_FIRST = 1.2
BUDGET_COMPLETE = 1.3
BUDGET_MEMORY = 1.3
BUDGET_LOOKUP_P95_MS = 50.0
# Issue 17: the counter on a TISS profile, against the yardstick.
BUDGET_TISS_FIRST = 1.2
BUDGET_TISS_COMPLETE = 1.3
BUDGET_TISS_MEMORY = 1.4

ROW = re.compile(r"(\d{13})\s+AGUARDANDO TOKEN\s+(\S.*?)\s{2,}")
TISS_READY = (*APP_FIRST, "· TISS · ok", "Fila de atendimento (", "AGUARDANDO TOKEN")
TISS_SADT_ROW = re.compile(r"(\d{13})\s+AGUARDANDO TOKEN.*SP/SADT")
CODE = re.compile(r"é[\s│]*(\d{4,10})\b")
ANSI = re.compile(r"\x1b(?:\[[0-9;?<=>]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")


# -- statistics ------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0–100), linear interpolation between the closest ranks."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


# -- tmux --------------------------------------------------------------------------------------


def tmux_quote(value: str) -> str:
    """An argument for tmux's command parser (single quotes, like sh, without escapes)."""
    if "'" in value:
        raise ValueError(f"cannot quote {value!r} for tmux")
    return f"'{value}'"


class TmuxError(RuntimeError):
    pass


class Tmux:
    """A private tmux server, driven through one control-mode client (`tmux -C`)."""

    def __init__(self, socket: str) -> None:
        self.socket = socket
        self.base = ["tmux", "-L", socket, "-f", "/dev/null"]
        env = {k: v for k, v in os.environ.items() if k != "TMUX"}
        subprocess.run(
            [
                *self.base,
                "new-session",
                "-d",
                "-s",
                "keeper",
                "-x",
                str(WIDTH),
                "-y",
                str(HEIGHT),
                "sleep 2147483647",
            ],
            check=True,
            env=env,
        )
        self.proc = subprocess.Popen(
            [*self.base, "-C", "attach-session", "-t", "keeper"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
        )
        marker = "fdbench-sync"
        self._send(f"display-message -p {marker}")
        while True:  # skip the attach's own block and notifications, up to our marker
            _, lines = self._read_block()
            if lines == [marker]:
                break
        self.socket_path = Path(self.cmd(f"display-message -p {tmux_quote('#{socket_path}')}")[0])

    # The protocol: each command's output comes between `%begin …` and `%end …` (or
    # `%error …`); notifications (`%session-changed` …) only ever come between blocks.
    def _send(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line.encode() + b"\n")
        self.proc.stdin.flush()

    def _read_block(self) -> tuple[bool, list[str]]:
        """The next block answering one of our commands (`%begin <time> <n> 1`)."""
        stdout: IO[bytes] | None = self.proc.stdout
        assert stdout is not None
        while True:
            while True:
                raw = stdout.readline()
                if not raw:
                    raise TmuxError("the tmux control client ended")
                if raw.startswith(b"%begin "):
                    break
            ours = raw.split()[-1] == b"1"  # flags 0: the server's own (attach, hooks)
            lines: list[str] = []
            while True:
                raw = stdout.readline()
                if not raw:
                    raise TmuxError("the tmux control client ended")
                if raw.startswith((b"%end ", b"%error ")):
                    break
                lines.append(raw.decode("utf-8", "replace").rstrip("\n"))
            if ours:
                return raw.startswith(b"%end "), lines

    def cmd(self, line: str, *, check: bool = True) -> list[str]:
        self._send(line)
        ok, lines = self._read_block()
        if check and not ok:
            raise TmuxError(f"tmux {line!r}: {' '.join(lines)}")
        return lines

    def new_session(self, name: str, script: Path) -> None:
        self.cmd(f"new-session -d -s {name} -x {WIDTH} -y {HEIGHT} {tmux_quote(str(script))}")

    def screen(self, name: str) -> str:
        return "\n".join(self.cmd(f"capture-pane -p -t {name}"))

    def keys(self, name: str, *keys: str) -> None:
        self.cmd(f"send-keys -t {name} {' '.join(keys)}")

    def type(self, name: str, text: str) -> None:
        self.cmd(f"send-keys -t {name} -l {tmux_quote(text)}")

    def pane_pid(self, name: str) -> int:
        return int(self.cmd(f"list-panes -t {name} -F {tmux_quote('#{pane_pid}')}")[0])

    def alive(self, name: str) -> bool:
        self._send(f"has-session -t {name}")
        ok, _ = self._read_block()
        return ok

    def quit(self, name: str) -> None:
        """Ctrl+Q to the program, up to 10 s for it to end, then the session killed."""
        with contextlib.suppress(TmuxError):
            self.keys(name, "C-q")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and self.alive(name):
            time.sleep(0.05)
        if self.alive(name):
            self.cmd(f"kill-session -t {name}", check=False)

    def pipe_start(self, name: str, path: Path) -> None:
        self.cmd(f"pipe-pane -o -t {name} {tmux_quote('cat >> ' + str(path))}")

    def pipe_stop(self, name: str, path: Path) -> int:
        """Close the pane's pipe; the bytes it wrote to `path` once `cat` has flushed."""
        self.cmd(f"pipe-pane -t {name}")
        size, stable_since = -1, time.monotonic()
        deadline = time.monotonic() + 2.0
        while time.monotonic() < deadline:
            now_size = path.stat().st_size if path.exists() else 0
            if now_size != size:
                size, stable_since = now_size, time.monotonic()
            elif time.monotonic() - stable_since > 0.15:
                break
            time.sleep(0.02)
        return max(size, 0)

    def wait_for(
        self,
        name: str,
        ok: Callable[[str], bool],
        what: str,
        *,
        poll: float = POLL,
        timeout: float = STEP_TIMEOUT,
    ) -> tuple[float, str]:
        """(monotonic time of the first capture for which `ok(screen)`, that screen)."""
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen(name)
            seen = time.monotonic()
            if ok(screen):
                return seen, screen
            if seen > deadline:
                raise TmuxError(f"{name}: never saw {what}; the screen was:\n{screen}")
            time.sleep(poll)

    def wait_text(self, name: str, texts: tuple[str, ...], **kw: Any) -> tuple[float, str]:
        return self.wait_for(name, lambda s: all(t in s for t in texts), repr(texts), **kw)

    def wait_stable(self, name: str, quiet: float = 0.5, timeout: float = 10.0) -> str:
        """The screen once it has not changed for `quiet` seconds."""
        deadline = time.monotonic() + timeout
        last, since = self.screen(name), time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.05)
            screen = self.screen(name)
            if screen != last:
                last, since = screen, time.monotonic()
            elif time.monotonic() - since >= quiet:
                break
        return last

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._send("kill-server")
        with contextlib.suppress(Exception):
            self.proc.wait(timeout=5)
        if self.proc.poll() is None:
            self.proc.kill()
        subprocess.run([*self.base, "kill-server"], capture_output=True)
        with contextlib.suppress(OSError):
            self.socket_path.unlink()  # a killed server leaves its socket file behind


# -- processes -------------------------------------------------------------------------------


def children(pid: int) -> list[int]:
    found: list[int] = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            stat = (entry / "stat").read_text()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid == pid:
                found.append(int(entry.name))
    return found


def find_python(pane_pid: int) -> int:
    """The python process of the pane: the pane's process itself, or a descendant."""
    queue = [pane_pid]
    while queue:
        pid = queue.pop(0)
        with contextlib.suppress(OSError):
            if "python" in Path(f"/proc/{pid}/exe").resolve().name:
                return pid
        queue.extend(children(pid))
    raise RuntimeError(f"no python process under pid {pane_pid}")


def proc_status(pid: int) -> dict[str, int]:
    """VmHWM, VmRSS … of `pid`, in kB."""
    values: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("Vm"):
            key, _, rest = line.partition(":")
            values[key] = int(rest.split()[0])
    return values


# -- the programs ------------------------------------------------------------------------------


def install_kind() -> str:
    """Which frontdesk this python runs: "wheel" (site-packages) or "editable/source"."""
    import importlib.util

    spec = importlib.util.find_spec("frontdesk")
    origin = spec.origin if spec is not None and spec.origin else "?"
    kind = "wheel" if "site-packages" in origin else "editable/source"
    nobytecode = (
        " (PYTHONDONTWRITEBYTECODE set)" if os.environ.get("PYTHONDONTWRITEBYTECODE") else ""
    )
    return f"{kind}: {Path(origin).parent}{nobytecode if kind != 'wheel' else ''}"


def frontdesk_command() -> list[str]:
    script = Path(sys.executable).parent / "frontdesk"
    if script.exists():
        return [str(script), "--db", ":memory:"]
    return [sys.executable, "-m", "frontdesk", "--db", ":memory:"]


EXTRA_APP_ENV: dict[str, str] = {}  # --app-env: experiments (e.g. MALLOC_ARENA_MAX=2)


def write_script(
    workdir: Path,
    name: str,
    argv: list[str],
    *,
    ssh: bool,
    python_flags: list[str] | None = None,
    extra_env: dict[str, str] | None = None,
) -> Path:
    """A launcher: a clean environment, then `exec` (the pane's pid stays the program's)."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", str(workdir)),
        "TERM": "xterm-256color",
        "LANG": "pt_BR.UTF-8",
        "TZ": "America/Sao_Paulo",
        # No profile or data file of the user's can change what starts.
        "XDG_CONFIG_HOME": str(workdir / "config"),
        "XDG_DATA_HOME": str(workdir / "data"),
        "XDG_CACHE_HOME": str(workdir / "cache"),
    }
    if ssh:
        env["SSH_CONNECTION"] = SSH_VALUE
    env.update(extra_env or {})
    if python_flags:
        argv = [sys.executable, *python_flags, *argv]
    assignments = " ".join(f"{k}={shlex_quote(v)}" for k, v in env.items())
    body = f"#!/bin/sh\nexec env -i {assignments} {' '.join(shlex_quote(a) for a in argv)}\n"
    path = workdir / f"{name}.sh"
    path.write_text(body)
    path.chmod(0o755)
    return path


def shlex_quote(value: str) -> str:
    import shlex

    return shlex.quote(value)


@contextlib.contextmanager
def served_backend(workdir: Path, db: str = ":memory:") -> Iterator[tuple[str, str]]:
    """`frontdesk serve --db DB` on a free loopback port: (base URL, API key)."""
    key = "bench-" + os.urandom(12).hex()
    log = (workdir / "serve.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "frontdesk",
            "serve",
            "--db",
            db,
            "--port",
            "0",
            "--no-access-log",
            "--api-key",
            key,
        ],
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
    )
    try:
        assert process.stdout is not None
        deadline = time.monotonic() + 30
        url = None
        while url is None and time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            found = re.search(r"(?:serving on|atendendo em) (http://\S+)/v1", line)
            url = found.group(1) if found else None
        if url is None:
            raise RuntimeError("frontdesk serve did not start (see serve.log)")
        yield url, key
    finally:
        process.send_signal(signal.SIGINT)  # SIGINT: uvicorn's graceful stop
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@dataclass
class Run:
    """One start of one program and what was measured on it."""

    kind: str  # "app" | "minimal" | "yardstick"
    ssh: bool
    remote: bool = False  # the app with --url to `frontdesk serve` on loopback
    tiss: bool = False  # the app on a TISS profile (frontdesk serve's TISS operator)
    paint_ms: float = float("nan")
    first_ms: float = float("nan")
    ready_ms: float = float("nan")
    hwm_ready_kb: int = 0
    hwm_flow_kb: int = 0
    hwm_end_kb: int = 0
    threads_after_flow: int = 0
    flow_bytes: int = 0
    flow_seconds: float = 0.0
    idle_lookup_bps: float = float("nan")
    idle_code_entry_bps: float = float("nan")
    steps_ms: dict[str, float] = field(default_factory=dict)
    error: str | None = None
    note: str | None = None


class Bench:
    def __init__(self, tmux: Tmux, workdir: Path, idle_seconds: float) -> None:
        self.tmux = tmux
        self.workdir = workdir
        self.idle_seconds = idle_seconds
        self.count = 0

    def _name(self, kind: str) -> str:
        self.count += 1
        return f"{kind}-{self.count}"

    def _idle(self, name: str, label: str) -> float:
        path = self.workdir / f"{name}-idle-{label}.bin"
        self.tmux.pipe_start(name, path)
        time.sleep(self.idle_seconds)
        return self.tmux.pipe_stop(name, path) / self.idle_seconds

    def _launch(
        self,
        run: Run,
        name: str,
        script: Path,
        first: tuple[str, ...],
        ready: tuple[str, ...] = APP_READY,
    ) -> str:
        t0 = time.monotonic()
        self.tmux.new_session(name, script)
        if run.kind == "app":
            seen, screen = self.tmux.wait_text(name, APP_PAINT)
            run.paint_ms = (seen - t0) * 1000
        seen, screen = self.tmux.wait_text(name, first)
        run.first_ms = (seen - t0) * 1000
        if run.kind != "app":
            run.paint_ms = run.first_ms
        if run.kind == "app":
            seen, screen = self.tmux.wait_text(name, ready)
        run.ready_ms = (seen - t0) * 1000
        return screen

    def run_app(self, ssh: bool, remote: bool = False) -> Run:
        if not remote:
            return self._run_app(Run("app", ssh), frontdesk_command(), {})
        try:
            with served_backend(self.workdir) as (url, key):
                command = [*frontdesk_command()[:-2], "--url", url]
                return self._run_app(
                    Run("app", ssh, remote=True), command, {"FRONTDESK_API_KEY": key}
                )
        except RuntimeError as exc:
            return Run("app", ssh, remote=True, error=str(exc))

    def _run_app(self, run: Run, command: list[str], env: dict[str, str]) -> Run:
        ssh = run.ssh
        name = self._name("app")
        script = write_script(
            self.workdir, name, command, ssh=ssh, extra_env={**env, **EXTRA_APP_ENV}
        )
        tmux = self.tmux
        try:
            screen = self._launch(run, name, script, APP_FIRST)
            pid = find_python(tmux.pane_pid(name))
            rows = ROW.findall(screen)
            if not rows:
                raise TmuxError(f"no guide awaiting a token on the first screen:\n{screen}")
            number, person = rows[0][0], rows[0][1].strip()
            others = [n for n, p in rows[1:] if p.strip() == person] or [n for n, _ in rows[1:]]
            second = others[0]
            tmux.wait_stable(name)
            run.hwm_ready_kb = proc_status(pid)["VmHWM"]

            flow_file = self.workdir / f"{name}-flow.bin"
            tmux.pipe_start(name, flow_file)
            start = time.monotonic()
            tmux.type(name, number)
            pressed = time.monotonic()
            tmux.keys(name, "Enter")
            seen, _ = tmux.wait_text(name, (f"Guia {number}", "Enviar Token"))
            run.steps_ms["lookup"] = (seen - pressed) * 1000
            pressed = time.monotonic()
            tmux.keys(name, "e")
            seen, _ = tmux.wait_text(name, ("Para onde enviar o código?",))
            run.steps_ms["send_modal"] = (seen - pressed) * 1000
            pressed = time.monotonic()
            tmux.keys(name, "Enter")
            seen, _ = tmux.wait_text(name, ("Código (6 dígitos)", "expira em"))
            run.steps_ms["send"] = (seen - pressed) * 1000
            pressed = time.monotonic()
            tmux.keys(name, "F2")
            seen, screen = tmux.wait_for(
                name, lambda s: code_in_panel(s) is not None, "the code in the simulator"
            )
            run.steps_ms["simulator"] = (seen - pressed) * 1000
            code = code_in_panel(screen)
            assert code is not None
            tmux.keys(name, "F2")
            tmux.wait_for(name, lambda s: "Simulador do paciente" not in s, "the panel closed")
            tmux.type(name, code)
            pressed = time.monotonic()
            tmux.keys(name, "Enter")
            seen, _ = tmux.wait_text(name, ("GUIA AUTORIZADA", "Senha de autorização"))
            run.steps_ms["validate"] = (seen - pressed) * 1000
            pressed = time.monotonic()
            tmux.keys(name, "Enter")
            seen, _ = tmux.wait_text(name, ("Buscar guia", "Fila de atendimento ("))
            run.steps_ms["back"] = (seen - pressed) * 1000
            final = tmux.wait_stable(name)
            run.flow_seconds = time.monotonic() - start
            run.flow_bytes = tmux.pipe_stop(name, flow_file)
            run.hwm_flow_kb = proc_status(pid)["VmHWM"]
            run.threads_after_flow = len(list(Path(f"/proc/{pid}/task").iterdir()))
            if not re.search(rf"{number}\s+AUTORIZADA", final):
                run.note = "after the flow the queue does not show the guide as AUTORIZADA"

            run.idle_lookup_bps = self._idle(name, "lookup")

            tmux.type(name, second)
            tmux.keys(name, "Enter")
            tmux.wait_text(name, (f"Guia {second}", "Enviar Token"))
            tmux.keys(name, "e")
            tmux.wait_text(name, ("Para onde enviar o código?",))
            tmux.keys(name, "Enter")
            tmux.wait_text(name, ("Código (6 dígitos)", "expira em"))
            time.sleep(1.0)  # the screen's first paints are over; only the countdown remains
            run.idle_code_entry_bps = self._idle(name, "code-entry")
            run.hwm_end_kb = proc_status(pid)["VmHWM"]
        except (TmuxError, RuntimeError, OSError, KeyError, IndexError) as exc:
            run.error = f"{type(exc).__name__}: {exc}"
        finally:
            self.tmux.quit(name)
        return run

    def run_tiss(self, ssh: bool) -> Run:
        """The app on a TISS profile whose operator is `frontdesk serve` on loopback."""
        run = Run("app", ssh, tiss=True)
        db = self.workdir / f"tiss-{self.count + 1}.sqlite3"
        try:
            with served_backend(self.workdir, str(db)) as (url, key):
                entrada = self.workdir / f"tiss-{self.count + 1}-entrada"
                demo = ["tiss", "demo-files", str(entrada), "--db", str(db)]
                subprocess.run(
                    [sys.executable, "-m", "frontdesk", *demo],
                    check=True,
                    capture_output=True,
                )
                config = self.workdir / f"tiss-{self.count + 1}.toml"
                config.write_text(
                    "[profiles.bench-tiss]\n"
                    'kind = "tiss"\noperator = "Operadora Demonstração"\n'
                    # the version in force (the profile's default), at serve's path for it
                    f'url = "{url}/v1/tiss/v4.03.00/{{operation}}"\n'
                    'registro_ans = "999999"\nprestador_type = "codigo"\nprestador = "123456"\n'
                    f'code_length = 6\nimport_folder = "{entrada}"\n'
                    f'export_folder = "{self.workdir / "tiss-retorno"}"\n'
                )
                command = [*frontdesk_command()[:-2], "--profile", "bench-tiss"]
                env = {
                    "FRONTDESK_CONFIG": str(config),
                    "FRONTDESK_TISS_PASSWORD": key,
                    # its own data folder: what an earlier run's counter answered is not here
                    "XDG_DATA_HOME": str(self.workdir / f"tiss-{self.count + 1}-data"),
                }
                return self._run_tiss(run, command, env, url, key)
        except (RuntimeError, subprocess.CalledProcessError) as exc:
            run.error = f"{type(exc).__name__}: {exc}"
            return run

    def _run_tiss(
        self, run: Run, command: list[str], env: dict[str, str], url: str, key: str
    ) -> Run:
        import httpx

        name = self._name("tiss")
        script = write_script(
            self.workdir, name, command, ssh=run.ssh, extra_env={**env, **EXTRA_APP_ENV}
        )
        tmux = self.tmux
        try:
            screen = self._launch(run, name, script, APP_FIRST, TISS_READY)
            pid = find_python(tmux.pane_pid(name))
            found = TISS_SADT_ROW.search(screen)
            if found is None:
                raise TmuxError(f"no SP/SADT guide awaiting a token:\n{screen}")
            number = found.group(1)
            tmux.wait_stable(name)
            run.hwm_ready_kb = proc_status(pid)["VmHWM"]
            flow_file = self.workdir / f"{name}-flow.bin"
            tmux.pipe_start(name, flow_file)
            start = time.monotonic()
            tmux.type(name, number)
            pressed = time.monotonic()
            tmux.keys(name, "Enter")
            seen, _ = tmux.wait_text(name, (f"Guia {number}", "Enviar Token"))
            run.steps_ms["lookup"] = (seen - pressed) * 1000
            pressed = time.monotonic()
            tmux.keys(name, "e")
            seen, _ = tmux.wait_text(name, ("o paciente gera o código",))
            run.steps_ms["how_to_get_the_code"] = (seen - pressed) * 1000
            tmux.keys(name, "Enter")
            tmux.wait_text(name, ("Código (6 dígitos)",))
            answer = httpx.post(
                f"{url}/v1/_local/sac-code",
                json={"guide": number},
                headers={"Authorization": f"Bearer {key}"},
            )
            answer.raise_for_status()
            tmux.type(name, str(answer.json()["code"]))
            pressed = time.monotonic()
            tmux.keys(name, "Enter")
            seen, _ = tmux.wait_text(name, ("GUIA AUTORIZADA", "Senha de autorização"))
            run.steps_ms["validate"] = (seen - pressed) * 1000
            tmux.keys(name, "Enter")
            tmux.wait_text(name, ("Fila de atendimento (",))
            tmux.wait_stable(name)
            run.flow_seconds = time.monotonic() - start
            run.flow_bytes = tmux.pipe_stop(name, flow_file)
            run.hwm_flow_kb = proc_status(pid)["VmHWM"]
            run.hwm_end_kb = run.hwm_flow_kb
        except (TmuxError, RuntimeError, OSError, KeyError, httpx.HTTPError) as exc:
            run.error = f"{type(exc).__name__}: {exc}"
        finally:
            self.tmux.quit(name)
        return run

    def run_minimal(self, ssh: bool) -> Run:
        run = Run("minimal", ssh)
        name = self._name("minimal")
        script = write_script(self.workdir, name, [sys.executable, str(MINIMAL_APP)], ssh=ssh)
        tmux = self.tmux
        try:
            self._launch(run, name, script, MINIMAL_FIRST)
            pid = find_python(tmux.pane_pid(name))
            tmux.wait_stable(name)
            run.hwm_ready_kb = proc_status(pid)["VmHWM"]

            number, code = "2026112200017", "123456"
            flow_file = self.workdir / f"{name}-flow.bin"
            tmux.pipe_start(name, flow_file)
            start = time.monotonic()
            tmux.type(name, number)
            tmux.wait_for(name, lambda s: number in s.splitlines()[1], "the number typed")
            tmux.keys(name, "Enter", "Tab", "Down", "Down", "Down")
            tmux.wait_stable(name, quiet=0.2)
            tmux.keys(name, "Tab")  # back to the Input, which selects its text on focus
            # Textual hands each key to the widget focused when the key is dispatched: digits
            # sent right behind the Tab would still go to the table (the screen shows nothing).
            time.sleep(0.3)
            tmux.type(name, code)  # so the code replaces the number
            tmux.wait_for(name, lambda s: code in s.splitlines()[1], "the code typed")
            tmux.keys(name, "Enter")
            tmux.wait_stable(name)
            run.flow_seconds = time.monotonic() - start
            run.flow_bytes = tmux.pipe_stop(name, flow_file)
            run.hwm_flow_kb = proc_status(pid)["VmHWM"]
            run.threads_after_flow = len(list(Path(f"/proc/{pid}/task").iterdir()))
            run.idle_lookup_bps = self._idle(name, "idle")
            run.hwm_end_kb = proc_status(pid)["VmHWM"]
        except (TmuxError, RuntimeError, OSError, KeyError, IndexError) as exc:
            run.error = f"{type(exc).__name__}: {exc}"
        finally:
            self.tmux.quit(name)
        return run


def run_yardstick(bench: Bench, ssh: bool) -> Run:
    """Issue 8's yardstick: its first screen and its peak RSS once drawn (no flow)."""
    run = Run("yardstick", ssh)
    name = bench._name("yardstick")
    script = write_script(bench.workdir, name, [sys.executable, str(YARDSTICK_APP)], ssh=ssh)
    try:
        bench._launch(run, name, script, YARDSTICK_FIRST)
        pid = find_python(bench.tmux.pane_pid(name))
        bench.tmux.wait_stable(name)
        run.hwm_ready_kb = proc_status(pid)["VmHWM"]
    except (TmuxError, RuntimeError, OSError, KeyError, IndexError) as exc:
        run.error = f"{type(exc).__name__}: {exc}"
    finally:
        bench.tmux.quit(name)
    return run


def code_in_panel(screen: str) -> str | None:
    """The code of the newest SMS in the simulator panel (the right-hand column), if shown."""
    lines = screen.splitlines()
    column = next((line.find("╭─ Simulador") for line in lines if "╭─ Simulador" in line), -1)
    panel = "\n".join(line[column:] for line in lines) if column >= 0 else screen
    found = CODE.search(panel)
    return found.group(1) if found else None


# -- lookup latency in-process (Pilot) ------------------------------------------------------


class FrameWatch:
    """Watches the frames an app hands its driver: after `expect(number)`, `wait()` returns
    once a frame of a `screen_type` screen shows `number`; `at` is when (perf_counter) and
    `bytes` that frame's size as a real driver would write it (the headless one writes
    nothing)."""

    def __init__(self, app: Any, screen_type: type) -> None:
        self.number: str | None = None
        self.at = float("nan")
        self.bytes = 0
        self._drawn = asyncio.Event()
        original = app._display

        def display(screen: Any, renderable: Any) -> None:
            original(screen, renderable)
            if self.number is None or renderable is None or not isinstance(screen, screen_type):
                return
            text = renderable.render_segments(app.console)
            if self.number in ANSI.sub("", text):
                self.at, self.bytes, self.number = time.perf_counter(), len(text.encode()), None
                self._drawn.set()

        app._display = display

    def expect(self, number: str) -> None:
        self._drawn.clear()
        self.number, self.at = number, float("nan")

    async def wait(self, timeout: float = 30) -> None:
        await asyncio.wait_for(self._drawn.wait(), timeout=timeout)


async def pilot_lookups(count: int, warmup: int) -> dict[str, Any]:
    """Enter on a typed guide number → the guide screen's first frame with that number."""
    from textual.pilot import Pilot

    from frontdesk.app.app import FrontdeskApp
    from frontdesk.app.connector import local_connector
    from frontdesk.app.screens.guide import GuideScreen
    from frontdesk.app.screens.lookup import LookupScreen

    # As `frontdesk --db :memory:` builds it (run_app), minus the terminal: the embedded
    # local backend with fresh demo data behind the one client, the real screens.
    app = FrontdeskApp(
        connector=local_connector(":memory:"),
        lang="pt",
        cursor_blink=False,
        friendly_errors=False,
        show_simulator=False,
        tidy_memory=True,
    )
    watch = FrameWatch(app, GuideScreen)

    async def settle(pilot: Pilot[Any]) -> None:
        for _ in range(50):
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            if not any(worker.is_running for worker in app.workers):
                return

    times: list[float] = []
    frame_bytes: list[int] = []
    cold_ms = float("nan")
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        deadline = time.monotonic() + 30
        while not (isinstance(app.screen, LookupScreen) and app.screen.guides):
            if time.monotonic() > deadline:
                raise RuntimeError("the queue never loaded")
            await asyncio.sleep(0.02)
        await settle(pilot)
        numbers = [guide.number for guide in app.screen.guides]
        for i in range(warmup + count):
            number = numbers[i % len(numbers)]
            await pilot.press(*number)
            await settle(pilot)
            watch.expect(number)
            started = time.perf_counter()
            await pilot.press("enter")
            await watch.wait()
            elapsed = (watch.at - started) * 1000
            if i == 0:
                cold_ms = elapsed
            if i >= warmup:
                times.append(elapsed)
                frame_bytes.append(watch.bytes)
            await settle(pilot)
            if not isinstance(app.screen, GuideScreen):
                raise RuntimeError(f"Enter on {number} did not open the guide")
            await pilot.press("escape")
            await settle(pilot)
        await pilot.press("ctrl+q")
    return {
        "count": len(times),
        "warmup": warmup,
        "cold_first_ms": cold_ms,
        "p50_ms": percentile(times, 50),
        "p95_ms": percentile(times, 95),
        "max_ms": max(times) if times else float("nan"),
        "frame_bytes_median": median([float(b) for b in frame_bytes]),
        "times_ms": times,
    }


async def pilot_yardstick(count: int, warmup: int) -> dict[str, Any]:
    """The same measurement on a minimal Textual app: Enter in an Input pushes a screen with
    the number (a Static), a DataTable of six rows and a Footer of three keys."""
    from textual.app import App, ComposeResult
    from textual.binding import Binding
    from textual.screen import Screen
    from textual.widgets import DataTable, Footer, Input, Static

    sys.path.insert(0, str(BENCH_DIR))
    from _minimal_app import ROWS

    class Detail(Screen[None]):
        BINDINGS = [  # noqa: RUF012
            Binding("escape", "app.pop_screen", "Voltar"),
            Binding("e", "app.bell", "Enviar Token"),
            Binding("c", "app.bell", "Digitar código"),
        ]

        def __init__(self, number: str) -> None:
            super().__init__()
            self.number = number

        def compose(self) -> ComposeResult:
            yield Static(f"Guia {self.number}")
            yield DataTable()
            yield Footer()

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_columns("Guia", "Situação", "Beneficiário", "Tipo")
            table.add_rows(ROWS)

    class Yardstick(App[None]):
        def compose(self) -> ComposeResult:
            yield Input()
            yield DataTable()

        def on_input_submitted(self, event: Input.Submitted) -> None:
            self.push_screen(Detail(event.value))

    app = Yardstick()
    watch = FrameWatch(app, Detail)
    times: list[float] = []
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        for i in range(warmup + count):
            number = f"20261122{i:05d}"
            app.query_one(Input).value = ""
            await pilot.press(*number)
            await pilot.pause()
            watch.expect(number)
            started = time.perf_counter()
            await pilot.press("enter")
            await watch.wait()
            if i >= warmup:
                times.append((watch.at - started) * 1000)
            await pilot.pause()
            await pilot.press("escape")
            await pilot.pause()
    return {
        "count": len(times),
        "p50_ms": percentile(times, 50),
        "p95_ms": percentile(times, 95),
        "times_ms": times,
    }


# -- where startup time and memory go (--imports) ------------------------------------------------


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


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def spread(values: list[float]) -> str:
    """The median and (min–max) of `values`, NaN left out."""
    good = [v for v in values if v == v]
    if not good:
        return "-"
    return f"{median(good):.0f} ({min(good):.0f}–{max(good):.0f})"


def tiss_checks(tiss: dict[str, Any], yard: dict[str, Any]) -> list[tuple[str, bool]]:
    """Issue 17's budgets of the counter on a TISS profile, against the yardstick (Header,
    Input, a 50-row DataTable, Footer) measured in the same run: each with its min–max."""
    first = tiss["first_median_ms"] / yard["first_median_ms"]
    ready = tiss["ready_median_ms"] / yard["first_median_ms"]
    # the yardstick has no flow: its peak is at its (only) screen
    memory = tiss["hwm_flow_kb_median"] / yard["hwm_ready_kb_median"]
    return [
        (
            f"TISS first screen ≤ {BUDGET_TISS_FIRST}× yardstick: {first:.2f}× "
            f"({spread(tiss['first_ms'])} ms against {spread(yard['first_ms'])} ms)",
            first <= BUDGET_TISS_FIRST,
        ),
        (
            f"TISS complete queue ≤ {BUDGET_TISS_COMPLETE}× yardstick: {ready:.2f}× "
            f"({spread(tiss['ready_ms'])} ms)",
            ready <= BUDGET_TISS_COMPLETE,
        ),
        (
            f"TISS peak RSS after a release ≤ {BUDGET_TISS_MEMORY}× yardstick: {memory:.2f}× "
            f"({spread(tiss['hwm_flow_kb'])} KiB against {mb(yard['hwm_ready_kb_median'])})",
            memory <= BUDGET_TISS_MEMORY,
        ),
    ]


def summarize(
    runs: list[Run], kind: str, ssh: bool, remote: bool = False, tiss: bool = False
) -> dict[str, Any]:
    chosen = [
        r
        for r in runs
        if r.kind == kind
        and r.ssh == ssh
        and r.remote == remote
        and r.tiss == tiss
        and r.error is None
    ]
    steps: dict[str, list[float]] = defaultdict(list)
    for r in chosen:
        for k, v in r.steps_ms.items():
            steps[k].append(v)
    return {
        "runs": len(chosen),
        "first_ms": [r.first_ms for r in chosen],
        "paint_ms": [r.paint_ms for r in chosen],
        "ready_ms": [r.ready_ms for r in chosen],
        "hwm_flow_kb": [float(r.hwm_flow_kb) for r in chosen],
        "paint_median_ms": median([r.paint_ms for r in chosen]),
        "paint_p95_ms": percentile([r.paint_ms for r in chosen], 95),
        "threads_after_flow": median([float(r.threads_after_flow) for r in chosen]),
        "first_median_ms": median([r.first_ms for r in chosen]),
        "first_p95_ms": percentile([r.first_ms for r in chosen], 95),
        "ready_median_ms": median([r.ready_ms for r in chosen]),
        "ready_p95_ms": percentile([r.ready_ms for r in chosen], 95),
        "hwm_ready_kb_median": median([float(r.hwm_ready_kb) for r in chosen]),
        "hwm_flow_kb_median": median([float(r.hwm_flow_kb) for r in chosen]),
        "hwm_end_kb_median": median([float(r.hwm_end_kb) for r in chosen]),
        "flow_bytes_median": median([float(r.flow_bytes) for r in chosen]),
        "flow_seconds_median": median([r.flow_seconds for r in chosen]),
        "idle_lookup_bps_median": median([r.idle_lookup_bps for r in chosen]),
        "idle_lookup_bps_max": max([r.idle_lookup_bps for r in chosen], default=float("nan")),
        "idle_code_entry_bps_median": median([r.idle_code_entry_bps for r in chosen]),
        "steps_median_ms": {k: median(v) for k, v in steps.items()},
    }


def mb(kb: float) -> str:
    return f"{kb / 1024:.1f} MiB"


def print_report(result: dict[str, Any]) -> bool:
    app, mini = result["app"], result["minimal"]
    blink_app, blink_min = result["app_blink"], result["minimal_blink"]
    print()
    yard = result["yardstick"]
    print(
        f"machine: {result['machine']}; {result['when']}; runs: {app['runs']} app, "
        f"{mini['runs']} minimal, {yard['runs']} yardstick (SSH_CONNECTION set), rotating"
    )
    print(f"measured: {result['command']} ({result['install']})")
    print()
    print("first screen, medians with min–max over the runs (ms); ratios of the medians:")
    print(
        f"  {'milestone':34} {'app':>18} {'minimal':>18} {'yardstick':>18} {'/min':>6} {'/yard':>6}"
    )

    for label, key in (
        ("first paint (the field)", "paint_ms"),
        ("first screen (field + own keys)", "first_ms"),
        ("complete (queue, F2: every key)", "ready_ms"),
    ):
        a, m, y = median(app[key]), median(mini[key]), median(yard[key])
        ry = f"{a / y:.2f}×" if yard["runs"] else "-"
        print(
            f"  {label:34} {spread(app[key]):>18} {spread(mini[key]):>18} "
            f"{spread(yard[key]):>18} {a / m:>5.2f}× {ry:>6}"
        )
    print()
    print(f"{'figure':44} {'app':>14} {'minimal':>14} {'app/minimal':>12}")

    def row(label: str, a: float, m: float, unit: str = "ms", ratio: bool = True) -> None:
        def fmt(v: float) -> str:
            return f"{v:.0f} {unit}" if unit else f"{v:.0f}"

        r = f"{a / m:.2f}×" if ratio and m and m == m and a == a else ""
        print(f"{label:44} {fmt(a):>14} {fmt(m):>14} {r:>12}")

    row("first screen, p95", app["first_p95_ms"], mini["first_p95_ms"])
    row("complete screen, p95", app["ready_p95_ms"], mini["ready_p95_ms"])
    for label, key in (
        ("peak RSS (VmHWM) at complete", "hwm_ready_kb_median"),
        ("peak RSS (VmHWM) after the flow", "hwm_flow_kb_median"),
    ):
        a, m = app[key], mini[key]
        print(f"{label:44} {mb(a):>14} {mb(m):>14} {a / m:>11.2f}×")
    print(f"{'peak RSS after the idle code-entry screen':44} {mb(app['hwm_end_kb_median']):>14}")
    row("bytes written, whole flow", app["flow_bytes_median"], mini["flow_bytes_median"], "B")
    print(
        f"{'  (flow duration, s)':44} {app['flow_seconds_median']:>14.1f} "
        f"{mini['flow_seconds_median']:>14.1f}"
    )
    row(
        "idle, lookup screen, no blink",
        app["idle_lookup_bps_median"],
        mini["idle_lookup_bps_median"],
        "B/s",
        ratio=False,
    )
    print(
        f"{'idle, code-entry screen (countdowns)':44} "
        f"{app['idle_code_entry_bps_median']:>10.0f} B/s"
    )
    if blink_app["runs"] or blink_min["runs"]:
        print("without SSH_CONNECTION (cursor blinks):")
        row(
            "  bytes written, whole flow",
            blink_app["flow_bytes_median"],
            blink_min["flow_bytes_median"],
            "B",
        )
        row(
            "  idle, lookup screen",
            blink_app["idle_lookup_bps_median"],
            blink_min["idle_lookup_bps_median"],
            "B/s",
            ratio=False,
        )
        print(
            f"{'  idle, code-entry screen':44} {blink_app['idle_code_entry_bps_median']:>10.0f} B/s"
        )
        row("  first screen, median", blink_app["first_median_ms"], blink_min["first_median_ms"])
    remote = result["app_remote"]
    if remote["runs"]:
        print("the app with --url (remote mode, `frontdesk serve` on loopback; minimal as above):")
        row("  first screen, median", remote["first_median_ms"], mini["first_median_ms"])
        row("  complete screen, median", remote["ready_median_ms"], mini["ready_median_ms"])
        a, m = remote["hwm_flow_kb_median"], mini["hwm_flow_kb_median"]
        print(f"{'  peak RSS (VmHWM) after the flow':44} {mb(a):>14} {mb(m):>14} {a / m:>11.2f}×")
        row(
            "  bytes written, whole flow",
            remote["flow_bytes_median"],
            mini["flow_bytes_median"],
            "B",
        )
        print(
            "  keypress → next screen seen in tmux (median ms): "
            + ", ".join(f"{k} {v:.0f}" for k, v in remote["steps_median_ms"].items())
        )
    tiss = result.get("app_tiss") or {"runs": 0}
    if tiss["runs"]:
        print(
            "the app on a TISS profile (`frontdesk serve`'s TISS operator on loopback; local "
            "mode beside it):"
        )
        print(f"{'':44} {'TISS':>14} {'local':>14} {'TISS/local':>12}")
        for label, key in (
            ("  first screen, median", "first_median_ms"),
            ("  complete screen (the exports' queue), median", "ready_median_ms"),
        ):
            a, m = tiss[key], app[key]
            print(f"{label:44} {a:>11.0f} ms {m:>11.0f} ms {a / m:>11.2f}×")
        for label, key in (
            ("  peak RSS (VmHWM) at complete", "hwm_ready_kb_median"),
            ("  peak RSS (VmHWM) after a release", "hwm_flow_kb_median"),
        ):
            a, m = tiss[key], app[key]
            print(f"{label:44} {mb(a):>14} {mb(m):>14} {a / m:>11.2f}×")
        print(
            "  keypress → next screen seen in tmux (median ms): "
            + ", ".join(f"{k} {v:.0f}" for k, v in tiss["steps_median_ms"].items())
        )
    steps = app["steps_median_ms"]
    if steps:
        print(
            "app, keypress → next screen seen in tmux (median ms): "
            + ", ".join(f"{k} {v:.0f}" for k, v in steps.items())
        )
    look = result["lookup"]
    if look:
        print(
            f"lookup in-process (Pilot, 80×24), Enter → guide screen drawn: n={look['count']} "
            f"p50 {look['p50_ms']:.1f} ms, p95 {look['p95_ms']:.1f} ms, max "
            f"{look['max_ms']:.1f} ms; first (cold, screen module imported) "
            f"{look['cold_first_ms']:.1f} ms; frame {look['frame_bytes_median']:.0f} B"
        )
        pilot_yard = look["yardstick"]
        print(
            f"  the same on a minimal Textual app (push a screen: Static + 6-row DataTable + "
            f"Footer): p50 {pilot_yard['p50_ms']:.1f} ms, p95 {pilot_yard['p95_ms']:.1f} ms → "
            f"app/minimal p50 {look['p50_ms'] / pilot_yard['p50_ms']:.2f}×"
        )
    for r in result["runs"]:
        if r["error"] or r["note"]:
            print(f"  {r['kind']} (ssh={r['ssh']}): {r['error'] or r['note']}")

    print()
    print("budgets (docs/performance.md):")
    checks: list[tuple[str, bool]] = []
    first_ratio = app["first_median_ms"] / mini["first_median_ms"]
    ready_ratio = app["ready_median_ms"] / mini["ready_median_ms"]
    paint_ratio = app["paint_median_ms"] / mini["paint_median_ms"]
    mem_ratio = app["hwm_flow_kb_median"] / mini["hwm_flow_kb_median"]
    checks.append(
        (
            f"first screen ≤ {BUDGET_FIRST}× minimal: {first_ratio:.2f}× "
            f"(first paint, field only: {paint_ratio:.2f}×)",
            first_ratio <= BUDGET_FIRST,
        )
    )
    yard_first = yard["first_median_ms"] if yard["runs"] else float("nan")
    checks.append(
        (
            f"first screen ≤ {BUDGET_FIRST}× issue 8's yardstick: "
            f"{app['first_median_ms'] / yard_first:.2f}×",
            app["first_median_ms"] / yard_first <= BUDGET_FIRST,
        )
    )
    checks.append(
        (
            f"complete screen (queue, every key) ≤ {BUDGET_COMPLETE}× issue 8's yardstick: "
            f"{app['ready_median_ms'] / yard_first:.2f}× (the minimal app, which draws its rows "
            f"without a backend: {ready_ratio:.2f}×)",
            app["ready_median_ms"] / yard_first <= BUDGET_COMPLETE,
        )
    )
    checks.append(
        (
            f"peak memory after the flow ≤ {BUDGET_MEMORY}× minimal: {mem_ratio:.2f}× "
            f"({mb(app['hwm_flow_kb_median'])}: {spread(app['hwm_flow_kb'])} KiB)",
            mem_ratio <= BUDGET_MEMORY,
        )
    )
    idle = app["idle_lookup_bps_max"]
    checks.append(
        (
            f"idle output with the cursor not blinking = 0 B/s: {idle:.0f} B/s (lookup screen)",
            idle == 0,
        )
    )
    if look:
        checks.append(
            (
                f"lookup keypress → drawn p95 ≤ {BUDGET_LOOKUP_P95_MS:.0f} ms: "
                f"{look['p95_ms']:.1f} ms",
                look["p95_ms"] <= BUDGET_LOOKUP_P95_MS,
            )
        )
    tiss = result.get("app_tiss") or {"runs": 0}
    if tiss["runs"] and yard["runs"]:
        checks += tiss_checks(tiss, yard)
    for text, ok in checks:
        print(f"  {verdict(ok)}  {text}")
    print(
        f"  info  bytes for the whole flow: {app['flow_bytes_median']:.0f} B "
        f"({mini['flow_bytes_median']:.0f} B for the minimal app's 26 keys)"
    )
    all_ok = all(ok for _, ok in checks) and bool(app["runs"]) and bool(mini["runs"])
    print(f"BUDGETS: {'PASS' if all_ok else 'FAIL'}")
    imports = result.get("imports")
    if imports:
        print_imports(imports)
    return all_ok


def print_imports(imports: dict[str, Any]) -> None:
    print()
    timeline = imports["timeline"]
    app_phases = timeline["app"]["phases_median_ms"]
    min_phases = timeline["minimal"]["phases_median_ms"]
    print("startup timeline (bench/_startup_probe.py; medians, ms):")
    print(f"  {'phase':48} {'app':>8} {'minimal':>8} {'extra':>8}")
    for label, ms in app_phases.items():
        other = min_phases.get(label, float("nan"))
        if "complete" in label:
            other = min_phases.get("total: launch → first screen seen", float("nan"))
        print(f"  {label:48} {ms:8.0f} {other:8.0f} {ms - other:8.0f}")
    print("  the app's first import of (ms after launch, thread):")
    for module, info in timeline["app"]["imports_median_ms"].items():
        print(f"    {module:32} {info['at_ms']:7.0f}  {info['thread']}")
    print()
    print("where startup goes (-X importtime of each program's real start in tmux):")
    print(
        f"  app: {imports['app_modules']} modules, {imports['app_total_ms']:.0f} ms of imports;"
        f" minimal: {imports['minimal_modules']} modules, {imports['minimal_total_ms']:.0f} ms;"
        f" only in the app: {imports['only_in_app_modules']} modules, "
        f"{imports['only_in_app_ms']:.0f} ms"
    )
    print("  extra import time by top-level package (app − minimal, ms):")
    for pkg, ms in list(imports["extra_by_package_ms"].items())[:15]:
        print(f"    {pkg:24} {ms:7.1f}")
    print("  cumulative import time in the app's start (ms):")
    for module, ms in imports["cumulative_ms"].items():
        if ms is not None:
            print(f"    {module:34} {ms:7.1f}")
    print(
        f"  python -X importtime -c 'import X', median of 3 (sum of self times): "
        f"textual.app {imports['c_import_textual_app_ms']:.0f} ms, frontdesk.app.app "
        f"{imports['c_import_frontdesk_app_app_ms']:.0f} ms, frontdesk.local.embedded_client "
        f"{imports['c_import_backend_embedded_ms']:.0f} ms"
    )
    print("  resident set after each import stage (one fresh interpreter):")
    previous = 0
    for name, kb, modules in imports["memory_stages"]:
        delta = f"+{(kb - previous) / 1024:.1f}" if previous else ""
        print(f"    {name:52} {kb / 1024:6.1f} MiB {delta:>6}  {modules} modules")
        previous = kb


# -- main ----------------------------------------------------------------------------------------


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
    imports: dict[str, Any] | None = None
    with tempfile.TemporaryDirectory(prefix="fdbench-") as tmp, private_tmux() as tmux:
        workdir = Path(tmp)
        if args.keep is not None:
            args.keep.mkdir(parents=True, exist_ok=True)
            workdir = args.keep.resolve()
        bench = Bench(tmux, workdir, args.idle_seconds)
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
        "lookup": lookup,
        "app_env": EXTRA_APP_ENV,
        "runs": [asdict(r) for r in runs],
        "imports": imports,
    }
    ok = print_report(result)
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
