"""The audit log in a database several web hosts share (`frontdesk web --database URL`,
`frontdesk audit --database URL`): the `audit` table (`backend.schema`, migration 4), one
row per record, its time (UTC, as the file writes it, so text order is time order) and the
record as the JSON-lines file holds it (masked by `AuditLog.record` before it gets here).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from frontdesk.backend.database import Database
from frontdesk.backend.local import open_store
from frontdesk.backend.records import StorageUnavailable, Store


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
