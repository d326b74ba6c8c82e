"""Fixtures for tests/app: every test starts in pt-BR, in a fixed time zone."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from frontdesk.app.i18n import set_language


@pytest.fixture(autouse=True)
def _portuguese_and_fixed_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test starts in pt-BR, in São Paulo's time zone (stable local times)."""
    monkeypatch.setenv("TZ", "America/Sao_Paulo")
    time.tzset()
    set_language("pt")
    yield
    set_language("pt")
    monkeypatch.undo()
    time.tzset()
