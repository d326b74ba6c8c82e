"""Startup timeline of a Textual program, for `bench/app.py --explain`.

`python bench/_startup_probe.py OUT.json TARGET [ARGS...]` runs TARGET (a script path, or
`-m` to run the `frontdesk` package) as `__main__` and writes to OUT.json, on the
system-wide monotonic clock (`time.monotonic()`, comparable across processes): when the
probe started (the interpreter is up), when `textual.app` had been imported, when the
program called `App.run`, its first frame handed to the driver, the first bytes written to
the terminal, and the first import of a few modules of interest (from an audit hook), with
the thread that imported them; and, for the desk, when its client's health check and its
queue's request were sent and answered, when the queue was filled and when the next frame
was handed to the driver, with the event loop's CPU time at the first frame and at that
one (what waits for what between the first frame and the complete screen). It imports
`textual.app` before the program does, so the program's own imports are timed apart from
Textual's.
"""

from __future__ import annotations

import atexit
import importlib.abc
import importlib.util
import json
import runpy
import sys
import threading
import time
from collections.abc import Callable
from types import ModuleType
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


class _AfterImport(importlib.abc.MetaPathFinder):
    """Calls `then(module)` once `name` has been imported (its code run), whoever imports it."""

    def __init__(self, name: str, then: Callable[[ModuleType], None]) -> None:
        self.name, self.then = name, then

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if fullname != self.name:
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(fullname)
        if spec is None or spec.loader is None:
            return spec
        loader, then = spec.loader, self.then

        class Loader(importlib.abc.Loader):
            def create_module(self, spec: Any) -> Any:
                return loader.create_module(spec)

            def exec_module(self, module: ModuleType) -> None:
                loader.exec_module(module)
                then(module)

        spec.loader = Loader()
        return spec


def _stamp_calls(marks: dict[str, Any], owner: Any, names: dict[str, str]) -> None:
    """Wrap the async methods `names` (method → mark prefix) of `owner`: the first call's
    start and end go to marks["<prefix>_sent"] and marks["<prefix>_answered"]."""
    for method, prefix in names.items():
        original = getattr(owner, method)

        def wrapper(original: Any = original, prefix: str = prefix) -> Any:
            async def call(self: Any, *a: Any, **k: Any) -> Any:
                marks.setdefault(f"{prefix}_sent", time.monotonic())
                try:
                    return await original(self, *a, **k)
                finally:
                    marks.setdefault(f"{prefix}_answered", time.monotonic())

            return call

        setattr(owner, method, wrapper())


def _stamp_desk(marks: dict[str, Any]) -> None:
    def client(module: ModuleType) -> None:
        names = {"health": "health", "list_guides": "queue"}
        _stamp_calls(marks, module.FrontdeskClient, names)

    def lookup(module: ModuleType) -> None:
        populate = module.LookupScreen._populate

        def stamped(self: Any) -> None:
            populate(self)
            marks.setdefault("queue_filled", time.monotonic())

        module.LookupScreen._populate = stamped

    sys.meta_path.insert(0, _AfterImport("frontdesk.client.client", client))
    sys.meta_path.insert(0, _AfterImport("frontdesk.app.screens.lookup", lookup))


def main() -> None:
    out, target, *args = sys.argv[1:]
    marks: dict[str, Any] = {"probe_start": time.monotonic(), "imports": {}}
    main_thread = threading.main_thread()

    def audit(event: str, payload: tuple[Any, ...]) -> None:
        if event == "import" and payload[0] in WATCHED and payload[0] not in marks["imports"]:
            where = "main" if threading.current_thread() is main_thread else "thread"
            marks["imports"][payload[0]] = (time.monotonic(), where)

    sys.addaudithook(audit)
    _stamp_desk(marks)

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
        if renderable is not None:  # on the event loop's thread: its CPU time is the loop's
            now, cpu = time.monotonic(), time.thread_time()
            if "first_frame" not in marks:
                marks["first_frame"], marks["first_frame_cpu"] = now, cpu
            elif "queue_filled" in marks and "queue_frame" not in marks:
                marks["queue_frame"], marks["queue_frame_cpu"] = now, cpu
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
