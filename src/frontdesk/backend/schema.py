"""The local backend's schema: forward migrations, the version they reach, and their
PostgreSQL spelling.

One declaration for both engines: the migrations are written in SQLite's SQL, and
`postgres_ddl` spells a script's column types for PostgreSQL (BLOB is BYTEA, REAL is
DOUBLE PRECISION, an integer key is an identity column), so the two schemas cannot
drift apart. SQLite keeps its version in `PRAGMA user_version`; PostgreSQL in a
`schema_migrations` table (one row per migration applied, with its time).

A fresh database is created at once; an older one is migrated only when asked
(`frontdesk serve --migrate`): a server refuses to start on it with the command to run
(`SchemaTooOld`), so that a migration is a step someone chose, after a backup.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from frontdesk.backend.tiss.records import TISS_TABLES

# Forward migrations: index i takes the schema from version i to i + 1.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);
    CREATE TABLE beneficiaries (
        card TEXT PRIMARY KEY, card_display TEXT NOT NULL, name TEXT NOT NULL,
        social_name TEXT, plan TEXT NOT NULL, app_secret TEXT, app_last_counter INTEGER,
        last_used_contact TEXT
    );
    CREATE TABLE contacts (
        card TEXT NOT NULL REFERENCES beneficiaries(card), position INTEGER NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('sms', 'email')), value TEXT NOT NULL,
        PRIMARY KEY (card, position)
    );
    CREATE TABLE guides (
        number TEXT PRIMARY KEY, operator_number TEXT NOT NULL, type TEXT NOT NULL,
        status TEXT NOT NULL, requested_at REAL NOT NULL,
        card TEXT NOT NULL REFERENCES beneficiaries(card),
        provider_code TEXT NOT NULL, provider_name TEXT NOT NULL, procedures TEXT NOT NULL,
        authorization_number TEXT, authorization_valid_until TEXT, absence_reason TEXT
    );
    CREATE INDEX guides_card ON guides(card);
    CREATE INDEX guides_status ON guides(status);
    CREATE TABLE challenges (
        guide TEXT PRIMARY KEY REFERENCES guides(number), state TEXT NOT NULL,
        channel TEXT, destination TEXT, code_hash BLOB, created_at REAL, expires_at REAL,
        attempts_left INTEGER NOT NULL, delivery TEXT
    );
    CREATE TABLE sends (guide TEXT NOT NULL, at REAL NOT NULL);
    CREATE INDEX sends_guide ON sends(guide, at);
    CREATE TABLE failures (card TEXT NOT NULL, at REAL NOT NULL);
    CREATE INDEX failures_card ON failures(card, at);
    CREATE TABLE events (
        id INTEGER PRIMARY KEY, guide TEXT NOT NULL, at REAL NOT NULL,
        kind TEXT NOT NULL, data TEXT NOT NULL
    );
    CREATE INDEX events_guide ON events(guide, id);
    CREATE TABLE outbox (
        id INTEGER PRIMARY KEY, channel TEXT NOT NULL, to_addr TEXT NOT NULL,
        body TEXT NOT NULL, code TEXT NOT NULL, guide TEXT NOT NULL, sent_at REAL NOT NULL
    );
    CREATE TABLE responses (
        key TEXT NOT NULL, scope TEXT NOT NULL, status INTEGER NOT NULL, body BLOB NOT NULL,
        headers TEXT NOT NULL, created_at REAL NOT NULL, fingerprint TEXT NOT NULL,
        PRIMARY KEY (key, scope)
    );
    CREATE INDEX responses_created ON responses(created_at);
    """,
    # 1 -> 2: the local TISS operator's own tables (backend/tiss/records.py).
    TISS_TABLES,
    # 2 -> 3: `frontdesk web`'s users, for several web hosts on one database
    # (config/shared_users.py): each user's entry as the users file holds it (JSON).
    """
    CREATE TABLE web_users (name TEXT PRIMARY KEY, data TEXT NOT NULL);
    """,
    # 3 -> 4: the rest of `frontdesk web`'s state, shared by its hosts (web/shared.py,
    # config/shared_audit.py): sessions (by the hash of their token), the sign-in locks
    # (one row per user or name and device cookie; '' for untrusted browsers), failed
    # sign-ins and the last sign-in to show at the next (TISS 42), and the audit log.
    """
    CREATE TABLE web_sessions (
        id TEXT PRIMARY KEY, user_name TEXT NOT NULL, address TEXT NOT NULL, lang TEXT,
        csrf TEXT NOT NULL, sign_in TEXT NOT NULL, started REAL NOT NULL,
        last_active REAL NOT NULL, desk_end TEXT, end_reason TEXT, ended_at REAL
    );
    CREATE INDEX web_sessions_active ON web_sessions(end_reason, last_active);
    CREATE TABLE web_locks (
        name TEXT NOT NULL, device TEXT NOT NULL, failures INTEGER NOT NULL,
        since REAL NOT NULL, locked_at REAL, PRIMARY KEY (name, device)
    );
    CREATE TABLE web_failed (name TEXT NOT NULL, at REAL NOT NULL, address TEXT NOT NULL);
    CREATE INDEX web_failed_name ON web_failed(name, at);
    CREATE TABLE web_logins (name TEXT PRIMARY KEY, at REAL NOT NULL, address TEXT NOT NULL);
    CREATE TABLE audit (id INTEGER PRIMARY KEY, at TEXT NOT NULL, entry TEXT NOT NULL);
    CREATE INDEX audit_at ON audit(at);
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


class SchemaTooNew(RuntimeError):
    """The database was written by a newer frontdesk; refuse rather than damage it."""


class SchemaTooOld(RuntimeError):
    """The database has an older schema and migrating was not asked for (`--migrate`)."""

    def __init__(self, where: str, version: int) -> None:
        super().__init__(
            f"{where}: schema version {version}, this frontdesk needs {SCHEMA_VERSION}"
        )
        self.where = where
        self.version = version


def check_version(where: str, version: int, *, migrate: bool) -> None:
    """Refuse a schema newer than this frontdesk, or older when `migrate` is not set (a
    fresh database, version 0, is always created)."""
    if version > SCHEMA_VERSION:
        raise SchemaTooNew(
            f"{where}: schema version {version} is newer than this frontdesk "
            f"understands ({SCHEMA_VERSION}); upgrade frontdesk"
        )
    if 0 < version < SCHEMA_VERSION and not migrate:
        raise SchemaTooOld(where, version)


_PG_TYPES = (
    (
        re.compile(r"\bid INTEGER PRIMARY KEY\b"),
        "id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
    ),
    (re.compile(r"\bINTEGER\b"), "BIGINT"),
    (re.compile(r"\bBLOB\b"), "BYTEA"),
    (re.compile(r"\bREAL\b"), "DOUBLE PRECISION"),
)


def postgres_ddl(script: str) -> str:
    """`script` (a migration in SQLite's SQL) with PostgreSQL's column types."""
    for pattern, replacement in _PG_TYPES:
        script = pattern.sub(replacement, script)
    return script


def statements(script: str) -> Sequence[str]:
    """The SQL statements of a migration script, one by one."""
    return [s.strip() for s in script.split(";") if s.strip()]
