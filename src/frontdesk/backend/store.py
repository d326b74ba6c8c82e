"""Persistence for the local backend: `SqliteStore`, the SQLite implementation of `Store`.

SQLite through the standard library, WAL mode, a schema version with forward migrations
(the connection, its transactions and checkpoints: `frontdesk.backend.sqlite`). Every
operation of the backend runs inside `transaction()`, which takes SQLite's write lock up
front (BEGIN IMMEDIATE): two concurrent validations of the right code are serialised, so
exactly one authorizes. A networked database can take SQLite's place by implementing
`Store` (`frontdesk.backend.records`, whose names this module re-exports).
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from frontdesk.backend.engine import Challenge
from frontdesk.backend.records import (
    BeneficiaryRecord,
    ContactRecord,
    EventRecord,
    GuideRecord,
    OutboxRecord,
    StorageUnavailable,
    Store,
    StoredResponse,
)
from frontdesk.backend.schema import MIGRATIONS, SCHEMA_VERSION, SchemaTooNew
from frontdesk.backend.sql import SqlConnection
from frontdesk.backend.sqlite import MEMORY, SqliteDatabase

__all__ = [
    "MEMORY",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "BeneficiaryRecord",
    "ContactRecord",
    "EventRecord",
    "GuideRecord",
    "OutboxRecord",
    "SchemaTooNew",
    "SqliteDatabase",
    "SqliteStore",
    "StorageUnavailable",
    "Store",
    "StoreQueries",
    "StoredResponse",
]


class StoreQueries:
    """`Store`'s queries, in the SQL SQLite and PostgreSQL share, over `_sql()`'s connection
    (qmark placeholders; rows read by name). Each engine's store adds its connection, its
    transactions and what its dialect writes differently."""

    def _sql(self) -> SqlConnection:
        raise NotImplementedError

    def _for_update(self) -> str:
        """What a read of a guide or a beneficiary adds to lock its row until the transaction
        ends (PostgreSQL's " FOR UPDATE" in a committing transaction); SQLite's one write
        lock already serialises every writing transaction."""
        return ""

    def is_empty(self) -> bool:
        return self._sql().execute("SELECT 1 FROM guides LIMIT 1").fetchone() is None

    # -- guides and beneficiaries -------------------------------------------------------------

    def get_guide(self, number: str) -> GuideRecord | None:
        sql = "SELECT * FROM guides WHERE number = ?" + self._for_update()  # noqa: S608 (a constant)
        row = self._sql().execute(sql, (number,)).fetchone()
        return None if row is None else _guide(row)

    def list_guides(self, status: str | None, card: str | None) -> list[GuideRecord]:
        sql = "SELECT * FROM guides"
        where: list[str] = []
        args: list[Any] = []
        if status is not None:
            where.append("status = ?")
            args.append(status)
        if card is not None:
            where.append("card = ?")
            args.append(card)
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY requested_at DESC, number DESC"
        return [_guide(row) for row in self._sql().execute(sql, args)]

    def put_guide(self, guide: GuideRecord) -> None:
        self._sql().execute(
            "INSERT INTO guides VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (number) DO UPDATE SET operator_number = excluded.operator_number, "
            "type = excluded.type, status = excluded.status, "
            "requested_at = excluded.requested_at, card = excluded.card, "
            "provider_code = excluded.provider_code, provider_name = excluded.provider_name, "
            "procedures = excluded.procedures, "
            "authorization_number = excluded.authorization_number, "
            "authorization_valid_until = excluded.authorization_valid_until, "
            "absence_reason = excluded.absence_reason",
            (
                guide.number,
                guide.operator_number,
                guide.type,
                guide.status,
                guide.requested_at,
                guide.card,
                guide.provider_code,
                guide.provider_name,
                json.dumps(guide.procedures, ensure_ascii=False),
                guide.authorization_number,
                guide.authorization_valid_until,
                guide.absence_reason,
            ),
        )

    def get_beneficiary(self, card: str) -> BeneficiaryRecord | None:
        sql = "SELECT * FROM beneficiaries WHERE card = ?" + self._for_update()  # noqa: S608
        row = self._sql().execute(sql, (card,)).fetchone()
        if row is None:
            return None
        return BeneficiaryRecord(
            card=row["card"],
            card_display=row["card_display"],
            name=row["name"],
            social_name=row["social_name"],
            plan=row["plan"],
            app_secret=row["app_secret"],
            app_last_counter=row["app_last_counter"],
            last_used_contact=row["last_used_contact"],
        )

    def put_beneficiary(self, beneficiary: BeneficiaryRecord) -> None:
        b = beneficiary
        self._sql().execute(
            "INSERT INTO beneficiaries VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (card) DO UPDATE SET card_display = excluded.card_display, "
            "name = excluded.name, social_name = excluded.social_name, plan = excluded.plan, "
            "app_secret = excluded.app_secret, app_last_counter = excluded.app_last_counter, "
            "last_used_contact = excluded.last_used_contact",
            (
                b.card,
                b.card_display,
                b.name,
                b.social_name,
                b.plan,
                b.app_secret,
                b.app_last_counter,
                b.last_used_contact,
            ),
        )

    def contacts(self, card: str) -> list[ContactRecord]:
        rows = self._sql().execute(
            "SELECT card, position, kind, value FROM contacts WHERE card = ? ORDER BY position",
            (card,),
        )
        return [ContactRecord(r["card"], r["position"], r["kind"], r["value"]) for r in rows]

    def add_contact(self, contact: ContactRecord) -> None:
        self._sql().execute(
            "INSERT INTO contacts VALUES (?, ?, ?, ?)",
            (contact.card, contact.position, contact.kind, contact.value),
        )

    # -- challenges and counters --------------------------------------------------------------

    def get_challenge(self, guide: str) -> Challenge | None:
        row = self._sql().execute("SELECT * FROM challenges WHERE guide = ?", (guide,)).fetchone()
        if row is None:
            return None
        return Challenge(
            state=row["state"],
            channel=row["channel"],
            destination=row["destination"],
            code_hash=None if row["code_hash"] is None else bytes(row["code_hash"]),
            created_at=row["created_at"],
            expires_at=row["expires_at"],
            attempts_left=row["attempts_left"],
            delivery=row["delivery"],
        )

    def put_challenge(self, guide: str, challenge: Challenge) -> None:
        c = challenge
        self._sql().execute(
            "INSERT INTO challenges VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (guide) DO UPDATE SET state = excluded.state, "
            "channel = excluded.channel, destination = excluded.destination, "
            "code_hash = excluded.code_hash, created_at = excluded.created_at, "
            "expires_at = excluded.expires_at, attempts_left = excluded.attempts_left, "
            "delivery = excluded.delivery",
            (
                guide,
                c.state,
                c.channel,
                c.destination,
                c.code_hash,
                c.created_at,
                c.expires_at,
                c.attempts_left,
                c.delivery,
            ),
        )

    def send_times(self, guide: str, since: float) -> list[float]:
        rows = self._sql().execute(
            "SELECT at FROM sends WHERE guide = ? AND at > ? ORDER BY at", (guide, since)
        )
        return [float(r[0]) for r in rows]

    def add_send(self, guide: str, at: float) -> None:
        self._sql().execute("INSERT INTO sends VALUES (?, ?)", (guide, at))

    def failure_times(self, card: str, since: float) -> list[float]:
        rows = self._sql().execute(
            "SELECT at FROM failures WHERE card = ? AND at > ? ORDER BY at", (card, since)
        )
        return [float(r[0]) for r in rows]

    def add_failure(self, card: str, at: float) -> None:
        self._sql().execute("INSERT INTO failures VALUES (?, ?)", (card, at))

    # -- events and the simulator's outbox ----------------------------------------------------

    def add_event(self, guide: str, at: float, kind: str, data: dict[str, Any]) -> None:
        self._sql().execute(
            "INSERT INTO events (guide, at, kind, data) VALUES (?, ?, ?, ?)",
            (guide, at, kind, json.dumps(data, ensure_ascii=False)),
        )

    def events(self, guide: str) -> list[EventRecord]:
        rows = self._sql().execute(
            "SELECT at, kind, data FROM events WHERE guide = ? ORDER BY id", (guide,)
        )
        return [EventRecord(float(r["at"]), r["kind"], json.loads(r["data"])) for r in rows]

    def outbox(self, limit: int) -> list[OutboxRecord]:
        rows = self._sql().execute("SELECT * FROM outbox ORDER BY id DESC LIMIT ?", (limit,))
        return [
            OutboxRecord(
                r["id"], r["channel"], r["to_addr"], r["body"], r["code"], r["guide"], r["sent_at"]
            )
            for r in rows
        ]

    # -- idempotency ---------------------------------------------------------------------------

    def get_response(self, key: str, scope: str, since: float) -> StoredResponse | None:
        row = (
            self._sql()
            .execute(
                "SELECT * FROM responses WHERE key = ? AND scope = ? AND created_at > ?",
                (key, scope, since),
            )
            .fetchone()
        )
        if row is None:
            return None
        return StoredResponse(
            status=row["status"],
            body=bytes(row["body"]),
            headers=json.loads(row["headers"]),
            created_at=row["created_at"],
            fingerprint=row["fingerprint"],
        )

    def purge_responses(self, before: float) -> None:
        self._sql().execute("DELETE FROM responses WHERE created_at <= ?", (before,))


class SqliteStore(SqliteDatabase, StoreQueries):
    """`Store` on SQLite: the queries, over `SqliteDatabase`'s connection and transactions."""

    def _sql(self) -> sqlite3.Connection:
        return self._conn

    def connection(self) -> sqlite3.Connection:
        """The connection, for modules keeping their own tables in this database (the local
        TISS operator's records); use it only inside `transaction()`."""
        return self._conn

    def lock_key(self, name: str) -> None:
        """Nothing to do: every transaction holds SQLite's one write lock (BEGIN IMMEDIATE)."""

    def add_outbox(self, channel: str, to: str, body: str, code: str, guide: str, at: float) -> int:
        cursor = self._conn.execute(
            "INSERT INTO outbox (channel, to_addr, body, code, guide, sent_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (channel, to, body, code, guide, at),
        )
        return int(cursor.lastrowid or 0)

    def put_response(self, key: str, scope: str, response: StoredResponse) -> None:
        self._conn.execute(
            "INSERT OR REPLACE INTO responses VALUES (?, ?, ?, ?, ?, ?, ?)",
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


def _guide(row: Any) -> GuideRecord:
    return GuideRecord(
        number=row["number"],
        operator_number=row["operator_number"],
        type=row["type"],
        status=row["status"],
        requested_at=float(row["requested_at"]),
        card=row["card"],
        provider_code=row["provider_code"],
        provider_name=row["provider_name"],
        procedures=json.loads(row["procedures"]),
        authorization_number=row["authorization_number"],
        authorization_valid_until=row["authorization_valid_until"],
        absence_reason=row["absence_reason"],
    )
