"""Startup timeline of a Textual program, for `bench/app.py --explain`.

`python bench/_startup_probe.py OUT.json TARGET [ARGS...]` runs TARGET (a script path, or
`-m` to run the `frontdesk` package) as `__main__` and writes to OUT.json, on the
system-wide monotonic clock (`time.monotonic()`, comparable across processes): when the
probe started (the interpreter is up), when `textual.app` had been imported, when the
program called `App.run`, its first frame handed to the driver, the first bytes written to
the terminal, and the first import of a few modules of interest (from an audit hook), with
the thread that imported them. It imports `textual.app` before the program does, so the
program's own imports are timed apart from Textual's.
"""

from __future__ import annotations

import atexit
import json
import runpy
import sys
import threading
import time
from typing import Any

WATCHED = (
    "frontdesk.cli",
    "frontdesk.app.app",
    "frontdesk.app.screens.lookup",
    "frontdesk.client",
    "frontdesk.client.client_errors",
    "frontdesk.client.client",
    "frontdesk.local.embedded_client",
    "httpx",
    "frontdesk.backend.http",
    "sqlite3",
    "pyotp",
)


def main() -> None:
    out, target, *args = sys.argv[1:]
    marks: dict[str, Any] = {"probe_start": time.monotonic(), "imports": {}}
    main_thread = threading.main_thread()

    def audit(event: str, payload: tuple[Any, ...]) -> None:
        if event == "import" and payload[0] in WATCHED and payload[0] not in marks["imports"]:
            where = "main" if threading.current_thread() is main_thread else "thread"
            marks["imports"][payload[0]] = (time.monotonic(), where)

    sys.addaudithook(audit)

    import textual.app
    from textual.drivers.linux_driver import LinuxDriver

    marks["textual_imported"] = time.monotonic()

    run = textual.app.App.run
    display = textual.app.App._display
    write = LinuxDriver.write
    written = {"bytes": 0, "writes": 0}

    def run_probe(self: Any, *a: Any, **k: Any) -> Any:
        marks.setdefault("app_run", time.monotonic())
        return run(self, *a, **k)

    def display_probe(self: Any, screen: Any, renderable: Any) -> None:
        if renderable is not None and "first_frame" not in marks:
            marks["first_frame"] = time.monotonic()
        display(self, screen, renderable)

    def write_probe(self: Any, data: str) -> None:
        if "first_frame" in marks and "first_frame_written" not in marks:
            marks["first_frame_written"] = time.monotonic()
        written["bytes"] += len(data.encode())
        written["writes"] += 1
        write(self, data)

    textual.app.App.run = run_probe  # type: ignore[method-assign]
    textual.app.App._display = display_probe  # type: ignore[method-assign]
    LinuxDriver.write = write_probe  # type: ignore[method-assign]

    def save() -> None:
        marks["exit"] = time.monotonic()
        marks["written"] = written
        with open(out, "w") as f:
            json.dump(marks, f)

    atexit.register(save)
    sys.argv = [target, *args]
    if target == "-m":
        sys.argv = ["frontdesk", *args]
        runpy.run_module("frontdesk", run_name="__main__", alter_sys=True)
    else:
        runpy.run_path(target, run_name="__main__")


if __name__ == "__main__":
    main()
