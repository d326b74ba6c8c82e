"""A tmux session driven as a person would: keys in, the screen out (tests/app's tmux and
SSH tests share it), and the command that runs the real program in it as a receptionist's
terminal would."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

WAIT = 20.0  # seconds a screen may take to appear on a busy machine

# A receptionist's terminal: as over SSH (no blinking cursor), pt-BR, São Paulo's clock.
RECEPTION = {
    "SSH_CONNECTION": "10.0.0.2 50000 10.0.0.1 22",
    "TERM": "xterm-256color",
    "LANG": "pt_BR.UTF-8",
    "LC_ALL": "",
    "TZ": "America/Sao_Paulo",
}
# What the test runner's environment must not pass on to the program.
UNSET = (
    "FRONTDESK_CURSOR_BLINK",
    "NO_COLOR",
    "FRONTDESK_PROFILE",
    "FRONTDESK_API_KEY",
    "FRONTDESK_THEME",
    "FRONTDESK_TISS_PASSWORD",
)


def private_dirs(root: Path) -> dict[str, str]:
    """Never the real user's configuration, keys or audit log: all of it under `root`."""
    return {
        "FRONTDESK_CONFIG": str(root / "config" / "config.toml"),
        "XDG_CONFIG_HOME": str(root / "config"),
        "XDG_DATA_HOME": str(root / "data"),
        "XDG_STATE_HOME": str(root / "state"),
    }


def unset_and_set(settings: Mapping[str, str]) -> list[str]:
    """`env`'s arguments: `UNSET` taken away, then `settings`."""
    return [*(f"-u{name}" for name in UNSET), *(f"{k}={v}" for k, v in settings.items())]


def frontdesk_command(args: Sequence[str], settings: Mapping[str, str]) -> str:
    """`python -m frontdesk args` in a receptionist's terminal (`RECEPTION`) with `settings`.

    Everything is set in the command itself: a tmux server that is already running would not
    pass the caller's environment on to a new session. PYTHONPATH, when set, goes along
    made absolute, so that the session runs this tree's frontdesk."""
    env = {**RECEPTION, **settings}
    if os.environ.get("PYTHONPATH"):
        entries = os.environ["PYTHONPATH"].split(os.pathsep)
        env.setdefault("PYTHONPATH", os.pathsep.join(os.path.abspath(e) for e in entries))
    return shlex.join(["env", *unset_and_set(env), sys.executable, "-m", "frontdesk", *args])


@contextmanager
def tmux_session(command: str, *, name: str = "fd-test", wait: float = WAIT) -> Iterator[Terminal]:
    """A detached 80×24 tmux session running `command` (a shell command line), killed at
    the end whatever happened."""
    session = f"{name}-{uuid.uuid4().hex[:8]}"
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", session, "-x", "80", "-y", "24", command],
        check=True,
    )
    try:
        yield Terminal(session, wait=wait)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)


class Terminal:
    """One tmux session running a program; `wait` seconds for a screen to appear."""

    def __init__(self, session: str, *, wait: float = 20.0) -> None:
        self.session = session
        self.wait = wait

    def tmux(self, *args: str) -> str:
        result = subprocess.run(["tmux", *args], capture_output=True, text=True, check=True)
        return result.stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-t", self.session, "-p")

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", self.session, *keys)

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", self.session, "-l", text)

    def alive(self) -> bool:
        found = subprocess.run(["tmux", "has-session", "-t", self.session], capture_output=True)
        return found.returncode == 0

    def wait_for(self, *texts: str, gone: tuple[str, ...] = ()) -> str:
        """The screen, once it shows every one of `texts` and none of `gone` (fails after
        `wait` seconds)."""
        deadline = time.monotonic() + self.wait
        while True:
            screen = self.screen()
            if all(text in screen for text in texts) and not any(g in screen for g in gone):
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"never saw {texts!r} without {gone!r}; the screen was:\n{screen}"
                )
            time.sleep(0.1)

    def quit(self) -> None:
        """Ctrl+Q, then wait until the session ends with the program (fails after `wait`
        seconds)."""
        self.keys("C-q")
        deadline = time.monotonic() + self.wait
        while self.alive():
            assert time.monotonic() < deadline, f"the program did not quit:\n{self.screen()}"
            time.sleep(0.1)

    def written(self, path: Path, seconds: float) -> int:
        """Bytes the program wrote to the terminal in the next `seconds`."""
        self.tmux("pipe-pane", "-t", self.session, "-o", f"cat >> {shlex.quote(str(path))}")
        time.sleep(seconds)
        self.tmux("pipe-pane", "-t", self.session)
        time.sleep(0.2)  # the pipe's last bytes
        return path.stat().st_size if path.exists() else 0
