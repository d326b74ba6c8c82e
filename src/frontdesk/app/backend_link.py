"""The backend behind the desk: one client, connected and health-checked when first needed,
the top bar's health after each request, and closing it all at the end.

Nothing under `frontdesk.client` is imported before the first screen is drawn: the package
and the client stack cost start-up time. Methods that need its exceptions import them when
they run.
"""

from __future__ import annotations

import asyncio
import sys
from typing import TYPE_CHECKING

from frontdesk.core.i18n import t

if TYPE_CHECKING:
    from frontdesk.app.app import FrontdeskApp
    from frontdesk.app.connector import Connector
    from frontdesk.app.service import DeskService
    from frontdesk.client.models import Health
    from frontdesk.config.connection import Connection
    from frontdesk.counter.tiss_desk import TissDesk

UNREACHABLE_STATUSES = frozenset({502, 503, 504})  # a proxy answered; the backend did not
WIDE_ENOUGH_FOR_SIMULATOR = 110


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


class BackendLink:
    """The client (given, or built by a `Connector` on first use) and the backend's health,
    shown in `app`'s top bar."""

    def __init__(
        self, app: FrontdeskApp, client: DeskService | None, connector: Connector | None
    ) -> None:
        """Use `client` as it is (tests), or the client `connector` builds when first needed."""
        self._app = app
        self._client, self._connector, self._owns_client = client, connector, client is None
        self._connect_lock = asyncio.Lock()
        self.health: Health | None = None

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
            if self._client is None:
                self._client = await self._make_client()
            if self.health is None:
                try:
                    self.health = await self._client.health()
                except Exception:
                    self._app.health_state = "offline"
                    raise
                self._connected(self.health)
            return self._client

    async def _make_client(self) -> DeskService:
        assert self._connector is not None
        try:
            if self._connector.preload is not None:
                await asyncio.to_thread(self._connector.preload)
            return self._connector.make()
        except Exception as exc:  # a database that will not open, a bad URL
            # After the first frame, as everywhere (12–15 ms): see problems.py.
            from frontdesk.client.client_errors import BackendUnavailable, FrontdeskClientError

            if isinstance(exc, FrontdeskClientError):
                raise
            raise BackendUnavailable(f"{type(exc).__name__}: {exc}") from exc

    def _connected(self, health: Health) -> None:
        app = self._app
        local = health.mode == "local"  # the local backend, or the local TISS operator
        app.local_mode = local
        app.health_state = "ok"
        if not app.profile_label and local:
            app.profile_label = "local"
        if local:
            wide = app.size.width >= WIDE_ENOUGH_FOR_SIMULATOR
            app.simulator_visible = wide if app.show_simulator is None else app.show_simulator
        app.refresh_bindings()

    def note(self, trouble: BaseException | None) -> None:
        """A request just ended: answered (`None`, or an error the backend sent) or not.

        The top bar's health changes only here and in the start-up check: no polling, and
        the reactive repaints only when the state really changes.
        """
        app = self._app
        if trouble is None:
            app.health_state = "ok"
            return
        from frontdesk.client import client_errors as e  # after the first frame: see problems.py

        if isinstance(trouble, e.BackendUnavailable) or (
            isinstance(trouble, e.ServerError) and trouble.status in UNREACHABLE_STATUSES
        ):
            app.health_state = "offline"
        elif isinstance(trouble, e.FrontdeskClientError):
            app.health_state = "ok"  # it answered, if only to refuse

    async def replace(self, connector: Connector) -> None:
        """Another backend from now on (built by `connector` when first needed): the old
        client closed once no request waits for it."""
        async with self._connect_lock:
            old = (self._client, self._connector, self._owns_client)
            self._client, self._connector, self._owns_client = None, connector, True
            self.health = None
        await self._close(*old)

    async def close(self) -> None:
        """The end of the app: the client and the backend closed (never raises)."""
        await self._close(self._client, self._connector, self._owns_client)

    async def _close(
        self, client: DeskService | None, connector: Connector | None, owned: bool
    ) -> None:
        if client is not None and owned:
            try:
                await client.aclose()
            except Exception as exc:  # closing must never raise
                self._app.log.warning(f"closing the client: {exc!r}")
        if connector is not None and connector.close is not None:
            try:
                connector.close()
            except Exception as exc:
                self._app.log.warning(f"closing the backend: {exc!r}")
