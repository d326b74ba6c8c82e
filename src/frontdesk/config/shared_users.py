"""`frontdesk web`'s users in a database (`--database URL`), shared by several web hosts.

The `web_users` table of the chain's database (`backend.schema`, migration 3): one row per
user, its entry as the users file holds it (JSON). SQLite or PostgreSQL, through the
backend's store (`backend.local.open_store`); an older schema is refused
(`SchemaTooOld`: `frontdesk serve --migrate --database URL` migrates it). A save replaces
the whole table in one transaction, under a lock, as the file is replaced whole.
"""

from __future__ import annotations

import json
from typing import Any

from frontdesk.backend.database import Database
from frontdesk.backend.local import open_store
from frontdesk.backend.records import StorageUnavailable, Store


class DatabaseUsers:
    """The users table of `database` (`web.users.UsersTable`); raises OSError when the
    database cannot be read or written now."""

    def __init__(self, database: Database) -> None:
        self.shown = database.shown
        self._store: Store = open_store(database, migrate=False)

    def _sql(self) -> Any:
        return self._store.connection()  # type: ignore[attr-defined]

    def load(self) -> dict[str, Any]:
        try:
            with self._store.transaction(commit=False):
                rows = list(self._sql().execute("SELECT name, data FROM web_users"))
        except StorageUnavailable as error:
            raise OSError(error.cause) from None
        return {str(row[0]): json.loads(row[1]) for row in rows}

    def save(self, entries: dict[str, dict[str, Any]]) -> None:
        try:
            with self._store.transaction():
                self._store.lock_key("frontdesk web users")
                sql = self._sql()
                sql.execute("DELETE FROM web_users")
                for name, entry in entries.items():
                    sql.execute(
                        "INSERT INTO web_users (name, data) VALUES (?, ?)",
                        (name, json.dumps(entry, ensure_ascii=False)),
                    )
        except StorageUnavailable as error:
            raise OSError(error.cause) from None

    def close(self) -> None:
        self._store.close()
