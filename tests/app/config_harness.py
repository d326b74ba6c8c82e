"""Helpers for the app's setup tests: an isolated home, an in-memory keyring, a served backend."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from memory_keyring import MemoryKeyring

SERVED_KEY = "served-key-0123456789abcdef"
_SERVING = re.compile(r"serving on (https?://\S+/v1)")


@dataclass
class Home:
    """The isolated directories of one test."""

    root: Path
    config: Path
    state: Path
    keyring: MemoryKeyring

    def write_config(self, text: str) -> Path:
        self.config.parent.mkdir(parents=True, exist_ok=True)
        self.config.write_text(text, encoding="utf-8")
        return self.config

    @property
    def audit_file(self) -> Path:
        return self.state / "frontdesk" / "log" / "audit.jsonl"

    def audit_lines(self) -> list[dict[str, Any]]:
        text = self.audit_file.read_text(encoding="utf-8")
        return [json.loads(line) for line in text.splitlines()]


@contextmanager
def served_backend(tmp: Path) -> Iterator[str]:
    """`python -m frontdesk serve --port 0` on loopback (own HOME and XDG dirs); its URL."""
    env = dict(os.environ)
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        env[name] = str(tmp / name.lower())
    env["HOME"] = str(tmp)
    env["FRONTDESK_CONFIG"] = str(tmp / "none.toml")
    env.pop("FRONTDESK_API_KEY", None)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "frontdesk",
            "serve",
            "--port",
            "0",
            "--db",
            str(tmp / "backend.sqlite3"),
            "--api-key",
            SERVED_KEY,
            "--no-access-log",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    found = _SERVING.search(line)
    try:
        if not found:
            process.kill()
            _, err = process.communicate(timeout=10)
            raise AssertionError(f"serve did not start: {line!r} {err[-2000:]!r}")
        yield found.group(1)
    finally:
        process.terminate()
        try:
            process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
