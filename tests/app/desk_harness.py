"""Helpers for the app's Pilot and snapshot tests: a desk on the real embedded backend.

Every desk runs the real local backend in-process (the same client the program uses, over
the in-process `AsgiSession` that local mode ships; `remote=True`: over httpx, as a remote
backend is reached) on a manual clock, with a fake monotonic clock for countdowns and
a seeded random source for codes and authorization numbers, so runs are reproducible.
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
from textual.app import App
from textual.pilot import Pilot

from frontdesk.app.app import Connector, FrontdeskApp
from frontdesk.app.css_cache import ParsedStyles
from frontdesk.app.screens.settings import SaveSettings
from frontdesk.audit_log import AuditLog
from frontdesk.backend.clock import ManualClock
from frontdesk.backend.demo import seed_demo
from frontdesk.backend.policy import Policy
from frontdesk.backend.server import create_app
from frontdesk.backend.service import BackendSettings, LocalBackend
from frontdesk.backend.store import SqliteStore
from frontdesk.client.asgi import AsgiRequest, AsgiResponse, AsgiSession
from frontdesk.client.client import FrontdeskClient, request_headers
from frontdesk.client.models import Guide
from frontdesk.client.session import Headers, TransportFailure
from frontdesk.config.connection import Connection
from frontdesk.core.i18n import Language
from frontdesk.local.embedded_client import EMBEDDED_URL

# 2026-11-18 11:06:40 UTC: a fixed "now" for the backend (and so for the demo data).
START = 1_795_000_000.0
API_KEY = "test-key-0123456789abcdef"


class FakeMonotonic:
    """The desk's monotonic clock, moved by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


SERVER_ERROR = {
    "type": "about:blank",
    "title": "Internal Server Error",
    "status": 500,
    "detail": "boom",
    "code": "internal_error",
}


def refused() -> TransportFailure:
    """What a session raises when the backend cannot be reached."""
    return TransportFailure(
        ConnectionRefusedError("connection refused"), retryable=True, connect=True
    )


class FlakySession:
    """Wraps local mode's `AsgiSession`; `mode` makes it fail like a network, a 5xx or a
    bad answer (the failures the client's own sessions report)."""

    def __init__(self, inner: AsgiSession) -> None:
        self.inner = inner
        self.mode: str = "ok"  # ok | down | timeout | server_error | malformed
        self.requests: list[str] = []

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> AsgiResponse:
        self.requests.append(f"{method} {path}")
        if self.mode == "down":
            raise refused()
        if self.mode == "timeout":
            raise TransportFailure(TimeoutError("timed out"), retryable=True, timeout=True)
        if self.mode == "server_error":
            return self._answer(500, "application/problem+json", SERVER_ERROR, method, path)
        if self.mode == "malformed":
            return self._answer(200, "application/json", {"surprise": True}, method, path)
        return await self.inner.request(method, path, params=params, json=json, headers=headers)

    @staticmethod
    def _answer(status: int, kind: str, body: object, method: str, path: str) -> AsgiResponse:
        import json as jsonlib

        request = AsgiRequest(method, path.encode("ascii"), Headers(), b"")
        content_type = Headers([(b"content-type", kind.encode("ascii"))])
        return AsgiResponse(status, content_type, jsonlib.dumps(body).encode(), request)

    async def aclose(self) -> None:
        await self.inner.aclose()


class FlakyTransport(httpx.AsyncBaseTransport):
    """Wraps httpx's ASGI transport (a remote backend's path), failing as `FlakySession`."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.mode: str = "ok"  # ok | down | timeout | server_error | malformed
        self.requests: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(f"{request.method} {request.url.path}")
        if self.mode == "down":
            raise httpx.ConnectError("connection refused", request=request)
        if self.mode == "timeout":
            raise httpx.ReadTimeout("timed out", request=request)
        if self.mode == "server_error":
            return httpx.Response(
                500,
                json=SERVER_ERROR,
                headers={"content-type": "application/problem+json"},
                request=request,
            )
        if self.mode == "malformed":
            return httpx.Response(200, json={"surprise": True}, request=request)
        return await self.inner.handle_async_request(request)


@dataclass
class Desk:
    """One front desk under test and the backend behind it."""

    app: FrontdeskApp
    client: FrontdeskClient
    backend: LocalBackend
    clock: ManualClock
    mono: FakeMonotonic
    transport: FlakySession | FlakyTransport  # what the requests go through
    extra: dict[str, Any] = field(default_factory=dict)

    async def guides(self, status: str | None = "awaiting_token") -> list[Guide]:
        return await self.client.list_guides(status=status)

    async def guide_of(self, name: str, status: str = "awaiting_token") -> Guide:
        """The newest guide of the beneficiary called `name` (display name) in `status`."""
        for guide in await self.client.list_guides(status=status):
            if guide.beneficiary.display_name == name:
                return guide
        raise LookupError(name)

    def advance(self, seconds: int) -> None:
        """Both clocks forward: the backend's and the desk's monotonic one."""
        self.clock.advance(seconds)
        self.mono.advance(seconds)


def make_backend(
    clock: ManualClock,
    *,
    policy: Policy | None = None,
    seed: int = 7,
    settings: BackendSettings | None = None,
) -> LocalBackend:
    store = SqliteStore(":memory:")
    seed_demo(store, clock.now(), deterministic=True)
    rng = random.Random(seed)
    return LocalBackend(store, clock, policy=policy, settings=settings, randbelow=rng.randrange)


def make_desk(
    *,
    lang: Language = "pt",
    policy: Policy | None = None,
    settings: BackendSettings | None = None,
    show_simulator: bool | None = False,
    friendly_errors: bool = False,
    theme: str | None = None,
    connection: Connection | None = None,
    connector_for: Callable[[Connection], Connector] | None = None,
    audit: AuditLog | None = None,
    save_settings: SaveSettings | None = None,
    linux_console: bool = False,
    remote: bool = False,
    api_key: str = API_KEY,
    parsed_styles: ParsedStyles | None = None,
) -> Desk:
    """A desk on a fresh demo backend; `connection`/`connector_for`/`audit` as the command
    line gives them (profile labels and switching, the audit log); `save_settings` for F10
    (default: the configuration file's). The client calls the backend in-process as local
    mode does (`AsgiSession`), or over httpx as a remote backend is reached (`remote`);
    with `api_key` (the backend's is `API_KEY`); `parsed_styles`: a file of parsed styles,
    as the program keeps one in the user's cache folder."""
    clock = ManualClock(START)
    backend = make_backend(clock, policy=policy, settings=settings)
    asgi = create_app(backend, api_key=API_KEY, log_access=False)
    transport: FlakySession | FlakyTransport
    if remote:
        transport = FlakyTransport(httpx.ASGITransport(app=asgi, raise_app_exceptions=False))
        client = FrontdeskClient(EMBEDDED_URL, api_key=api_key, transport=transport, retries=0)
    else:
        transport = FlakySession(AsgiSession(asgi, EMBEDDED_URL, headers=request_headers()))
        client = FrontdeskClient(EMBEDDED_URL, api_key=api_key, session=transport, retries=0)
    mono = FakeMonotonic()
    app = FrontdeskApp(
        client=client,
        lang=lang,
        monotonic=mono,
        cursor_blink=False,
        friendly_errors=friendly_errors,
        show_simulator=show_simulator,
        simulator_poll=3600.0,
        theme=theme,
        connection=connection,
        connector_for=connector_for,
        audit=audit,
        save_settings=save_settings,
        linux_console=linux_console,
        parsed_styles=parsed_styles,
    )
    return Desk(app, client, backend, clock, mono, transport)


async def settle(pilot: Pilot[Any]) -> None:
    """Let workers finish and the screen catch up (workers may start other workers)."""
    app = pilot.app
    for _ in range(20):
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        if not any(worker.is_running for worker in app.workers):
            return


@asynccontextmanager
async def running(desk: Desk, size: tuple[int, int] = (80, 24)) -> AsyncIterator[Pilot[Any]]:
    """Run the desk's app under Pilot; afterwards, no unexpected error may have happened."""
    async with desk.app.run_test(size=size) as pilot:
        await settle(pilot)
        yield pilot
        await settle(pilot)
    assert desk.app.bugs == [], f"unexpected errors: {desk.app.bugs!r}"


def plain(widget: object) -> str:
    """The text a Static shows (str, rich Text or any rich renderable), without styles."""
    import io

    from rich.console import Console
    from rich.text import Text
    from textual.widgets import Static

    from frontdesk.app.widgets.text_table import TextTable
    from frontdesk.app.widgets.token_panel import TokenPanel

    if isinstance(widget, TextTable):
        return widget.plain()
    if isinstance(widget, TokenPanel):
        return widget.text
    assert isinstance(widget, Static)
    content = widget.content
    if isinstance(content, str):
        return content
    if isinstance(content, Text):
        return content.plain
    console = Console(width=200, no_color=True, file=io.StringIO())
    with console.capture() as captured:
        console.print(content)
    return captured.get()


def text_of(app: App[Any], selector: str) -> str:
    """The text of a Static, or of a part of the top bar (`#top-connection`, `#top-mode`,
    `#top-hint`, `#top-insecure`: "" when not shown)."""
    if selector.startswith("#top-"):
        return top_part(app, selector.removeprefix("#top-"))
    return plain(app.screen.query_one(selector))


def top_part(app: App[Any], name: str) -> str:
    """One part of the current screen's top bar, as drawn ("" when not shown)."""
    from frontdesk.app.widgets.top_bar import TopBar

    return TopBar.parts(app.screen.query_one(TopBar))[name]


def screen_name(app: App[Any]) -> str:
    return type(app.screen).__name__


async def press(pilot: Pilot[Any], *keys: str) -> None:
    """Press keys, then let the workers they started finish."""
    await pilot.press(*keys)
    await settle(pilot)


async def latest_code(desk: Desk, guide: str) -> str:
    """The code the simulator's phone/mailbox last received for `guide`."""
    for message in await desk.client.outbox():
        if message.guide == guide:
            return message.code
    raise LookupError(guide)
