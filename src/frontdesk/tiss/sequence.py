"""`sequencialTransacao`: a number unique per prestador, kept across restarts.

TISS asks every transaction of a prestador to carry its own number (`st_texto12`); an
operator may use it to recognise a message sent twice (the local operator answers a number
it has seen with the first answer, or glosa 3167 SEQUENCIAL INVÁLIDO). `SequenceFile` keeps
one counter per (operator, prestador) in a small SQLite file (the caller picks the path: the
user data directory), taken under SQLite's write lock (BEGIN IMMEDIATE), so two processes
on one machine never draw the same number. A new counter starts at a random point of an
11-digit range: two desks of one clinic on different machines, each with its own file,
count in ranges far apart (two desks drawing a few thousand numbers each overlap with a
probability of about one in ten million). SQLite works the same on Windows.
`DatabaseSequence` is the chain's answer: all desks of a clinic, on any machine, draw from
one counter per (operator, prestador) in a PostgreSQL database (a TISS profile's
`sequence_database`), so no two ever draw the same number. `MemorySequence` is a counter
in memory, for tests and benches.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
import sys
import threading
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Final, Protocol

MAX_SEQUENCE: Final = 999_999_999_999  # twelve digits
START_RANGE: Final = 10**11  # where a new counter may start: eleven digits, room to count


def random_start() -> int:
    """Where a new counter starts (the number before its first): random, 0 … 10**11 - 1."""
    return secrets.randbelow(START_RANGE)


def scope_of(registro_ans: str, prestador_kind: str, prestador: str) -> str:
    """The counter of one prestador (`codigo`/`cnpj`/`cpf` and its value) at one operator."""
    return f"{registro_ans}:{prestador_kind}:{prestador}"


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

    def __init__(self, path: Path, *, start: Callable[[], int] = random_start) -> None:
        self.path = path
        self._start = start

    def next(self, scope: str) -> str:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        conn = sqlite3.connect(self.path, timeout=10.0, isolation_level=None)
        try:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS sequences (scope TEXT PRIMARY KEY, value INTEGER)"
            )
            if sys.platform != "win32":  # Windows: the user's folder is private by its ACL
                with suppress(OSError):
                    os.chmod(self.path, 0o600)
            conn.execute("BEGIN IMMEDIATE")
            try:
                row = conn.execute(
                    "SELECT value FROM sequences WHERE scope = ?", (scope,)
                ).fetchone()
                value = (int(row[0]) if row else self._start()) % MAX_SEQUENCE + 1
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


SEQUENCES_TABLE: Final = (
    "CREATE TABLE IF NOT EXISTS tiss_sequences (scope TEXT PRIMARY KEY, value BIGINT NOT NULL)"
)


class DatabaseSequence:
    """Counters in a PostgreSQL database shared by every desk (psycopg, the `postgres`
    extra, loaded with the first number). Each `next(scope)` is one statement, an upsert
    that PostgreSQL runs under the counter's row lock: desks on any number of machines
    never draw the same number. The URL carries no password (PGPASSWORD or ~/.pgpass)."""

    def __init__(self, url: str, *, start: Callable[[], int] = random_start) -> None:
        self.url = url
        self._start = start
        self._made = False

    def next(self, scope: str) -> str:
        import psycopg

        with psycopg.connect(self.url, connect_timeout=10) as conn:
            if not self._made:  # two desks creating the table at once: one at a time
                conn.execute("SELECT pg_advisory_xact_lock(hashtext('frontdesk tiss_sequences'))")
                conn.execute(SEQUENCES_TABLE)
                self._made = True
            row = conn.execute(
                "INSERT INTO tiss_sequences AS s (scope, value) VALUES (%s, %s) "
                "ON CONFLICT (scope) DO UPDATE SET value = s.value %% %s + 1 RETURNING value",
                (scope, self._start() % MAX_SEQUENCE + 1, MAX_SEQUENCE),
            ).fetchone()
        assert row is not None  # an upsert with RETURNING returns its row
        return str(row[0])
