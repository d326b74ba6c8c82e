"""The one shared test-isolation module: a private home and keyring, `frontdesk serve` run aside.

Every test runs in its own HOME (tests/conftest.py's autouse `home` fixture): the config file,
the XDG directories and the keyring are the test's own, so no test reads or writes the real
user's configuration, keys, data or audit log. Processes started here are registered, and the
suite fails at its end if one is still running (tests/conftest.py).
"""

from __future__ import annotations

import json
import os
import re
import ssl
import subprocess
import sys
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx
import keyring
import keyring.core
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import chainer
from keyring.errors import KeyringError, KeyringLocked, PasswordDeleteError

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
_SERVING = re.compile(r"(?:serving on|atendendo em) (https?://\S+/v1)")  # en, pt

# One TLS context for every client of a served backend: building one per client (CA bundle)
# costs ~50 ms, and the loopback URLs are plain HTTP anyway.
TLS_CONTEXT = ssl.create_default_context()

STARTED: list[subprocess.Popen[str]] = []
"""Every process the support code started; none may still run when the suite ends."""

K = TypeVar("K", bound=KeyringBackend)


@dataclass
class Home:
    """The isolated directories of one test, and its in-memory keyring."""

    root: Path
    config: Path
    keys: Path
    state: Path
    data: Path
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


def write_config(home: Home, text: str) -> Path:
    return home.write_config(text)


@dataclass
class Served:
    """A `frontdesk serve` the suite started: its URL, its key, and its CA (HTTPS)."""

    url: str
    key: str
    ca: Path | None = None


class MemoryKeyring(KeyringBackend):
    """A keyring that keeps passwords in a dict."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        try:
            del self.passwords[(service, username)]
        except KeyError:
            raise PasswordDeleteError("not found") from None


class FailingKeyring(KeyringBackend):
    """A keyring whose every call fails, like Secret Service without D-Bus."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringError("Environment variable DBUS_SESSION_BUS_ADDRESS is unset")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringError("Environment variable DBUS_SESSION_BUS_ADDRESS is unset")

    def delete_password(self, service: str, username: str) -> None:
        raise KeyringError("Environment variable DBUS_SESSION_BUS_ADDRESS is unset")


class LockedKeyring(FailingKeyring):
    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringLocked("collection is locked")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringLocked("collection is locked")


class EmptyChainer(chainer.ChainerBackend):
    """The chainer keyring when no backend is viable (a server without a desktop): it chains
    nothing. Its own class attribute, so the library's class is left as it is."""

    backends: list[KeyringBackend] = []  # noqa: RUF012 (read-only: nothing to chain)


class HangingKeyring(KeyringBackend):
    """A keyring that never answers (until the test ends and releases it)."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.release = threading.Event()
        self.calls = 0

    def _hang(self) -> None:
        self.calls += 1
        self.release.wait(60)

    def get_password(self, service: str, username: str) -> str | None:
        self._hang()
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        self._hang()

    def delete_password(self, service: str, username: str) -> None:
        self._hang()


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
    tmp: Path,
    *extra: str,
    env_extra: Mapping[str, str] | None = None,
    database: str | None = None,
    log: Path | None = None,
) -> tuple[subprocess.Popen[str], str]:
    """Start `python -m frontdesk serve --port 0` with HOME and XDG dirs in `tmp`.

    `extra` goes on the command line (TLS options, ...), `env_extra` into its environment;
    `database` (a `--database` URL) replaces the SQLite file in `tmp`; `log`: its stderr
    goes to that file (a server that runs for many tests never fills a pipe nobody reads).
    Returns the process and the URL it announced; raises AssertionError if it did not start.
    """
    env = dict(os.environ)
    for name in _XDG:
        env[name] = str(tmp / name.lower())
    env["HOME"] = str(tmp)
    env["FRONTDESK_CONFIG"] = str(tmp / "none.toml")  # no profile: serve reads none anyway
    env.update(env_extra or {})
    env.pop("FRONTDESK_API_KEY", None)
    errors: Any = subprocess.PIPE
    if log is not None:
        log.parent.mkdir(parents=True, exist_ok=True)
        errors = log.open("a", encoding="utf-8")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "frontdesk",
            "serve",
            "--port",
            "0",
            *(("--database", database) if database else ("--db", str(tmp / "backend.sqlite3"))),
            "--api-key",
            SERVED_KEY,
            "--no-access-log",
            *extra,
        ],
        stdout=subprocess.PIPE,
        stderr=errors,
        text=True,
        env=env,
    )
    if log is not None:
        errors.close()  # the server has its own descriptor
    STARTED.append(process)
    assert process.stdout is not None
    line = process.stdout.readline()
    found = _SERVING.search(line)
    if not found:
        process.kill()
        _, err = process.communicate(timeout=10)
        if log is not None:
            err = log.read_text(encoding="utf-8", errors="replace")
        raise AssertionError(f"serve did not start: {line!r} {err[-2000:]!r}")
    return process, found.group(1)


def stop_process(process: subprocess.Popen[Any], grace: float = 15) -> None:
    """Stop a process this suite started: terminate, and kill it if it has not gone after
    `grace` seconds; always reaped."""
    process.terminate()
    try:
        process.communicate(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()


def stop_serve(process: subprocess.Popen[str]) -> None:
    """Stop a served backend (`stop_process`)."""
    stop_process(process)


def served_app_code(url: str, card: str) -> str:
    """The code the patient's app shows now for `card` (the served simulator's
    `GET /v1/_local/app-code`; `url` ends in /v1)."""
    answer = httpx.get(
        f"{url}/_local/app-code",
        params={"card": card},
        headers={"Authorization": f"Bearer {SERVED_KEY}"},
        timeout=10,
    )
    answer.raise_for_status()
    return str(answer.json()["code"])


@contextmanager
def served_backend(
    tmp: Path,
    *extra: str,
    env_extra: Mapping[str, str] | None = None,
    database: str | None = None,
) -> Iterator[str]:
    """A served backend (see `start_serve`) for the duration of the block; its URL."""
    process, url = start_serve(tmp, *extra, env_extra=env_extra, database=database)
    try:
        yield url
    finally:
        stop_serve(process)
