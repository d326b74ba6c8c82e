"""Lookup keypress → result drawn, in-process with Textual's Pilot (the app and a minimal app)."""

from __future__ import annotations

import asyncio
import sys
import time
from typing import Any

from desk_bench.common import ANSI, BENCH_DIR, HEIGHT, WIDTH, median, percentile


class FrameWatch:
    """Watches the frames an app hands its driver: after `expect(number)`, `wait()` returns
    once a frame of a `screen_type` screen shows `number`; `at` is when (perf_counter) and
    `bytes` that frame's size as a real driver would write it (the headless one writes
    nothing)."""

    def __init__(self, app: Any, screen_type: type) -> None:
        self.number: str | None = None
        self.at = float("nan")
        self.bytes = 0
        self._drawn = asyncio.Event()
        original = app._display

        def display(screen: Any, renderable: Any) -> None:
            original(screen, renderable)
            if self.number is None or renderable is None or not isinstance(screen, screen_type):
                return
            text = renderable.render_segments(app.console)
            if self.number in ANSI.sub("", text):
                self.at, self.bytes, self.number = time.perf_counter(), len(text.encode()), None
                self._drawn.set()

        app._display = display

    def expect(self, number: str) -> None:
        self._drawn.clear()
        self.number, self.at = number, float("nan")

    async def wait(self, timeout: float = 30) -> None:
        await asyncio.wait_for(self._drawn.wait(), timeout=timeout)


async def pilot_lookups(count: int, warmup: int) -> dict[str, Any]:
    """Enter on a typed guide number → the guide screen's first frame with that number."""
    from textual.pilot import Pilot

    from frontdesk.app.app import FrontdeskApp
    from frontdesk.app.connector import local_connector
    from frontdesk.app.screens.guide import GuideScreen
    from frontdesk.app.screens.lookup import LookupScreen

    # As `frontdesk --db :memory:` builds it (run_app), minus the terminal: the embedded
    # local backend with fresh demo data behind the one client, the real screens.
    app = FrontdeskApp(
        connector=local_connector(":memory:"),
        lang="pt",
        cursor_blink=False,
        friendly_errors=False,
        show_simulator=False,
        tidy_memory=True,
    )
    watch = FrameWatch(app, GuideScreen)

    async def settle(pilot: Pilot[Any]) -> None:
        for _ in range(50):
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            if not any(worker.is_running for worker in app.workers):
                return

    times: list[float] = []
    frame_bytes: list[int] = []
    cold_ms = float("nan")
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        deadline = time.monotonic() + 30
        while not (isinstance(app.screen, LookupScreen) and app.screen.guides):
            if time.monotonic() > deadline:
                raise RuntimeError("the queue never loaded")
            await asyncio.sleep(0.02)
        await settle(pilot)
        numbers = [guide.number for guide in app.screen.guides]
        for i in range(warmup + count):
            number = numbers[i % len(numbers)]
            await pilot.press(*number)
            await settle(pilot)
            watch.expect(number)
            started = time.perf_counter()
            await pilot.press("enter")
            await watch.wait()
            elapsed = (watch.at - started) * 1000
            if i == 0:
                cold_ms = elapsed
            if i >= warmup:
                times.append(elapsed)
                frame_bytes.append(watch.bytes)
            await settle(pilot)
            if not isinstance(app.screen, GuideScreen):
                raise RuntimeError(f"Enter on {number} did not open the guide")
            await pilot.press("escape")
            await settle(pilot)
        await pilot.press("ctrl+q")
    return {
        "count": len(times),
        "warmup": warmup,
        "cold_first_ms": cold_ms,
        "p50_ms": percentile(times, 50),
        "p95_ms": percentile(times, 95),
        "max_ms": max(times) if times else float("nan"),
        "frame_bytes_median": median([float(b) for b in frame_bytes]),
        "times_ms": times,
    }


async def pilot_yardstick(count: int, warmup: int) -> dict[str, Any]:
    """The same measurement on a minimal Textual app: Enter in an Input pushes a screen with
    the number (a Static), a DataTable of six rows and a Footer of three keys."""
    from textual.app import App, ComposeResult
    from textual.binding import Binding
    from textual.screen import Screen
    from textual.widgets import DataTable, Footer, Input, Static

    sys.path.insert(0, str(BENCH_DIR))
    from _minimal_app import ROWS

    class Detail(Screen[None]):
        BINDINGS = [  # noqa: RUF012
            Binding("escape", "app.pop_screen", "Voltar"),
            Binding("e", "app.bell", "Enviar Token"),
            Binding("c", "app.bell", "Digitar código"),
        ]

        def __init__(self, number: str) -> None:
            super().__init__()
            self.number = number

        def compose(self) -> ComposeResult:
            yield Static(f"Guia {self.number}")
            yield DataTable()
            yield Footer()

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_columns("Guia", "Situação", "Beneficiário", "Tipo")
            table.add_rows(ROWS)

    class Yardstick(App[None]):
        def compose(self) -> ComposeResult:
            yield Input()
            yield DataTable()

        def on_input_submitted(self, event: Input.Submitted) -> None:
            self.push_screen(Detail(event.value))

    app = Yardstick()
    watch = FrameWatch(app, Detail)
    times: list[float] = []
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        for i in range(warmup + count):
            number = f"20261122{i:05d}"
            app.query_one(Input).value = ""
            await pilot.press(*number)
            await pilot.pause()
            watch.expect(number)
            started = time.perf_counter()
            await pilot.press("enter")
            await watch.wait()
            if i >= warmup:
                times.append((watch.at - started) * 1000)
            await pilot.pause()
            await pilot.press("escape")
            await pilot.pause()
    return {
        "count": len(times),
        "p50_ms": percentile(times, 50),
        "p95_ms": percentile(times, 95),
        "times_ms": times,
    }


# -- where startup time and memory go (--imports) ------------------------------------------------
