"""Fixtures for tests/app: every test starts in pt-BR, in a fixed time zone, in its own home.

No test may read or write the real user's configuration, keys, data or audit log: the
config file, the XDG directories and HOME point into the test's tmp directory, and the
keyring is an in-memory one.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from config_harness import Home

from frontdesk.app.i18n import set_language
from frontdesk.config import texts
from isolation import isolate_home, swapped_keyring
from memory_keyring import MemoryKeyring


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
    config = isolate_home(root, monkeypatch, unset=("FRONTDESK_THEME",))
    with swapped_keyring(MemoryKeyring()) as memory:
        yield Home(root=root, config=config, state=root / ".local" / "state", keyring=memory)
