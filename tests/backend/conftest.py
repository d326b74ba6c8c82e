"""Backend test environments: the one client, embedded (ASGI) and served on a loopback socket.

`env` is parametrised over three transports: embedded, served (SQLite), and `postgres`:
two backends, each with its own connection to one fresh PostgreSQL database, behind one
loopback server that sends requests to them in turn (nothing a request leaves in one
backend's memory can help the next). All hold a fresh demo backend on a `ManualClock` at
FIXED_EPOCH, and every response either client sees is checked
against docs/openapi.yaml at teardown (the `openapi_log` fixture of tests/conftest.py).

The served transport is one uvicorn server per session, on 127.0.0.1 and a free port,
whose ASGI app forwards to the app each test mounts: a real socket per test without
paying uvicorn's start and stop each time.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from frontdesk.backend.clock import ManualClock
from frontdesk.backend.database import parse_database_url
from frontdesk.backend.local import open_backend
from frontdesk.backend.policy import Policy
from frontdesk.backend.server import create_app
from frontdesk.backend.service import LocalBackend
from frontdesk.backend.serving import server_config
from frontdesk.client import FrontdeskClient, Guide
from frontdesk.local.embedded_client import EMBEDDED_URL, embedded_client
from support.demo import Demo
from support.isolation import TLS_CONTEXT as TLS_CONTEXT

EMBEDDED = "embedded"
SERVED = "served"
POSTGRES = "postgres"
TRANSPORTS = (EMBEDDED, SERVED, POSTGRES)

# Small limits, so lockout, hourly sends and the per-card ceiling are quick to reach.
TIGHT_POLICY = Policy(max_attempts=2, card_failures_per_day=3, sends_per_hour=2)


ASGIApp = Callable[[dict[str, Any], Any, Any], Awaitable[None]]


class SwitchableApp:
    """An ASGI app forwarding to whichever app the current test mounted."""

    def __init__(self) -> None:
        self.app: ASGIApp | None = None

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        app = self.app
        if app is None:
            await send({"type": "http.response.start", "status": 503, "headers": []})
            await send({"type": "http.response.body", "body": b""})
            return
        await app(scope, receive, send)


class Alternating:
    """An ASGI app sending each request to the next of two backends' apps in turn. A test
    may change the first backend's settings or policy (`env.backend`): the second follows."""

    def __init__(self, backends: list[LocalBackend], api_key: str) -> None:
        self.backends = backends
        self.apps = [create_app(b, api_key=api_key) for b in backends]
        self.count = 0

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        first = self.backends[0]
        for other in self.backends[1:]:
            other.settings, other.policy = first.settings, first.policy
            other.engine.policy = first.policy
        app = self.apps[self.count % len(self.apps)]
        if scope["type"] == "http":
            self.count += 1
        await app(scope, receive, send)


class LoopbackServer:
    """uvicorn on 127.0.0.1:<free port> in a background thread."""

    def __init__(self) -> None:
        self.switch = SwitchableApp()
        config = server_config(self.switch, host="127.0.0.1", port=0)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="uvicorn", daemon=True)
        self.url = ""

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the loopback server did not start")
            time.sleep(0.01)
        host, port = self.server.servers[0].sockets[0].getsockname()[:2]
        self.url = f"http://{host}:{port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


@pytest.fixture(scope="session")
def loopback_server() -> Iterator[LoopbackServer]:
    server = LoopbackServer()
    server.start()
    yield server
    server.stop()


@dataclass
class Env:
    """One backend and the clients that reach it over one transport."""

    kind: str
    client: FrontdeskClient
    backend: LocalBackend
    clock: ManualClock
    api_key: str
    base_url: str
    raw: httpx.AsyncClient  # no default credentials: tests set headers themselves
    log: Any  # tests/conftest.py's OpenApiLog: attach any other client to it
    app: Any = None  # embedded: an ASGI app on `backend` (for more in-process clients)
    _demo: Demo | None = field(default=None, repr=False)

    def auth(self, **extra: str) -> dict[str, str]:
        """The bearer key header, plus `extra` (`Idempotency_Key=…` → `Idempotency-Key`)."""
        headers = {"Authorization": f"Bearer {self.api_key}"}
        headers.update({k.replace("_", "-"): v for k, v in extra.items()})
        return headers

    async def demo(self) -> Demo:
        """The demo guides, read from the backend directly (a lookup, not a test)."""
        if self._demo is None:
            items = self.backend.list_guides(None, None)["items"]
            self._demo = Demo(tuple(Guide.parse(item) for item in items))
        return self._demo


def backend_state(backend: LocalBackend) -> dict[str, Any]:
    """What bad input must never change: every guide (with its token), every guide's
    events, the simulator's outbox, and the failed validations counted per card."""
    guides = backend.list_guides(None, None)["items"]
    numbers = [g["number"] for g in guides]
    cards = sorted({g["beneficiary"]["card"].replace(" ", "") for g in guides})
    with backend.store.transaction(commit=False):  # a read, even where nothing can be written
        failures = {card: backend.store.failure_times(card, 0) for card in cards}
        outbox = [m.id for m in backend.store.outbox(1000)]
    return {
        "guides": guides,
        "events": {n: backend.events(n)["events"] for n in numbers},
        "outbox": outbox,
        "failures": failures,
    }


async def state_of(env: Env) -> dict[str, Any]:
    """`backend_state` of the env's backend."""
    return backend_state(env.backend)


EnvFactory = Callable[..., Awaitable[Env]]


@pytest.fixture
async def make_env(
    loopback_server: LoopbackServer, openapi_log: Any, tmp_path: Path, manual_clock: ManualClock
) -> AsyncIterator[EnvFactory]:
    """make_env(kind, policy=None, clock=None) → a fresh demo backend reached over `kind`."""
    made: list[Env] = []
    others: list[LocalBackend] = []  # the second backend of a postgres env
    mounted = False

    async def make(
        kind: str,
        policy: Policy | None = None,
        clock: ManualClock | None = None,
        database: str | None = None,
    ) -> Env:
        nonlocal mounted
        clock = clock or manual_clock
        key = secrets.token_urlsafe(16)
        if kind == EMBEDDED:
            client, backend = embedded_client(
                ":memory:", clock=clock, policy=policy, api_key=key, deterministic=True
            )
            app = create_app(backend, api_key=key, log_access=False)
            raw = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=EMBEDDED_URL)
            base_url = EMBEDDED_URL
        else:
            app = None
            assert not mounted, "one served backend per test"
            if kind == POSTGRES:
                assert database is not None, "a postgres env needs its database's URL"
                where = parse_database_url(database)
                backend = open_backend(where, clock=clock, policy=policy, deterministic=True)
                second = open_backend(where, clock=clock, policy=policy)
                others.append(second)
                loopback_server.switch.app = Alternating([backend, second], key)
            else:
                db = tmp_path / f"served-{len(made)}.sqlite3"
                backend = open_backend(db, clock=clock, policy=policy, deterministic=True)
                loopback_server.switch.app = create_app(backend, api_key=key)
            mounted = True
            base_url = loopback_server.url
            client = FrontdeskClient(base_url, api_key=key, verify=TLS_CONTEXT)
            raw = httpx.AsyncClient(base_url=base_url, timeout=30, verify=TLS_CONTEXT)
        openapi_log.attach(client)
        openapi_log.attach(raw)
        env = Env(kind, client, backend, clock, key, base_url, raw, openapi_log, app)
        made.append(env)
        return env

    yield make
    for env in made:
        await env.client.aclose()
        await env.raw.aclose()
    loopback_server.switch.app = None
    for env in made:
        env.backend.close()
    for other in others:
        other.close()


# The served transports carry the `served` marker: `-m "not served"` keeps to in-process;
# `postgres` also carries `postgres` (`-m "not postgres"` without a cluster).
TRANSPORT_PARAMS = (
    EMBEDDED,
    pytest.param(SERVED, marks=pytest.mark.served),
    pytest.param(POSTGRES, marks=[pytest.mark.served, pytest.mark.postgres]),
)


def _database(request: pytest.FixtureRequest) -> str | None:
    """A fresh PostgreSQL database for a `postgres` env (skips without a cluster)."""
    if request.param != POSTGRES:
        return None
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture(params=TRANSPORT_PARAMS)
async def env(request: pytest.FixtureRequest, make_env: EnvFactory) -> Env:
    """A fresh demo backend with the default policy: embedded, served, or two on PostgreSQL."""
    return await make_env(request.param, database=_database(request))


@pytest.fixture(params=TRANSPORT_PARAMS)
async def tight_env(request: pytest.FixtureRequest, make_env: EnvFactory) -> Env:
    """A fresh demo backend with TIGHT_POLICY, over each transport of `env`."""
    return await make_env(request.param, TIGHT_POLICY, database=_database(request))


@pytest.fixture
async def served_env(make_env: EnvFactory) -> Env:
    """A fresh demo backend served on the loopback socket."""
    return await make_env(SERVED)


@pytest.fixture
async def embedded_env(make_env: EnvFactory) -> Env:
    return await make_env(EMBEDDED)


@pytest.fixture
async def client(embedded_env: Env) -> FrontdeskClient:
    """The client over the embedded transport (demo data, ManualClock at FIXED_EPOCH)."""
    return embedded_env.client


@pytest.fixture
async def backend(embedded_env: Env) -> LocalBackend:
    """The LocalBackend behind `client`."""
    return embedded_env.backend
