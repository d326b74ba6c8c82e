"""Clocks for tests: a monotonic clock (a callable returning seconds) moved by hand."""

from __future__ import annotations


class Monotonic:
    """A monotonic clock that moves only when told."""

    def __init__(self, start: float = 1000.0) -> None:
        self.value = start

    def __call__(self) -> float:
        return self.value

    def advance(self, seconds: float) -> None:
        self.value += seconds
