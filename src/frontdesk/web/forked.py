"""Desks forked from a warm parent: a fork server that has imported Textual, Rich and the app.

`frontdesk web` on Linux and macOS starts multiprocessing's fork server once, with the
modules of `PRELOAD` imported (named, never imported here: this module and the web server
load neither Textual nor Rich). Each desk is a fork of that server that only builds its app:
its pages are the server's, copy-on-write, and it starts in tens of milliseconds instead of
half a second. The desk speaks textual's web driver protocol on its stdin/stdout, exactly as
the spawned `python -m frontdesk` does, over pipes the web server made for it and handed
over the fork server's socket (SCM_RIGHTS).

In the child, before the app (`_become_desk`): the pipes become fds 0, 1 and 2 and every
other descriptor is closed (the fork server's socket, multiprocessing's pipes); the
environment is the one the web server built for this desk (its FRONTDESK_WEB_USER); `random`
is seeded again from os.urandom; no event loop exists until the app's `asyncio.run`. The
fork server was started before any session, from the web server's environment, so it holds
no session, cookie, user or keyring handle to leak.

multiprocessing's fork server is used rather than one of our own: it closes every descriptor
when it starts, restarts when it has died (`ensure_running`, called by each fork and by the
server's sweep), and reports each child's exit status; measured, a fork through it costs
a few milliseconds of the desk's first screen (docs/performance.md).

Windows (and any platform without os.fork) has no fork server: `available()` is False and
the web server spawns `python -m frontdesk` as before.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import os
import random
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

DESK_ENTRY: Final = "frontdesk.cli:main"
# Imported once by the fork server, in this order: the web driver's environment first
# (Textual reads it at import), then what every desk loads by its first complete screen
# (the app, and the local backend and client it imports after its first frame), then what
# it loads on its first release (the screens of the flow, the code generator, Textual's
# scrollbar and what App.run imports: listed from sys.modules of a desk that ran; each
# would otherwise be read and built again in every desk, on its own pages, while its
# first guide waits), then a frozen heap (the garbage collector of a desk never writes to
# the server's objects' pages). A name that fails to import is skipped.
PRELOAD: Final = (
    "frontdesk.web.fork_env",
    "textual.app",
    "textual.drivers.web_driver",
    "textual.drivers.headless_driver",
    "textual.layouts.factory",
    "textual.layouts.horizontal",
    "textual.layouts.stream",
    "textual.pilot",
    "textual.scrollbar",
    "rich._unicode_data.unicode17-0-0",
    "frontdesk.cli",
    "frontdesk.cli.app",
    "frontdesk.app.app",
    "frontdesk.app.css_cache",
    "frontdesk.app.screens.guide",
    "frontdesk.app.screens.send_token",
    "frontdesk.app.screens.code_entry",
    "frontdesk.app.screens.result",
    "frontdesk.local.embedded_client",
    "frontdesk.core.i18n.desk",
    "frontdesk.core.tuss",
    "frontdesk.client.asgi",
    "frontdesk.client.client",
    "frontdesk.backend.local",
    "frontdesk.backend.server",
    "pyotp",
    "frontdesk.web.fork_freeze",
)


def available() -> bool:
    """Whether desks can be forked here (not on Windows, nor without os.fork)."""
    return sys.platform != "win32" and hasattr(os, "fork")


class _Inherited:
    """A descriptor handed to the child over the fork server's socket (pickled while the
    process starts; unpickled in the child as its own descriptor's number)."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        from multiprocessing import reduction

        duplicate = getattr(reduction, "DupFd")(self.fd)  # noqa: B009 (POSIX only: no stub)
        return (_detach, (duplicate,))


def _detach(duplicate: Any) -> int:
    return int(duplicate.detach())


@dataclass(frozen=True)
class Job:
    """What a forked desk runs: `entry` ("module:function") with `argv` as its sys.argv,
    in `environment`; its stdin, stdout and stderr are the three descriptors."""

    entry: str
    argv: tuple[str, ...]
    environment: Mapping[str, str]
    fds: tuple[Any, Any, Any]


def _open_fds() -> list[int]:
    try:
        return [int(name) for name in os.listdir("/dev/fd")]
    except OSError:  # no /dev/fd: every possible descriptor
        if sys.platform == "win32":
            return []
        return list(range(3, os.sysconf("SC_OPEN_MAX")))


def _become_desk(job: Job) -> None:
    """Turn this fresh fork into the desk's process (see the module's docstring)."""
    from multiprocessing import forkserver, resource_tracker

    for target, fd in enumerate(job.fds):
        os.dup2(fd, target)
    with contextlib.suppress(OSError):
        sys.stdin.close()  # multiprocessing's /dev/null, before its descriptor is closed
    for fd in _open_fds():
        if fd > 2:
            with contextlib.suppress(OSError):
                os.close(fd)
    # their descriptors are closed: nothing may write to them again
    resource_tracker._resource_tracker._fd = None  # type: ignore[attr-defined]
    forkserver._forkserver._forkserver_alive_fd = None  # type: ignore[attr-defined]
    streams = (
        ("stdin", open(0, encoding="utf-8", closefd=False)),  # noqa: SIM115
        ("stdout", open(1, "w", encoding="utf-8", closefd=False)),  # noqa: SIM115
        ("stderr", open(2, "w", 1, "utf-8", "backslashreplace", closefd=False)),  # noqa: SIM115
    )
    for name, stream in streams:  # what Python makes of fds 0, 1 and 2 when it starts
        setattr(sys, name, stream)
        setattr(sys, f"__{name}__", stream)
    os.environ.clear()
    os.environ.update(job.environment)
    sys.argv = list(job.argv)
    random.seed()  # os.fork re-seeds it too; said here, where a reader looks for it


def run_desk(job: Job) -> None:
    """The forked child's target: become the desk, run its entry, exit with its status."""
    import atexit

    _become_desk(job)
    module, _, name = job.entry.partition(":")
    code: object = 1
    try:
        code = getattr(importlib.import_module(module), name)()
    finally:
        atexit._run_exitfuncs()  # multiprocessing ends its children with os._exit
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
    raise SystemExit(code)


class ForkedProcess:
    """A forked desk, with what textual-serve's AppService uses of an asyncio Process."""

    def __init__(self, process: Any, pipes: tuple[int, int, int]) -> None:
        self._process = process
        self.pid: int = process.pid
        self.returncode: int | None = None
        self.stdin: asyncio.StreamWriter | None = None
        self.stdout: asyncio.StreamReader | None = None
        self.stderr: asyncio.StreamReader | None = None
        self._pipes = pipes
        self._ended = asyncio.get_running_loop().create_future()
        self._watch: asyncio.Task[None] | None = None

    async def connect(self) -> None:
        loop = asyncio.get_running_loop()
        stdin, stdout, stderr = self._pipes
        self.stdout = await _reader(loop, stdout)
        self.stderr = await _reader(loop, stderr)
        self.stdin = await _writer(loop, stdin)
        loop.add_reader(self._process.sentinel, self._sentinel_ready)

    def _sentinel_ready(self) -> None:
        loop = asyncio.get_running_loop()
        loop.remove_reader(self._process.sentinel)
        code = self._process.exitcode  # read from the sentinel: the fork server's report
        if _running(self.pid):  # the fork server died, not the desk: watch it ourselves
            self._watch = loop.create_task(self._poll_until_gone())
            return
        self._finish(code)

    async def _poll_until_gone(self) -> None:
        while _running(self.pid):
            await asyncio.sleep(0.2)
        self._finish(None)

    def _finish(self, code: int | None) -> None:
        # an unknown status (the fork server gone): counted as a crash, never as a quit
        self.returncode = code if code is not None else -1
        if self.stdin is not None:  # its pipe, now that nobody reads it (the others end on EOF)
            self.stdin.close()
        if not self._ended.done():
            self._ended.set_result(None)

    async def wait(self) -> int:
        await asyncio.shield(self._ended)
        assert self.returncode is not None
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.returncode is None:
            os.kill(self.pid, signum)

    def terminate(self) -> None:
        import signal

        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        import signal

        self.send_signal(getattr(signal, "SIGKILL", signal.SIGTERM))


def _running(pid: int) -> bool:
    """Whether `pid` exists and is not a zombie (Linux reads /proc; elsewhere kill 0)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            text = stat.read()
        return text[text.rindex(")") + 2] != "Z"
    except FileNotFoundError:
        return False
    except OSError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


async def _reader(loop: asyncio.AbstractEventLoop, fd: int) -> asyncio.StreamReader:
    reader = asyncio.StreamReader(limit=2**16)
    protocol = asyncio.StreamReaderProtocol(reader)
    await loop.connect_read_pipe(lambda: protocol, open(fd, "rb", buffering=0))  # noqa: SIM115
    return reader


async def _writer(loop: asyncio.AbstractEventLoop, fd: int) -> asyncio.StreamWriter:
    from asyncio.streams import FlowControlMixin

    transport, protocol = await loop.connect_write_pipe(
        FlowControlMixin,
        open(fd, "wb", buffering=0),  # noqa: SIM115
    )
    return asyncio.StreamWriter(transport, protocol, None, loop)


class ForkServer:
    """multiprocessing's fork server with `PRELOAD`, and the desks forked from it."""

    def __init__(self, preload: Sequence[str] = PRELOAD) -> None:
        import multiprocessing

        self._context: Any = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(list(preload))
        self.restarts = 0
        self._pid: int | None = None

    @property
    def pid(self) -> int | None:
        """The fork server's process id (None before it started)."""
        from multiprocessing import forkserver

        pid = forkserver._forkserver._forkserver_pid  # type: ignore[attr-defined]
        return int(pid) if pid is not None else None

    def ensure_running(self) -> None:
        """Start it, or start it again if it has died (blocking: call from a thread)."""
        from multiprocessing import forkserver

        forkserver.ensure_running()
        pid = self.pid
        if self._pid is not None and pid != self._pid:
            self.restarts += 1
        self._pid = pid

    def stop(self) -> None:
        """Stop the fork server and multiprocessing's resource tracker it started (their
        desks were closed before). Blocking: call from a thread."""
        from multiprocessing import forkserver, resource_tracker

        forkserver._forkserver._stop()  # type: ignore[attr-defined]
        resource_tracker._resource_tracker._stop()  # type: ignore[attr-defined]
        self._pid = None

    async def warm(self) -> None:
        """Start it and wait until it has imported everything (one throwaway fork)."""
        await asyncio.to_thread(self.ensure_running)
        process = self._context.Process(target=_noop, daemon=True)
        await asyncio.to_thread(process.start)
        await asyncio.to_thread(process.join)

    async def fork(
        self, entry: str, argv: Sequence[str], environment: Mapping[str, str]
    ) -> ForkedProcess:
        """A desk running `entry` with `argv`, its stdio connected to this process."""
        stdin_r, stdin_w = os.pipe()
        stdout_r, stdout_w = os.pipe()
        stderr_r, stderr_w = os.pipe()
        ours = (stdin_w, stdout_r, stderr_r)
        theirs = (stdin_r, stdout_w, stderr_w)
        for fd in ours:
            os.set_inheritable(fd, False)
        job = Job(entry, tuple(argv), dict(environment), tuple(_Inherited(fd) for fd in theirs))  # type: ignore[arg-type]
        process = self._context.Process(target=run_desk, args=(job,), daemon=True)
        try:
            await asyncio.to_thread(self._start, process)
        except BaseException:
            for fd in ours:
                os.close(fd)
            raise
        finally:
            for fd in theirs:
                os.close(fd)
        forked = ForkedProcess(process, ours)
        await forked.connect()
        return forked

    def _start(self, process: Any) -> None:
        self.ensure_running()
        process.start()


def _noop() -> None:
    return None


__all__ = ["DESK_ENTRY", "PRELOAD", "ForkServer", "ForkedProcess", "Job", "available"]
