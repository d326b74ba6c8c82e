"""The SQLite side of the local backend's store: the connection, its transactions and checkpoints.

`SqliteDatabase` opens (and migrates, `frontdesk.backend.schema`) a database file in WAL
mode, keeps the secret key that hashes codes, runs transactions that take SQLite's write
lock up front (BEGIN IMMEDIATE) and turns the failures a server outlives (a full disk,
an I/O error, a lock held too long, a read-only file) into `StorageUnavailable`, with
the transaction undone. `frontdesk.backend.store.SqliteStore` adds the queries.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from frontdesk.backend.records import StorageUnavailable
from frontdesk.backend.schema import MIGRATIONS, SCHEMA_VERSION, check_version, statements

MEMORY = ":memory:"

# SQLite's primary result codes a server outlives: BUSY, LOCKED, READONLY, IOERR, FULL,
# CANTOPEN (https://sqlite.org/rescode.html). Anything else is a bug, answered 500.
_UNAVAILABLE = frozenset({5, 6, 8, 10, 13, 14})


class SqliteDatabase:
    """One SQLite database: connection, migrations, secret key, transactions, checkpoints.
    Safe to share between threads (one connection, one lock)."""

    def __init__(
        self,
        path: str | Path = MEMORY,
        *,
        background_checkpoints: bool = False,
        migrate: bool = True,
    ) -> None:
        """Open the database at `path`, created when new and migrated when older (unless
        `migrate` is False: then an older schema raises `SchemaTooOld`).

        `background_checkpoints` (for a server): SQLite's automatic WAL checkpoint runs
        inside whichever commit crosses the threshold, stalling that request
        (docs/performance.md, "Backend"); with this flag a daemon thread checkpoints once
        a second on its own connection instead, so no request pays for it.
        """
        self.path = str(path)
        self._checkpointer: threading.Thread | None = None
        self._stop = threading.Event()
        if self.path != MEMORY:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(
            self.path, isolation_level=None, check_same_thread=False, timeout=10.0
        )
        self._conn.row_factory = sqlite3.Row
        self._lock = threading.RLock()
        self._depth = 0
        self._conn.execute("PRAGMA foreign_keys = ON")
        self._conn.execute("PRAGMA busy_timeout = 10000")
        if self.path != MEMORY:
            self._conn.execute("PRAGMA journal_mode = WAL")
            self._conn.execute("PRAGMA synchronous = NORMAL")
            # Codes are hashed, but contacts are personal data. (On Windows the user's data
            # folder is private by its ACL; a mode would only set the read-only flag.)
            if sys.platform != "win32":
                with suppress(OSError):
                    os.chmod(self.path, 0o600)
        try:
            self._migrate(migrate)
        except BaseException:
            self._conn.close()
            raise
        self._key = self._load_key()
        if background_checkpoints and self.path != MEMORY:
            self._conn.execute("PRAGMA wal_autocheckpoint = 0")
            self._checkpointer = threading.Thread(
                target=self._checkpoint_loop, name="frontdesk-checkpoint", daemon=True
            )
            self._checkpointer.start()

    def _checkpoint_loop(self, interval: float = 1.0) -> None:
        conn = sqlite3.connect(self.path, isolation_level=None, timeout=1.0)
        try:
            while not self._stop.wait(interval):
                with suppress(sqlite3.Error):
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
        finally:
            conn.close()

    # -- lifecycle ---------------------------------------------------------------------------

    @contextmanager
    def transaction(self, *, commit: bool = True) -> Iterator[None]:
        """One transaction (nested calls join the outer one). `commit=False`: always rolled
        back, so a read can run its bookkeeping writes where nothing can be written.

        A full disk, an I/O error, a lock held too long or a read-only file raise
        `StorageUnavailable` with everything of the transaction undone.
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
                self._conn.execute("BEGIN IMMEDIATE" if commit else "BEGIN")
            except sqlite3.Error as error:
                raise self._translated(error) from None
            self._depth = 1
            try:
                yield
            except sqlite3.Error as error:
                self._rollback()
                raise self._translated(error) from None
            except BaseException:
                self._rollback()
                raise
            else:
                if not commit:
                    self._rollback()
                    return
                try:
                    self._conn.execute("COMMIT")
                except sqlite3.Error as error:
                    # SQLite may have rolled back already (SQLITE_FULL, SQLITE_IOERR) or may
                    # still hold the transaction open: either way, end it here.
                    self._rollback()
                    raise self._translated(error) from None
            finally:
                self._depth = 0

    def _rollback(self) -> None:
        if self._conn.in_transaction:
            with suppress(sqlite3.Error):
                self._conn.execute("ROLLBACK")

    def _translated(self, error: sqlite3.Error) -> Exception:
        """`StorageUnavailable` for what a running server can outlive, else `error` itself."""
        code = getattr(error, "sqlite_errorcode", None)
        if isinstance(code, int) and code & 0xFF in _UNAVAILABLE:
            name = getattr(error, "sqlite_errorname", "")
            return StorageUnavailable(self.path, f"{error} ({name})" if name else str(error))
        return error

    def close(self) -> None:
        self._stop.set()
        if self._checkpointer is not None:
            self._checkpointer.join(timeout=5)
        with self._lock:
            if self.path != MEMORY:
                with suppress(sqlite3.Error):
                    self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self._conn.close()

    def schema_version(self) -> int:
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self, migrate: bool) -> None:
        with self.transaction():
            version = self.schema_version()
            check_version(self.path, version, migrate=migrate)
            for index in range(version, SCHEMA_VERSION):
                for statement in statements(MIGRATIONS[index]):
                    self._conn.execute(statement)
                self._conn.execute(f"PRAGMA user_version = {index + 1}")

    def _load_key(self) -> bytes:
        with self.transaction():
            row = self._conn.execute("SELECT value FROM meta WHERE key = 'code_key'").fetchone()
            if row is not None:
                return bytes(row[0])
            key = secrets.token_bytes(32)
            self._conn.execute("INSERT INTO meta (key, value) VALUES ('code_key', ?)", (key,))
            return key

    def secret_key(self) -> bytes:
        return self._key
