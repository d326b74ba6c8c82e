"""How the desk reaches its backend: a `Connector` builds the client when it is first needed.

The embedded local backend (no profile, or F9's "local") is built in this process; a remote
profile's client comes from its `Connection` (key, CA bundle, timeouts). Nothing here is
imported before the first screen is drawn.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from frontdesk.client.client import FrontdeskClient
    from frontdesk.config.connection import Connection


@dataclass(frozen=True)
class Connector:
    """How to reach the backend: `make` builds the client; `preload` warms imports off-loop;
    `close` releases what `make` opened besides the client (the embedded database)."""

    make: Callable[[], FrontdeskClient]
    label: str = ""
    preload: Callable[[], object] | None = None
    close: Callable[[], object] | None = None


def local_connector(db: str | None) -> Connector:
    """The embedded local backend on `db` (None: the user data directory's database)."""
    holder: dict[str, object] = {}

    def make() -> FrontdeskClient:
        from frontdesk.config.embedded import embedded_client

        client, backend = embedded_client(db)
        holder["backend"] = backend
        return client

    def close() -> None:
        backend = holder.pop("backend", None)
        closer = getattr(backend, "close", None)
        if callable(closer):
            closer()

    # No preload thread: the backend is imported on the event loop right after the first
    # frame (~50 ms). A thread would give it its own malloc arena, ~0.7 MiB more at the peak
    # on a thin client (bench/app.py), for no time gained: the import holds the GIL anyway.
    return Connector(make=make, close=close, label="local")


def _preload_remote() -> None:
    import frontdesk.client.client
    import frontdesk.core._httpx  # noqa: F401  (the client loads httpx only when built)


def connector_for(connection: Connection, db: str | None = None) -> Connector:
    """How to reach `connection`: the embedded backend on `db`, or its remote client (its
    key, CA bundle and timeouts, through `Connection.client`)."""
    if connection.url is None:
        return local_connector(db)
    return Connector(make=connection.client, preload=_preload_remote, label=connection.label)
