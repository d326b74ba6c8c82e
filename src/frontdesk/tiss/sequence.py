"""`sequencialTransacao`: a number unique per prestador, kept across restarts.

TISS asks every transaction of a prestador to carry its own number (`st_texto12`); an
operator may use it to recognise a message sent twice. `SequenceFile` keeps one counter per
(operator, prestador) in a small SQLite file (the caller picks the path: the user data
directory), taken under SQLite's write lock (BEGIN IMMEDIATE), so two desks of one clinic
on the same machine, or two processes, never draw the same number. SQLite works the same on
Windows. `MemorySequence` is the same counter in memory, for tests and benches.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from contextlib import suppress
from pathlib import Path
from typing import Final, Protocol

MAX_SEQUENCE: Final = 999_999_999_999  # twelve digits


class SequenceSource(Protocol):
    """Hands out the next `sequencialTransacao` for one prestador at one operator."""

    def next(self, scope: str) -> str: ...


class MemorySequence:
    """Counters in memory (lost at exit): tests and benches only."""

    def __init__(self, start: int = 0) -> None:
        self._values: dict[str, int] = {}
        self._start = start
        self._lock = threading.Lock()

    def next(self, scope: str) -> str:
        with self._lock:
            value = self._values.get(scope, self._start) % MAX_SEQUENCE + 1
            self._values[scope] = value
            return str(value)


class SequenceFile:
    """Counters in a SQLite file; `next(scope)` is atomic across threads and processes."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def next(self, scope: str) -> str:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        conn = sqlite3.connect(self.path, timeout=10.0, isolation_level=None)
        try:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS sequences (scope TEXT PRIMARY KEY, value INTEGER)"
            )
            with suppress(OSError):
                os.chmod(self.path, 0o600)
            conn.execute("BEGIN IMMEDIATE")
            try:
                row = conn.execute(
                    "SELECT value FROM sequences WHERE scope = ?", (scope,)
                ).fetchone()
                value = (int(row[0]) if row else 0) % MAX_SEQUENCE + 1
                conn.execute(
                    "INSERT INTO sequences (scope, value) VALUES (?, ?) "
                    "ON CONFLICT (scope) DO UPDATE SET value = excluded.value",
                    (scope, value),
                )
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
            return str(value)
        finally:
            conn.close()
