"""Fixtures of the TISS tests: the local operator in this process (demo data, ManualClock)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from frontdesk.backend.clock import ManualClock

from .harness import LocalTiss, local_tiss


@pytest.fixture
def operator(manual_clock: ManualClock) -> Iterator[LocalTiss]:
    local = local_tiss(manual_clock)
    yield local
    local.backend.close()
