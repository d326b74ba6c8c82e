"""Sign-in attempts: the password check, the lock after wrong passwords, what the user is shown.

The TISS security standard (May 2023) asks, and this module does:

- requirement 69: after at most 5 wrong passwords in a row, the user is blocked for at least
  5 minutes (here `MAX_FAILURES` = 5 and 15 minutes; `frontdesk web users unlock` or a new
  password lifts it sooner);
- requirement 51: the message of a failed sign-in does not say why (wrong password, unknown
  or inactive user, blocked): the caller shows one text for all;
- requirement 42: after signing in, the user sees the previous sign-in (when, from where) and
  the failed attempts since;
- requirement 68: a password older than 180 days must be changed before signing in.

The state (consecutive failures, the lock, the last sign-in) lives in
`<data dir>/web-logins.json`, written only by the server; the users file stays the
technician's. Password checks run in worker threads, at most `workers` at once (each scrypt
check holds 32 MiB), and one at a time per user, so a lock cannot be raced past.
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
from frontdesk.web.users import User, UserStore, moment, save_json, stamp

log = logging.getLogger("frontdesk.web")

STATE_FILE_NAME: Final = "web-logins.json"
MAX_FAILURES: Final = 5
LOCK_SECONDS: Final = 15 * 60
MAX_PASSWORD_AGE_DAYS: Final = 180
KEPT_FAILURES: Final = 20  # shown after the next sign-in (TISS 42); the count goes on

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
        return {"time": stamp(self.time), "address": self.address}

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
class Record:
    """One user's sign-in state."""

    failures: list[datetime] = field(default_factory=list)  # consecutive, not yet forgiven
    locked_at: datetime | None = None
    last_login: Seen | None = None
    failed_since: list[Seen] = field(default_factory=list)  # since last_login
    failed_count: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "failures": [stamp(f) for f in self.failures],
            "locked_at": stamp(self.locked_at),
            "last_login": self.last_login.to_json() if self.last_login else None,
            "failed_since": [f.to_json() for f in self.failed_since],
            "failed_count": self.failed_count,
        }

    @classmethod
    def from_json(cls, data: Any) -> Record:
        if not isinstance(data, dict):
            return cls()
        failures = data.get("failures")
        since = data.get("failed_since")
        count = data.get("failed_count")
        return cls(
            failures=[m for m in map(moment, failures) if m] if isinstance(failures, list) else [],
            locked_at=moment(data.get("locked_at")),
            last_login=Seen.from_json(data.get("last_login")),
            failed_since=[s for s in map(Seen.from_json, since) if s]
            if isinstance(since, list)
            else [],
            failed_count=count if isinstance(count, int) and count >= 0 else 0,
        )


@dataclass(frozen=True)
class Attempt:
    """What one sign-in attempt came to. On success, `previous` and `failures_since` are
    what the user must be shown (TISS 42)."""

    outcome: Outcome
    user: str | None  # None when the name is not a user (never logged as typed)
    previous: Seen | None = None
    failures_since: tuple[Seen, ...] = ()
    failed_count: int = 0

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
    ) -> None:
        self.users = users
        self.path = path or state_file()
        self.now = now
        self.max_failures = max_failures
        self.lock = timedelta(seconds=lock_seconds)
        self.max_age = timedelta(days=max_age_days)
        self._records = self._load()
        self._checks = asyncio.Semaphore(max(1, workers))
        self._per_user: dict[str, asyncio.Lock] = {}

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

    def locked(self, user: User) -> bool:
        """Whether `user` is blocked now."""
        record = self._records.get(user.name)
        if record is None or record.locked_at is None:
            return False
        forgiven = self._forgiven_before(user)
        return record.locked_at >= forgiven and self.now() < record.locked_at + self.lock

    async def _verify(self, password: str, stored: str) -> bool:
        async with self._checks:
            return await asyncio.to_thread(verify_password, password, stored)

    async def attempt(self, name: str, password: str, address: str) -> Attempt:
        """Check one sign-in; updates and saves the state. Never raises for bad input."""
        user = self.users.get(name)
        if user is None:
            await self._verify(password, DUMMY_HASH)  # the same cost as for a real user
            return Attempt("unknown_user", None)
        lock = self._per_user.setdefault(name, asyncio.Lock())
        async with lock:
            return await self._attempt(user, password, address)

    async def _attempt(self, user: User, password: str, address: str) -> Attempt:
        record = self.record(user.name)
        if self.locked(user):
            await self._verify(password, DUMMY_HASH)
            self._failed(record, address, lock_now=False)
            return Attempt("locked", user.name)
        forgiven = self._forgiven_before(user)
        record.failures = [f for f in record.failures if f >= forgiven]
        if record.locked_at is not None and not self.locked(user):
            record.locked_at = None  # served its time: a fresh count of failures
            record.failures = []
        matches = await self._verify(password, user.hash)
        if not matches:
            locked_now = self._failed(record, address, lock_now=True)
            return Attempt("failed_locked" if locked_now else "failed", user.name)
        if not user.active:
            self._failed(record, address, lock_now=False)
            return Attempt("inactive", user.name)
        if self.now() - user.changed > self.max_age:
            return Attempt("expired", user.name)
        result = Attempt(
            "ok",
            user.name,
            previous=record.last_login,
            failures_since=tuple(record.failed_since),
            failed_count=record.failed_count,
        )
        record.failures = []
        record.locked_at = None
        record.last_login = Seen(self.now(), address)
        record.failed_since = []
        record.failed_count = 0
        self._save()
        return result

    def _failed(self, record: Record, address: str, *, lock_now: bool) -> bool:
        """Count one failure; True when it is the one that locks the user."""
        now = self.now()
        record.failed_since = [*record.failed_since, Seen(now, address)][-KEPT_FAILURES:]
        record.failed_count += 1
        locking = False
        if lock_now:
            record.failures.append(now)
            if len(record.failures) >= self.max_failures:
                record.locked_at = now
                locking = True
        self._save()
        return locking
