"""One start of each program in tmux at 80×24: its milestones, its memory, the flow's bytes."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from desk_bench.common import (
    APP_FIRST,
    APP_PAINT,
    APP_READY,
    CODE,
    MINIMAL_APP,
    MINIMAL_FIRST,
    ROW,
    TISS_READY,
    TISS_SADT_ROW,
    YARDSTICK_APP,
    YARDSTICK_FIRST,
)
from desk_bench.programs import EXTRA_APP_ENV, frontdesk_command, served_backend, write_script
from desk_bench.terminal import Tmux, TmuxError, children, find_python, proc_status


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
    helpers_hwm_kb: int = 0  # the app's child processes (the TISS schemas' worker), summed
    threads_after_flow: int = 0
    flow_bytes: int = 0
    flow_seconds: float = 0.0
    idle_lookup_bps: float = float("nan")
    idle_code_entry_bps: float = float("nan")
    steps_ms: dict[str, float] = field(default_factory=dict)
    error: str | None = None
    note: str | None = None


class Bench:
    """`tiss_restart`: each TISS run is the desk's second start on its profile (the same
    exports, data and cache folders as a first start just closed), not its first."""

    def __init__(
        self, tmux: Tmux, workdir: Path, idle_seconds: float, *, tiss_restart: bool = False
    ) -> None:
        self.tmux = tmux
        self.workdir = workdir
        self.idle_seconds = idle_seconds
        self.tiss_restart = tiss_restart
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
                    # and its own cache: every start checks its exports (the first start)
                    "XDG_CACHE_HOME": str(self.workdir / f"tiss-{self.count + 1}-cache"),
                }
                if self.tiss_restart:
                    self._first_tiss_start(command, env)
                    run.note = "restart"
                return self._run_tiss(run, command, env, url, key)
        except (RuntimeError, subprocess.CalledProcessError) as exc:
            run.error = f"{type(exc).__name__}: {exc}"
            return run

    def _first_tiss_start(self, command: list[str], env: dict[str, str]) -> None:
        """A start to the complete queue, then Ctrl+Q: what a restart finds (its ledger, the
        exports' checks in the cache) is there. Not measured."""
        name = self._name("tiss-first")
        script = write_script(self.workdir, name, command, ssh=True, extra_env=env)
        try:
            self.tmux.new_session(name, script)
            self.tmux.wait_text(name, TISS_READY)
            self.tmux.wait_stable(name)
        finally:
            self.tmux.quit(name)

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
            run.helpers_hwm_kb = sum(proc_status(child)["VmHWM"] for child in children(pid))
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
