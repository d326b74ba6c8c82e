"""The audit log in a database several web hosts share (`frontdesk web --database URL`,
`frontdesk audit --database URL`): the `audit` table (`backend.schema`, migration 4), one
row per record, its time (UTC, as the file writes it, so text order is time order) and the
record as the JSON-lines file holds it (masked by `AuditLog.record` before it gets here).

The web hosts write their sign-ins there (`DatabaseAudit`), and their desks their actions
(`DeskAudit`: written by a thread, so a database that is slow or away never holds up the
desk; what it cannot take is kept in the web host's own file, after a line saying so).
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Final, Protocol

from frontdesk.backend.database import Database
from frontdesk.backend.local import open_store
from frontdesk.backend.records import StorageUnavailable, Store

log = logging.getLogger("frontdesk.audit")

RETRY_SECONDS: Final = 30.0  # after a failure, lines go to the file this long before a retry
CLOSE_SECONDS: Final = 5.0  # how long a desk that ends waits for its lines to be written
KEPT_HERE: Final = "audit_database"  # the file's line saying the database could not take more


class DatabaseAudit:
    """The audit table of `store` (`audit_log.AuditTable`); raises OSError when the
    database cannot be read or written now."""

    def __init__(self, store: Store, shown: str) -> None:
        self.shown = shown
        self._store = store

    def _sql(self) -> Any:
        return self._store.connection()  # type: ignore[attr-defined]

    def append(self, entry: dict[str, Any]) -> None:
        try:
            with self._store.transaction():
                self._sql().execute(
                    "INSERT INTO audit (at, entry) VALUES (?, ?)",
                    (str(entry["time"]), json.dumps(entry, ensure_ascii=False)),
                )
        except StorageUnavailable as error:
            raise OSError(error.cause) from None

    def entries(self, since: datetime | None) -> list[dict[str, Any]]:
        start = "" if since is None else since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        try:
            with self._store.transaction(commit=False):
                rows = list(
                    self._sql().execute(
                        "SELECT entry FROM audit WHERE at >= ? ORDER BY at, id", (start,)
                    )
                )
        except StorageUnavailable as error:
            raise OSError(error.cause) from None
        found: list[dict[str, Any]] = []
        for row in rows:
            try:
                entry = json.loads(row[0])
            except ValueError:
                continue
            if isinstance(entry, dict):
                found.append(entry)
        return found

    def close(self) -> None:
        self._store.close()


def open_audit(database: Database) -> DatabaseAudit:
    """The audit table of `database` (`frontdesk audit --database`); an older schema is
    refused (`SchemaTooOld`)."""
    return DatabaseAudit(open_store(database, migrate=False), database.shown)


class _Table(Protocol):
    def append(self, entry: dict[str, Any]) -> None: ...
    def close(self) -> None: ...


class DeskAudit:
    """A desk's audit table under `frontdesk web --database` (`audit_log.AuditTable`).

    `append` only queues the line: a thread opens the database when the first line comes
    (`opener`), writes each line, and when the database cannot be reached or written, keeps
    the line with `fallback` (`AuditLog.keep`: the web host's own file, `kept_in`, where
    `frontdesk audit` on that host reads it), after one line there saying so (action
    "audit_database", outcome "unavailable"); for `retry_seconds` after that the lines go
    straight to the file, then the database is tried again. Nothing of it reaches the
    desk's screen or its user.
    """

    def __init__(
        self,
        opener: Callable[[], _Table],
        fallback: Callable[[dict[str, Any]], None],
        kept_in: object,
        shown: str,
        *,
        retry_seconds: float = RETRY_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.shown = shown
        self._opener = opener
        self._fallback = fallback
        self._kept_in = kept_in
        self._retry = retry_seconds
        self._clock = clock
        self._table: _Table | None = None
        self._current: dict[str, Any] | None = None  # the line the thread is writing
        self._down_until: float | None = None
        self._queue: queue.SimpleQueue[dict[str, Any] | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._start = threading.Lock()

    def append(self, entry: dict[str, Any]) -> None:
        self._queue.put(entry)
        with self._start:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="frontdesk-audit", daemon=True
                )
                self._thread.start()

    def entries(self, since: datetime | None) -> list[dict[str, Any]]:
        raise OSError("a desk writes the audit; `frontdesk audit --database` reads it")

    def close(self, timeout: float = CLOSE_SECONDS) -> None:
        """Write what is queued (at most `timeout` seconds), then close the database. What
        is left then goes to the file, the line being written too (the database may yet
        take it: twice rather than never)."""
        thread = self._thread
        if thread is None:
            return
        self._queue.put(None)
        thread.join(timeout)
        if not thread.is_alive():
            return
        left = [] if self._current is None else [self._current]
        while True:  # what the thread could not write in time: kept in the file
            try:
                entry = self._queue.get_nowait()
            except queue.Empty:
                break
            if entry is not None:
                left.append(entry)
        self._queue.put(None)  # the thread ends once its database answers
        for index, entry in enumerate(left):
            self._keep(entry, "timeout" if index == 0 else None)

    def _run(self) -> None:
        while (entry := self._queue.get()) is not None:
            self._current = entry
            self._write(entry)
            self._current = None
        self._close_table()

    def _write(self, entry: dict[str, Any]) -> None:
        if self._down_until is not None and self._clock() < self._down_until:
            self._keep(entry, None)
            return
        try:
            if self._table is None:
                self._table = self._opener()
            self._table.append(entry)
        except Exception as error:  # whatever it is, the line is kept
            self._down_until = self._clock() + self._retry
            reason = type(error).__name__
            log.warning(
                "audit database %s unavailable (%s): lines kept in %s",
                self.shown,
                reason,
                self._kept_in,
            )
            self._keep(entry, reason)
            return
        self._down_until = None

    def _keep(self, entry: dict[str, Any], reason: str | None) -> None:
        """`entry` in the file; `reason` given: after the line saying the database failed."""
        try:
            if reason is not None:
                self._fallback(_kept_here(entry))
            self._fallback(entry)
        except OSError as error:
            log.warning(
                "audit line lost: neither %s nor %s took it (%s)",
                self.shown,
                self._kept_in,
                error.strerror or error,
            )

    def _close_table(self) -> None:
        table, self._table = self._table, None
        if table is not None:
            try:
                table.close()
            except Exception as error:  # closing a broken connection
                log.info("audit database %s not closed cleanly: %r", self.shown, error)


def _kept_here(entry: dict[str, Any]) -> dict[str, Any]:
    """The file's line saying the database did not take the lines that follow."""
    said = {key: entry.get(key) for key in ("time", "profile", "user", "host")}
    return {
        **said,
        "action": KEPT_HERE,
        "guide": None,
        "channel": None,
        "destination": None,
        "outcome": "unavailable",
    }


def desk_audit(url: str, fallback: Callable[[dict[str, Any]], None], kept_in: object) -> DeskAudit:
    """The audit table of the database `url` names, for a desk (see `DeskAudit`). Opening
    waits for the first line (a desk whose user does nothing never connects); a URL that is
    not usable keeps every line in `fallback`."""
    from frontdesk.backend.database import parse_database_url

    def opener() -> DatabaseAudit:
        return open_audit(parse_database_url(url))

    shown = url.split("?", 1)[0]
    return DeskAudit(opener, fallback, kept_in, shown)
