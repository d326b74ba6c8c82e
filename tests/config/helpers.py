"""Test helpers for the setup layer: keyrings that work, fail, lock or hang; config writing."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import KeyringError, KeyringLocked

from isolation import SERVED_KEY as SERVED_KEY
from memory_keyring import MemoryKeyring


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


@dataclass
class Home:
    """The isolated directories of one test."""

    root: Path
    config: Path
    keys: Path
    state: Path
    data: Path
    keyring: MemoryKeyring


@dataclass
class Served:
    url: str
    key: str
    ca: Path | None = None


def write_config(home: Home, text: str) -> Path:
    home.config.parent.mkdir(parents=True, exist_ok=True)
    home.config.write_text(text, encoding="utf-8")
    return home.config
