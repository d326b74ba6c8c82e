"""The printed report: medians, spreads, ratios and the budgets' verdicts."""

from __future__ import annotations

import statistics
from collections import defaultdict
from typing import Any

from desk_bench.common import (
    BUDGET_COMPLETE,
    BUDGET_FIRST,
    BUDGET_LOOKUP_P95_MS,
    BUDGET_MEMORY,
    BUDGET_TISS_COMPLETE,
    BUDGET_TISS_FIRST,
    BUDGET_TISS_MEMORY,
    median,
    percentile,
)
from desk_bench.runs import Run


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def spread(values: list[float]) -> str:
    """The median and (min–max) of `values`, NaN left out."""
    good = [v for v in values if v == v]
    if not good:
        return "-"
    return f"{median(good):.0f} ({min(good):.0f}–{max(good):.0f})"


def tiss_checks(tiss: dict[str, Any], yard: dict[str, Any]) -> list[tuple[str, bool]]:
    """Issue 17's budgets of the counter on a TISS profile, against the yardstick (Header,
    Input, a 50-row DataTable, Footer) measured in the same run: each with its min–max."""
    first = tiss["first_median_ms"] / yard["first_median_ms"]
    ready = tiss["ready_median_ms"] / yard["first_median_ms"]
    # the yardstick has no flow: its peak is at its (only) screen
    memory = tiss["hwm_flow_kb_median"] / yard["hwm_ready_kb_median"]
    return [
        (
            f"TISS first screen ≤ {BUDGET_TISS_FIRST}× yardstick: {first:.2f}× "
            f"({spread(tiss['first_ms'])} ms against {spread(yard['first_ms'])} ms)",
            first <= BUDGET_TISS_FIRST,
        ),
        (
            f"TISS complete queue ≤ {BUDGET_TISS_COMPLETE}× yardstick: {ready:.2f}× "
            f"({spread(tiss['ready_ms'])} ms)",
            ready <= BUDGET_TISS_COMPLETE,
        ),
        (
            f"TISS peak RSS after a release ≤ {BUDGET_TISS_MEMORY}× yardstick: {memory:.2f}× "
            f"({spread(tiss['hwm_flow_kb'])} KiB against {mb(yard['hwm_ready_kb_median'])})",
            memory <= BUDGET_TISS_MEMORY,
        ),
    ]


def summarize(
    runs: list[Run], kind: str, ssh: bool, remote: bool = False, tiss: bool = False
) -> dict[str, Any]:
    chosen = [
        r
        for r in runs
        if r.kind == kind
        and r.ssh == ssh
        and r.remote == remote
        and r.tiss == tiss
        and r.error is None
    ]
    steps: dict[str, list[float]] = defaultdict(list)
    for r in chosen:
        for k, v in r.steps_ms.items():
            steps[k].append(v)
    return {
        "runs": len(chosen),
        "first_ms": [r.first_ms for r in chosen],
        "paint_ms": [r.paint_ms for r in chosen],
        "ready_ms": [r.ready_ms for r in chosen],
        "hwm_flow_kb": [float(r.hwm_flow_kb) for r in chosen],
        "paint_median_ms": median([r.paint_ms for r in chosen]),
        "paint_p95_ms": percentile([r.paint_ms for r in chosen], 95),
        "threads_after_flow": median([float(r.threads_after_flow) for r in chosen]),
        "first_median_ms": median([r.first_ms for r in chosen]),
        "first_p95_ms": percentile([r.first_ms for r in chosen], 95),
        "ready_median_ms": median([r.ready_ms for r in chosen]),
        "ready_p95_ms": percentile([r.ready_ms for r in chosen], 95),
        "hwm_ready_kb_median": median([float(r.hwm_ready_kb) for r in chosen]),
        "hwm_flow_kb_median": median([float(r.hwm_flow_kb) for r in chosen]),
        "hwm_end_kb_median": median([float(r.hwm_end_kb) for r in chosen]),
        "helpers_hwm_kb_median": median([float(r.helpers_hwm_kb) for r in chosen]),
        "flow_bytes_median": median([float(r.flow_bytes) for r in chosen]),
        "flow_seconds_median": median([r.flow_seconds for r in chosen]),
        "idle_lookup_bps_median": median([r.idle_lookup_bps for r in chosen]),
        "idle_lookup_bps_max": max([r.idle_lookup_bps for r in chosen], default=float("nan")),
        "idle_code_entry_bps_median": median([r.idle_code_entry_bps for r in chosen]),
        "steps_median_ms": {k: median(v) for k, v in steps.items()},
    }


def median_gap(figures: dict[str, Any]) -> float:
    """The median over runs of first screen → complete (one start each: steadier than
    either figure on a loaded machine)."""
    gaps = [r - f for f, r in zip(figures["first_ms"], figures["ready_ms"], strict=True)]
    return statistics.median(gaps) if gaps else float("nan")


def mb(kb: float) -> str:
    return f"{kb / 1024:.1f} MiB"


def print_report(result: dict[str, Any]) -> bool:
    app, mini = result["app"], result["minimal"]
    blink_app, blink_min = result["app_blink"], result["minimal_blink"]
    print()
    yard = result["yardstick"]
    print(
        f"machine: {result['machine']}; {result['when']}; runs: {app['runs']} app, "
        f"{mini['runs']} minimal, {yard['runs']} yardstick (SSH_CONNECTION set), rotating"
    )
    print(f"measured: {result['command']} ({result['install']})")
    print()
    print("first screen, medians with min–max over the runs (ms); ratios of the medians:")
    print(
        f"  {'milestone':34} {'app':>18} {'minimal':>18} {'yardstick':>18} {'/min':>6} {'/yard':>6}"
    )

    for label, key in (
        ("first paint (the field)", "paint_ms"),
        ("first screen (field + own keys)", "first_ms"),
        ("complete (queue, F2: every key)", "ready_ms"),
    ):
        a, m, y = median(app[key]), median(mini[key]), median(yard[key])
        ry = f"{a / y:.2f}×" if yard["runs"] else "-"
        print(
            f"  {label:34} {spread(app[key]):>18} {spread(mini[key]):>18} "
            f"{spread(yard[key]):>18} {a / m:>5.2f}× {ry:>6}"
        )
    print()
    print(f"{'figure':44} {'app':>14} {'minimal':>14} {'app/minimal':>12}")

    def row(label: str, a: float, m: float, unit: str = "ms", ratio: bool = True) -> None:
        def fmt(v: float) -> str:
            return f"{v:.0f} {unit}" if unit else f"{v:.0f}"

        r = f"{a / m:.2f}×" if ratio and m and m == m and a == a else ""
        print(f"{label:44} {fmt(a):>14} {fmt(m):>14} {r:>12}")

    row("first screen, p95", app["first_p95_ms"], mini["first_p95_ms"])
    row("complete screen, p95", app["ready_p95_ms"], mini["ready_p95_ms"])
    for label, key in (
        ("peak RSS (VmHWM) at complete", "hwm_ready_kb_median"),
        ("peak RSS (VmHWM) after the flow", "hwm_flow_kb_median"),
    ):
        a, m = app[key], mini[key]
        print(f"{label:44} {mb(a):>14} {mb(m):>14} {a / m:>11.2f}×")
    print(f"{'peak RSS after the idle code-entry screen':44} {mb(app['hwm_end_kb_median']):>14}")
    row("bytes written, whole flow", app["flow_bytes_median"], mini["flow_bytes_median"], "B")
    print(
        f"{'  (flow duration, s)':44} {app['flow_seconds_median']:>14.1f} "
        f"{mini['flow_seconds_median']:>14.1f}"
    )
    row(
        "idle, lookup screen, no blink",
        app["idle_lookup_bps_median"],
        mini["idle_lookup_bps_median"],
        "B/s",
        ratio=False,
    )
    print(
        f"{'idle, code-entry screen (countdowns)':44} "
        f"{app['idle_code_entry_bps_median']:>10.0f} B/s"
    )
    if blink_app["runs"] or blink_min["runs"]:
        print("without SSH_CONNECTION (cursor blinks):")
        row(
            "  bytes written, whole flow",
            blink_app["flow_bytes_median"],
            blink_min["flow_bytes_median"],
            "B",
        )
        row(
            "  idle, lookup screen",
            blink_app["idle_lookup_bps_median"],
            blink_min["idle_lookup_bps_median"],
            "B/s",
            ratio=False,
        )
        print(
            f"{'  idle, code-entry screen':44} {blink_app['idle_code_entry_bps_median']:>10.0f} B/s"
        )
        row("  first screen, median", blink_app["first_median_ms"], blink_min["first_median_ms"])
    remote = result["app_remote"]
    if remote["runs"]:
        print("the app with --url (remote mode, `frontdesk serve` on loopback; minimal as above):")
        row("  first screen, median", remote["first_median_ms"], mini["first_median_ms"])
        row("  complete screen, median", remote["ready_median_ms"], mini["ready_median_ms"])
        a, m = remote["hwm_flow_kb_median"], mini["hwm_flow_kb_median"]
        print(f"{'  peak RSS (VmHWM) after the flow':44} {mb(a):>14} {mb(m):>14} {a / m:>11.2f}×")
        row(
            "  bytes written, whole flow",
            remote["flow_bytes_median"],
            mini["flow_bytes_median"],
            "B",
        )
        print(
            "  keypress → next screen seen in tmux (median ms): "
            + ", ".join(f"{k} {v:.0f}" for k, v in remote["steps_median_ms"].items())
        )
    tiss = result.get("app_tiss") or {"runs": 0}
    if tiss["runs"]:
        print(
            "the app on a TISS profile (`frontdesk serve`'s TISS operator on loopback; local "
            "mode beside it)"
            + (", restarted on its checked exports:" if result.get("tiss_restart") else ":")
        )
        print(f"{'':44} {'TISS':>14} {'local':>14} {'TISS/local':>12}")
        for label, key in (
            ("  first screen, median", "first_median_ms"),
            ("  complete screen (the exports' queue), median", "ready_median_ms"),
        ):
            a, m = tiss[key], app[key]
            print(f"{label:44} {a:>11.0f} ms {m:>11.0f} ms {a / m:>11.2f}×")
        print(
            f"{'  first screen → complete, median':44} "
            f"{median_gap(tiss):>11.0f} ms {median_gap(app):>11.0f} ms"
        )
        for label, key in (
            ("  peak RSS (VmHWM) at complete", "hwm_ready_kb_median"),
            ("  peak RSS (VmHWM) after a release", "hwm_flow_kb_median"),
        ):
            a, m = tiss[key], app[key]
            print(f"{label:44} {mb(a):>14} {mb(m):>14} {a / m:>11.2f}×")
        helpers = tiss.get("helpers_hwm_kb_median", 0.0)
        print(f"{'  + its schemas worker process, peak RSS':44} {mb(helpers):>14}")
        print(
            "  keypress → next screen seen in tmux (median ms): "
            + ", ".join(f"{k} {v:.0f}" for k, v in tiss["steps_median_ms"].items())
        )
    steps = app["steps_median_ms"]
    if steps:
        print(
            "app, keypress → next screen seen in tmux (median ms): "
            + ", ".join(f"{k} {v:.0f}" for k, v in steps.items())
        )
    look = result["lookup"]
    if look:
        print(
            f"lookup in-process (Pilot, 80×24), Enter → guide screen drawn: n={look['count']} "
            f"p50 {look['p50_ms']:.1f} ms, p95 {look['p95_ms']:.1f} ms, max "
            f"{look['max_ms']:.1f} ms; first (cold, screen module imported) "
            f"{look['cold_first_ms']:.1f} ms; frame {look['frame_bytes_median']:.0f} B"
        )
        pilot_yard = look["yardstick"]
        print(
            f"  the same on a minimal Textual app (push a screen: Static + 6-row DataTable + "
            f"Footer): p50 {pilot_yard['p50_ms']:.1f} ms, p95 {pilot_yard['p95_ms']:.1f} ms → "
            f"app/minimal p50 {look['p50_ms'] / pilot_yard['p50_ms']:.2f}×"
        )
    for r in result["runs"]:
        if r["error"] or r["note"]:
            print(f"  {r['kind']} (ssh={r['ssh']}): {r['error'] or r['note']}")

    print()
    print("budgets (docs/performance.md):")
    checks: list[tuple[str, bool]] = []
    first_ratio = app["first_median_ms"] / mini["first_median_ms"]
    ready_ratio = app["ready_median_ms"] / mini["ready_median_ms"]
    paint_ratio = app["paint_median_ms"] / mini["paint_median_ms"]
    mem_ratio = app["hwm_flow_kb_median"] / mini["hwm_flow_kb_median"]
    checks.append(
        (
            f"first screen ≤ {BUDGET_FIRST}× minimal: {first_ratio:.2f}× "
            f"(first paint, field only: {paint_ratio:.2f}×)",
            first_ratio <= BUDGET_FIRST,
        )
    )
    yard_first = yard["first_median_ms"] if yard["runs"] else float("nan")
    checks.append(
        (
            f"first screen ≤ {BUDGET_FIRST}× issue 8's yardstick: "
            f"{app['first_median_ms'] / yard_first:.2f}×",
            app["first_median_ms"] / yard_first <= BUDGET_FIRST,
        )
    )
    checks.append(
        (
            f"complete screen (queue, every key) ≤ {BUDGET_COMPLETE}× issue 8's yardstick: "
            f"{app['ready_median_ms'] / yard_first:.2f}× (the minimal app, which draws its rows "
            f"without a backend: {ready_ratio:.2f}×)",
            app["ready_median_ms"] / yard_first <= BUDGET_COMPLETE,
        )
    )
    checks.append(
        (
            f"peak memory after the flow ≤ {BUDGET_MEMORY}× minimal: {mem_ratio:.2f}× "
            f"({mb(app['hwm_flow_kb_median'])}: {spread(app['hwm_flow_kb'])} KiB)",
            mem_ratio <= BUDGET_MEMORY,
        )
    )
    idle = app["idle_lookup_bps_max"]
    checks.append(
        (
            f"idle output with the cursor not blinking = 0 B/s: {idle:.0f} B/s (lookup screen)",
            idle == 0,
        )
    )
    if look:
        checks.append(
            (
                f"lookup keypress → drawn p95 ≤ {BUDGET_LOOKUP_P95_MS:.0f} ms: "
                f"{look['p95_ms']:.1f} ms",
                look["p95_ms"] <= BUDGET_LOOKUP_P95_MS,
            )
        )
    tiss = result.get("app_tiss") or {"runs": 0}
    if tiss["runs"] and yard["runs"]:
        checks += tiss_checks(tiss, yard)
    for text, ok in checks:
        print(f"  {verdict(ok)}  {text}")
    print(
        f"  info  bytes for the whole flow: {app['flow_bytes_median']:.0f} B "
        f"({mini['flow_bytes_median']:.0f} B for the minimal app's 26 keys)"
    )
    all_ok = all(ok for _, ok in checks) and bool(app["runs"]) and bool(mini["runs"])
    print(f"BUDGETS: {'PASS' if all_ok else 'FAIL'}")
    imports = result.get("imports")
    if imports:
        print_imports(imports)
    return all_ok


def print_imports(imports: dict[str, Any]) -> None:
    print()
    timeline = imports["timeline"]
    app_phases = timeline["app"]["phases_median_ms"]
    min_phases = timeline["minimal"]["phases_median_ms"]
    print("startup timeline (bench/_startup_probe.py; medians, ms):")
    print(f"  {'phase':48} {'app':>8} {'minimal':>8} {'extra':>8}")
    for label, ms in app_phases.items():
        other = min_phases.get(label, float("nan"))
        if "complete" in label:
            other = min_phases.get("total: launch → first screen seen", float("nan"))
        print(f"  {label:48} {ms:8.0f} {other:8.0f} {ms - other:8.0f}")
    print("  the app's first import of (ms after launch, thread):")
    for module, info in timeline["app"]["imports_median_ms"].items():
        print(f"    {module:32} {info['at_ms']:7.0f}  {info['thread']}")
    print()
    print("where startup goes (-X importtime of each program's real start in tmux):")
    print(
        f"  app: {imports['app_modules']} modules, {imports['app_total_ms']:.0f} ms of imports;"
        f" minimal: {imports['minimal_modules']} modules, {imports['minimal_total_ms']:.0f} ms;"
        f" only in the app: {imports['only_in_app_modules']} modules, "
        f"{imports['only_in_app_ms']:.0f} ms"
    )
    print("  extra import time by top-level package (app − minimal, ms):")
    for pkg, ms in list(imports["extra_by_package_ms"].items())[:15]:
        print(f"    {pkg:24} {ms:7.1f}")
    print("  cumulative import time in the app's start (ms):")
    for module, ms in imports["cumulative_ms"].items():
        if ms is not None:
            print(f"    {module:34} {ms:7.1f}")
    print(
        f"  python -X importtime -c 'import X', median of 3 (sum of self times): "
        f"textual.app {imports['c_import_textual_app_ms']:.0f} ms, frontdesk.app.app "
        f"{imports['c_import_frontdesk_app_app_ms']:.0f} ms, frontdesk.local.embedded_client "
        f"{imports['c_import_backend_embedded_ms']:.0f} ms"
    )
    print("  resident set after each import stage (one fresh interpreter):")
    previous = 0
    for name, kb, modules in imports["memory_stages"]:
        delta = f"+{(kb - previous) / 1024:.1f}" if previous else ""
        print(f"    {name:52} {kb / 1024:6.1f} MiB {delta:>6}  {modules} modules")
        previous = kb


# -- main ----------------------------------------------------------------------------------------
