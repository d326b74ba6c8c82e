"""Failed attempts per client address: a growing delay, then a wait (429 with Retry-After).

Used where a password is guessed from outside: `frontdesk web`'s sign-in (for browsers
without a device cookie, `web/throttle.py`) and the local TISS operator's login. Counts
only failures; the clock is injected (seconds, any monotonic source). Bounded memory: at
most `max_addresses` addresses, the oldest forgotten first.
"""

from __future__ import annotations

import math
from collections import OrderedDict, deque
from collections.abc import Callable

import msgspec


class Limits(msgspec.Struct, frozen=True):
    """How many failed attempts an address, and everyone together, may make before waiting."""

    window_seconds: float = 15 * 60
    free_failures: int = 5  # per address in the window, answered at once
    max_failures: int = 20  # per address in the window; then 429
    max_delay: float = 8.0  # the growing delay's ceiling, in seconds
    global_per_minute: int = 120  # failures per minute from every address together
    max_addresses: int = 10_000  # addresses remembered (the oldest forgotten first)


class AddressLimiter:
    """Counts failed attempts per client address and overall; says how long to wait."""

    def __init__(self, limits: Limits, *, now: Callable[[], float]) -> None:
        self.limits = limits
        self.now = now
        self._by_address: OrderedDict[str, deque[float]] = OrderedDict()
        self._everyone: deque[float] = deque()

    def _recent(self, address: str) -> deque[float]:
        seen = self._by_address.get(address)
        if seen is None:
            return deque()
        horizon = self.now() - self.limits.window_seconds
        while seen and seen[0] <= horizon:
            seen.popleft()
        return seen

    def retry_after(self, address: str) -> int | None:
        """Seconds until `address` may try again, when it is over a limit now; else None."""
        now = self.now()
        while self._everyone and self._everyone[0] <= now - 60:
            self._everyone.popleft()
        waits: list[float] = []
        if len(self._everyone) >= self.limits.global_per_minute:
            waits.append(self._everyone[0] + 60 - now)
        seen = self._recent(address)
        if len(seen) >= self.limits.max_failures:
            index = len(seen) - self.limits.max_failures
            waits.append(seen[index] + self.limits.window_seconds - now)
        return max(1, math.ceil(max(waits))) if waits else None

    def delay(self, address: str) -> float:
        """The growing delay before `address`'s next check: 0 for the first few failures,
        then 0.25 s doubling up to `max_delay`."""
        over = len(self._recent(address)) - self.limits.free_failures
        return 0.0 if over < 0 else min(self.limits.max_delay, 0.25 * 2**over)

    def failed(self, address: str) -> None:
        now = self.now()
        self._everyone.append(now)
        seen = self._by_address.pop(address, None) or deque()
        seen.append(now)
        while len(seen) > self.limits.max_failures:
            seen.popleft()
        self._by_address[address] = seen  # most recent last
        while len(self._by_address) > self.limits.max_addresses:
            self._by_address.popitem(last=False)
