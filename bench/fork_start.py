"""How long a fork takes to reach its target: multiprocessing's fork server vs a bare fork.

One command: `python bench/fork_start.py [--runs 20]`. Both parents have imported the same
modules (frontdesk.web.forked.PRELOAD); each run times, from the parent's request to the
child's first byte on a pipe, (a) `os.fork()` in this warm process, the least a fork server
of our own could cost, and (b) a `Process.start()` through multiprocessing's fork server
(the connection to its socket, the descriptors passed, the fork, the unpickled target), as
`frontdesk web` does. Runs alternate; medians with min–max. Linux and macOS.
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import os
import statistics
import sys
import time

from frontdesk.web.forked import PRELOAD


def _signal(fd: int) -> None:
    os.write(fd, b"x")


def bare_fork() -> float:
    read, write = os.pipe()
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        os.write(write, b"x")
        os._exit(0)
    os.read(read, 1)
    took = time.perf_counter() - start
    os.waitpid(pid, 0)
    os.close(read)
    os.close(write)
    return took * 1000


def server_fork(context: multiprocessing.context.BaseContext) -> float:
    read, write = os.pipe()
    from frontdesk.web.forked import _Inherited

    start = time.perf_counter()
    process = context.Process(target=_child, args=(_Inherited(write),))  # type: ignore[attr-defined]
    process.start()
    os.read(read, 1)
    took = time.perf_counter() - start
    process.join()
    os.close(read)
    os.close(write)
    return took * 1000


def _child(fd: int) -> None:
    os.write(fd, b"x")


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):.1f} ms ({min(values):.1f}–{max(values):.1f})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    for name in PRELOAD:
        with contextlib.suppress(ImportError):  # as the fork server does
            __import__(name)
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(PRELOAD))
    server_fork(context)  # the fork server starts and preloads: not counted
    bare, served = [], []
    for _ in range(args.runs):
        bare.append(bare_fork())
        served.append(server_fork(context))
    print(f"load average {os.getloadavg()[0]:.2f}")
    print("bare os.fork          ", spread(bare))
    print("multiprocessing server", spread(served))
    print(f"difference of medians  {statistics.median(served) - statistics.median(bare):.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
