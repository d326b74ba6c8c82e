"""Fixtures of the web server's tests: a users file, clocks the tests move, and the server on a
real loopback socket in the test's own event loop (its desks are tests/web/fake_desk.py
unless a test asks for the real app)."""

from __future__ import annotations

import re
import secrets
import ssl
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from frontdesk.audit_log import AuditLog
from frontdesk.web.guard import LoginGuard
from frontdesk.web.http import tls_context
from frontdesk.web.server import Settings, WebServer
from frontdesk.web.throttle import DeviceCookies
from frontdesk.web.users import UserStore
from support.browser import csrf_of
from support.clocks import Monotonic
from support.isolation import Home

FAKE_DESK = str(Path(__file__).with_name("fake_desk.py"))
PASSWORD = "Recepcao#2026"
OTHER_PASSWORD = "Balcao!2027x"
# `frontdesk web`'s line saying where it serves, in Portuguese (the CLI tests' language).
SERVING = re.compile(r"recepção no navegador em (http://127\.0\.0\.1:\d+/) ")
START = datetime(2026, 11, 18, 11, 6, 40, tzinfo=UTC)


class Wall:
    """A wall clock that moves only when told."""

    def __init__(self, start: datetime = START) -> None:
        self.value = start

    def __call__(self) -> datetime:
        return self.value

    def advance(self, **delta: float) -> None:
        self.value += timedelta(**delta)


@pytest.fixture
def wall() -> Wall:
    return Wall()


@pytest.fixture
def store(home: Home, wall: Wall) -> UserStore:
    """The users file in the test's config directory, with "ana" (PASSWORD) in it."""
    users = UserStore(now=wall)
    users.add("ana", PASSWORD)
    return users


@dataclass
class Running:
    """A WebServer listening on 127.0.0.1, and what the test can move or read."""

    server: WebServer
    url: str
    clock: Monotonic
    wall: Wall
    home: Home
    clients: list[aiohttp.ClientSession] = field(default_factory=list)

    def client(self, **options: Any) -> aiohttp.ClientSession:
        """A browser-like client: its own cookie jar (IP-address cookies kept)."""
        jar = aiohttp.CookieJar(unsafe=True)
        session = aiohttp.ClientSession(
            cookie_jar=jar, headers={"Origin": self.url.rstrip("/")}, **options
        )
        self.clients.append(session)
        return session

    async def sign_in(
        self,
        client: aiohttp.ClientSession,
        user: str = "ana",
        password: str = PASSWORD,
        *,
        follow: bool = False,
    ) -> aiohttp.ClientResponse:
        """POST the sign-in form (its answer is a redirect); `follow`: the page the browser
        shows next (a failure's message is shown by that GET /login)."""
        form = await csrf_of(client, self.url)
        return await client.post(
            self.url + "login",
            data={"csrf": form, "user": user, "password": password},
            allow_redirects=follow,
        )

    def audit(self) -> list[dict[str, Any]]:
        if not self.home.audit_file.exists():
            return []
        return self.home.audit_lines()


def fake_desk(*flags: str) -> tuple[str, ...]:
    return (sys.executable, FAKE_DESK, *flags)


@asynccontextmanager
async def running_server(
    home: Home,
    store: UserStore,
    wall: Wall,
    *,
    settings: Settings | None = None,
    ssl_context: Any = None,
    guard_options: dict[str, Any] | None = None,
) -> AsyncIterator[Running]:
    clock = Monotonic()
    settings = settings or Settings(app_command=fake_desk(), grace_seconds=5.0)
    guard = LoginGuard(store, now=wall, **(guard_options or {}))
    devices = DeviceCookies(secrets.token_bytes(32), now=lambda: wall().timestamp())
    server = WebServer(
        settings, guard=guard, audit=AuditLog(now=wall), devices=devices, clock=clock
    )
    runner = web.AppRunner(server.application(), access_log=None, shutdown_timeout=5)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=ssl_context)
    await site.start()
    host, port = runner.addresses[0][:2]
    scheme = "https" if ssl_context is not None else "http"
    state = Running(server, f"{scheme}://{host}:{port}/", clock, wall, home)
    try:
        yield state
    finally:
        for client in state.clients:
            await client.close()
        await runner.cleanup()  # closes every desk (the shutdown hook)


@asynccontextmanager
async def running_tls_server(
    home: Home, store: UserStore, wall: Wall, tls_files: dict[str, Path]
) -> AsyncIterator[tuple[Running, aiohttp.ClientSession]]:
    """`running_server` under TLS (`tls = true`, the suite's certificate) and a client that
    trusts the suite's CA."""
    server_context = tls_context(str(tls_files["cert"]), str(tls_files["key"]))
    client_context = ssl.create_default_context(cafile=str(tls_files["ca"]))
    async with running_server(
        home, store, wall, settings=settings_with(tls=True), ssl_context=server_context
    ) as run:
        yield run, run.client(connector=aiohttp.TCPConnector(ssl=client_context))


@pytest.fixture
async def running(home: Home, store: UserStore, wall: Wall) -> AsyncIterator[Running]:
    async with running_server(home, store, wall) as state:
        yield state


def settings_with(**changes: Any) -> Settings:
    base: dict[str, Any] = {"app_command": fake_desk(), "grace_seconds": 5.0}
    base.update(changes)
    return Settings(**base)


def alive(pid: int | None) -> bool:
    """Whether process `pid` still runs (a zombie counts as gone)."""
    if pid is None:
        return False
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2 :].split()[0] != "Z"


def frontdesk(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "frontdesk", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'chain.sqlite3'}"
    return str(request.getfixturevalue("postgres_url"))
