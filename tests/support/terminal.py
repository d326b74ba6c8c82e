"""A tmux session driven as a person would: keys in, the screen out (tests/app's tmux and
SSH tests share it)."""

from __future__ import annotations

import shlex
import subprocess
import time
from pathlib import Path


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

    def written(self, path: Path, seconds: float) -> int:
        """Bytes the program wrote to the terminal in the next `seconds`."""
        self.tmux("pipe-pane", "-t", self.session, "-o", f"cat >> {shlex.quote(str(path))}")
        time.sleep(seconds)
        self.tmux("pipe-pane", "-t", self.session)
        time.sleep(0.2)  # the pipe's last bytes
        return path.stat().st_size if path.exists() else 0
