"""Load benchmark of `frontdesk web`: many desks typing at once, driven over the websocket.

One command: `python bench/web_load.py [--desks 100] [--max-sessions N] [--keys 16]
[--json PATH]`.

It starts `frontdesk web --port 0 --db <temp file> --max-sessions N` (forked desks; add
--spawn to compare with spawned ones) with one user, and a headless client written for this
bench (aiohttp, no browser) that, for each desk, signs in (the form, its CSRF token and
cookies, as a browser does), opens the desk page and its websocket at 100×30, and waits for
the queue (`AGUARDANDO TOKEN`). When every desk is drawn, all of them type, one key per
second each: the number of a guide of the queue that waits for a token (not one EM
ANÁLISE, NEGADA or CANCELADA: there `e` and Enter do nothing, and nothing is drawn), Enter,
`e` (Enviar Token), Enter (by SMS): a guide looked up and its release started. Their
starts are spread evenly over one such sequence (16 s), as receptionists are not in step:
at any second about 3 in 16 desks press a key that looks a guide up or opens a form, the
others type digits.

  keystroke → update   from sending a key to the first screen output that follows it. The
                       desks' cursors do not blink here (FRONTDESK_CURSOR_BLINK=0): with a
                       blinking cursor every desk draws twice a second whatever is typed,
                       and the first output after a key would not be the key's.
  baseline             the same typing by one desk alone, first, in the same run: the ratio
                       of the loaded p95 to it says what the load costs on this machine.
  memory               PSS (from /proc/<pid>/smaps_rollup) of the server, its fork server,
                       multiprocessing's resource tracker and every desk, with all desks open.
  refusals             desk pages or websockets answered 503 (desks beyond --max-sessions).

Budget (issue 22): p95 keystroke → update ≤ 150 ms with 100 desks typing. Linux only.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the browser tests' helpers

from support.browser import add_user, children, csrf_of, web_server  # noqa: E402


def _bench_web() -> Any:
    """bench/web.py (its `memory`), loaded by path: `web` is also the tests' package."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_web", ROOT / "bench" / "web.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


memory = _bench_web().memory

USER, PASSWORD = "bench", "Bancada#2026"
QUEUE = "AGUARDANDO TOKEN"
STEP_TIMEOUT = 120.0
KEY_TIMEOUT = 10.0
BUDGET_P95_MS = 150
ESCAPES = re.compile(rb"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[PX^_].*?\x1b\\\\|\x1b\][^\x07]*\x07")
# A guide of the queue that waits for a token: E and Enter act only on those (on a guide
# EM ANÁLISE, NEGADA or CANCELADA they are not offered, and nothing is drawn).
AWAITING = re.compile(rf"\b(\d{{13}}) +{QUEUE}")


@dataclass
class Desk:
    """One headless browser: its cookies, websocket, what it was shown and measured. Its
    reader answers the server's heartbeat pings (as a browser does) and notes the time of
    every screen output."""

    index: int
    client: aiohttp.ClientSession
    socket: aiohttp.ClientWebSocketResponse | None = None
    text: str = ""
    latencies: list[float] = field(default_factory=list)
    typing: list[float] = field(default_factory=list)  # the digits alone
    missed: int = 0
    missed_keys: list[tuple[int, str, str]] = field(default_factory=list)  # (n, key, screen)
    refused: bool = False
    closed: bool = False
    output: asyncio.Event = field(default_factory=asyncio.Event)
    last_output: float = 0.0
    reader: asyncio.Task[None] | None = None

    async def read(self) -> None:
        assert self.socket is not None
        async for message in self.socket:
            if message.type == aiohttp.WSMsgType.BINARY:
                self.last_output = time.perf_counter()
                self.text = (self.text + plain(message.data))[-20000:]
                self.output.set()
        self.closed = True
        self.output.set()

    async def close(self) -> None:
        if self.socket is not None:
            await self.socket.close()
        if self.reader is not None:
            await self.reader
        await self.client.close()


def plain(data: bytes) -> str:
    return ESCAPES.sub(b"", data).decode("utf-8", "replace")


async def open_desk(url: str, index: int) -> Desk:
    client = aiohttp.ClientSession(
        cookie_jar=aiohttp.CookieJar(unsafe=True), headers={"Origin": url.rstrip("/")}
    )
    desk = Desk(index, client)
    form = await csrf_of(client, url)
    data = {"csrf": form, "user": USER, "password": PASSWORD}
    async with client.post(url + "login", data=data, allow_redirects=False) as response:
        if response.status != 303 or response.headers.get("Location") != "/":
            raise SystemExit(f"desk {index}: sign-in answered {response.status}")
    async with client.get(url) as response:
        if response.status == 503:
            desk.refused = True
            return desk
    try:
        desk.socket = await client.ws_connect(url + "ws?width=100&height=30")
    except aiohttp.WSServerHandshakeError:
        desk.refused = True
        return desk
    desk.reader = asyncio.create_task(desk.read())
    async with asyncio.timeout(STEP_TIMEOUT):
        while QUEUE not in desk.text:
            if desk.closed:
                raise SystemExit(f"desk {index} closed before its queue: {desk.text[-500:]}")
            desk.output.clear()
            await desk.output.wait()
    return desk


async def press(desk: Desk, key: str, n: int = 0) -> None:
    """Send one key; time until the desk's next screen output."""
    socket = desk.socket
    assert socket is not None
    if desk.closed:
        raise SystemExit(f"desk {desk.index} closed while typing")
    desk.output.clear()
    sent = time.perf_counter()
    await socket.send_json(["stdin", key])
    try:
        async with asyncio.timeout(KEY_TIMEOUT):
            while desk.last_output < sent:
                await desk.output.wait()
                desk.output.clear()
                if desk.closed:
                    raise SystemExit(f"desk {desk.index} closed while typing")
    except TimeoutError:
        desk.missed += 1
        desk.missed_keys.append((n, key, desk.text[-1500:]))
        return
    desk.latencies.append((desk.last_output - sent) * 1000)
    if key.isdigit():
        desk.typing.append(desk.latencies[-1])


def keys_for(desk: Desk, count: int) -> list[str]:
    guides = list(dict.fromkeys(AWAITING.findall(desk.text)))
    if not guides:
        raise SystemExit(f"desk {desk.index}: no guide awaiting a token in its queue")
    guide = guides[desk.index % len(guides)]
    return ([*guide, "\r", "e", "\r"])[:count]


async def type_keys(desk: Desk, count: int, start: float, offset: float) -> None:
    for n, key in enumerate(keys_for(desk, count)):
        await asyncio.sleep(max(0.0, start + offset + n - time.perf_counter()))
        await press(desk, key, n)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def summary(latencies: list[float]) -> dict[str, float]:
    return {
        "count": len(latencies),
        "p50": percentile(latencies, 0.50),
        "p95": percentile(latencies, 0.95),
        "p99": percentile(latencies, 0.99),
        "max": max(latencies, default=0.0),
    }


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time of these processes, in seconds (/proc/<pid>/stat)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        total += int(fields[11]) + int(fields[12])
    return total / ticks


def total_pss(web: Any) -> dict[str, Any]:
    """PSS of the server, its helpers and its desks, kB."""
    desks = web.desks()
    helpers = [pid for pid in children(web.process.pid) if pid not in desks]
    figures = {
        "server": memory(web.process.pid)["pss_kb"],
        "helpers": sum(memory(pid)["pss_kb"] for pid in helpers),
        "desks": [memory(pid)["pss_kb"] for pid in desks],
    }
    figures["total"] = figures["server"] + figures["helpers"] + sum(figures["desks"])
    return figures


async def drive(url: str, web: Any, args: argparse.Namespace) -> dict[str, Any]:
    alone = await open_desk(url, 0)
    await type_keys(alone, args.keys, time.perf_counter(), 0.0)
    baseline = summary(alone.latencies)
    await alone.close()
    while web.desks():
        await asyncio.sleep(0.1)

    opening = time.perf_counter()
    gate = asyncio.Semaphore(args.signin_concurrency)  # the sign-in queue's bound is small

    async def opened(index: int) -> Desk:
        async with gate:
            return await open_desk(url, index)

    desks = await asyncio.gather(*(opened(i) for i in range(args.desks)))
    opened_s = time.perf_counter() - opening
    await asyncio.sleep(2.0)  # the last desks' workers settle
    pss = total_pss(web)
    live = [d for d in desks if d.socket is not None]
    processes = [web.process.pid, *web.desks()]
    cpu_before = cpu_seconds(processes)
    start = time.perf_counter() + 1.0
    spread_s = args.keys  # starts spread over one sequence: not all press Enter together
    await asyncio.gather(
        *(type_keys(d, args.keys, start, spread_s * i / len(live)) for i, d in enumerate(live))
    )
    typed_s = time.perf_counter() - start
    cpu = cpu_seconds(processes) - cpu_before
    latencies = [ms for d in live for ms in d.latencies]
    for desk in desks:
        await desk.close()
    return {
        "desks": args.desks,
        "running": len(live),
        "refused": sum(d.refused for d in desks),
        "missed_updates": sum(d.missed for d in live),
        "missed_keys": [(d.index, n, k, text) for d in live for n, k, text in d.missed_keys],
        "open_seconds": opened_s,
        "baseline": baseline,
        "loaded": summary(latencies),
        "loaded_digits": summary([ms for d in live for ms in d.typing]),
        "pss_kb": pss,
        "typing_seconds": typed_s,
        "typing_cpu_seconds": cpu,
        "cpu_ms_per_key": cpu * 1000 / max(1, len(latencies) + sum(d.missed for d in live)),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--desks", type=int, default=100)
    parser.add_argument("--max-sessions", type=int, help="default: --desks")
    parser.add_argument("--keys", type=int, default=16, help="keys each desk types (≤ 16)")
    parser.add_argument("--signin-concurrency", type=int, default=4)
    parser.add_argument("--spawn", action="store_true", help="spawned desks (--spawn-desks)")
    parser.add_argument("--json", type=Path, help="write the raw figures here")
    args = parser.parse_args()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="fdbench-load-") as temp:
        root = Path(temp)
        add_user(root, USER, PASSWORD)
        options = [
            "--db",
            str(root / "desk.sqlite3"),
            "--max-sessions",
            str(args.max_sessions or args.desks),
            "--idle-minutes",
            "30",
        ]
        if args.spawn:
            options.append("--spawn-desks")
        env = {"FRONTDESK_CURSOR_BLINK": "0"}
        with web_server(root, *options, env_extra=env) as web:
            report = asyncio.run(drive(web.url, web, args))
    report["load"] = {"before": load_before, "after": os.getloadavg()}
    base, loaded, pss = report["baseline"], report["loaded"], report["pss_kb"]
    print(f"frontdesk web under load — {report['running']} of {args.desks} desks typing")
    print(f"load average before {load_before[0]:.2f}, after {os.getloadavg()[0]:.2f}")
    print(f"desks opened in {report['open_seconds']:.0f} s; refused {report['refused']}")
    print(
        f"keystroke → update, one desk alone: p50 {base['p50']:.0f} ms, "
        f"p95 {base['p95']:.0f} ms ({base['count']} keys)"
    )
    print(
        f"keystroke → update, all typing: p50 {loaded['p50']:.0f} ms, p95 {loaded['p95']:.0f} ms, "
        f"p99 {loaded['p99']:.0f} ms, max {loaded['max']:.0f} ms ({loaded['count']} keys, "
        f"{report['missed_updates']} without an update in {KEY_TIMEOUT:.0f} s)"
    )
    missed: dict[str, int] = {}
    for _desk, n, key, _screen in report["missed_keys"]:
        missed[f"key {n + 1} ({key!r})"] = missed.get(f"key {n + 1} ({key!r})", 0) + 1
    if missed:
        print("  without an update, by key of the sequence (screens in --json):", missed)
    if base["p95"]:
        print(f"ratio loaded/alone p95: {loaded['p95'] / base['p95']:.1f}")
    digits = report["loaded_digits"]
    print(
        f"  the digits alone: p50 {digits['p50']:.0f} ms, p95 {digits['p95']:.0f} ms, "
        f"p99 {digits['p99']:.0f} ms (the rest, Enter and e, look a guide up and open a form)"
    )
    desks = pss["desks"]
    print(
        f"PSS: total {pss['total'] / 1024:.0f} MiB = server {pss['server'] / 1024:.0f} + "
        f"fork server and resource tracker {pss['helpers'] / 1024:.0f} + {len(desks)} desks "
        f"{sum(desks) / 1024:.0f} (each {statistics.median(desks or [0]) / 1024:.1f} MiB median)"
    )
    print(
        f"CPU while typing (server and desks): {report['typing_cpu_seconds']:.1f} s in "
        f"{report['typing_seconds']:.1f} s, {report['cpu_ms_per_key']:.1f} ms per key"
    )
    verdict = "ok" if loaded["p95"] <= BUDGET_P95_MS else "OVER"
    print(f"budget: p95 {loaded['p95']:.0f} ms ≤ {BUDGET_P95_MS} ms: {verdict}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
