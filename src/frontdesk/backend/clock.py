"""Clocks for the token engine: the real one (with a simulator offset) and a manual one."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    """What the engine and the backend need of time: seconds since the epoch, movable."""

    def now(self) -> float: ...

    def advance(self, seconds: float) -> None: ...

    @property
    def offset(self) -> float: ...


class SystemClock:
    """Wall-clock time plus an offset the simulator can move forward (never back)."""

    def __init__(self) -> None:
        self._offset = 0.0

    def now(self) -> float:
        return time.time() + self._offset

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        self._offset += seconds

    @property
    def offset(self) -> float:
        return self._offset


class ManualClock:
    """A clock that stands still until told to move: for tests and snapshots."""

    def __init__(self, start: float) -> None:
        self._start = start
        self._now = start

    def now(self) -> float:
        return self._now

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        self._now += seconds

    @property
    def offset(self) -> float:
        return self._now - self._start


def rfc3339(epoch: float) -> str:
    """RFC 3339 in UTC with a `Z`, to the second (the contract's timestamp form)."""
    return datetime.fromtimestamp(int(epoch), tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
