"""Test isolation shared by the suites: a private home and keyring; `frontdesk serve` run aside."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import keyring
import keyring.core
import pytest
from keyring.backend import KeyringBackend

SERVED_KEY = "served-key-0123456789abcdef"
"""The API key every served backend of the test suites is started with."""

_XDG = ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME")
_HOME_DIRS = (
    ("HOME", ""),
    ("XDG_CONFIG_HOME", ".config"),
    ("XDG_DATA_HOME", ".local/share"),
    ("XDG_STATE_HOME", ".local/state"),
    ("XDG_CACHE_HOME", ".cache"),
)
_ALWAYS_UNSET = ("FRONTDESK_API_KEY", "FRONTDESK_PROFILE", "LC_ALL", "LC_MESSAGES")
_SERVING = re.compile(r"serving on (https?://\S+/v1)")

K = TypeVar("K", bound=KeyringBackend)


def isolate_home(root: Path, monkeypatch: pytest.MonkeyPatch, *, unset: Iterable[str] = ()) -> Path:
    """Create `root` and make it HOME, with XDG dirs, FRONTDESK_CONFIG and LANG inside/pinned.

    FRONTDESK_API_KEY, FRONTDESK_PROFILE, LC_ALL, LC_MESSAGES and every name in `unset` are
    removed from the environment. Returns the config file's path (not created).
    """
    root.mkdir()
    for name, sub in _HOME_DIRS:
        monkeypatch.setenv(name, str(root / sub) if sub else str(root))
    config = root / ".config" / "frontdesk" / "config.toml"
    monkeypatch.setenv("FRONTDESK_CONFIG", str(config))
    for name in (*_ALWAYS_UNSET, *unset):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    return config


@contextmanager
def swapped_keyring(backend: K) -> Iterator[K]:
    """Make `backend` the process's keyring; the previous one is back afterwards."""
    previous = keyring.core._keyring_backend
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.core._keyring_backend = previous


def start_serve(
    tmp: Path, *extra: str, env_extra: Mapping[str, str] | None = None
) -> tuple[subprocess.Popen[str], str]:
    """Start `python -m frontdesk serve --port 0` with HOME and XDG dirs in `tmp`.

    `extra` goes on the command line (TLS options, ...), `env_extra` into its environment.
    Returns the process and the URL it announced; raises AssertionError if it did not start.
    """
    env = dict(os.environ)
    for name in _XDG:
        env[name] = str(tmp / name.lower())
    env["HOME"] = str(tmp)
    env.update(env_extra or {})
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
            *extra,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    found = _SERVING.search(line)
    if not found:
        process.kill()
        _, err = process.communicate(timeout=10)
        raise AssertionError(f"serve did not start: {line!r} {err[-2000:]!r}")
    return process, found.group(1)


def stop_serve(process: subprocess.Popen[str]) -> None:
    """Stop a served backend: terminate, and kill it if it has not gone after 15 s."""
    process.terminate()
    try:
        process.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()


@contextmanager
def served_backend(
    tmp: Path, *extra: str, env_extra: Mapping[str, str] | None = None
) -> Iterator[str]:
    """A served backend (see `start_serve`) for the duration of the block; its URL."""
    process, url = start_serve(tmp, *extra, env_extra=env_extra)
    try:
        yield url
    finally:
        stop_serve(process)
