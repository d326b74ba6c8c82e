"""The backend behind the desk: one client, connected and health-checked when first needed,
the top bar's health after each request, and closing it all at the end.

Nothing under `frontdesk.client` is imported before the first screen is drawn: the package
and the client stack cost start-up time. Methods that need its exceptions import them when
they run.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

from frontdesk.app.state import DeskState
from frontdesk.core.i18n import t

if TYPE_CHECKING:
    from frontdesk.app.connector import Connector
    from frontdesk.app.service import DeskService
    from frontdesk.client.models import Health
    from frontdesk.config.connection import Connection
    from frontdesk.counter.tiss_desk import TissDesk

T = TypeVar("T")
UNREACHABLE_STATUSES = frozenset({502, 503, 504})  # a proxy answered; the backend did not
WIDE_ENOUGH_FOR_SIMULATOR = 110


def _retrieve(task: asyncio.Future[Any]) -> None:
    if not task.cancelled():
        task.exception()


def connection_label(connection: Connection) -> str:
    """The top bar's name for a connection: "local", "unimed (Unimed Londrina)", a host;
    a TISS profile says so, with its operator's name ("Unimed Londrina · TISS")."""
    label = connection.label
    operator = connection.operator
    if connection.kind == "tiss":  # the operator's name is what the counter knows it by
        return t("counter.top_bar", label=operator or label)
    if operator and operator != label:
        return t("app.profile_operator", profile=label, operator=operator)
    return label


class BackendLink(DeskState):
    """The client (given, or built by a `Connector` on first use) and the backend's health."""

    def __init__(self) -> None:
        super().__init__()
        self._client: DeskService | None = None
        self._connector: Connector | None = None
        self._owns_client = True  # built here from the connector: closed here
        self._connect_lock = asyncio.Lock()
        self.health: Health | None = None

    def link_to(self, client: DeskService | None, connector: Connector | None) -> None:
        """Use `client` as it is (tests), or the client `connector` builds when first needed."""
        self._client, self._connector, self._owns_client = client, connector, client is None

    @property
    def tiss_desk(self) -> TissDesk | None:
        """The TISS counter, when the desk is on a TISS profile (connected)."""
        module = sys.modules.get("frontdesk.counter.tiss_desk")  # never imported for other backends
        desk_class = getattr(module, "TissDesk", None)
        client = self._client
        return client if desk_class is not None and isinstance(client, desk_class) else None

    async def ready_client(self) -> DeskService:
        """The client, connected and health-checked once (later callers wait for the first)."""
        async with self._connect_lock:
            client = await self._made_client()
            if self.health is None:
                await self._check_health(client)
            return client

    async def ready_answer(self, request: Callable[[DeskService], Awaitable[T]]) -> T:
        """`request`'s answer from the connected client. Before the first health check has
        passed, `request` is sent beside it, not after it (one round trip instead of two on
        a remote backend), and its answer is returned only once the check says the backend
        is there: a failed check raises its own error, whatever `request` got."""
        async with self._connect_lock:
            client = await self._made_client()
            if self.health is not None:
                answer = None
            else:
                answer = asyncio.ensure_future(request(client))
                answer.add_done_callback(_retrieve)  # never "exception was never retrieved"
                try:
                    await self._check_health(client)
                except BaseException:
                    answer.cancel()
                    raise
        return await (answer if answer is not None else request(client))

    async def _made_client(self) -> DeskService:
        """The client, built by the connector the first time (under the connect lock)."""
        if self._client is None:
            connector = self._connector
            assert connector is not None
            try:
                if connector.preload is not None:
                    # A remote or TISS backend: its imports off the event loop (a thread:
                    # the loop keeps drawing), and the client too when it may be built there.
                    await asyncio.to_thread(connector.preload)
                if connector.make_off_loop:
                    self._client = await asyncio.to_thread(connector.make)
                else:
                    self._client = connector.make()
            except Exception as exc:  # a database that will not open, a bad URL
                # After the first frame, as everywhere: see problems.py.
                from frontdesk.client.client_errors import (
                    BackendUnavailable,
                    FrontdeskClientError,
                )

                if isinstance(exc, FrontdeskClientError):
                    raise
                raise BackendUnavailable(f"{type(exc).__name__}: {exc}") from exc
        return self._client

    async def _check_health(self, client: DeskService) -> None:
        try:
            self.health = await client.health()
        except Exception:
            self.health_state = "offline"
            raise
        self._connected(self.health)

    def _connected(self, health: Health) -> None:
        local = health.mode == "local"  # the local backend, or the local TISS operator
        self.local_mode = local
        self.health_state = "ok"
        if not self.profile_label and local:
            self.profile_label = "local"
        if local:
            wide = self.size.width >= WIDE_ENOUGH_FOR_SIMULATOR
            self.simulator_visible = wide if self.show_simulator is None else self.show_simulator
        self.refresh_bindings()

    def note_backend(self, trouble: BaseException | None) -> None:
        """A request just ended: answered (`None`, or an error the backend sent) or not.

        The top bar's health changes only here and in the start-up check: no polling, and
        the reactive repaints only when the state really changes.
        """
        if trouble is None:
            self.health_state = "ok"
            return
        from frontdesk.client import client_errors as e  # after the first frame: see problems.py

        if isinstance(trouble, e.BackendUnavailable) or (
            isinstance(trouble, e.ServerError) and trouble.status in UNREACHABLE_STATUSES
        ):
            self.health_state = "offline"
        elif isinstance(trouble, e.FrontdeskClientError):
            self.health_state = "ok"  # it answered, if only to refuse

    async def _close_connection(
        self, client: DeskService | None, connector: Connector | None, owned: bool
    ) -> None:
        if client is not None and owned:
            try:
                await client.aclose()
            except Exception as exc:  # closing must never raise
                self.log.warning(f"closing the client: {exc!r}")
        if connector is not None and connector.close is not None:
            try:
                connector.close()
            except Exception as exc:
                self.log.warning(f"closing the backend: {exc!r}")

    async def on_unmount(self) -> None:
        await self._close_connection(self._client, self._connector, self._owns_client)
