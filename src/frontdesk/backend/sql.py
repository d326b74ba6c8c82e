"""What the store's queries need of a database connection, whichever engine holds it.

SQLite's `sqlite3.Connection` is one as it is; `frontdesk.backend.postgres` wraps a psycopg
connection into one (qmark placeholders, rows read by name or by position), so one set of
queries (`frontdesk.backend.store.StoreQueries`, `backend.tiss.records`) serves both.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol


class SqlCursor(Protocol):
    """The result of one statement: rows read by name (`row["card"]`) or position."""

    def fetchone(self) -> Any: ...
    def __iter__(self) -> Iterator[Any]: ...


class SqlConnection(Protocol):
    """Runs one statement with `?` placeholders, inside the store's transaction."""

    def execute(self, sql: str, parameters: Any = ..., /) -> SqlCursor: ...
