"""Backend test environments: the one client, embedded (ASGI) and served on a loopback socket.

`env` is parametrised over three transports: embedded, served (SQLite), and `postgres`:
two real `frontdesk serve --database postgresql://…` processes on one database, the
clients' requests sent to them in turn, A, B, A, B (`TwoServes`, `Alternating`: nothing a
request leaves in one process's memory can help the next). All hold a fresh demo backend
on a clock standing at FIXED_EPOCH, and every response either client sees is checked
against docs/openapi.yaml at teardown (the `openapi_log` fixture of tests/conftest.py).

The two processes are started once per session and policy (their start is most of the
transport's cost) and stopped by their process ids at its end, also when it is
interrupted. Each test gets the demo data afresh: the database's tables emptied
(`TRUNCATE … RESTART IDENTITY`, the schema and the code key kept) and seeded again at
FIXED_EPOCH. Their clock is `frontdesk serve`'s standing one (FRONTDESK_SERVE_CLOCK),
each process's own: `env.clock` reads the first and moves both, and so does a test's
`POST /v1/_local/clock` (`Alternating` sends it to both); after a test that moved it, the
pair is started again, standing at FIXED_EPOCH.

The served transport is one uvicorn server per session, on 127.0.0.1 and a free port,
whose ASGI app forwards to the app each test mounts: a real socket per test without
paying uvicorn's start and stop each time.
"""

from __future__ import annotations

import secrets
import subprocess
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
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
from frontdesk.backend.serving import load_policy, server_config
from frontdesk.client import FrontdeskClient, Guide
from frontdesk.local.embedded_client import EMBEDDED_URL, embedded_client
from support.demo import Demo
from support.isolation import SERVED_KEY, start_serve, stop_serve
from support.isolation import TLS_CONTEXT as TLS_CONTEXT
from support.postgres import PostgresCluster

EMBEDDED = "embedded"
SERVED = "served"
POSTGRES = "postgres"
TRANSPORTS = (EMBEDDED, SERVED, POSTGRES)

# Small limits, so lockout, hourly sends and the per-card ceiling are quick to reach.
TIGHT_POLICY = Policy(max_attempts=2, card_failures_per_day=3, sends_per_hour=2)
TIGHT_POLICY_FILE = "max_attempts = 2\ncard_failures_per_day = 3\nsends_per_hour = 2\n"
FIXED_EPOCH = 1_795_000_000  # tests/conftest.py's, as FRONTDESK_SERVE_CLOCK takes it


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


class Alternating(httpx.AsyncBaseTransport):
    """Sends each request to the next of two serve processes in turn (`urls`: theirs), one
    count for every client of a test. `POST /v1/_local/clock` goes to both, answered by the
    first: the simulator's clock is each process's own, and the pair must agree on time
    (the harness keeping its test clock in step, not a contract a chain relies on)."""

    def __init__(self, urls: tuple[str, str]) -> None:
        self.targets = [httpx.URL(url) for url in urls]
        self.inner = httpx.AsyncHTTPTransport()
        self.count = 0
        self.sent: list[int | None] = []  # the port each request went to, in order

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and request.url.path == "/v1/_local/clock":
            await request.aread()
            # without its Idempotency-Key, kept in the database both share: the first's
            # answer would be replayed by the second, whose clock would not move
            headers = [(k, v) for k, v in request.headers.items() if k != "idempotency-key"]
            for target in self.targets[1:]:
                copy = httpx.Request(
                    request.method, request.url, headers=headers, content=request.content
                )
                answer = await self.inner.handle_async_request(self._to(copy, target))
                await answer.aread()
                await answer.aclose()
            target = self.targets[0]
        else:
            target = self.targets[self.count % len(self.targets)]
            self.count += 1
        self.sent.append(target.port)
        return await self.inner.handle_async_request(self._to(request, target))

    @staticmethod
    def _to(request: httpx.Request, target: httpx.URL) -> httpx.Request:
        # from the raw path: copy_with would decode an escaped "/" in a guide number
        path = request.url.raw_path.decode("ascii")
        request.url = httpx.URL(f"{target.scheme}://{target.host}:{target.port}{path}")
        request.headers["Host"] = f"{target.host}:{target.port}"
        return request

    async def aclose(self) -> None:
        """Each client closes its transport: this one, shared, is closed by its fixture."""

    async def close_for_good(self) -> None:
        await self.inner.aclose()


class ServedClock:
    """The two processes' standing clock: read from the first, moved on both (a `Clock`:
    what `env.clock` and the test's own view of the backend use)."""

    def __init__(self, urls: tuple[str, str]) -> None:
        self.urls = urls

    def _move(self, url: str, seconds: int) -> dict[str, Any]:
        answer = httpx.post(
            f"{url}/_local/clock",
            json={"advance_seconds": seconds},
            headers={"Authorization": f"Bearer {SERVED_KEY}"},
            timeout=30,
        )
        answer.raise_for_status()
        return dict(answer.json())

    def now(self) -> float:
        stamp = str(self._move(self.urls[0], 0)["now"])
        return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()

    def advance(self, seconds: float) -> None:
        assert seconds == int(seconds), "the served clock moves by whole seconds"
        for url in self.urls:
            self._move(url, int(seconds))

    @property
    def offset(self) -> float:
        return float(self._move(self.urls[0], 0)["offset_seconds"])


class TwoServes:
    """Two `frontdesk serve --database` processes on one database of the session's cluster,
    with `policy` (a TOML file, `--policy`), clock standing at FIXED_EPOCH."""

    def __init__(self, cluster: PostgresCluster, root: Path, policy: Policy | None) -> None:
        self.database = cluster.new_database()
        self.root = root
        self.policy_args: tuple[str, ...] = ()
        if policy is not None:
            assert policy == TIGHT_POLICY, "a policy file for this policy"
            path = root / "policy.toml"
            root.mkdir(parents=True, exist_ok=True)
            path.write_text(TIGHT_POLICY_FILE, encoding="utf-8")
            assert load_policy(str(path)) == policy
            self.policy_args = ("--policy", str(path))
        self.processes: list[subprocess.Popen[str]] = []
        self.urls: tuple[str, str] = ("", "")
        self.moved = False
        self.log_marks: dict[str, int] = {}

    def start(self) -> None:
        """Both at once (migrating and seeding take advisory locks: one does each)."""

        def one(name: str) -> tuple[subprocess.Popen[str], str]:
            return start_serve(
                self.root / name,
                *self.policy_args,
                env_extra={"FRONTDESK_SERVE_CLOCK": str(FIXED_EPOCH)},
                database=self.database,
                log=self._log(name),
            )

        with ThreadPoolExecutor(2) as pool:
            futures = [pool.submit(one, name) for name in ("a", "b")]
        started = [future.result() for future in futures if future.exception() is None]
        self.processes = [process for process, _ in started]  # stopped even if one failed
        for future in futures:
            future.result()  # a start that failed: its error
        self.urls = (started[0][1], started[1][1])
        self.moved = False

    def stop(self) -> None:
        """Both stopped by process id (SIGTERM, SIGKILL after a grace), both at once."""
        with ThreadPoolExecutor(2) as pool:
            list(pool.map(stop_serve, self.processes))
        self.processes = []

    def fresh(self) -> ServedClock:
        """The pair ready for a test: started (again, if its clock moved), the demo data
        emptied, its logs read from here on; the clock to seed it with."""
        if self.moved or not self.processes:
            self.stop()
            self.start()
        _empty(self.database)
        self.log_marks = {name: self._log(name).stat().st_size for name in ("a", "b")}
        return ServedClock(self.urls)

    def _log(self, name: str) -> Path:
        return self.root / f"{name}.log"

    def log_lines(self) -> list[str]:
        """What both processes logged (stderr, one record a line) since `fresh`."""
        lines = []
        for name, mark in self.log_marks.items():
            with self._log(name).open(encoding="utf-8", errors="replace") as log:
                log.seek(mark)
                lines += log.read().splitlines()
        return lines


def _clock_moved(pair: TwoServes) -> bool:
    """Whether the pair's clock left FIXED_EPOCH, or a process of it is not there to say."""
    if any(process.poll() is not None for process in pair.processes):
        return True
    try:
        return ServedClock(pair.urls).offset != 0
    except httpx.HTTPError:
        return True


def _empty(url: str) -> None:
    """Every table of `url` emptied but the schema's version and the code key (`meta`)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        names = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                " AND tablename NOT IN ('schema_migrations', 'meta')"
            )
        ]
        conn.execute(f"TRUNCATE {', '.join(names)} RESTART IDENTITY")  # names from the catalog


class ServePairs:
    """The `postgres` transport's pairs of serve processes, one per policy, made when a
    test first asks (`pair`)."""

    def __init__(self, factory: pytest.TempPathFactory) -> None:
        self.factory = factory
        self.pairs: dict[str, TwoServes] = {}

    def pair(self, cluster: PostgresCluster, policy: Policy | None) -> TwoServes:
        name = "default" if policy is None else "tight"
        if name not in self.pairs:
            self.pairs[name] = TwoServes(cluster, self.factory.mktemp(f"serve-{name}"), policy)
        return self.pairs[name]

    def stop(self) -> None:
        for pair in self.pairs.values():
            pair.stop()


@pytest.fixture(scope="session")
def serve_pairs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServePairs]:
    """The session's pairs of serve processes, stopped by process id when it ends (also
    when a test failed or the run was interrupted: pytest runs this on the way out)."""
    pairs = ServePairs(tmp_path_factory)
    try:
        yield pairs
    finally:
        pairs.stop()


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
    served: TwoServes | None = None  # postgres: the two serve processes
    alternating: Alternating | None = None  # postgres: what sends the requests to them
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
    loopback_server: LoopbackServer,
    openapi_log: Any,
    tmp_path: Path,
    manual_clock: ManualClock,
    serve_pairs: ServePairs,
) -> AsyncIterator[EnvFactory]:
    """make_env(kind, policy=None, clock=None) → a fresh demo backend reached over `kind`
    (`postgres`: `cluster`, the session's PostgreSQL, is needed)."""
    made: list[Env] = []
    pairs: list[tuple[TwoServes, Alternating]] = []  # a postgres env's processes
    mounted = False

    async def make(
        kind: str,
        policy: Policy | None = None,
        clock: ManualClock | None = None,
        cluster: PostgresCluster | None = None,
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
        elif kind == POSTGRES:
            app = None
            assert not mounted and cluster is not None, "one served backend per test"
            mounted = True
            pair = serve_pairs.pair(cluster, policy)
            served = pair.fresh()
            # the test's own view of the database (reads, the demo seeded again): the
            # processes' clock, so it sees the time they see
            where = parse_database_url(pair.database)
            backend = open_backend(where, clock=served, policy=policy, deterministic=True)
            key, clock = SERVED_KEY, served  # type: ignore[assignment]
            base_url = pair.urls[0].removesuffix("/v1")
            alternating = Alternating(pair.urls)
            pairs.append((pair, alternating))
            client = FrontdeskClient(base_url, api_key=key, transport=alternating)
            raw = httpx.AsyncClient(base_url=base_url, timeout=30, transport=alternating)
        else:
            app = None
            assert not mounted, "one served backend per test"
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
        if kind == POSTGRES:
            env.served, env.alternating = pair, alternating
        made.append(env)
        return env

    yield make
    for env in made:
        await env.client.aclose()
        await env.raw.aclose()
    loopback_server.switch.app = None
    for env in made:
        env.backend.close()
    for pair, alternating in pairs:
        await alternating.close_for_good()
        pair.moved = pair.moved or _clock_moved(pair)  # started again, at FIXED_EPOCH


# The served transports carry the `served` marker: `-m "not served"` keeps to in-process;
# `postgres` also carries `postgres` (`-m "not postgres"` without a cluster).
TRANSPORT_PARAMS = (
    EMBEDDED,
    pytest.param(SERVED, marks=pytest.mark.served),
    pytest.param(POSTGRES, marks=[pytest.mark.served, pytest.mark.postgres]),
)


def _cluster(request: pytest.FixtureRequest) -> PostgresCluster | None:
    """The session's PostgreSQL cluster for a `postgres` env (skips without one)."""
    if request.param != POSTGRES:
        return None
    cluster: PostgresCluster = request.getfixturevalue("postgres_cluster")
    return cluster


@pytest.fixture(params=TRANSPORT_PARAMS)
async def env(request: pytest.FixtureRequest, make_env: EnvFactory) -> Env:
    """A fresh demo backend with the default policy: embedded, served, or two serve
    processes on PostgreSQL."""
    return await make_env(request.param, cluster=_cluster(request))


@pytest.fixture(params=TRANSPORT_PARAMS[:2])
async def settable_env(request: pytest.FixtureRequest, make_env: EnvFactory) -> Env:
    """`env` over the transports whose backend's settings a test may change while it runs
    (embedded and served in this process): a serve process's are its command line's."""
    return await make_env(request.param)


@pytest.fixture(params=TRANSPORT_PARAMS)
async def tight_env(request: pytest.FixtureRequest, make_env: EnvFactory) -> Env:
    """A fresh demo backend with TIGHT_POLICY, over each transport of `env`."""
    return await make_env(request.param, TIGHT_POLICY, cluster=_cluster(request))


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
