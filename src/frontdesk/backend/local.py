"""Opening the local backend: store, clock, policy and demo data in one call."""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_data_path

from frontdesk.backend.clock import Clock, SystemClock
from frontdesk.backend.demo import seed_demo
from frontdesk.backend.policy import Policy
from frontdesk.backend.service import BackendSettings, LocalBackend
from frontdesk.backend.store import MEMORY, SqliteStore


def default_db_path() -> Path:
    """The local backend's database in the user data directory (platformdirs)."""
    return user_data_path("frontdesk", appauthor=False) / "local-backend.sqlite3"


def open_backend(
    db: str | Path | None = MEMORY,
    *,
    policy: Policy | None = None,
    clock: Clock | None = None,
    settings: BackendSettings | None = None,
    deterministic: bool = False,
    background_checkpoints: bool = False,
) -> LocalBackend:
    """A local backend on `db` (None: the user data directory), seeded when fresh.

    `deterministic` fixes the demo's app secrets, for tests and snapshots;
    `background_checkpoints` moves WAL checkpoints off the request path (servers).
    """
    path = default_db_path() if db is None else db
    store = SqliteStore(path, background_checkpoints=background_checkpoints)
    clock = clock or SystemClock()
    if store.is_empty():
        seed_demo(store, clock.now(), deterministic=deterministic)
    return LocalBackend(store, clock, policy=policy, settings=settings)
