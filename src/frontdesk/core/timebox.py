"""A call that may hang (a keyring over D-Bus, a DNS lookup), bounded in time.

The call runs in a daemon thread; if it has not returned when the time is up the caller gets
`TimeoutError` and the thread is left behind: being a daemon, it never keeps the program from
exiting. This is the only place frontdesk starts such a thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def timeboxed(call: Callable[[], T], timeout: float, *, name: str = "frontdesk-timebox") -> T:
    """`call()`'s value, or its exception; `TimeoutError` if it takes longer than `timeout` s."""
    box: dict[str, Any] = {}
    done = threading.Event()

    def run() -> None:
        try:
            box["value"] = call()
        except BaseException as exc:  # handed to the caller below
            box["error"] = exc
        finally:
            done.set()

    threading.Thread(target=run, name=name, daemon=True).start()
    if not done.wait(timeout):
        raise TimeoutError(f"no answer in {timeout:g} s")
    if "error" in box:
        raise box["error"]
    value: T = box["value"]
    return value
