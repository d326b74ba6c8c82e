"""Benchmark of the local backend served on loopback: lookups, send+validate flows, validations.

One command: `python bench/backend.py [--clients 50] [--seconds 10] [--guides N]`.

It seeds a temporary SQLite database (demo data plus thousands of guides awaiting a token,
so every send+validate flow uses a fresh guide), serves it with `python -m frontdesk serve`
in a subprocess (its own core and GIL; access log off), and drives it from this process
with N concurrent keep-alive HTTP/1.1 connections for a bounded time per scenario. A
trivial raw ASGI app (no framework, as the backend's own app; fixed JSON) served by
uvicorn with the same settings (`bench/_baseline_app.py`) is driven by the same client
code in the same run, so the figures come with ratios that survive a noisy shared
machine. It prints requests/s and p50/p95/p99 latency per scenario, the CPU
each side used, and PASS/FAIL against the budget in docs/performance.md (≥ 500 validations/s with
p99 ≤ 50 ms at 50 concurrent clients). Exit code 0 unless `--strict` and the budget fails.

Scenarios (each bounded by --seconds and --max-requests):
  baseline GET / POST   the trivial app: fixed JSON; POST also parses a small JSON body
  A lookup              GET /v1/guides/{n} over the demo guides (every status)
  B flow                per fresh guide: POST send (c1) -> GET /v1/_local/outbox (find the
                        message of that guide) -> POST validate with its code (200)
  C validate wrong      POST validate with a wrong code on pending challenges (all 422)
  D validate right      POST validate with the right code (all 200); codes sent at setup
C, D and the baseline POST also run paced: the clients together offer --rate requests/s
(default 500) on a fixed schedule, latency counted from the scheduled time. The budget is
judged on C and D: the closed loop must sustain ≥ 500/s, and the paced run at 500/s must
keep p99 ≤ 50 ms (docs/performance.md says why). Every POST carries a fresh
Idempotency-Key, as the project's client sends one on every POST. The server's CPU time
per request is printed too: the figure least moved by whatever else shares the machine.

The default load generator is a minimal asyncio HTTP/1.1 client (`--client raw`): httpx
costs ~2.5 ms of client CPU per request on this machine, which caps one process at ~350
requests/s whatever the server does (measure it with `--client httpx`, optionally with
`--procs 2`).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import importlib.metadata
import itertools
import json
import math
import multiprocessing as mp
import os
import platform
import re
import select
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

HERE = Path(__file__).resolve().parent
API_KEY = "bench-key-not-secret"
BUDGET_RPS = 500.0
BUDGET_P99_MS = 50.0
BUDGET_CLIENTS = 50
ATTEMPTS_PER_WRONG_GUIDE = 5  # policy max_attempts: the 5th wrong code is still a 422
WRONG_GUIDES_PER_CARD = 3  # 15 failures per card, under the 20-per-24-h ceiling
SEND_CHANNEL = "c1"
OUTBOX_LIMIT = 200


# -- seeding ----------------------------------------------------------------------------------


@dataclass
class Seed:
    """What the load needs to know about the database it seeded."""

    lookup: list[str]  # guide numbers to look up (the demo guides, every status)
    flow: list[str]  # fresh guides awaiting a token, no challenge yet (scenario B)
    wrong: list[tuple[str, str]]  # (guide, a wrong code), ATTEMPTS_PER_WRONG_GUIDE each (C)
    right: list[tuple[str, str]]  # (guide, its right code), one each (D)
    seconds: float = 0.0


def seed_database(db: Path | Any, *, flow: int, right: int, wrong_guides: int) -> Seed:
    """Demo data plus fresh guides awaiting a token: `flow` without a code (B), `right`
    with a code sent (D), `wrong_guides` with a code sent on cards of their own (C)."""
    from frontdesk.backend.demo import TUSS
    from frontdesk.backend.local import open_backend
    from frontdesk.backend.store import BeneficiaryRecord, ContactRecord, GuideRecord

    started = time.perf_counter()
    backend = open_backend(db)  # a path (SQLite) or a backend.database.Database
    store = backend.store
    now = backend.clock.now()
    with store.transaction(commit=False):  # a store is read inside a transaction
        demo = store.list_guides(None, None)
        lookup = [g.number for g in demo]
        # Demo beneficiaries with a contact at c1 (the one without contacts is left out).
        cards = sorted(
            {g.card for g in demo if any(c.position == 1 for c in store.contacts(g.card))}
        )
    procedures: list[dict[str, Any]] = [
        {"table": "22", "code": "10101012", "description": TUSS["10101012"], "quantity": 1}
    ]
    counter = itertools.count(1)

    def guide(card: str) -> GuideRecord:
        n = next(counter)
        return GuideRecord(
            number=f"9{n:012d}",
            operator_number=f"77{n:07d}",
            type="consulta",
            status="awaiting_token",
            requested_at=now - 60 - n % 3600,
            card=card,
            provider_code="123456",
            provider_name="Clínica Sorriso",
            procedures=procedures,
            authorization_number=None,
            authorization_valid_until=None,
            absence_reason=None,
        )

    flow_guides = [guide(cards[i % len(cards)]) for i in range(flow)]
    right_guides = [guide(cards[i % len(cards)]) for i in range(right)]
    wrong_count = wrong_guides
    # C needs its own cards: wrong codes count against a ceiling per card per 24 h.
    # No app on them, so a wrong code is never checked against an app's TOTP.
    wrong_cards = [f"00649{i:011d}" for i in range(math.ceil(wrong_count / WRONG_GUIDES_PER_CARD))]
    wrong = [guide(wrong_cards[i // WRONG_GUIDES_PER_CARD]) for i in range(wrong_count)]
    with store.transaction():
        for i, card in enumerate(wrong_cards):
            store.put_beneficiary(
                BeneficiaryRecord(
                    card=card,
                    card_display=" ".join(card[j : j + 4] for j in range(0, 16, 4)),
                    name=f"Paciente de Carga {i + 1}",
                    social_name=None,
                    plan="Saúde Essencial",
                    app_secret=None,
                    app_last_counter=None,
                    last_used_contact=None,
                )
            )
            store.add_contact(ContactRecord(card, 1, "sms", f"119{i % 100_000_000:08d}"))
        for record in itertools.chain(flow_guides, right_guides, wrong):
            store.put_guide(record)
        # D and C need a pending challenge: send each a code now (as the desk would have).
        for record in itertools.chain(right_guides, wrong):
            backend.send(record.number, channel_id=SEND_CHANNEL)
    with store.transaction(commit=False):
        codes = {m.guide: m.code for m in store.outbox(right + wrong_count + 100)}
    backend.close()
    wrong_items = [
        (g.number, _wrong_code(codes[g.number]))
        for _ in range(ATTEMPTS_PER_WRONG_GUIDE)
        for g in wrong
    ]
    return Seed(
        lookup=lookup,
        flow=[g.number for g in flow_guides],
        wrong=wrong_items,
        right=[(g.number, codes[g.number]) for g in right_guides],
        seconds=time.perf_counter() - started,
    )


def _wrong_code(code: str) -> str:
    """A well-formed code that is not `code`."""
    return f"{(int(code) + 1) % 10 ** len(code):0{len(code)}d}"


# -- servers ----------------------------------------------------------------------------------


class Server:
    """A server subprocess that prints 'serving on http://HOST:PORT/v1' once it listens."""

    def __init__(self, argv: list[str], name: str) -> None:
        self.name = name
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 (lives as long as the server)
        self.process = subprocess.Popen(
            argv,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
            cwd=HERE.parent,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self.url = self._wait_for_url(timeout=60.0)
        match = re.match(r"http://([^:/]+):(\d+)", self.url)
        assert match is not None
        self.host, self.port = match.group(1), int(match.group(2))

    def _wait_for_url(self, timeout: float) -> str:
        assert self.process.stdout is not None
        deadline = time.monotonic() + timeout
        seen: list[str] = []
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.process.stdout], [], [], 0.2)
            if ready:
                line = self.process.stdout.readline()
                seen.append(line)
                match = re.search(r"(?:serving on|atendendo em) (http://\S+/v1)", line)
                if match:
                    return match.group(1)
            if self.process.poll() is not None:
                break
        self.stop()
        raise RuntimeError(f"{self.name} did not start:\n{''.join(seen)}{self.stderr()}")

    def cpu_seconds(self) -> float:
        """User + system CPU time of the server process so far (Linux /proc)."""
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return math.nan
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stderr(self) -> str:
        self._stderr.seek(0)
        return self._stderr.read().decode(errors="replace")[-4000:]

    def stop(self) -> None:
        if self.process.poll() is None:
            # SIGINT, as Ctrl-C: uvicorn re-raises the signal it caught after its shutdown,
            # and a re-raised SIGTERM kills the process before `frontdesk serve` closes the
            # database (or cProfile writes its file); a re-raised SIGINT unwinds cleanly.
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()


def machine_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far, all cores (Linux /proc/stat)."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return math.nan, math.nan
    tick = os.sysconf("SC_CLK_TCK")
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return (sum(fields[:8]) - idle) / tick, sum(fields[:8]) / tick


# -- the load generator's HTTP clients ------------------------------------------------------


class Connection(Protocol):
    async def request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
        """One request; (status, body). POSTs carry a fresh Idempotency-Key."""
        ...

    async def close(self) -> None: ...


class RawConnection:
    """One keep-alive HTTP/1.1 connection over asyncio streams: as little client CPU as can be."""

    def __init__(self, host: str, port: int, ids: Iterator[str]) -> None:
        self.host = host
        self.port = port
        self._ids = ids
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._prefix = f"Host: {host}:{port}\r\nAuthorization: Bearer {API_KEY}\r\n"

    async def request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
        if self._writer is None:
            self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        reader, writer = self._reader, self._writer
        assert reader is not None
        head = f"{method} {path} HTTP/1.1\r\n{self._prefix}Accept: application/json\r\n"
        if body is not None:
            head += (
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
                f"Idempotency-Key: {next(self._ids)}\r\n"
            )
        writer.write(head.encode() + b"\r\n" + (body or b""))
        raw = await reader.readuntil(b"\r\n\r\n")
        length = -1
        close = False
        for line in raw.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"connection" and value.strip().lower() == b"close":
                close = True
            elif name == b"transfer-encoding":
                raise RuntimeError("chunked responses are not expected from this server")
        if length < 0:
            raise RuntimeError("response without Content-Length")
        content = await reader.readexactly(length)
        if close:
            await self.close()
        return int(raw[9:12]), content

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            with contextlib.suppress(OSError, ConnectionError):
                await self._writer.wait_closed()
        self._reader = self._writer = None


class HttpxConnection:
    """The same through httpx.AsyncClient (keep-alive, HTTP/1.1), as the project's client."""

    def __init__(self, host: str, port: int, ids: Iterator[str]) -> None:
        import httpx

        self._ids = ids
        self._client = httpx.AsyncClient(
            base_url=f"http://{host}:{port}",
            headers={"Authorization": f"Bearer {API_KEY}", "Accept": "application/json"},
            limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
            timeout=60.0,
        )

    async def request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
        headers = None
        if body is not None:
            headers = {"Content-Type": "application/json", "Idempotency-Key": next(self._ids)}
        response = await self._client.request(method, path, content=body, headers=headers)
        return response.status_code, response.content

    async def close(self) -> None:
        await self._client.aclose()


# -- scenarios --------------------------------------------------------------------------------


@dataclass
class Tally:
    """Latencies (seconds) and status counts of one kind of request."""

    latencies: list[float] = field(default_factory=list)
    statuses: collections.Counter[int] = field(default_factory=collections.Counter)
    unexpected: int = 0


@dataclass
class Run:
    """The shared state of one scenario inside one load-generator process.

    Closed loop (`period` None): each client sends its next request as soon as the last
    answered; latency runs from the send. Paced (`period` set): each client sends on a
    fixed schedule (`period` apart, clients staggered), and latency runs from the
    scheduled time, so a late send (the client still waiting, or the loop busy) counts
    against the server instead of hiding (no coordinated omission).
    """

    started: float
    deadline: float
    cap: int
    clients: int
    period: float | None = None
    issued: int = 0
    tallies: dict[str, Tally] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    async def slots(self, index: int, requests: int = 1) -> AsyncIterator[float | None]:
        """Yield once per request (or flow of `requests`): its latency origin, if paced."""
        if self.period is None:
            while time.perf_counter() < self.deadline and self.issued + requests <= self.cap:
                self.issued += requests
                yield None
            return
        scheduled = self.started + index * self.period / self.clients
        while scheduled < self.deadline and self.issued + requests <= self.cap:
            self.issued += requests
            delay = scheduled - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            yield scheduled
            scheduled += self.period

    async def timed(
        self,
        kind: str,
        conn: Connection,
        method: str,
        path: str,
        body: bytes | None,
        expect: int,
        origin: float | None = None,
    ) -> tuple[int, bytes]:
        started = time.perf_counter() if origin is None else origin
        status, content = await conn.request(method, path, body)
        elapsed = time.perf_counter() - started
        tally = self.tallies.setdefault(kind, Tally())
        tally.latencies.append(elapsed)
        tally.statuses[status] += 1
        if status != expect:
            tally.unexpected += 1
            if len(self.problems) < 5:
                self.problems.append(f"{kind}: {status} {content[:200]!r}")
        return status, content


VirtualUser = Callable[[Run, Connection, Any, int], Awaitable[None]]


async def vu_baseline_get(run: Run, conn: Connection, work: Any, index: int) -> None:
    async for origin in run.slots(index):
        await run.timed("GET", conn, "GET", "/v1/ping", None, 200, origin)


async def vu_baseline_post(run: Run, conn: Connection, work: Any, index: int) -> None:
    body = b'{"code":"123456"}'
    async for origin in run.slots(index):
        await run.timed("POST", conn, "POST", "/v1/echo", body, 200, origin)


async def vu_lookup(run: Run, conn: Connection, work: Any, index: int) -> None:
    numbers: Iterator[str] = work
    async for origin in run.slots(index):
        path = f"/v1/guides/{next(numbers)}"
        await run.timed("lookup", conn, "GET", path, None, 200, origin)


async def vu_flow(run: Run, conn: Connection, work: Any, index: int) -> None:
    guides: collections.deque[str] = work
    send_body = json.dumps({"channel_id": SEND_CHANNEL}).encode()
    async for _ in run.slots(index, requests=3):
        if not guides:
            return
        number = guides.popleft()
        started = time.perf_counter()
        path = f"/v1/guides/{number}/token"
        status, _ = await run.timed("send", conn, "POST", path, send_body, 201)
        if status != 201:
            continue
        status, content = await run.timed("outbox", conn, "GET", "/v1/_local/outbox", None, 200)
        messages = json.loads(content)["messages"] if status == 200 else []
        code = next((m["code"] for m in messages if m["guide"] == number), None)
        if code is None:
            run.problems.append(f"outbox: no message for guide {number}")
            continue
        body = json.dumps({"code": code}).encode()
        status, content = await run.timed("validate", conn, "POST", path + "/validate", body, 200)
        if status == 200 and b'"status":"authorized"' not in content:
            run.problems.append(f"validate: 200 but not authorized: {content[:200]!r}")
        run.tallies.setdefault("flow", Tally()).latencies.append(time.perf_counter() - started)


async def _vu_validate(run: Run, conn: Connection, work: Any, index: int, expect: int) -> None:
    items: collections.deque[tuple[str, str]] = work
    async for origin in run.slots(index):
        if not items:
            return
        number, code = items.popleft()
        body = json.dumps({"code": code}).encode()
        path = f"/v1/guides/{number}/token/validate"
        await run.timed("validate", conn, "POST", path, body, expect, origin)


async def vu_validate_wrong(run: Run, conn: Connection, work: Any, index: int) -> None:
    await _vu_validate(run, conn, work, index, 422)


async def vu_validate_right(run: Run, conn: Connection, work: Any, index: int) -> None:
    await _vu_validate(run, conn, work, index, 200)


@dataclass(frozen=True)
class Scenario:
    name: str
    user: VirtualUser
    target: str  # baseline | frontdesk
    paced: bool = False


SCENARIOS: tuple[Scenario, ...] = (
    Scenario("baseline_get", vu_baseline_get, "baseline"),
    Scenario("baseline_post", vu_baseline_post, "baseline"),
    Scenario("baseline_post_paced", vu_baseline_post, "baseline", paced=True),
    Scenario("lookup", vu_lookup, "frontdesk"),
    Scenario("flow", vu_flow, "frontdesk"),
    Scenario("validate_wrong", vu_validate_wrong, "frontdesk"),
    Scenario("validate_wrong_paced", vu_validate_wrong, "frontdesk", paced=True),
    Scenario("validate_right", vu_validate_right, "frontdesk"),
    Scenario("validate_right_paced", vu_validate_right, "frontdesk", paced=True),
)
BY_NAME = {s.name: s for s in SCENARIOS}


@dataclass
class WorkerJob:
    """One load-generator process's share of a scenario."""

    scenario: str
    host: str
    port: int
    warmup_path: str
    clients: int
    seconds: float
    cap: int
    items: list[Any]
    client: str  # raw | httpx
    tag: str
    rate: float | None = None  # requests/s this process offers (paced), None: closed loop


def _work(scenario: str, items: list[Any]) -> Any:
    if BY_NAME[scenario].target == "baseline":
        return None
    if scenario == "lookup":
        return itertools.cycle(items)
    return collections.deque(items)


async def _drive(job: WorkerJob, barrier: Any) -> dict[str, Any]:
    ids = (f"{job.tag}-{n}" for n in itertools.count())
    factory = RawConnection if job.client == "raw" else HttpxConnection
    conns: list[Connection] = [factory(job.host, job.port, ids) for _ in range(job.clients)]
    # Open every connection (not measured), so the timed part is pure keep-alive traffic.
    await asyncio.gather(*(c.request("GET", job.warmup_path) for c in conns))
    if barrier is not None:
        await asyncio.get_running_loop().run_in_executor(None, barrier.wait)
    work = _work(job.scenario, job.items)
    user = BY_NAME[job.scenario].user
    cpu_started = time.process_time()
    started = time.perf_counter()
    run = Run(
        started=started,
        deadline=started + job.seconds,
        cap=job.cap,
        clients=job.clients,
        period=job.clients / job.rate if job.rate else None,
    )
    outcomes = await asyncio.gather(
        *(user(run, c, work, i) for i, c in enumerate(conns)), return_exceptions=True
    )
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    for outcome in outcomes:
        if isinstance(outcome, BaseException):
            run.problems.append(f"client failed: {outcome!r}")
    await asyncio.gather(*(c.close() for c in conns), return_exceptions=True)
    return {
        "elapsed": elapsed,
        "cpu": cpu,
        "exhausted": isinstance(work, collections.deque) and not work,
        "capped": run.issued >= run.cap,
        "problems": run.problems,
        "tallies": {
            kind: {
                "latencies": t.latencies,
                "statuses": dict(t.statuses),
                "unexpected": t.unexpected,
            }
            for kind, t in run.tallies.items()
        },
    }


def _worker_main(job: WorkerJob, barrier: Any, results: Any) -> None:
    try:
        results.put(asyncio.run(_drive(job, barrier)))
    except BaseException as error:  # report, so the parent never waits forever
        barrier.abort()
        results.put({"error": repr(error)})


def run_scenario(
    scenario: str,
    server: Server | list[Server],
    items: list[Any],
    *,
    clients: int,
    seconds: float,
    cap: int,
    procs: int,
    client: str,
    warmup_path: str,
    rate: float | None = None,
) -> dict[str, Any]:
    """Drive `server` with `clients` connections spread over `procs` processes; merge.

    `server` a list: several servers on one database, each load-generator process driving
    one of them in turn (at least one process per server), so requests split evenly.
    `rate`: offer this many requests/s in all (paced); None: closed loop, as fast as it goes.
    """
    servers = server if isinstance(server, list) else [server]
    procs = max(len(servers), min(procs, clients))
    shares = [clients // procs + (1 if i < clients % procs else 0) for i in range(procs)]
    jobs = [
        WorkerJob(
            scenario=scenario,
            host=servers[i % len(servers)].host,
            port=servers[i % len(servers)].port,
            warmup_path=warmup_path,
            clients=share,
            seconds=seconds,
            cap=cap // procs,
            items=items if scenario == "lookup" else items[i::procs],
            client=client,
            tag=f"{scenario}-{i}-{os.getpid()}-{time.time_ns()}",
            rate=rate * share / clients if rate else None,
        )
        for i, share in enumerate(shares)
    ]
    cpu_before = sum(s.cpu_seconds() for s in servers)
    machine_before = machine_cpu()
    wall_started = time.perf_counter()
    if procs == 1:
        parts = [asyncio.run(_drive(jobs[0], None))]
    else:
        ctx = mp.get_context("spawn")
        barrier = ctx.Barrier(procs)
        results = ctx.Queue()
        workers = [ctx.Process(target=_worker_main, args=(job, barrier, results)) for job in jobs]
        for w in workers:
            w.start()
        parts = [results.get() for _ in workers]
        for w in workers:
            w.join()
        errors = [p["error"] for p in parts if "error" in p]
        if errors:
            raise RuntimeError(f"load generator failed: {errors}")
    wall = time.perf_counter() - wall_started
    server_cpu = sum(s.cpu_seconds() for s in servers) - cpu_before
    machine_after = machine_cpu()
    machine_busy = machine_after[0] - machine_before[0]
    elapsed = max(p["elapsed"] for p in parts)
    merged: dict[str, Tally] = {}
    for part in parts:
        for kind, t in part["tallies"].items():
            tally = merged.setdefault(kind, Tally())
            tally.latencies.extend(t["latencies"])
            tally.statuses.update({int(k): v for k, v in t["statuses"].items()})
            tally.unexpected += t["unexpected"]
    requests = sum(len(t.latencies) for kind, t in merged.items() if kind != "flow")
    return {
        "scenario": scenario,
        "clients": clients,
        "procs": procs,
        "offered_rps": rate,
        # Server CPU per request: what the server costs, whatever else the machine runs.
        "server_cpu_ms_per_request": round(1000 * server_cpu / requests, 3) if requests else None,
        "elapsed_s": round(elapsed, 3),
        # The server's CPU is read around the whole call (connection warm-up included).
        "server_cpu_pct": round(100 * server_cpu / wall, 1),
        "loadgen_cpu_pct": round(100 * sum(p["cpu"] for p in parts) / elapsed, 1),
        # Everything else on the machine (other users, this script's setup): the noise.
        # Approximate (tick accounting): clamped at 0.
        "other_cpu_pct": max(
            0.0, round(100 * (machine_busy - server_cpu - sum(p["cpu"] for p in parts)) / wall, 1)
        ),
        "ended_by": (
            "items exhausted"
            if all(p["exhausted"] for p in parts)
            else "request cap"
            if any(p["capped"] for p in parts)
            else "time"
        ),
        "problems": [msg for p in parts for msg in p["problems"]][:10],
        "kinds": {kind: _stats(t, elapsed) for kind, t in merged.items()},
    }


def _stats(tally: Tally, elapsed: float) -> dict[str, Any]:
    lat = sorted(tally.latencies)

    def pct(q: float) -> float:
        if not lat:
            return math.nan
        return round(1000 * lat[min(len(lat) - 1, max(0, math.ceil(q * len(lat)) - 1))], 2)

    return {
        "requests": len(lat),
        "rps": round(len(lat) / elapsed, 1) if elapsed else 0.0,
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "max_ms": round(1000 * lat[-1], 2) if lat else math.nan,
        "statuses": {str(k): v for k, v in sorted(tally.statuses.items())},
        "unexpected": tally.unexpected,
    }


# -- report -------------------------------------------------------------------------------------

ROWS: tuple[tuple[str, str, str, str | None], ...] = (
    # (label, scenario, kind, the baseline scenario for the ratios)
    ("baseline GET /v1/ping", "baseline_get", "GET", None),
    ("baseline POST /v1/echo", "baseline_post", "POST", None),
    ("baseline POST, paced", "baseline_post_paced", "POST", None),
    ("A lookup GET /guides/{n}", "lookup", "lookup", "baseline_get"),
    ("B flow: POST send", "flow", "send", "baseline_post"),
    ("B flow: GET outbox", "flow", "outbox", "baseline_get"),
    ("B flow: POST validate", "flow", "validate", "baseline_post"),
    ("B flow: whole flow", "flow", "flow", None),
    ("C validate wrong (422)", "validate_wrong", "validate", "baseline_post"),
    ("C validate wrong, paced", "validate_wrong_paced", "validate", "baseline_post_paced"),
    ("D validate right (200)", "validate_right", "validate", "baseline_post"),
    ("D validate right, paced", "validate_right_paced", "validate", "baseline_post_paced"),
)


def environment(args: argparse.Namespace) -> dict[str, Any]:
    def version(name: str) -> str:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            return "absent"

    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": os.cpu_count(),
        "cpu_model": cpu,
        "load_average_before": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "uvicorn": version("uvicorn"),
        "httptools": version("httptools"),
        "uvloop": version("uvloop"),
        "client": args.client,
        "procs": args.procs,
        "clients": args.clients,
        "seconds": args.seconds,
        "rate": args.rate,
        "max_requests": args.max_requests,
    }


def report(env: dict[str, Any], results: dict[str, dict[str, Any]], seed: Seed) -> list[str]:
    lines = [
        f"frontdesk backend benchmark · {env['date']} · {env['cpus']} CPUs ({env['cpu_model']}) "
        f"· load avg before {env['load_average_before'][0]}",
        f"Python {env['python']} · uvicorn {env['uvicorn']} (h11 on both sides; installed: "
        f"httptools {env['httptools']}, uvloop {env['uvloop']})",
        f"load: {env['clients']} keep-alive clients ({env['client']} client, "
        f"{env['procs']} process(es)), ≤ {env['seconds']:g} s and ≤ {env['max_requests']} "
        f"requests per scenario; paced = {env['rate']:g} requests/s offered in all, latency "
        f"from the scheduled time; seeding {seed.seconds:.1f} s",
        "",
        f"{'scenario':<26}{'requests':>9}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
        f"{'max ms':>9}{'bad':>5}{'rps×base':>10}{'p99×base':>10}",
    ]
    for label, scenario, kind, base_scenario in ROWS:
        result = results.get(scenario)
        if result is None or kind not in result["kinds"]:
            continue
        s = result["kinds"][kind]
        ratio_rps = ratio_p99 = ""
        if base_scenario is not None:
            base_kind = "GET" if base_scenario == "baseline_get" else "POST"
            base = results.get(base_scenario, {}).get("kinds", {}).get(base_kind)
            if base and base["rps"] and base["p99_ms"]:
                ratio_rps = f"{s['rps'] / base['rps']:.2f}"
                ratio_p99 = f"{s['p99_ms'] / base['p99_ms']:.2f}"
        lines.append(
            f"{label:<26}{s['requests']:>9}{s['rps']:>8.0f}{s['p50_ms']:>9.1f}{s['p95_ms']:>9.1f}"
            f"{s['p99_ms']:>9.1f}{s['max_ms']:>9.1f}{s['unexpected']:>5}{ratio_rps:>10}"
            f"{ratio_p99:>10}"
        )
    lines.append("")
    lines.append(
        f"{'scenario':<22}{'seconds':>8}{'server CPU':>11}{'loadgen CPU':>12}{'other CPU':>10}"
        f"{'server ms/req':>14}{'1 core max/s':>13}  ended by"
    )
    for scenario, result in results.items():
        per = result["server_cpu_ms_per_request"]
        lines.append(
            f"{scenario:<22}{result['elapsed_s']:>8.1f}{result['server_cpu_pct']:>10.0f}%"
            f"{result['loadgen_cpu_pct']:>11.0f}%{result['other_cpu_pct']:>9.0f}%"
            f"{per if per is not None else math.nan:>14.2f}"
            f"{1000 / per if per else math.nan:>13.0f}  {result['ended_by']}"
        )
        for problem in result["problems"][:3]:
            lines.append(f"    ! {problem}")
    lines.append(
        "(CPU in % of one core over the scenario; other ≈ the rest of the machine: other "
        "users, steal. server ms/req = server CPU time / requests; 1 core max/s = 1000 / that, "
        "the rate one dedicated core could serve)"
    )
    return lines


def budget(results: dict[str, dict[str, Any]], clients: int, rate: float) -> tuple[bool, list[str]]:
    """PASS when C and D each sustain ≥ 500/s closed loop AND keep p99 ≤ 50 ms at 500/s paced."""
    lines = [
        f"budget (docs/performance.md): ≥ {BUDGET_RPS:.0f} validations/s with p99 ≤ "
        f"{BUDGET_P99_MS:.0f} ms at {BUDGET_CLIENTS} concurrent clients. Read as: the closed "
        f"loop sustains ≥ {BUDGET_RPS:.0f}/s, and at {BUDGET_RPS:.0f}/s offered (paced) p99 ≤ "
        f"{BUDGET_P99_MS:.0f} ms; judged on C and D."
    ]
    verdicts: list[bool] = []
    for label, name in (("C wrong code", "validate_wrong"), ("D right code", "validate_right")):
        closed = results.get(name, {}).get("kinds", {}).get("validate")
        paced_result = results.get(f"{name}_paced", {})
        paced = paced_result.get("kinds", {}).get("validate")
        if closed is None and paced is None:
            continue
        parts: list[str] = []
        ok = clients >= BUDGET_CLIENTS
        if closed is None:
            ok = False
            parts.append("closed loop not run")
        else:
            fast = closed["rps"] >= BUDGET_RPS and closed["unexpected"] == 0
            ok = ok and fast
            per = results[name]["server_cpu_ms_per_request"]
            parts.append(
                f"closed loop {closed['rps']:.0f}/s ({'ok' if fast else 'short'}; its p99 "
                f"{closed['p99_ms']:.0f} ms; server CPU {per:.2f} ms each = "
                f"{1000 / per:.0f}/s per dedicated core)"
            )
        if paced is None or rate < BUDGET_RPS:
            ok = False
            parts.append(f"no paced run at ≥ {BUDGET_RPS:.0f}/s")
        else:
            kept_up = paced["rps"] >= 0.97 * rate
            quick = paced["p99_ms"] <= BUDGET_P99_MS and paced["unexpected"] == 0
            ok = ok and kept_up and quick
            parts.append(
                f"paced {rate:g}/s → {paced['rps']:.0f}/s achieved, p99 {paced['p99_ms']:.1f} ms "
                f"({'ok' if kept_up and quick else 'over'})"
            )
        verdicts.append(ok)
        lines.append(f"  {label}: {'; '.join(parts)} → {'PASS' if ok else 'FAIL'}")
    if clients < BUDGET_CLIENTS:
        lines.append(f"  (only {clients} clients: the budget needs {BUDGET_CLIENTS}; FAIL)")
    flow = results.get("flow", {}).get("kinds", {}).get("validate")
    if flow is not None:
        lines.append(
            f"  for reference, B (send + outbox + validate, mixed): {flow['rps']:.0f} "
            f"validations/s, validate p99 {flow['p99_ms']:.0f} ms"
        )
    lines.append(
        f"  note: closed loop, {clients} clients, no think time: mean latency = {clients} / "
        f"throughput (Little's law), so p99 ≤ {BUDGET_P99_MS:.0f} ms there would need "
        f"≳ {1000 * clients / BUDGET_P99_MS:.0f} validations/s."
    )
    passed = bool(verdicts) and all(verdicts)
    lines.append(f"BUDGET: {'PASS' if passed else 'FAIL'}")
    return passed, lines


# -- main ---------------------------------------------------------------------------------------


# -- a chain: PostgreSQL, one and two serve processes, against one on SQLite --------------------

CHAIN_SETUPS = (("sqlite", 1), ("postgresql", 1), ("postgresql", 2))


def chain_compare(args: argparse.Namespace) -> int:
    """`--chain`: validations/s and p99 with one serve process on SQLite, one and two on one
    PostgreSQL (a private cluster, tests/support/postgres.py), alternating rounds so the
    ratios survive a loaded machine. Scenario D (right codes, every one a 200) and C
    (wrong codes, every one a 422), closed loop."""
    sys.path.insert(0, str(HERE.parent / "tests"))
    from frontdesk.backend.database import parse_database_url
    from support.postgres import start_cluster, stop_cluster, why_unavailable

    reason = why_unavailable()
    if reason is not None:
        print(f"--chain needs PostgreSQL: {reason}", file=sys.stderr)
        return 2
    common = {
        "clients": args.clients,
        "seconds": args.seconds,
        "cap": args.max_requests,
        "client": args.client,
        "warmup_path": "/v1/health",
    }
    rows: list[tuple[int, str, int, str, dict[str, Any]]] = []
    cluster = start_cluster()
    try:
        with tempfile.TemporaryDirectory(prefix="frontdesk-bench-") as tmp:
            for round_ in range(args.rounds):
                for kind, count in CHAIN_SETUPS:
                    if kind == "sqlite":
                        where = f"sqlite:///{Path(tmp) / f'r{round_}.sqlite3'}"
                    else:
                        where = cluster.new_database()
                    print(f"round {round_ + 1}: {kind} x{count}: seeding ...", file=sys.stderr)
                    seed = seed_database(
                        parse_database_url(where),
                        flow=0,
                        right=args.guides,
                        wrong_guides=args.guides // 4,
                    )
                    serve = [
                        sys.executable,
                        "-m",
                        "frontdesk",
                        "serve",
                        "--database",
                        where,
                        "--port",
                        "0",
                        "--api-key",
                        API_KEY,
                        "--no-access-log",
                    ]
                    servers = [Server(serve, f"serve {n + 1}") for n in range(count)]
                    try:
                        for scenario, items in (
                            ("validate_right", seed.right),
                            ("validate_wrong", seed.wrong),
                        ):
                            result = run_scenario(
                                scenario, servers, items, procs=max(args.procs, count), **common
                            )
                            rows.append((round_ + 1, kind, count, scenario, result))
                    finally:
                        for server in servers:
                            server.stop()
                    if kind != "sqlite":
                        cluster.drop_database(where)
    finally:
        stop_cluster(cluster)
    print(chain_report(rows, args))
    return 0


def chain_report(rows: list[tuple[int, str, int, str, dict[str, Any]]], args: Any) -> str:
    """One line per run, with its ratio to SQLite x1 of the same round and scenario."""
    base: dict[tuple[int, str], float] = {}
    lines = [
        f"{args.clients} clients, {args.seconds:g} s per run, load {os.getloadavg()[0]:.2f} "
        f"(1-min) at the end, {os.cpu_count()} cores",
        f"{'round':>5} {'store':<10} {'procs':>5} {'scenario':<15} {'req/s':>8} "
        f"{'p50 ms':>7} {'p99 ms':>7} {'vs sqlite':>9} {'server CPU ms/req':>17}",
    ]
    for round_, kind, count, scenario, result in rows:
        stats = result["kinds"].get(scenario) or next(iter(result["kinds"].values()))
        rps = float(stats["rps"])
        if kind == "sqlite":
            base[(round_, scenario)] = rps
        ratio = rps / base[(round_, scenario)] if base.get((round_, scenario)) else math.nan
        lines.append(
            f"{round_:>5} {kind:<10} {count:>5} {scenario:<15} {rps:>8.0f} "
            f"{stats['p50_ms']:>7.1f} {stats['p99_ms']:>7.1f} {ratio:>9.2f} "
            f"{result['server_cpu_ms_per_request']!s:>17}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Benchmark the local backend served on loopback (issue 2).",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--clients", type=int, default=50, help="concurrent keep-alive clients")
    parser.add_argument("--seconds", type=float, default=10.0, help="time limit per scenario")
    parser.add_argument(
        "--guides",
        type=int,
        default=14_000,
        help="fresh guides with a code sent for D (B and C get a quarter as many each; "
        "C uses 5 wrong codes per guide)",
    )
    parser.add_argument(
        "--rate", type=float, default=BUDGET_RPS, help="requests/s offered in the paced runs"
    )
    parser.add_argument(
        "--max-requests", type=int, default=40_000, help="hard cap on requests per scenario"
    )
    parser.add_argument(
        "--client", choices=["raw", "httpx"], default="raw", help="load generator HTTP client"
    )
    parser.add_argument("--procs", type=int, default=1, help="load-generator processes")
    parser.add_argument(
        "--only",
        nargs="+",
        choices=[s.name for s in SCENARIOS],
        metavar="SCENARIO",
        help=f"run only these: {', '.join(s.name for s in SCENARIOS)}",
    )
    parser.add_argument("--json", type=Path, help="write the results to this file")
    parser.add_argument(
        "--profile-server", type=Path, help="run the frontdesk server under cProfile into PATH"
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 when the budget fails")
    parser.add_argument(
        "--chain",
        action="store_true",
        help="compare one serve on SQLite with one and two on one PostgreSQL (C and D only)",
    )
    parser.add_argument("--rounds", type=int, default=2, help="--chain: alternating rounds")
    args = parser.parse_args(argv)
    if args.chain:
        return chain_compare(args)
    if min(args.clients, args.guides, args.max_requests, args.procs) < 1:
        parser.error("--clients, --guides, --max-requests and --procs must be at least 1")
    if args.seconds <= 0 or args.rate <= 0:
        parser.error("--seconds and --rate must be positive")
    wanted = [s for s in SCENARIOS if not args.only or s.name in args.only]
    names = {s.name for s in wanted}

    env = environment(args)
    results: dict[str, dict[str, Any]] = {}
    common: dict[str, Any] = {
        "clients": args.clients,
        "seconds": args.seconds,
        "cap": args.max_requests,
        "procs": args.procs,
        "client": args.client,
    }
    paced_items = math.ceil(args.rate * args.seconds * 1.05) + args.clients
    with tempfile.TemporaryDirectory(prefix="frontdesk-bench-") as tmp:
        db = Path(tmp) / "bench.sqlite3"
        print(f"seeding {db} ...", file=sys.stderr, flush=True)
        right = args.guides if names & {"validate_right", "validate_right_paced"} else 0
        wrong = args.guides // 4 if names & {"validate_wrong", "validate_wrong_paced"} else 0
        seed = seed_database(
            db, flow=args.guides // 4 if "flow" in names else 0, right=right, wrong_guides=wrong
        )
        # The paced run takes what it needs (at most half the pool); the closed loop the rest.
        wrong_split = min(paced_items, len(seed.wrong) // 2)
        right_split = min(paced_items, len(seed.right) // 2)
        items: dict[str, list[Any]] = {
            "lookup": seed.lookup,
            "flow": seed.flow,
            "validate_wrong_paced": seed.wrong[:wrong_split],
            "validate_wrong": seed.wrong[wrong_split:],
            "validate_right_paced": seed.right[:right_split],
            "validate_right": seed.right[right_split:],
        }
        if not names & {"validate_wrong"}:
            items["validate_wrong_paced"] = seed.wrong
        if not names & {"validate_right"}:
            items["validate_right_paced"] = seed.right

        def drive(server: Server, scenarios: list[Scenario], warmup_path: str) -> None:
            for scenario in scenarios:
                print(f"running {scenario.name} ...", file=sys.stderr, flush=True)
                results[scenario.name] = run_scenario(
                    scenario.name,
                    server,
                    items.get(scenario.name, []),
                    warmup_path=warmup_path,
                    rate=args.rate if scenario.paced else None,
                    **common,
                )

        baseline_scenarios = [s for s in wanted if s.target == "baseline"]
        if baseline_scenarios:
            baseline = Server(
                [sys.executable, str(HERE / "_baseline_app.py"), "--port", "0"], "baseline"
            )
            try:
                drive(baseline, baseline_scenarios, "/v1/ping")
            finally:
                baseline.stop()
        frontdesk_scenarios = [s for s in wanted if s.target == "frontdesk"]
        if frontdesk_scenarios:
            prefix = [sys.executable]
            if args.profile_server:
                prefix += ["-m", "cProfile", "-o", str(args.profile_server.resolve())]
            serve = [
                *prefix,
                *("-m", "frontdesk", "serve", "--db", str(db), "--port", "0"),
                *("--api-key", API_KEY, "--no-access-log"),
            ]
            server = Server(serve, "frontdesk serve")
            try:
                drive(server, frontdesk_scenarios, "/v1/health")
            finally:
                server.stop()
            errors = server.stderr().strip()
            if errors:
                print(f"server stderr:\n{errors}", file=sys.stderr)

    lines = report(env, results, seed)
    passed, budget_lines = budget(results, args.clients, args.rate)
    print("\n".join([*lines, "", *budget_lines]))
    if args.json:
        document = {"environment": env, "results": results, "budget_passed": passed}
        args.json.write_text(json.dumps(document, indent=2) + "\n")
    return 1 if args.strict and not passed else 0


if __name__ == "__main__":
    sys.exit(main())
