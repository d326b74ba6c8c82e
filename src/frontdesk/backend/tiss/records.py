"""The local TISS operator's own tables: transactions answered, and requests per guide.

`TISS_TABLES` is the migration that creates them (`backend.store.MIGRATIONS` runs it, as
one clearly separated step); `TissRecords` reads and writes them through the store's
connection, inside the store's transactions.

- `tiss_transactions`: every business answer, by (prestador, sequencialTransacao), with the
  request's hash: the same transaction sent again gets the same answer (the same bytes),
  never a second transaction; the same number with other contents is refused.
- `tiss_requests`: per guide, what the last SolicitacaoProcedimento was answered (status,
  glosas) and what it asked (procedures, kind), so status queries and cancellations stay
  consistent with it.
"""

from __future__ import annotations

import json
from typing import Any, Final, Protocol

import msgspec

from frontdesk.backend.sql import SqlConnection

TISS_TABLES: Final = """
    CREATE TABLE tiss_transactions (
        prestador TEXT NOT NULL, sequence TEXT NOT NULL, service TEXT NOT NULL,
        digest TEXT NOT NULL, answer BLOB NOT NULL, created_at REAL NOT NULL,
        PRIMARY KEY (prestador, sequence)
    );
    CREATE TABLE tiss_requests (
        guide TEXT PRIMARY KEY REFERENCES guides(number), prestador TEXT NOT NULL,
        kind TEXT NOT NULL, status TEXT NOT NULL, glosas TEXT NOT NULL,
        procedures TEXT NOT NULL, updated_at REAL NOT NULL
    );
"""


class Connected(Protocol):
    """A store that lends its connection (within its own transactions) and named locks."""

    def connection(self) -> SqlConnection: ...
    def lock_key(self, name: str) -> None: ...


class Transaction(msgspec.Struct, frozen=True):
    service: str
    digest: str
    answer: bytes


class RequestRecord(msgspec.Struct, frozen=True):
    guide: str
    prestador: str
    kind: str  # sp_sadt | odonto
    status: str  # an AuthorizationStatus
    glosas: list[dict[str, str]]  # [{"code": …, "detail": …}]
    procedures: list[dict[str, Any]]
    updated_at: float


class TissRecords:
    """The two tables, over `store`'s connection (call inside `store.transaction()`)."""

    def __init__(self, store: Connected) -> None:
        self._store = store

    def _sql(self) -> SqlConnection:
        return self._store.connection()

    def transaction(self, prestador: str, sequence: str) -> Transaction | None:
        """The answer already given to (`prestador`, `sequence`), if any; the number stays
        locked until the caller's transaction ends, so that two processes on one
        database never both answer it."""
        self._store.lock_key(f"tiss\n{prestador}\n{sequence}")
        row = (
            self._sql()
            .execute(
                "SELECT service, digest, answer FROM tiss_transactions "
                "WHERE prestador = ? AND sequence = ?",
                (prestador, sequence),
            )
            .fetchone()
        )
        return None if row is None else Transaction(row[0], row[1], bytes(row[2]))

    def put_transaction(
        self, prestador: str, sequence: str, service: str, digest: str, answer: bytes, at: float
    ) -> None:
        self._sql().execute(
            "INSERT INTO tiss_transactions VALUES (?, ?, ?, ?, ?, ?)",
            (prestador, sequence, service, digest, answer, at),
        )

    def count(self, service: str | None = None) -> int:
        """How many transactions were answered (of `service`): for tests and the simulator."""
        if service is None:
            row = self._sql().execute("SELECT COUNT(*) FROM tiss_transactions").fetchone()
        else:
            row = (
                self._sql()
                .execute("SELECT COUNT(*) FROM tiss_transactions WHERE service = ?", (service,))
                .fetchone()
            )
        return int(row[0])

    def request(self, guide: str) -> RequestRecord | None:
        row = (
            self._sql()
            .execute(
                "SELECT guide, prestador, kind, status, glosas, procedures, updated_at "
                "FROM tiss_requests WHERE guide = ?",
                (guide,),
            )
            .fetchone()
        )
        if row is None:
            return None
        return RequestRecord(
            row[0], row[1], row[2], row[3], json.loads(row[4]), json.loads(row[5]), float(row[6])
        )

    def put_request(self, record: RequestRecord) -> None:
        self._sql().execute(
            "INSERT INTO tiss_requests VALUES (?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (guide) DO UPDATE SET prestador = excluded.prestador, "
            "kind = excluded.kind, status = excluded.status, glosas = excluded.glosas, "
            "procedures = excluded.procedures, updated_at = excluded.updated_at",
            (
                record.guide,
                record.prestador,
                record.kind,
                record.status,
                json.dumps(record.glosas, ensure_ascii=False),
                json.dumps(record.procedures, ensure_ascii=False),
                record.updated_at,
            ),
        )
