"""Fixtures for tests/app: every test starts in pt-BR, in a fixed time zone, in its own home.

No test may read or write the real user's configuration, keys, data or audit log: the
config file, the XDG directories and HOME point into the test's tmp directory, and the
keyring is an in-memory one.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.core
import pytest
from config_harness import Home, MemoryKeyring

from frontdesk.app.i18n import set_language
from frontdesk.config import texts


@pytest.fixture(autouse=True)
def _portuguese_and_fixed_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test starts in pt-BR, in São Paulo's time zone (stable local times)."""
    monkeypatch.setenv("TZ", "America/Sao_Paulo")
    time.tzset()
    set_language("pt")
    yield
    set_language("pt")
    texts.set_language(None)
    monkeypatch.undo()
    time.tzset()


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Home]:
    """An isolated HOME, XDG directories, config file path and in-memory keyring."""
    root = tmp_path / "home"
    root.mkdir()
    for name, sub in (
        ("HOME", ""),
        ("XDG_CONFIG_HOME", ".config"),
        ("XDG_DATA_HOME", ".local/share"),
        ("XDG_STATE_HOME", ".local/state"),
        ("XDG_CACHE_HOME", ".cache"),
    ):
        monkeypatch.setenv(name, str(root / sub) if sub else str(root))
    config = root / ".config" / "frontdesk" / "config.toml"
    monkeypatch.setenv("FRONTDESK_CONFIG", str(config))
    for name in ("FRONTDESK_API_KEY", "FRONTDESK_PROFILE", "FRONTDESK_THEME", "LC_ALL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    memory = MemoryKeyring()
    previous = keyring.core._keyring_backend
    keyring.set_keyring(memory)
    yield Home(root=root, config=config, state=root / ".local" / "state", keyring=memory)
    keyring.core._keyring_backend = previous
