"""A private tmux server driven through one control-mode client, and the processes in it."""

from __future__ import annotations

import contextlib
import os
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from desk_bench.common import HEIGHT, POLL, STEP_TIMEOUT, WIDTH


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
