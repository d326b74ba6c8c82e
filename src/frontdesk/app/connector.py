"""How the desk reaches its backend: a `Connector` builds the client when it is first needed.

The embedded local backend (no profile, or F9's "local") is built in this process; a remote
profile's client comes from its `Connection` (key, CA bundle, timeouts); a TISS profile's
is the TISS counter (`frontdesk.counter`), and `frontdesk --tiss-demo` the local TISS
operator in this process. What a connector builds is imported when it is first needed,
after the first frame, never with the first screen (its cost: docs/performance.md, "Lazy
imports").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import msgspec

if TYPE_CHECKING:
    from frontdesk.app.service import DeskService
    from frontdesk.client.client import FrontdeskClient
    from frontdesk.config.connection import Connection
    from frontdesk.tiss.checker import WorkerChecker


class Connector(msgspec.Struct, frozen=True):
    """How to reach the backend: `make` builds the client; `preload` warms imports off-loop;
    `close` releases what `make` opened besides the client (the embedded database)."""

    make: Callable[[], DeskService]
    label: str = ""
    preload: Callable[[], object] | None = None
    close: Callable[[], object] | None = None


def local_connector(db: str | None) -> Connector:
    """The embedded local backend on `db` (None: the user data directory's database)."""
    holder: dict[str, object] = {}

    def make() -> FrontdeskClient:
        from frontdesk.local.embedded_client import embedded_client

        client, backend = embedded_client(db)
        holder["backend"] = backend
        return client

    def close() -> None:
        backend = holder.pop("backend", None)
        closer = getattr(backend, "close", None)
        if callable(closer):
            closer()

    # No preload thread: the backend is imported on the event loop right after the first
    # frame. A thread would give it its own malloc arena, more memory at the peak on a thin
    # client (docs/performance.md, "Lazy imports"), for no time gained: the import holds
    # the GIL anyway.
    return Connector(make=make, close=close, label="local")


def tiss_demo_connector(db: str | None) -> Connector:
    """The local TISS operator in this process on `db`, and its demo exports."""
    holder: dict[str, Callable[[], None]] = {}

    def make() -> DeskService:
        from frontdesk.counter.connect import demo_desk

        desk, close = demo_desk(db)
        holder["close"] = close
        return desk

    def close() -> None:
        closer = holder.pop("close", None)
        if closer is not None:
            closer()

    return Connector(make=make, close=close, label="tiss-demo")


def _preload_tiss() -> None:
    # Not httpx: the operator's transport loads it once the queue is read (`warm`).
    import frontdesk.counter.tiss_desk
    import frontdesk.tiss.client
    import frontdesk.tiss.schema  # noqa: F401  (lxml and the schemas, off the event loop)


def tiss_profile_connector(connection: Connection) -> Connector:
    """A TISS profile's counter. Its schemas worker is started first thing in the preload's
    thread, so that its own start (a Python, lxml, the schema set) runs beside the desk's
    imports: the exports' first check waits for it (docs/performance.md, "TISS counter")."""
    holder: dict[str, WorkerChecker] = {}

    def preload() -> None:
        from frontdesk.tiss.checker import WorkerChecker

        ahead = (connection.tiss.settings.version,) if connection.tiss is not None else ()
        checker = holder["checker"] = WorkerChecker(ahead=ahead)
        checker.start()
        _preload_tiss()

    def make() -> DeskService:
        from frontdesk.counter.connect import desk_for

        checker = holder.pop("checker", None)
        try:
            return desk_for(connection, checker=checker)
        except BaseException:  # no desk to close it with: not left running
            if checker is not None:
                checker.close()
            raise

    return Connector(make=make, preload=preload, label=connection.label)


def connector_for(connection: Connection, db: str | None = None) -> Connector:
    """How to reach `connection`: the embedded backend on `db`, or its remote client (its
    key, CA bundle and timeouts, through `Connection.client`), or a TISS counter."""
    if connection.kind == "tiss":
        if connection.tiss is None:
            return tiss_demo_connector(db)

        return tiss_profile_connector(connection)
    if connection.url is None:
        return local_connector(db)

    def make_remote() -> DeskService:
        return connection.client(quick_start=True)

    # Built on the event loop, as the local backend is: nothing waits to be drawn meanwhile
    # (the first frame is written), and a thread made the complete screen later and the
    # peak higher, with its own malloc arena. Its first requests go out before httpx is
    # loaded; httpx loads once the first queue is on screen (`BackendLink.warm`,
    # docs/performance.md, "Decisions").
    return Connector(make=make_remote, label=connection.label)
