"""`PostgresStore`: the backend's `Store` on PostgreSQL, for several serve processes on one
database (a chain of clinics). Loaded only for a `postgresql://` `--database`: psycopg is
the optional extra `frontdesk[postgres]`.

The queries are `StoreQueries`' (one SQL for both engines, through `_Connection`, which
speaks qmark placeholders and reads rows by name or position); the schema is
`schema.MIGRATIONS` spelled for PostgreSQL, versioned in `schema_migrations`.

Correctness across processes rests on row locks in READ COMMITTED, not on SERIALIZABLE:
in a transaction that commits, reading a guide or a beneficiary locks its row
(`SELECT … FOR UPDATE`), so every operation on one guide (a validation, a send, a
cancel) waits for the one before it and then reads what it committed: a guide is never
authorized twice, an attempt is never lost, an app code is never used twice. What no
row guards yet (an Idempotency-Key, a TISS transaction number, the first seeding) is
serialised by a transaction-scoped advisory lock on its name (`lock_key`). SERIALIZABLE
would abort all but one of twenty concurrent validations of one guide and need the whole
operation re-run; the service's operations are not written to be re-run, and a queue on
one row is what a guide's validations need anyway. A deadlock or a serialization failure
(neither expected: locks are taken guide first, then beneficiary) or a lost connection
becomes `StorageUnavailable`, a 503 the client retries.

One connection per process, from a `psycopg_pool.ConnectionPool` of one: a connection
that broke (PostgreSQL restarted, the network dropped it) is discarded when it is given
back, its transaction answered 503, and the pool opens a new one for the next. (No check
on every checkout: `check_connection` is a round trip per transaction, measured at about
a third of a validation's server CPU in bench/backend.py --chain.) The service is
synchronous (each request's transaction runs to its end in the event loop, as on
SQLite), so a process runs one transaction at a time; more throughput is more processes.
"""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import Any

import psycopg
from psycopg.rows import RowMaker
from psycopg_pool import ConnectionPool

from frontdesk.backend.records import (
    StorageUnavailable,
    StoredResponse,
)
from frontdesk.backend.schema import (
    MIGRATIONS,
    SCHEMA_VERSION,
    check_version,
    postgres_ddl,
    statements,
)
from frontdesk.backend.store import StoreQueries

# PostgreSQL's SQLSTATE classes a server outlives: connection failures (08), insufficient
# resources (53), operator intervention (57: a shutdown, a cancelled statement), and a
# serialization failure or deadlock (40001, 40P01) that a retry resolves.
_UNAVAILABLE_CLASSES = ("08", "53", "57")
_UNAVAILABLE_STATES = frozenset({"40001", "40P01"})

_MIGRATIONS_TABLE = (
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    "version INTEGER PRIMARY KEY, applied_at DOUBLE PRECISION NOT NULL)"
)
_MIGRATION_LOCK = "frontdesk schema"


class Row(tuple[Any, ...]):
    """A row read by position (`row[0]`) or by column name (`row["card"]`), as sqlite3.Row."""

    _names: dict[str, int]

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return tuple.__getitem__(self, self._names[key])
        return tuple.__getitem__(self, key)


def _row_factory(cursor: psycopg.Cursor[Any]) -> RowMaker[Row]:
    names = {column.name: index for index, column in enumerate(cursor.description or ())}

    def make(values: Sequence[Any]) -> Row:
        row = Row(values)
        row._names = names
        return row

    return make


class _Connection:
    """A psycopg connection as `backend.sql.SqlConnection`: `?` placeholders."""

    def __init__(self, conn: psycopg.Connection[Row]) -> None:
        self.conn = conn

    def execute(self, sql: str, parameters: Any = (), /) -> _Cursor:
        sql = sql.replace("%", "%%").replace("?", "%s")
        return _Cursor(self.conn.execute(sql, [_no_nul(value) for value in parameters]))


def _no_nul(value: Any) -> Any:
    """`value`, a text's NUL characters replaced (U+FFFD): PostgreSQL's text cannot hold
    NUL, which SQLite's can. Only a lookup can carry one (a guide number from a URL):
    nothing stored holds one (JSON columns escape it, the service checks what it stores),
    so the lookup finds nothing either way, and answers 404 instead of failing."""
    if isinstance(value, str) and "\x00" in value:
        return value.replace("\x00", "\ufffd")
    return value


class _Cursor:
    """A statement's rows, as `backend.sql.SqlCursor` (`fetchone()` of a query with no row
    left is None; the store's queries check)."""

    def __init__(self, cursor: psycopg.Cursor[Row]) -> None:
        self._cursor = cursor

    def fetchone(self) -> Any:
        return self._cursor.fetchone()

    def __iter__(self) -> Iterator[Any]:
        return iter(self._cursor)


class PostgresStore(StoreQueries):
    """`Store` on PostgreSQL. Safe to share between threads (one connection, one lock)."""

    def __init__(self, url: str, *, migrate: bool = True, connect_timeout: float = 10.0) -> None:
        """Connect to `url` (password from PGPASSWORD or ~/.pgpass) and create the schema
        when the database is new; an older one is migrated only with `migrate`
        (`SchemaTooOld` otherwise). Raises `StorageUnavailable` when it cannot connect."""
        self.path = url
        self._lock = threading.RLock()
        self._depth = 0
        self._commit = True
        self._conn: _Connection | None = None
        self._pool: ConnectionPool[psycopg.Connection[Row]] = ConnectionPool(
            url,
            min_size=1,
            max_size=1,
            kwargs={"row_factory": _row_factory, "autocommit": False},
            open=False,
            name="frontdesk",
        )
        try:
            self._pool.open(wait=True, timeout=connect_timeout)
        except Exception as error:
            self._pool.close()
            raise StorageUnavailable(url, f"cannot connect: {error}") from None
        try:
            self._migrate(migrate)
            self._key = self._load_key()
        except BaseException:
            self._pool.close()
            raise

    # -- connection and transactions ----------------------------------------------------------

    def _sql(self) -> _Connection:
        if self._conn is None:
            raise RuntimeError("a store query outside store.transaction()")
        return self._conn

    def connection(self) -> _Connection:
        """The connection, for the local TISS operator's records (inside `transaction()`)."""
        return self._sql()

    @contextmanager
    def transaction(self, *, commit: bool = True) -> Iterator[None]:
        """One transaction (nested calls join the outer one); `commit=False` rolls back.

        A lost connection, a server shutting down, a deadlock or a serialization failure
        raise `StorageUnavailable`, with everything of the transaction undone.
        """
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            try:
                raw = self._pool.getconn(timeout=5.0)
            except Exception as error:
                raise StorageUnavailable(self.path, f"no connection: {error}") from None
            self._conn, self._depth, self._commit = _Connection(raw), 1, commit
            try:
                yield
                if commit:
                    raw.commit()
                else:
                    raw.rollback()
            except psycopg.Error as error:
                self._rollback(raw)
                raise self._translated(error) from None
            except BaseException:
                self._rollback(raw)
                raise
            finally:
                self._conn, self._depth = None, 0
                self._pool.putconn(raw)

    @staticmethod
    def _rollback(raw: psycopg.Connection[Row]) -> None:
        if not raw.closed:
            with suppress(psycopg.Error):  # a broken connection: the pool replaces it
                raw.rollback()

    def _translated(self, error: psycopg.Error) -> Exception:
        """`StorageUnavailable` for what a running server can outlive, else `error` itself."""
        state: str = error.sqlstate or ""
        if (
            isinstance(error, psycopg.OperationalError)
            or state in _UNAVAILABLE_STATES
            or state[:2] in _UNAVAILABLE_CLASSES
        ):
            return StorageUnavailable(self.path, f"{type(error).__name__} ({state or 'no state'})")
        unexpected: Exception = error
        return unexpected

    def lock_key(self, name: str) -> None:
        """An advisory lock on `name`, held until this transaction ends."""
        if self._commit:
            self._sql().execute("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", (name,))

    def close(self) -> None:
        self._pool.close()

    # -- schema -----------------------------------------------------------------------------

    def schema_version(self) -> int:
        with self.transaction(commit=False):
            return self._version()

    def _version(self) -> int:
        exists = self._sql().execute("SELECT to_regclass('schema_migrations')").fetchone()
        if exists[0] is None:
            return 0
        row = self._sql().execute("SELECT max(version) FROM schema_migrations").fetchone()
        return int(row[0] or 0)

    def _migrate(self, migrate: bool) -> None:
        with self.transaction():
            self.lock_key(_MIGRATION_LOCK)  # two processes starting at once: one migrates
            version = self._version()
            check_version(self.path, version, migrate=migrate)
            if version == SCHEMA_VERSION:
                return
            sql = self._sql()
            sql.execute(_MIGRATIONS_TABLE)
            for index in range(version, SCHEMA_VERSION):
                for statement in statements(postgres_ddl(MIGRATIONS[index])):
                    sql.execute(statement)
                sql.execute(
                    "INSERT INTO schema_migrations VALUES (?, extract(epoch from now()))",
                    (index + 1,),
                )

    def _load_key(self) -> bytes:
        with self.transaction():
            self.lock_key(_MIGRATION_LOCK)
            row = self._sql().execute("SELECT value FROM meta WHERE key = 'code_key'").fetchone()
            if row is not None:
                return bytes(row[0])
            key = secrets.token_bytes(32)
            self._sql().execute("INSERT INTO meta (key, value) VALUES ('code_key', ?)", (key,))
            return key

    def secret_key(self) -> bytes:
        return self._key

    # -- what PostgreSQL does differently ---------------------------------------------------

    def _for_update(self) -> str:
        """A guide's or a beneficiary's row, read in a committing transaction, stays locked
        until it ends: the next operation on that guide waits, then reads what this one
        committed."""
        return " FOR UPDATE" if self._commit else ""

    def add_outbox(self, channel: str, to: str, body: str, code: str, guide: str, at: float) -> int:
        row = (
            self._sql()
            .execute(
                "INSERT INTO outbox (channel, to_addr, body, code, guide, sent_at) "
                "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                (channel, to, body, code, guide, at),
            )
            .fetchone()
        )
        return int(row[0])

    def put_response(self, key: str, scope: str, response: StoredResponse) -> None:
        self._sql().execute(
            "INSERT INTO responses VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key, scope) DO "
            "UPDATE SET status = excluded.status, body = excluded.body, "
            "headers = excluded.headers, created_at = excluded.created_at, "
            "fingerprint = excluded.fingerprint",
            (
                key,
                scope,
                response.status,
                response.body,
                json.dumps(response.headers),
                response.created_at,
                response.fingerprint,
            ),
        )
