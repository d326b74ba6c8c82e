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

from frontdesk.core.i18n import t

if TYPE_CHECKING:
    from frontdesk.app.app import FrontdeskApp
    from frontdesk.app.connector import Connector
    from frontdesk.app.service import DeskService
    from frontdesk.client.models import Health
    from frontdesk.config.connection import Connection
    from frontdesk.counter.tiss_desk import TissDesk

T = TypeVar("T")
UNREACHABLE_STATUSES = frozenset({502, 503, 504})  # a proxy answered; the backend did not
# Seconds the top bar's `ok` waits, after the first health check passed, for the answer asked
# beside it (the queue), so both are drawn in one frame instead of two; a slow answer does
# not hold it longer.
SAME_FRAME_WAIT = 0.25
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


class BackendLink:
    """The client (given, or built by a `Connector` on first use) and the backend's health,
    shown in `app`'s top bar."""

    def __init__(
        self,
        app: FrontdeskApp,
        client: DeskService | None,
        connector: Connector | None,
        *,
        same_frame_wait: float = SAME_FRAME_WAIT,
    ) -> None:
        """Use `client` as it is (tests), or the client `connector` builds when first needed.
        `same_frame_wait`: see SAME_FRAME_WAIT."""
        self._app = app
        self.same_frame_wait = same_frame_wait
        self._client, self._connector, self._owns_client = client, connector, client is None
        self._connect_lock = asyncio.Lock()
        self.health: Health | None = None
        self._unsaid: Health | None = None  # passed, not shown yet (`ready_answer`)

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
        is there: a failed check raises its own error, whatever `request` got. The top bar
        says `ok` once the answer is in too (or `same_frame_wait` later): the caller draws
        the answer in the same frame as `ok`, not one frame after it."""
        async with self._connect_lock:
            client = await self._made_client()
            if self.health is not None:
                answer = None
            else:
                answer = asyncio.ensure_future(request(client))
                answer.add_done_callback(_retrieve)  # never "exception was never retrieved"
                try:
                    self._unsaid = await self._healthy(client)
                except BaseException:
                    answer.cancel()
                    raise
        if answer is None:
            return await request(client)
        # `ok` is said in the step that hands the answer over (an `asyncio.wait` here would
        # let a frame be drawn between the two), or by the timer if the answer is slow.
        timer = asyncio.get_running_loop().call_later(self.same_frame_wait, self._say_ok)
        try:
            return await answer
        finally:
            timer.cancel()
            self._say_ok()

    def _say_ok(self) -> None:
        """The top bar shows the passed health check, once (the answer or the timer)."""
        health, self._unsaid = self._unsaid, None
        if health is not None and health is self.health:  # not replaced meanwhile
            self._connected(health)

    async def _made_client(self) -> DeskService:
        """The client, built by the connector the first time (under the connect lock)."""
        if self._client is None:
            connector = self._connector
            assert connector is not None
            try:
                if connector.preload is not None:
                    # A TISS backend: its imports off the event loop (a thread: the loop
                    # keeps drawing).
                    await asyncio.to_thread(connector.preload)
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
        self._connected(await self._healthy(client))

    async def _healthy(self, client: DeskService) -> Health:
        """The backend's health, kept; the top bar says `offline` when it cannot be had."""
        try:
            self.health = await client.health()
        except Exception:
            self._app.health_state = "offline"
            raise
        return self.health

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

    def warm(self) -> bool:
        """The first screen is complete: the client loads one part of what its later
        requests need (a remote client's httpx stack); True while a part remains. A failure
        to build it is said by the next request."""
        from frontdesk.client.client_errors import FrontdeskClientError

        if self._client is None:
            return False
        try:
            return self._client.warm()
        except FrontdeskClientError:
            return False

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
