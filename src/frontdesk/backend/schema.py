"""The local backend's SQLite schema: forward migrations and the version they reach."""

from __future__ import annotations

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
)
SCHEMA_VERSION = len(MIGRATIONS)


class SchemaTooNew(RuntimeError):
    """The database was written by a newer frontdesk; refuse rather than damage it."""


def statements(script: str) -> Sequence[str]:
    """The SQL statements of a migration script, one by one."""
    return [s.strip() for s in script.split(";") if s.strip()]
