"""Benchmark of `frontdesk web`: memory per session and the first screen in a real browser.

One command: `python bench/web.py [--runs 5] [--sessions 4] [--modes fork,spawn]
[--baseline PYTHON] [--renderers default,dom,canvas] [--split-cpus] [--json PATH]`.

It starts `frontdesk web --port 0 --db <temp file>` with a user in a private home, and
drives the system's Chromium (Playwright; Debian's `chromium`, or FRONTDESK_CHROMIUM) at
1024×600, as the browser tests do (tests/support/browser.py: the terminal's text is read from
xterm.js's buffer, here caught by CATCH_TERMINAL so that the browser's cache stays on).

  first screen   per run, a fresh browser context signs in, the desk is closed again (the
                 page left), then the measured navigation to the desk page: from its start
                 (`performance.timeOrigin`) to the animation frame in which the key bar's
                 text (`F1 Ajuda`) is in the terminal ("key bar"), and to the frame in which
                 the queue has loaded (`AGUARDANDO TOKEN`, "complete"). That includes the
                 page, textual.js (500 kB, cached after the first run like a real browser),
                 the font, the websocket, starting `python -m frontdesk` and its first frames.
                 --warmup (1) runs first are not counted. Also where the time goes (PHASES:
                 the page's, the websocket's and the server's marks, from navigation
                 start), whether the desk drawn was the one started with its page, and the
                 CPU the browser and the host used until the queue was drawn.
  memory         --sessions browser contexts signed in at once, each with its desk drawn:
                 VmRSS and Pss (proportional set size: shared pages split among the
                 processes sharing them, from /proc/<pid>/smaps_rollup) of each desk process,
                 and of the server before any session and with all of them open; with
                 forked desks also the fork server's (and multiprocessing's resource
                 tracker's, which it starts).

--modes: `fork` (desks forked from the warm fork server, the default on Linux) and
`spawn` (`--spawn-desks`: each desk a new `python -m frontdesk`, as on Windows); both
servers run side by side and the first-screen runs alternate between them, so the ratio
is measured under the same load. --baseline PYTHON: the same servers from another install
(e.g. main's), alternating with these. --split-cpus: the servers on CPU 0 and the browser
on CPU 1, as if the browser were a thin client's. --renderers: which of xterm.js's renderers
draws the desk, each run alternating with the others on the same server (RENDERERS):
`default` as textual.js does it (the WebGL renderer set up, then replaced by the canvas one),
`dom` with WebGL unavailable (textual.js then falls back to the DOM renderer), `canvas` the
canvas renderer without the WebGL one set up first. Budgets (issue 22, forked desks): key
bar ≤ 300 ms, desk PSS ≤ 12 MiB.

Each figure is printed as the median with its min–max. Linux only (/proc).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the browser tests' helpers

from support.browser import (  # noqa: E402
    CHROMIUM_ARGS,
    add_user,
    children,
    chromium_path,
    command_line,
    missing,
    wait_for_screen,
    web_server,
)

USER, PASSWORD = "bench", "Bancada#2026"
VIEWPORT = {"width": 1024, "height": 600}
KEY_BAR = "F1 Ajuda"
COMPLETE = "AGUARDANDO TOKEN"
STEP_TIMEOUT = 60.0
BUDGET_KEY_BAR_MS = 300
BUDGET_DESK_PSS_MIB = 12

MILESTONE_JS = """(texts) => {
  const t = window.__fdTerminal;
  if (!t) return null;
  let all = "";
  for (let i = 0; i < t.rows; i++) {
    const line = t.buffer.active.getLine(i);
    if (line) all += line.translateToString(true) + "\\n";
  }
  return texts.every((text) => all.includes(text)) ? performance.now() : null;
}"""


# The browser tests' expose_terminal serves a patched textual.js through Playwright's
# routing, which turns the browser's HTTP cache off: every page would fetch the 500 kB again,
# as no returning browser does. The bench instead catches textual.js's `this.terminal = new
# Terminal(…)` with a setter on Object.prototype, before any page script runs.
CATCH_TERMINAL = """(() => {
  Object.defineProperty(Object.prototype, "terminal", {
    configurable: true,
    set(value) {
      Object.defineProperty(this, "terminal", {
        value, writable: true, configurable: true, enumerable: true,
      });
      if (value && typeof value === "object" && "buffer" in value) window.__fdTerminal = value;
    },
  });
})();"""

# Where a first screen's time goes: the page's own timings (Navigation and Resource Timing),
# the websocket's (WATCH_WEBSOCKET, added before any page script runs) and the server's log
# line for the desk (`desk N first output …`, app_process.Desk), all from navigation start.
WATCH_WEBSOCKET = """(() => {
  const Native = window.WebSocket;
  const marks = (window.__fdWs = {});
  function Watched(url, protocols) {
    const socket = protocols === undefined ? new Native(url) : new Native(url, protocols);
    marks.created = performance.now();
    socket.addEventListener("open", () => { marks.open = performance.now(); });
    marks.frames = [];
    socket.addEventListener("message", (event) => {
      // the desk's output comes as binary messages (text ones are the server's pongs)
      if (typeof event.data !== "string") marks.frames.push(performance.now());
    });
    return socket;
  }
  Watched.prototype = Native.prototype;
  for (const name of ["CONNECTING", "OPEN", "CLOSING", "CLOSED"]) Watched[name] = Native[name];
  window.WebSocket = Watched;
})();"""
# --renderers: a script added before any page script runs, per renderer (see the docstring).
# textual.js loads xterm.js's WebglAddon then its CanvasAddon; both set up their renderer
# when the terminal opens, the canvas one last (it wins). Without WebGL the WebglAddon's
# exception stops the open event before the CanvasAddon: the DOM renderer draws.
RENDERERS = {
    "default": "",
    "dom": """(() => {
  const native = HTMLCanvasElement.prototype.getContext;
  HTMLCanvasElement.prototype.getContext = function (kind, ...rest) {
    if (String(kind).startsWith("webgl") || kind === "experimental-webgl") return null;
    return native.call(this, kind, ...rest);
  };
})();""",
    "canvas": """(() => {
  Object.defineProperty(Object.prototype, "webglAddon", {
    configurable: true,
    set(value) {
      const idle = { activate() {}, dispose() {} };
      Object.defineProperty(this, "webglAddon", {
        value: idle, writable: true, configurable: true, enumerable: true,
      });
    },
  });
})();""",
}
# Which renderer drew: the DOM one writes rows of spans (.xterm-rows); the canvas one draws
# on 2d canvases, the WebGL one on a webgl canvas.
RENDERER_JS = """() => {
  const screen = document.querySelector(".xterm-screen");
  if (!screen) return "none";
  const rows = screen.querySelector(".xterm-rows");
  if (rows && rows.children.length) return "dom";
  const canvases = [...screen.querySelectorAll("canvas")];
  const gl = canvases.some((c) => {
    try { return c.getContext("2d") === null; } catch (e) { return true; }
  });
  return `${gl ? "webgl" : "canvas"} (${canvases.length} canvases)`;
}"""
MARKS_JS = """(keyBar) => {
  const nav = performance.getEntriesByType("navigation")[0];
  const resource = (part) => {
    const found = performance.getEntriesByType("resource").find((r) => r.name.includes(part));
    return found ? found.responseEnd : null;
  };
  const ws = window.__fdWs || {};
  return {
    origin: performance.timeOrigin,
    html: nav.responseEnd,
    script: resource("/static/js/textual.js"),
    font: resource("RobotoMono-VariableFont"),
    load: nav.loadEventEnd,
    ws_created: ws.created ?? null,
    ws_open: ws.open ?? null,
    ws_first_message: ws.frames && ws.frames.length ? ws.frames[0] : null,
    ws_key_bar_message: ws.frames ? Math.max(...ws.frames.filter((t) => t <= keyBar)) : null,
  };
}"""
FIRST_OUTPUT = re.compile(
    r"desk \d+ first output (?P<output>[\d.]+) ms after its start "
    r"\(process (?P<process>[\d.]+) ms; start at (?P<start>[\d.]+)\)"
)
# (key, what it is), in the order a first screen passes them
PHASES = (
    ("html", "page HTML received"),
    ("script", "textual.js received"),
    ("font", "font received"),
    ("load", "page loaded (scripts, styles)"),
    ("desk_start", "desk start asked (server)"),
    ("ws_created", "websocket opened by textual.js"),
    ("ws_open", "websocket open"),
    ("desk_process", "desk process running (server)"),
    ("desk_output", "desk's first output (server)"),
    ("ws_first_message", "first output in the browser"),
    ("ws_key_bar_message", "key bar's output in the browser"),
    ("key_bar_ms", "key bar drawn"),
    ("complete_ms", "queue drawn"),
)


def server_marks(log: Path, origin_ms: float) -> dict[str, float]:
    """The last desk's start, process and first output, in ms from navigation start; and
    whether it was the desk started with the page ("held": 1) or a new one (0)."""
    text = log.read_text(encoding="utf-8") if log.exists() else ""
    found = FIRST_OUTPUT.findall(text)
    if not found:
        return {}
    last = re.findall(r"desk (\d+) first output", text)[-1]
    held = f"desk {last}, started with its page, taken over" in text
    output, process, start = (float(v) for v in found[-1])
    start_ms = start * 1000 - origin_ms
    return {
        "held": float(held),
        "desk_start": start_ms,
        "desk_process": start_ms + process,
        "desk_output": start_ms + output,
    }


def spread(values: list[float], unit: str, scale: float = 1.0) -> str:
    if not values:
        return "-"
    scaled = [v * scale for v in values]
    return f"{statistics.median(scaled):.0f} {unit} ({min(scaled):.0f}–{max(scaled):.0f})"


def memory(pid: int) -> dict[str, int]:
    """VmRSS and Pss of `pid`, in kB."""
    status = Path(f"/proc/{pid}/status").read_text()
    rss = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
    pss = 0
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        pss = next(int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:"))
    except (OSError, StopIteration):
        pass
    return {"rss_kb": rss, "pss_kb": pss}


def sign_in(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_url("**/login")
    page.fill("#user", USER)
    page.fill("#password", PASSWORD)
    page.click("#submit")
    wait_for_screen(page, KEY_BAR, timeout=STEP_TIMEOUT)


def wait_desks(web: Any, count: int) -> list[int]:
    deadline = time.monotonic() + STEP_TIMEOUT
    found: list[int] = web.desks()
    while len(found) != count:
        if time.monotonic() > deadline:
            raise SystemExit(f"expected {count} desk processes, found {found}")
        time.sleep(0.05)
        found = web.desks()
    return found


def cpu_ms(roots: list[int]) -> float:
    """CPU time (user and system) used so far by `roots` and their live descendants, in ms."""
    ticks, todo = 0, list(roots)
    while todo:
        pid = todo.pop()
        todo += children(pid)
        with contextlib.suppress(OSError, IndexError, ValueError):
            stat = Path(f"/proc/{pid}/stat").read_text()
            fields = stat[stat.rindex(")") + 2 :].split()
            ticks += int(fields[11]) + int(fields[12])
    return ticks * 1000 / os.sysconf("SC_CLK_TCK")


def browser_roots(servers: set[int]) -> list[int]:
    """The processes this bench started that are not a server: Playwright and Chromium."""
    return [pid for pid in children(os.getpid()) if pid not in servers]


def first_screen(
    browser: Any, web: Any, servers: set[int], renderer: str = "default"
) -> dict[str, Any]:
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.add_init_script(CATCH_TERMINAL)
        page.add_init_script(WATCH_WEBSOCKET)
        if RENDERERS[renderer]:
            page.add_init_script(RENDERERS[renderer])
        sign_in(page, web.url)
        page.goto("about:blank")  # the desk closes with its tab
        wait_desks(web, 0)
        before = cpu_ms(browser_roots(servers)), cpu_ms([web.process.pid])
        page.goto(web.url)
        timing: dict[str, Any] = {}
        for name, texts in (("key_bar_ms", [KEY_BAR]), ("complete_ms", [KEY_BAR, COMPLETE])):
            handle = page.wait_for_function(
                MILESTONE_JS, arg=texts, timeout=STEP_TIMEOUT * 1000, polling="raf"
            )
            timing[name] = float(handle.json_value())
        timing["browser_cpu"] = cpu_ms(browser_roots(servers)) - before[0]
        timing["host_cpu"] = cpu_ms([web.process.pid]) - before[1]
        marks = page.evaluate(MARKS_JS, timing["key_bar_ms"])
        origin = float(marks.pop("origin"))
        timing.update({k: float(v) for k, v in marks.items() if v is not None})
        timing.update(server_marks(web.root / "web.log", origin))
        timing["renderer"] = page.evaluate(RENDERER_JS)
        return timing
    finally:
        context.close()


def helpers_memory(web: Any) -> dict[str, dict[str, int]]:
    """The server's other children than its desks: the fork server, the resource tracker."""
    found: dict[str, dict[str, int]] = {}
    desks = set(web.desks())
    for pid in children(web.process.pid):
        if pid in desks:
            continue
        name = "fork_server" if pid == web.fork_server() else f"helper_{pid}"
        if "resource_tracker" in command_line(pid):
            name = "resource_tracker"
        with contextlib.suppress(OSError, StopIteration):
            found[name] = memory(pid)
    return found


def sessions_memory(browser: Any, web: Any, count: int) -> dict[str, Any]:
    server_idle = memory(web.process.pid)
    contexts = []
    try:
        for _ in range(count):
            context = browser.new_context(viewport=VIEWPORT)
            contexts.append(context)
            page = context.new_page()
            page.add_init_script(CATCH_TERMINAL)
            sign_in(page, web.url)
            wait_for_screen(page, COMPLETE, timeout=STEP_TIMEOUT)
        time.sleep(1.0)  # the desks' last frames and workers settle
        desks = [memory(pid) for pid in wait_desks(web, count)]
        return {
            "desks": desks,
            "server_idle": server_idle,
            "server_with_sessions": memory(web.process.pid),
            "helpers": helpers_memory(web),
        }
    finally:
        for context in contexts:
            context.close()


def report_mode(mode: str, runs: list[dict[str, Any]], mem: dict[str, Any] | None) -> None:
    print(f"[{mode}] first screen, navigation → key bar drawn ({len(runs)} runs):")
    print("  key bar  ", spread([r["key_bar_ms"] for r in runs], "ms"))
    print("  complete ", spread([r["complete_ms"] for r in runs], "ms"))
    print(f"[{mode}] where it goes, ms from navigation start (medians, min–max):")
    for key, what in PHASES:
        print(f"  {what:<34}", spread([r[key] for r in runs if key in r], "ms"))
    held = sum(1 for r in runs if r.get("held"))
    print(f"[{mode}] the desk started with its page was the one drawn in {held} runs")
    print(f"[{mode}] CPU used from navigation start to the queue drawn (all cores):")
    print("  browser (Chromium, Playwright)   ", spread([r["browser_cpu"] for r in runs], "ms"))
    print("  host (server, fork server, desk) ", spread([r["host_cpu"] for r in runs], "ms"))
    drawn = sorted({str(r.get("renderer")) for r in runs})
    print(f"[{mode}] drawn by xterm.js's renderer: {', '.join(drawn)}")
    if mem is None:  # another renderer on the same server: the same desks' memory
        return
    desks = mem["desks"]
    print(f"[{mode}] memory with {len(desks)} sessions open:")
    print("  desk RSS ", spread([d["rss_kb"] for d in desks], "MiB", 1 / 1024))
    print("  desk PSS ", spread([d["pss_kb"] for d in desks], "MiB", 1 / 1024))
    print("  server RSS idle", spread([mem["server_idle"]["rss_kb"]], "MiB", 1 / 1024))
    print(
        f"  server RSS with {len(desks)} sessions",
        spread([mem["server_with_sessions"]["rss_kb"]], "MiB", 1 / 1024),
    )
    for name, figures in sorted(mem["helpers"].items()):
        rss = spread([figures["rss_kb"]], "MiB", 1 / 1024)
        pss = spread([figures["pss_kb"]], "MiB", 1 / 1024)
        print(f"  {name} RSS {rss}, PSS {pss}")
    total = sum(d["pss_kb"] for d in desks) + mem["server_with_sessions"]["pss_kb"]
    total += sum(f["pss_kb"] for f in mem["helpers"].values())
    print(f"  total PSS (server, helpers, {len(desks)} desks) {total / 1024:.0f} MiB")


def print_ratios(
    first: str, second: str, runs: dict[str, list[dict[str, Any]]], mem: dict[str, Any]
) -> None:
    """Medians of `first` over those of `second` (measured alternating, the same load)."""
    for key in ("key_bar_ms", "complete_ms", "browser_cpu"):
        ratio = statistics.median(r[key] for r in runs[first]) / statistics.median(
            r[key] for r in runs[second]
        )
        print(f"ratio {first}/{second} {key}: {ratio:.2f}")
    if first not in mem or second not in mem:
        return
    ratio = statistics.median(d["pss_kb"] for d in mem[first]["desks"]) / statistics.median(
        d["pss_kb"] for d in mem[second]["desks"]
    )
    print(f"ratio {first}/{second} desk PSS: {ratio:.2f}")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--sessions", type=int, default=4)
    parser.add_argument("--modes", default="fork,spawn", help="fork, spawn or both (alternating)")
    parser.add_argument(
        "--baseline",
        metavar="PYTHON",
        help="another install's interpreter (e.g. main's): its servers alternate with these",
    )
    parser.add_argument(
        "--split-cpus",
        action="store_true",
        help="servers and desks on CPU 0, the browser on CPU 1 (as if the browser were a thin "
        "client of its own; other jobs still run on both)",
    )
    parser.add_argument(
        "--renderers",
        default="default",
        help="xterm.js renderers to alternate on each server: default, dom, canvas (RENDERERS)",
    )
    parser.add_argument("--json", type=Path, help="write the raw figures here")
    args = parser.parse_args()
    # the default always runs (first): budgets and ratios are read from it
    args.renderers = ["default"] + [r for r in args.renderers.split(",") if r != "default"]
    if set(args.renderers) - set(RENDERERS):
        parser.error(f"--renderers: some of {', '.join(RENDERERS)}")
    args.modes = [m for m in args.modes.split(",") if m]
    if not args.modes or set(args.modes) - {"fork", "spawn"}:
        parser.error("--modes: fork, spawn or fork,spawn")
    return args


def start_servers(
    stack: contextlib.ExitStack, root: Path, args: argparse.Namespace
) -> dict[str, Any]:
    """One server per mode (and per mode of --baseline), each in its own home."""
    pythons = {mode: sys.executable for mode in args.modes}
    if args.baseline:
        pythons.update({f"{mode}@baseline": args.baseline for mode in args.modes})
    webs = {}
    for mode, python in pythons.items():
        home = root / mode
        home.mkdir()
        add_user(home, USER, PASSWORD)
        args_web = ["--db", str(home / "desk.sqlite3"), "--max-sessions", str(args.sessions + 1)]
        if mode.startswith("spawn"):
            args_web.append("--spawn-desks")
        webs[mode] = stack.enter_context(web_server(home, *args_web, python=python))
    return webs


def arm(mode: str, renderer: str) -> str:
    """A first-screen run's name: the server's mode, and the renderer when not the default."""
    return mode if renderer == "default" else f"{mode}+{renderer}"


def measure(args: argparse.Namespace) -> tuple[dict[str, Any], dict[str, Any]]:
    """The first-screen runs (alternating between the servers and renderers) and the memory
    of each server's desks."""
    from playwright.sync_api import sync_playwright

    with (
        tempfile.TemporaryDirectory(prefix="fdbench-web-") as temp,
        contextlib.ExitStack() as stack,
    ):
        if args.split_cpus:  # inherited by what starts next: the servers, then the browser
            os.sched_setaffinity(0, {0})
        webs = start_servers(stack, Path(temp), args)
        if args.split_cpus:
            os.sched_setaffinity(0, {1})
        playwright = stack.enter_context(sync_playwright())
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            arms = [(mode, renderer) for mode in webs for renderer in args.renderers]
            runs: dict[str, list[dict[str, Any]]] = {arm(*a): [] for a in arms}
            servers = {web.process.pid for web in webs.values()}
            for _ in range(args.warmup + args.runs):  # alternating: the same load for each
                for mode, renderer in arms:
                    found = first_screen(browser, webs[mode], servers, renderer)
                    runs[arm(mode, renderer)].append(found)
            runs = {mode: found[args.warmup :] for mode, found in runs.items()}
            mem = {mode: sessions_memory(browser, webs[mode], args.sessions) for mode in webs}
        finally:
            browser.close()
    return runs, mem


def print_budgets(runs: dict[str, Any], mem: dict[str, Any]) -> None:
    key_bar = statistics.median(r["key_bar_ms"] for r in runs["fork"])
    pss = statistics.median(d["pss_kb"] for d in mem["fork"]["desks"]) / 1024
    print(
        f"budgets (fork): key bar {key_bar:.0f} ms ≤ {BUDGET_KEY_BAR_MS}: "
        f"{'ok' if key_bar <= BUDGET_KEY_BAR_MS else 'OVER'}; desk PSS {pss:.1f} MiB ≤ "
        f"{BUDGET_DESK_PSS_MIB}: {'ok' if pss <= BUDGET_DESK_PSS_MIB else 'OVER'}"
    )


def main() -> int:
    args = parse_args()
    if (reason := missing()) is not None:
        print(f"bench/web.py: {reason}", file=sys.stderr)
        return 2
    modes = args.modes
    load_before = os.getloadavg()
    runs, mem = measure(args)
    chromium = subprocess.run(
        [chromium_path() or "chromium", "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    report = {
        "machine": f"{platform.machine()}, {platform.python_version()}, {chromium}",
        "load": {"before": load_before, "after": os.getloadavg()},
        "first_screen": runs,
        "memory": mem,
    }
    print(f"frontdesk web — {report['machine']}")
    print(f"load average before {load_before[0]:.2f}, after {os.getloadavg()[0]:.2f}")
    for name in runs:
        report_mode(name, runs[name], mem.get(name))
    if "fork" in modes:
        print_budgets(runs, mem)
    pairs = [("fork", "spawn")] if set(modes) == {"fork", "spawn"} else []
    pairs += [(mode, f"{mode}@baseline") for mode in modes if f"{mode}@baseline" in runs]
    pairs += [(name, name.split("+")[0]) for name in runs if "+" in name]
    for first, second in pairs:
        print_ratios(first, second, runs, mem)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
