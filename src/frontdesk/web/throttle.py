"""What keeps the sign-in available under attack: device cookies, address and global limits,
and a bounded queue in front of the password checks.

- **Device cookies** (OWASP, "Slow Down Online Guessing Attacks with Device Cookies"): a
  successful sign-in gives the browser a token signed by this server and bound to the user.
  A browser that shows a valid token for the name it signs in as is *trusted* for that user:
  its wrong passwords lock that token only, never the user, so an attacker who locks a user
  out of untrusted browsers does not lock out the receptionist's own (`guard.py`).
- **Address and global limits** on failed sign-ins from untrusted browsers: past a few
  failures an address waits a growing delay, then gets 429 with Retry-After; a global count
  per minute protects the password workers from a distributed flood. Trusted browsers are
  exempt (a clinic's desks often share one address behind NAT).
- **A bounded queue** for the scrypt workers: at most `bound` untrusted checks wait; past
  that the server answers 503 at once instead of queueing. Trusted checks go first.

The signing key lives in `<data dir>/web-device.key` (private, made on first use), so device
cookies survive a restart; deleting the file distrusts every browser.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import os
import secrets
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Final

from frontdesk.config.paths import data_dir, ensure_private_dir
from frontdesk.core.attempts import AddressLimiter, Limits

__all__ = ["AddressLimiter", "Busy", "CheckQueue", "DeviceCookies", "Limits", "load_key"]

KEY_FILE_NAME: Final = "web-device.key"
DEVICE_DAYS: Final = 180
"""How long a device cookie is valid (the password's own maximum age, TISS 68)."""
MAX_DEVICE_TOKENS: Final = 8
"""Tokens one browser keeps (one per user who signed in there; the newest kept)."""
_VERSION: Final = "d1"


def key_file() -> Path:
    """`<data dir>/web-device.key`."""
    return data_dir() / KEY_FILE_NAME


def load_key(path: Path | None = None) -> bytes:
    """The device cookies' signing key, made (32 random bytes, mode 0600) on first use."""
    path = path or key_file()
    try:
        key = path.read_bytes()
        if len(key) >= 32:
            return key
    except FileNotFoundError:
        pass
    ensure_private_dir(path.parent, tighten=False)
    key = secrets.token_bytes(32)
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key)
    return key


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class DeviceCookies:
    """Issues and checks device tokens: `d1.<user>.<nonce>.<expiry>.<mac>`, several per cookie
    (separated by `~`), the newest first."""

    def __init__(self, key: bytes, *, now: Callable[[], float], days: float = DEVICE_DAYS) -> None:
        self._key = key
        self.now = now
        self.seconds = days * 86400

    def _mac(self, user: str, nonce: str, expiry: str) -> str:
        message = f"{_VERSION}|{user}|{nonce}|{expiry}".encode()
        return _b64(hmac.new(self._key, message, hashlib.sha256).digest())

    def issue(self, user: str) -> str:
        nonce = secrets.token_urlsafe(12)
        expiry = str(int(self.now() + self.seconds))
        name = _b64(user.encode("utf-8"))
        return f"{_VERSION}.{name}.{nonce}.{expiry}.{self._mac(user, nonce, expiry)}"

    def _check(self, token: str) -> tuple[str, str] | None:
        """(user, nonce) of a valid, unexpired token; None otherwise."""
        parts = token.split(".")
        if len(parts) != 5 or parts[0] != _VERSION:
            return None
        _, name, nonce, expiry, mac = parts
        try:
            user = _unb64(name).decode("utf-8")
            expires = int(expiry)
        except (ValueError, UnicodeDecodeError):
            return None
        if not hmac.compare_digest(mac, self._mac(user, nonce, expiry)):
            return None
        return (user, nonce) if self.now() < expires else None

    def trusted(self, cookie: str | None, user: str) -> str | None:
        """The nonce of `cookie`'s valid token for `user`, if it has one."""
        for token in (cookie or "").split("~")[:MAX_DEVICE_TOKENS]:
            found = self._check(token)
            if found is not None and found[0] == user:
                return found[1]
        return None

    def add(self, cookie: str | None, user: str) -> str:
        """`cookie` with a fresh token for `user` first (its old ones and invalid ones gone)."""
        kept = [
            token
            for token in (cookie or "").split("~")[:MAX_DEVICE_TOKENS]
            if (found := self._check(token)) is not None and found[0] != user
        ]
        return "~".join([self.issue(user), *kept][:MAX_DEVICE_TOKENS])


class Busy(Exception):
    """Too many sign-ins already wait for a password check; try again in `retry_after` s."""

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(f"sign-in queue full; retry after {retry_after} s")


class CheckQueue:
    """At most `workers` password checks at once; trusted callers go first; at most `bound`
    untrusted callers wait (more get `Busy` at once), and at most `bound` trusted ones."""

    def __init__(self, workers: int, bound: int) -> None:
        self.workers = max(1, workers)
        self.bound = max(1, bound)
        self._running = 0
        self._waiting: dict[bool, deque[asyncio.Future[None]]] = {True: deque(), False: deque()}

    def waiting(self, trusted: bool) -> int:
        return len(self._waiting[trusted])

    @asynccontextmanager
    async def slot(self, *, trusted: bool) -> AsyncIterator[None]:
        if self._running < self.workers and not any(self._waiting.values()):
            self._running += 1
        else:
            queue = self._waiting[trusted]
            if len(queue) >= self.bound:
                raise Busy(retry_after=2)
            turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            queue.append(turn)
            try:
                await turn  # `_release` hands over its place: _running stays counted
            except asyncio.CancelledError:
                if turn in queue:
                    queue.remove(turn)
                elif turn.done() and not turn.cancelled():
                    self._release()  # handed a place it will not use: pass it on
                raise
        try:
            yield
        finally:
            self._release()

    def _release(self) -> None:
        for trusted in (True, False):
            queue = self._waiting[trusted]
            while queue:
                turn = queue.popleft()
                if not turn.done():
                    turn.set_result(None)
                    return
        self._running -= 1
