"""`frontdesk web --database URL`: the web hosts' state in the database they share.

Several web hosts behind a load balancer on one database (`docs/deploy.md`) share, besides
the users (`config.shared_users`):

- **sessions** (`DatabaseSessions`, table `web_sessions`): a row per session, keyed by the
  SHA-256 of its token (the token itself is only in the browser's cookie), with the user,
  the CSRF token, the sign-in shown on the desk page, the last activity and why it ended.
  Signed in on host A is signed in on host B; when A dies, the next page load on B finds
  the session and opens a new desk for it. Activity is written at most every
  `touch_seconds` (keys typed would otherwise write a row each), and a session read is
  trusted for `recheck_seconds` on the host that read it;
- **sign-in locks** (`SignInTable`, tables `web_locks`, `web_failed`, `web_logins`): one
  row per user (or name that is no user) and device cookie ('' for browsers without one),
  its count of consecutive wrong passwords and when it locked. A wrong password is counted
  by one statement (`INSERT … ON CONFLICT … DO UPDATE … RETURNING`), so two hosts counting
  at once never lose a count, and the fifth, wherever it is typed, locks on every host;
- **device cookies**: signed with a key kept in the database (`meta`), so a browser
  trusted on host A is trusted on B, and its lock is its row;
- the sign-in forms' key, so a form served by A can be sent to B;
- and the audit (`config.shared_audit`).

Each host keeps in memory only what belongs to it: its desks, the address limiter and the
failed sign-in pages waiting for their redirect (the load balancer's stickiness keeps a
browser on its host).
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from frontdesk.audit_log import AuditLog
from frontdesk.backend.database import Database
from frontdesk.backend.local import open_store
from frontdesk.backend.records import StorageUnavailable, Store
from frontdesk.config.shared_audit import DatabaseAudit
from frontdesk.core.i18n import Language
from frontdesk.web.guard import Attempt, LoginGuard, Record, Seen
from frontdesk.web.http import language
from frontdesk.web.passwords import DUMMY_HASH
from frontdesk.web.sessions import GONE_KEPT_SECONDS, EndReason, Session, new_token
from frontdesk.web.users import User, UsersError, UserStore

EPOCH: Final = datetime.fromtimestamp(0, UTC)
KEPT_FAILURES: Final = 20


def token_id(token: str) -> str:
    """What the database keeps of a session token: its SHA-256 (a leaked table signs no one
    in)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _moment(seconds: float | None) -> datetime | None:
    return None if seconds is None else datetime.fromtimestamp(float(seconds), UTC)


def shared_key(store: Store, name: str) -> bytes:
    """The 32-byte key `name` in the database's `meta`, made by the first host that asks."""
    with store.transaction():
        store.lock_key(f"frontdesk {name}")
        sql: Any = store.connection()  # type: ignore[attr-defined]
        row = sql.execute("SELECT value FROM meta WHERE key = ?", (name,)).fetchone()
        if row is not None:
            return bytes(row[0])
        key = secrets.token_bytes(32)
        sql.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (name, key))
        return key


class _Table:
    """A store's SQL, its failures as `UsersError` (what the server already handles)."""

    def __init__(self, store: Store, shown: str) -> None:
        self.store = store
        self.shown = shown

    def run(self, work: Callable[[Any], Any], *, commit: bool = True, key: str = "") -> Any:
        try:
            with self.store.transaction(commit=commit):
                if key:
                    self.store.lock_key(key)
                return work(self.store.connection())  # type: ignore[attr-defined]
        except StorageUnavailable as error:
            raise UsersError(f"{self.shown}: {error.cause}") from None


# --- sessions ---------------------------------------------------------------------------


def _attempt_json(attempt: Attempt) -> str:
    return json.dumps(
        {
            "outcome": attempt.outcome,
            "user": attempt.user,
            "trusted": attempt.trusted,
            "previous": attempt.previous.to_json() if attempt.previous else None,
            "failures_since": [seen.to_json() for seen in attempt.failures_since],
            "failed_count": attempt.failed_count,
        }
    )


def _attempt(text: str) -> Attempt:
    data = json.loads(text)
    since = [Seen.from_json(s) for s in data.get("failures_since") or ()]
    return Attempt(
        "ok",
        data.get("user"),
        bool(data.get("trusted")),
        previous=Seen.from_json(data.get("previous")),
        failures_since=tuple(s for s in since if s is not None),
        failed_count=int(data.get("failed_count") or 0),
    )


def _session(token: str, row: Any) -> Session:
    return Session(
        token=token,
        user=str(row[0]),
        address=str(row[1]),
        lang=language(row[2]),
        csrf=str(row[3]),
        sign_in=_attempt(str(row[4])),
        started=float(row[5]),
        last_active=float(row[6]),
        ended=row[7],
    )


class DatabaseSessions:
    """The sessions of every web host, in `web_sessions` (`sessions.Sessions`)."""

    def __init__(
        self,
        store: Store,
        shown: str,
        idle_seconds: float,
        *,
        clock: Callable[[], float] = time.time,
        recheck_seconds: float = 1.0,
    ) -> None:
        self.table = _Table(store, shown)
        self.idle_seconds = idle_seconds
        self.clock = clock
        self.touch_seconds = min(5.0, idle_seconds / 10)
        self.recheck_seconds = recheck_seconds
        self._seen: dict[str, tuple[float, Session]] = {}  # token -> (read at, session)

    def open(self, user: str, address: str, lang: Language | None, sign_in: Attempt) -> Session:
        now = self.clock()
        session = Session(new_token(), user, address, lang, now, now, sign_in)
        self.table.run(
            lambda sql: sql.execute(
                "INSERT INTO web_sessions (id, user_name, address, lang, csrf, sign_in, started, "
                "last_active, desk_end) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    token_id(session.token),
                    user,
                    address,
                    lang,
                    session.csrf,
                    _attempt_json(sign_in),
                    now,
                    now,
                    None,
                ),
            )
        )
        self._seen[session.token] = (now, session)
        return session

    def idle(self, session: Session) -> bool:
        return self.clock() - session.last_active >= self.idle_seconds

    def find(self, token: str | None) -> Session | None:
        """The live session of `token`, on whichever host it was opened."""
        if not token:
            return None
        now = self.clock()
        seen = self._seen.get(token)
        if seen is not None and now - seen[0] < self.recheck_seconds:
            return None if self.idle(seen[1]) else seen[1]
        row = self.table.run(
            lambda sql: sql.execute(
                "SELECT user_name, address, lang, csrf, sign_in, started, last_active, desk_end "
                "FROM web_sessions WHERE id = ? AND end_reason IS NULL",
                (token_id(token),),
            ).fetchone(),
            commit=False,
        )
        if row is None:
            self._seen.pop(token, None)
            return None
        session = _session(token, row)
        if seen is not None:  # the same object for the same session on this host
            seen[1].last_active, seen[1].ended = session.last_active, session.ended
            session = seen[1]
        self._seen[token] = (now, session)
        return None if self.idle(session) else session

    def touch(self, session: Session) -> None:
        now = self.clock()
        if now - session.last_active < self.touch_seconds:
            return
        session.last_active = now
        self.table.run(
            lambda sql: sql.execute(
                "UPDATE web_sessions SET last_active = ? WHERE id = ? AND last_active < ?",
                (now, token_id(session.token), now),
            )
        )

    def mark_ended(self, session: Session, why: str) -> None:
        """Why the session's desk closed (quit, elsewhere, full), for its next page."""
        session.ended = why
        self.table.run(
            lambda sql: sql.execute(
                "UPDATE web_sessions SET desk_end = ? WHERE id = ?", (why, token_id(session.token))
            )
        )

    def close(self, token: str, reason: EndReason) -> Session | None:
        """End the session of `token` (if live), remembering why."""
        self._seen.pop(token, None)
        row = self.table.run(
            lambda sql: sql.execute(
                "UPDATE web_sessions SET end_reason = ?, ended_at = ? "
                "WHERE id = ? AND end_reason IS NULL RETURNING user_name, address, lang, csrf, "
                "sign_in, started, last_active, desk_end",
                (reason, self.clock(), token_id(token)),
            ).fetchone()
        )
        return None if row is None else _session(token, row)

    def idle_out(self) -> list[Session]:
        """End and return every session idle too long, on any host (each once: the
        statement that ends it returns it to one host only). Their tokens are unknown here
        (`token` is ''): each host closes its desks whose sessions are no longer live."""
        now = self.clock()

        def work(sql: Any) -> list[Any]:
            sql.execute("DELETE FROM web_sessions WHERE ended_at < ?", (now - GONE_KEPT_SECONDS,))
            return list(
                sql.execute(
                    "UPDATE web_sessions SET end_reason = 'expired', ended_at = ? "
                    "WHERE end_reason IS NULL AND last_active <= ? RETURNING user_name, address, "
                    "lang, csrf, sign_in, started, last_active, desk_end",
                    (now, now - self.idle_seconds),
                )
            )

        rows: list[Any] = self.table.run(work)
        self._seen = {t: s for t, s in self._seen.items() if not self.idle(s[1])}
        return [_session("", row) for row in rows]

    def gone(self, token: str | None) -> EndReason | None:
        if not token:
            return None
        row = self.table.run(
            lambda sql: sql.execute(
                "SELECT end_reason FROM web_sessions WHERE id = ?", (token_id(token),)
            ).fetchone(),
            commit=False,
        )
        reason = None if row is None else row[0]
        return reason if reason in ("expired", "logout", "removed", "shutdown") else None

    def end_host(self) -> list[Session]:
        """This host stops: its sessions live on, for the other hosts to serve."""
        self._seen.clear()
        return []


# --- sign-in locks --------------------------------------------------------------------

# One wrong password, counted in one statement. A row's run is over (counted afresh from 1)
# when it began before the failures were forgiven (a new password, an unlock) or when its
# lock was served; a lock that still holds stays as it is (a check that raced it).
COUNT_FAILURE: Final = (
    "INSERT INTO web_locks (name, device, failures, since, locked_at) VALUES (?, ?, "
    "1, ?, CASE WHEN 1 >= ? THEN ? END) ON CONFLICT (name, device) DO UPDATE SET "
    "failures = CASE WHEN (web_locks.since < ? OR (web_locks.locked_at IS NOT NULL "
    "AND web_locks.locked_at <= ?)) THEN 1 ELSE web_locks.failures + 1 END, since = "
    "CASE WHEN (web_locks.since < ? OR (web_locks.locked_at IS NOT NULL AND "
    "web_locks.locked_at <= ?)) THEN excluded.since ELSE web_locks.since END, "
    "locked_at = CASE WHEN NOT (web_locks.since < ? OR (web_locks.locked_at IS NOT "
    "NULL AND web_locks.locked_at <= ?)) AND web_locks.locked_at IS NOT NULL THEN "
    "web_locks.locked_at WHEN CASE WHEN (web_locks.since < ? OR (web_locks.locked_at "
    "IS NOT NULL AND web_locks.locked_at <= ?)) THEN 1 ELSE web_locks.failures + 1 "
    "END >= ? THEN excluded.since END RETURNING failures, locked_at"
)
# Its `?`: name, device, now, most, now, then (forgiven, now - lock) four times, most.


@dataclass(frozen=True)
class Counted:
    """A wrong password counted: the run's length and when it locked (None: not locked)."""

    failures: int
    locked_at: datetime | None


class SignInTable:
    """The sign-in locks and the failed sign-ins of every web host."""

    def __init__(self, store: Store, shown: str) -> None:
        self.table = _Table(store, shown)

    def lock(self, name: str, device: str) -> tuple[int, datetime | None, datetime | None]:
        """(failures, since, locked_at) of `name`'s lock for `device`."""
        row = self.table.run(
            lambda sql: sql.execute(
                "SELECT failures, since, locked_at FROM web_locks WHERE name = ? AND device = ?",
                (name, device),
            ).fetchone(),
            commit=False,
        )
        if row is None:
            return 0, None, None
        return int(row[0]), _moment(row[1]), _moment(row[2])

    def count_failure(
        self,
        name: str,
        device: str,
        *,
        now: datetime,
        forgiven: datetime,
        lock: timedelta,
        most: int,
    ) -> Counted:
        at, since, served = now.timestamp(), forgiven.timestamp(), (now - lock).timestamp()
        stale = (since, served)
        row = self.table.run(
            lambda sql: sql.execute(
                COUNT_FAILURE,
                (name, device, at, most, at, *stale, *stale, *stale, *stale, most),
            ).fetchone()
        )
        return Counted(int(row[0]), _moment(row[1]))

    def forget_ghosts(self, before: datetime) -> None:
        """Forget the counts of names that are no user, begun before `before` and not
        locked since (the table stays bounded under a flood of made-up names)."""
        moment = before.timestamp()
        self.table.run(
            lambda sql: sql.execute(
                "DELETE FROM web_locks WHERE device = '' AND since < ? "
                "AND (locked_at IS NULL OR locked_at < ?) "
                "AND NOT EXISTS (SELECT 1 FROM web_users WHERE web_users.name = web_locks.name)",
                (moment, moment),
            )
        )

    def failed(self, name: str, address: str, now: datetime) -> None:
        self.table.run(
            lambda sql: sql.execute(
                "INSERT INTO web_failed (name, at, address) VALUES (?, ?, ?)",
                (name, now.timestamp(), address),
            )
        )

    def device_locks(self, name: str) -> list[datetime]:
        rows = self.table.run(
            lambda sql: list(
                sql.execute(
                    "SELECT locked_at FROM web_locks WHERE name = ? AND device <> '' "
                    "AND locked_at IS NOT NULL",
                    (name,),
                )
            ),
            commit=False,
        )
        return [moment for row in rows if (moment := _moment(row[0])) is not None]

    def signed_in(
        self, name: str, device: str, address: str, now: datetime
    ) -> tuple[Seen | None, tuple[Seen, ...], int]:
        """The previous sign-in and the failures since (TISS 42), then forgotten; the
        device's side of the lock cleared."""

        def work(sql: Any) -> tuple[Seen | None, tuple[Seen, ...], int]:
            row = sql.execute("SELECT at, address FROM web_logins WHERE name = ?", (name,))
            last = row.fetchone()
            failures = list(
                sql.execute(
                    "SELECT at, address FROM web_failed WHERE name = ? ORDER BY at", (name,)
                )
            )
            sql.execute("DELETE FROM web_failed WHERE name = ?", (name,))
            sql.execute("DELETE FROM web_locks WHERE name = ? AND device = ?", (name, device))
            sql.execute("DELETE FROM web_logins WHERE name = ?", (name,))
            sql.execute(
                "INSERT INTO web_logins (name, at, address) VALUES (?, ?, ?)",
                (name, now.timestamp(), address),
            )
            previous = None if last is None else Seen(_seen_at(last[0]), str(last[1]))
            since = tuple(Seen(_seen_at(at), str(where)) for at, where in failures)
            return previous, since[-KEPT_FAILURES:], len(failures)

        result: tuple[Seen | None, tuple[Seen, ...], int] = self.table.run(
            work, key=f"frontdesk web sign-in {name}"
        )
        return result


def _seen_at(seconds: float) -> datetime:
    return datetime.fromtimestamp(float(seconds), UTC)


class SharedLoginGuard(LoginGuard):
    """`LoginGuard` with its state in `SignInTable`: the same rules on every host."""

    def __init__(self, users: UserStore, state: SignInTable, **options: Any) -> None:
        self.state = state
        super().__init__(users, **options)

    def _load(self) -> dict[str, Record]:
        return {}  # nothing in this host's file

    def _holding(self, name: str, device: str, forgiven: datetime) -> datetime | None:
        """When `name`'s lock for `device` ends, if it holds now."""
        _, _, locked_at = self.state.lock(name, device)
        if locked_at is None or locked_at < forgiven or self.now() >= locked_at + self.lock:
            return None
        return locked_at + self.lock

    def locked(self, user: User) -> bool:
        return self.locked_until(user) is not None

    def locked_until(self, user: User) -> datetime | None:
        return self._holding(user.name, "", self._forgiven_before(user))

    def locked_devices(self, user: User) -> int:
        forgiven = self._forgiven_before(user)
        return sum(
            forgiven <= at and self.now() < at + self.lock
            for at in self.state.device_locks(user.name)
        )

    def _count(self, name: str, device: str, forgiven: datetime) -> Counted:
        return self.state.count_failure(
            name, device, now=self.now(), forgiven=forgiven, lock=self.lock, most=self.max_failures
        )

    async def _attempt(
        self, user: User, password: str, address: str, device: str | None
    ) -> Attempt:
        trusted, side = device is not None, device or ""
        forgiven = self._forgiven_before(user)
        until = self._holding(user.name, side, forgiven)
        if until is not None:
            await self._verify(password, DUMMY_HASH, trusted=trusted)  # no right-password tell
            self.state.failed(user.name, address, self.now())
            return Attempt("locked", user.name, trusted, locked_until=until)
        if not await self._verify(password, user.hash, trusted=trusted):
            counted = self._count(user.name, side, forgiven)
            self.state.failed(user.name, address, self.now())
            if counted.locked_at is not None:
                until = counted.locked_at + self.lock
                return Attempt("failed_locked", user.name, trusted, locked_until=until)
            return Attempt("failed", user.name, trusted)
        if not user.active:
            self.state.failed(user.name, address, self.now())
            return Attempt("inactive", user.name, trusted)
        if self.now() - user.changed > self.max_age:
            return Attempt("expired", user.name, trusted)
        previous, since, count = self.state.signed_in(user.name, side, address, self.now())
        return Attempt(
            "ok", user.name, trusted, previous=previous, failures_since=since, failed_count=count
        )

    def _ghost_attempt(self, name: str) -> Attempt:
        """A name that is no user: counted in the same table, so a block says as little
        on every host. (A user made later under that name starts afresh: its creation
        forgives what came before.)"""
        self.state.forget_ghosts(self.now() - self.lock)
        until = self._holding(name, "", EPOCH)
        if until is not None:
            return Attempt("locked", None, locked_until=until)
        counted = self._count(name, "", EPOCH)
        if counted.locked_at is not None:
            return Attempt("unknown_user", None, locked_until=counted.locked_at + self.lock)
        return Attempt("unknown_user", None)


# --- one host's view of the shared state ------------------------------------------------


@dataclass
class SharedWeb:
    """What `frontdesk web --database URL` shares with the other web hosts."""

    store: Store
    sessions: DatabaseSessions
    guard: SharedLoginGuard
    audit: AuditLog
    device_key: bytes
    form_key: bytes

    def close(self) -> None:
        self.store.close()


def open_shared(
    database: Database, users: UserStore, idle_seconds: float, host: str | None = None
) -> SharedWeb:
    """The shared state in `database` (its schema current: `SchemaTooOld` otherwise), its
    audit lines naming `host`; raises `StorageUnavailable` when it cannot be reached."""
    store = open_store(database, migrate=False)
    shown = database.shown
    return SharedWeb(
        store=store,
        sessions=DatabaseSessions(store, shown, idle_seconds),
        guard=SharedLoginGuard(users, SignInTable(store, shown)),
        audit=AuditLog(table=DatabaseAudit(store, shown), host=host),
        device_key=shared_key(store, "web_device_key"),
        form_key=shared_key(store, "web_form_key"),
    )
