"""Sign-in attempts: the password check, the lock after wrong passwords, what the user is shown.

The TISS security standard (May 2023) asks, and this module does:

- requirement 69: after at most 5 wrong passwords in a row, the user is blocked for at least
  5 minutes (here `MAX_FAILURES` = 5 and 15 minutes; `frontdesk web users unlock` or a new
  password lifts it sooner);
- requirement 51: the message of a failed sign-in does not say why (wrong password, unknown
  or inactive user): the caller shows one text for all. A blocked name is said, with the
  time the block ends (`Attempt.locked_until`), and says nothing about the name or the
  password: a name that is no user is blocked alike after as many tries (kept in memory,
  `GHOSTS` names at most), and a blocked name's password is not checked, so the block
  cannot be used to tell a right password;
- requirement 42: after signing in, the user sees the previous sign-in (when, from where) and
  the failed attempts since;
- requirement 68: a password older than 180 days must be changed before signing in.

The lock has two sides (OWASP's device cookies, `throttle.py`): wrong passwords from a
browser without a valid device cookie for the user lock the user for every such browser;
a browser with one (where the user signed in before) has its own allowance of
`MAX_FAILURES`, which locks that device cookie only. So whoever can reach the page can lock
out untrusted browsers, never the receptionist's own, and both sides keep TISS 69.

The state (consecutive failures, the locks, the last sign-in) lives in
`<data dir>/web-logins.json`, written only by the server; the users file stays the
technician's. Password checks run in worker threads, at most `workers` at once (each scrypt
check holds 32 MiB), trusted browsers first, with a bounded wait (`throttle.CheckQueue`), and
one at a time per user, so a lock cannot be raced past.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Final, Literal

from frontdesk.config.paths import data_dir
from frontdesk.web.passwords import DUMMY_HASH, verify_password
from frontdesk.web.throttle import Busy, CheckQueue
from frontdesk.web.users import User, UserStore, moment, save_json, utc_text

log = logging.getLogger("frontdesk.web")

STATE_FILE_NAME: Final = "web-logins.json"
MAX_FAILURES: Final = 5
LOCK_SECONDS: Final = 15 * 60
MAX_PASSWORD_AGE_DAYS: Final = 180
KEPT_FAILURES: Final = 20  # shown after the next sign-in (TISS 42); the count goes on
KEPT_DEVICES: Final = 20  # device cookies with failures remembered per user (newest kept)
GHOSTS: Final = 1024  # names that are no user, counted as users are (the oldest forgotten)

Outcome = Literal["ok", "failed", "locked", "failed_locked", "inactive", "unknown_user", "expired"]


def state_file() -> Path:
    """`<data dir>/web-logins.json`."""
    return data_dir() / STATE_FILE_NAME


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Seen:
    """A moment and the address it came from."""

    time: datetime
    address: str

    def to_json(self) -> dict[str, Any]:
        return {"time": utc_text(self.time), "address": self.address}

    @classmethod
    def from_json(cls, data: Any) -> Seen | None:
        if not isinstance(data, dict):
            return None
        when = moment(data.get("time"))
        address = data.get("address")
        if when is None or not isinstance(address, str):
            return None
        return cls(when, address)


@dataclass
class Lock:
    """Consecutive wrong passwords and the lock they led to: the user's (from untrusted
    browsers) or one device cookie's."""

    failures: list[datetime] = field(default_factory=list)  # consecutive, not yet forgiven
    locked_at: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "failures": [utc_text(f) for f in self.failures],
            "locked_at": utc_text(self.locked_at),
        }

    @classmethod
    def from_json(cls, data: Any) -> Lock:
        if not isinstance(data, dict):
            return cls()
        failures = data.get("failures")
        return cls(
            failures=[m for m in map(moment, failures) if m] if isinstance(failures, list) else [],
            locked_at=moment(data.get("locked_at")),
        )


@dataclass
class Record:
    """One user's sign-in state."""

    failures: list[datetime] = field(default_factory=list)  # consecutive, not yet forgiven
    locked_at: datetime | None = None
    last_login: Seen | None = None
    failed_since: list[Seen] = field(default_factory=list)  # since last_login
    failed_count: int = 0
    devices: dict[str, Lock] = field(default_factory=dict)  # device cookie nonce -> its lock

    @property
    def untrusted(self) -> Lock:
        """The lock of browsers without a device cookie (stored flat, as before devices)."""
        return Lock(self.failures, self.locked_at)

    def to_json(self) -> dict[str, Any]:
        return {
            "failures": [utc_text(f) for f in self.failures],
            "locked_at": utc_text(self.locked_at),
            "last_login": self.last_login.to_json() if self.last_login else None,
            "failed_since": [f.to_json() for f in self.failed_since],
            "failed_count": self.failed_count,
            "devices": {nonce: lock.to_json() for nonce, lock in self.devices.items()},
        }

    @classmethod
    def from_json(cls, data: Any) -> Record:
        if not isinstance(data, dict):
            return cls()
        failures = data.get("failures")
        since = data.get("failed_since")
        count = data.get("failed_count")
        devices = data.get("devices")
        return cls(
            failures=[m for m in map(moment, failures) if m] if isinstance(failures, list) else [],
            locked_at=moment(data.get("locked_at")),
            last_login=Seen.from_json(data.get("last_login")),
            failed_since=[s for s in map(Seen.from_json, since) if s]
            if isinstance(since, list)
            else [],
            failed_count=count if isinstance(count, int) and count >= 0 else 0,
            devices={
                str(nonce): Lock.from_json(lock)
                for nonce, lock in (devices.items() if isinstance(devices, dict) else ())
            },
        )


@dataclass(frozen=True)
class Attempt:
    """What one sign-in attempt came to. On success, `previous` and `failures_since` are
    what the user must be shown (TISS 42)."""

    outcome: Outcome
    user: str | None  # None when the name is not a user (never logged as typed)
    trusted: bool = False  # the browser showed a valid device cookie for this user
    previous: Seen | None = None
    failures_since: tuple[Seen, ...] = ()
    failed_count: int = 0
    locked_until: datetime | None = None  # the name is blocked until then (said to the user)

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"


class LoginGuard:
    """Checks sign-in attempts against the users file and keeps the lock state."""

    def __init__(
        self,
        users: UserStore,
        path: Path | None = None,
        *,
        now: Callable[[], datetime] = _now,
        max_failures: int = MAX_FAILURES,
        lock_seconds: float = LOCK_SECONDS,
        max_age_days: int = MAX_PASSWORD_AGE_DAYS,
        workers: int = 2,
        queue_bound: int | None = None,
    ) -> None:
        self.users = users
        self.path = path or state_file()
        self.now = now
        self.max_failures = max_failures
        self.lock = timedelta(seconds=lock_seconds)
        self.max_age = timedelta(days=max_age_days)
        self._records = self._load()
        self.checks = CheckQueue(workers, queue_bound or 4 * max(1, workers))
        self._per_user: dict[tuple[str, str | None], asyncio.Lock] = {}
        self._ghosts: dict[str, Lock] = {}  # names that are no user: blocked alike
        self._waiting: dict[tuple[str, str | None], int] = {}

    def _load(self) -> dict[str, Record]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as error:
            log.warning("sign-in state %s unreadable, starting afresh: %s", self.path, error)
            return {}
        raw = data.get("users") if isinstance(data, dict) else None
        return {str(k): Record.from_json(v) for k, v in (raw or {}).items()}

    def _save(self) -> None:
        payload = {"format": 1, "users": {k: v.to_json() for k, v in self._records.items()}}
        try:
            save_json(self.path, payload)
        except OSError as error:
            log.warning("sign-in state %s not written: %s", self.path, error.strerror or error)

    def record(self, name: str) -> Record:
        return self._records.setdefault(name, Record())

    def _forgiven_before(self, user: User) -> datetime:
        """Failures and locks from before this moment no longer count: the password was
        changed or the technician unlocked the user since."""
        return max(user.changed, user.unlocked or user.changed)

    def _holds(self, lock: Lock, user: User) -> bool:
        forgiven = self._forgiven_before(user)
        return (
            lock.locked_at is not None
            and lock.locked_at >= forgiven
            and self.now() < lock.locked_at + self.lock
        )

    def locked(self, user: User) -> bool:
        """Whether `user` is blocked now for browsers without its device cookie."""
        record = self._records.get(user.name)
        return record is not None and self._holds(record.untrusted, user)

    def locked_until(self, user: User) -> datetime | None:
        """When the untrusted lock of `user` ends, if it holds now."""
        record = self._records.get(user.name)
        if record is None or not self._holds(record.untrusted, user):
            return None
        assert record.locked_at is not None
        return record.locked_at + self.lock

    def locked_devices(self, user: User) -> int:
        """How many of `user`'s device cookies are locked now."""
        record = self._records.get(user.name)
        devices = record.devices.values() if record is not None else ()
        return sum(self._holds(lock, user) for lock in devices)

    async def _verify(self, password: str, stored: str, *, trusted: bool) -> bool:
        async with self.checks.slot(trusted=trusted):
            return await asyncio.to_thread(verify_password, password, stored)

    async def attempt(
        self, name: str, password: str, address: str, *, device: str | None = None
    ) -> Attempt:
        """Check one sign-in; updates and saves the state. `device` is the nonce of the
        browser's valid device cookie for `name`, if it showed one. Never raises for bad
        input; raises `throttle.Busy` when too many checks already wait."""
        user = self.users.get(name)
        if user is None:  # the same cost as for a real user
            await self._verify(password, DUMMY_HASH, trusted=device is not None)
            return self._ghost_attempt(name)
        # One check at a time per lock (the user's for untrusted browsers, each device
        # cookie's own), so no lock is raced past; a flood against one user waits on the
        # untrusted side only, bounded like the password workers' queue.
        key = (name, device)
        waiting = self._waiting.get(key, 0)
        if waiting >= self.checks.bound:
            raise Busy(retry_after=2)
        self._waiting[key] = waiting + 1
        try:
            async with self._per_user.setdefault(key, asyncio.Lock()):
                return await self._attempt(user, password, address, device)
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:
                del self._waiting[key]
                self._per_user.pop(key, None)

    def _lock_of(self, record: Record, device: str | None) -> Lock:
        if device is None:
            return record.untrusted
        return record.devices.get(device) or Lock()

    def _store_lock(self, record: Record, device: str | None, lock: Lock) -> None:
        if device is None:
            record.failures, record.locked_at = lock.failures, lock.locked_at
        elif lock.failures or lock.locked_at is not None:
            record.devices.pop(device, None)
            record.devices[device] = lock  # most recent last
            while len(record.devices) > KEPT_DEVICES:
                record.devices.pop(next(iter(record.devices)))
        else:
            record.devices.pop(device, None)

    async def _attempt(
        self, user: User, password: str, address: str, device: str | None
    ) -> Attempt:
        record = self.record(user.name)
        trusted = device is not None
        lock = self._lock_of(record, device)
        if self._holds(lock, user):
            await self._verify(password, DUMMY_HASH, trusted=trusted)  # no right-password tell
            self._seen_failure(record, address)
            assert lock.locked_at is not None
            return Attempt("locked", user.name, trusted, locked_until=lock.locked_at + self.lock)
        forgiven = self._forgiven_before(user)
        lock.failures = [f for f in lock.failures if f >= forgiven]
        if lock.locked_at is not None:
            lock = Lock()  # served its time (or forgiven): a fresh count of failures
        self._store_lock(record, device, lock)
        matches = await self._verify(password, user.hash, trusted=trusted)
        if not matches:
            lock.failures.append(self.now())
            locking = len(lock.failures) >= self.max_failures
            if locking:
                lock.locked_at = self.now()
            self._store_lock(record, device, lock)
            self._seen_failure(record, address)
            if locking:
                until = self.now() + self.lock
                return Attempt("failed_locked", user.name, trusted, locked_until=until)
            return Attempt("failed", user.name, trusted)
        if not user.active:
            self._seen_failure(record, address)
            return Attempt("inactive", user.name, trusted)
        if self.now() - user.changed > self.max_age:
            return Attempt("expired", user.name, trusted)
        result = Attempt(
            "ok",
            user.name,
            trusted,
            previous=record.last_login,
            failures_since=tuple(record.failed_since),
            failed_count=record.failed_count,
        )
        # A right password clears its own side's count: an attacker's count against
        # untrusted browsers goes on after the receptionist signs in from a trusted one.
        self._store_lock(record, device, Lock())
        record.last_login = Seen(self.now(), address)
        record.failed_since = []
        record.failed_count = 0
        self._save()
        return result

    def _ghost_attempt(self, name: str) -> Attempt:
        """A name that is no user, counted as a user's wrong password is: blocked after as
        many tries for as long, so the block says nothing about whether the name exists."""
        lock = self._ghosts.pop(name, None) or Lock()
        self._ghosts[name] = lock  # the newest last; the oldest forgotten past GHOSTS
        while len(self._ghosts) > GHOSTS:
            del self._ghosts[next(iter(self._ghosts))]
        now = self.now()
        if lock.locked_at is not None:
            if now < lock.locked_at + self.lock:
                return Attempt("locked", None, locked_until=lock.locked_at + self.lock)
            lock.locked_at, lock.failures = None, []
        lock.failures.append(now)
        if len(lock.failures) >= self.max_failures:
            lock.locked_at = now
            return Attempt("unknown_user", None, locked_until=now + self.lock)
        return Attempt("unknown_user", None)

    def _seen_failure(self, record: Record, address: str) -> None:
        """Note one failed sign-in for the next successful one to show (TISS 42)."""
        record.failed_since = [*record.failed_since, Seen(self.now(), address)][-KEPT_FAILURES:]
        record.failed_count += 1
        self._save()
