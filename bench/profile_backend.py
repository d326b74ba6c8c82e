"""Where a validation's server time goes: the ASGI app driven in-process, without HTTP.

`python bench/profile_backend.py [--requests 3000] [--kind right|wrong|lookup] [--cprofile]`

Seeds a database as bench/backend.py does, then calls the app (`create_app`) directly
through ASGI, one request after another, so the figures are the app's own cost per
request (Starlette routing, the service, SQLite) without uvicorn, sockets or a client.
Every SQLite statement is timed by its SQL text (count, total, mean, max). With
`--cprofile` it also prints the functions with the most own time.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import cProfile
import io
import json
import pstats
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from backend import API_KEY, seed_database


class TimedConnection:
    """A stand-in for the store's sqlite3.Connection that times every statement."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self.times: dict[str, list[float]] = collections.defaultdict(list)

    def execute(self, sql: str, args: Any = ()) -> sqlite3.Cursor:
        started = time.perf_counter()
        try:
            return self._conn.execute(sql, args)
        finally:
            self.times[" ".join(sql.split())[:60]].append(time.perf_counter() - started)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


async def call(app: Any, method: str, path: str, body: bytes, key: str | None) -> int:
    headers = [(b"host", b"bench"), (b"authorization", f"Bearer {API_KEY}".encode())]
    if body:
        headers += [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ]
    if key:
        headers.append((b"idempotency-key", key.encode()))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
    }
    sent = False
    status = 0

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)
    return status


async def drive(
    app: Any, items: list[tuple[str, str, bytes]]
) -> tuple[float, collections.Counter[int]]:
    statuses: collections.Counter[int] = collections.Counter()
    started = time.perf_counter()
    for n, (method, path, body) in enumerate(items):
        statuses[await call(app, method, path, body, f"k{n}" if method == "POST" else None)] += 1
    return time.perf_counter() - started, statuses


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--kind", choices=["right", "wrong", "lookup"], default="right")
    parser.add_argument("--cprofile", action="store_true")
    parser.add_argument(
        "--pragma",
        action="append",
        default=[],
        help="an extra PRAGMA on the store's connection, e.g. mmap_size=268435456 (to try)",
    )
    args = parser.parse_args()

    from frontdesk.backend.local import open_backend
    from frontdesk.backend.server import create_app

    with tempfile.TemporaryDirectory(prefix="frontdesk-profile-") as tmp:
        db = Path(tmp) / "bench.sqlite3"
        seed = seed_database(db, flow=0, right=args.requests, wrong_guides=args.requests // 5 + 3)
        backend = open_backend(db)
        for pragma in args.pragma:
            backend.store._conn.execute(f"PRAGMA {pragma}")  # type: ignore[attr-defined]
        wal = Path(f"{db}-wal")
        wal_before = wal.stat().st_size if wal.exists() else 0
        timed = TimedConnection(backend.store._conn)  # type: ignore[attr-defined]
        backend.store._conn = timed  # type: ignore[attr-defined]
        app = create_app(backend, api_key=API_KEY, log_access=False)
        if args.kind == "lookup":
            items = [
                ("GET", f"/v1/guides/{seed.lookup[n % len(seed.lookup)]}", b"")
                for n in range(args.requests)
            ]
        else:
            pool = seed.right if args.kind == "right" else seed.wrong
            items = [
                ("POST", f"/v1/guides/{g}/token/validate", json.dumps({"code": c}).encode())
                for g, c in pool[: args.requests]
            ]
        profiler = cProfile.Profile() if args.cprofile else None
        if profiler:
            profiler.enable()
        elapsed, statuses = asyncio.run(drive(app, items))
        if profiler:
            profiler.disable()
        wal_after = wal.stat().st_size if wal.exists() else 0
        backend.close()

    n = len(items)
    sql_total = sum(sum(v) for v in timed.times.values())
    print(
        f"{args.kind}: {n} requests in-process in {elapsed:.2f} s = {1000 * elapsed / n:.3f} ms "
        f"each ({n / elapsed:.0f}/s on one core); statuses {dict(statuses)}"
    )
    print(
        f"SQLite: {sum(len(v) for v in timed.times.values()) / n:.1f} statements and "
        f"{1000 * sql_total / n:.3f} ms per request ({100 * sql_total / elapsed:.0f}% of the time)"
    )
    if args.pragma:
        print(f"extra pragmas: {', '.join(args.pragma)}")
    print(f"WAL file grew by {(wal_after - wal_before) / 1024:.0f} KiB (checkpoints reset it)")
    print(
        f"{'count':>7}{'total s':>9}{'mean µs':>9}{'p99 ms':>8}{'max ms':>8}{'>5 ms':>7}  statement"
    )
    for sql, times in sorted(timed.times.items(), key=lambda kv: -sum(kv[1])):
        ordered = sorted(times)
        p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
        print(
            f"{len(times):>7}{sum(times):>9.3f}{1e6 * sum(times) / len(times):>9.0f}"
            f"{1000 * p99:>8.2f}{1000 * ordered[-1]:>8.2f}{sum(t > 0.005 for t in times):>7}  {sql}"
        )
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(20)
        print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
