"""Opening the local backend: store, clock, policy and demo data in one call."""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_data_path

from frontdesk.backend.clock import Clock, SystemClock
from frontdesk.backend.database import POSTGRESQL, Database
from frontdesk.backend.demo import seed_demo
from frontdesk.backend.policy import Policy
from frontdesk.backend.records import Store
from frontdesk.backend.service import BackendSettings, LocalBackend
from frontdesk.backend.store import MEMORY, SqliteStore


def default_db_path() -> Path:
    """The local backend's database in the user data directory (platformdirs)."""
    return user_data_path("frontdesk", appauthor=False) / "local-backend.sqlite3"


def open_store(
    db: str | Path | Database | None = MEMORY,
    *,
    background_checkpoints: bool = False,
    migrate: bool = True,
) -> Store:
    """The store `db` names: an SQLite file (a path, None for the user data directory) or
    a `Database` (`--database`), PostgreSQL's loaded only then (`frontdesk[postgres]`).

    `migrate=False`: an older schema raises `SchemaTooOld` instead of being migrated.
    """
    if isinstance(db, Database):
        if db.kind == POSTGRESQL:
            from frontdesk.backend.postgres import PostgresStore

            return PostgresStore(db.url, migrate=migrate)
        db = db.path
    path = default_db_path() if db is None else db
    return SqliteStore(path, background_checkpoints=background_checkpoints, migrate=migrate)


def open_backend(
    db: str | Path | Database | None = MEMORY,
    *,
    policy: Policy | None = None,
    clock: Clock | None = None,
    settings: BackendSettings | None = None,
    deterministic: bool = False,
    background_checkpoints: bool = False,
    migrate: bool = True,
) -> LocalBackend:
    """A local backend on `db` (see `open_store`), seeded when fresh.

    `deterministic` fixes the demo's app secrets, for tests and snapshots;
    `background_checkpoints` moves WAL checkpoints off the request path (servers).
    """
    store = open_store(db, background_checkpoints=background_checkpoints, migrate=migrate)
    clock = clock or SystemClock()
    with store.transaction():
        store.lock_key("frontdesk demo seed")  # two servers starting at once: one seeds
        if store.is_empty():
            seed_demo(store, clock.now(), deterministic=deterministic)
    return LocalBackend(store, clock, policy=policy, settings=settings)
