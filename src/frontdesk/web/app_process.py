"""One desk: the Textual app in its own process, driven over a session's websocket.

textual-serve's `AppService` speaks the protocol of Textual's web driver (packets on the
process's stdin/stdout, the `__GANGLION__` prelude, downloads); this subclass changes how the
process starts and ends:

- it runs `python -m frontdesk …` from an argument list (textual-serve runs a shell command
  line), or, given a fork server (`forked.py`, Linux and macOS), forks the desk from it with
  the same arguments; either way with the web user's name in FRONTDESK_WEB_USER so the app's
  audit lines carry it;
- `shutdown` asks the app to quit, and terminates then kills it if it has not gone after a
  grace period, then reaps it: a desk never outlives its session.

Neither this module nor textual-serve's `app_service` and `download_manager` import Textual
or Rich: the server process stays small (textual-serve's `server` module, which imports Rich
for its console, is not used).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import time
from asyncio.subprocess import PIPE, Process
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final, cast

from textual_serve.app_service import AppService
from textual_serve.download_manager import DownloadManager

from frontdesk.core.i18n import Language
from frontdesk.web.forked import ForkedProcess, ForkServer

log = logging.getLogger("frontdesk.web")

WEB_USER_ENV: Final = "FRONTDESK_WEB_USER"
GRACE_SECONDS: Final = 5.0


def app_argv(app_args: Sequence[str], lang: Language | None) -> list[str]:
    """The desk's command: this Python running frontdesk with the server's profile options
    (and the language chosen on the sign-in page, if one was)."""
    return [sys.executable, "-m", *desk_args(app_args, lang)]


def desk_args(app_args: Sequence[str], lang: Language | None) -> list[str]:
    """A forked desk's sys.argv: "frontdesk", the language if one was chosen, the options."""
    argv = ["frontdesk"]
    if lang is not None:
        argv += ["--lang", lang]
    return argv + list(app_args)


@dataclass(frozen=True)
class Fork:
    """How a desk is forked: from `server`, running `entry` ("module:function")."""

    server: ForkServer
    entry: str


class Desk(AppService):
    """The app process of one session."""

    def __init__(
        self,
        argv: Sequence[str],
        *,
        user: str,
        write_bytes: Callable[[bytes], Awaitable[None]],
        write_str: Callable[[str], Awaitable[None]],
        close: Callable[[], Awaitable[None]],
        download_manager: DownloadManager,
        environment: Mapping[str, str] | None = None,
        fork: Fork | None = None,
    ) -> None:
        super().__init__(
            " ".join(argv),
            write_bytes=write_bytes,
            write_str=write_str,
            close=close,
            download_manager=download_manager,
        )
        self.argv = list(argv)  # sys.argv of a forked desk; the command of a spawned one
        self.fork = fork
        self.extra_env = {**(environment or {}), WEB_USER_ENV: user}
        self.stop_reason: str | None = None  # set when the server ends it (not the app)
        self._shutdown: asyncio.Task[None] | None = None
        self._started_at: float | None = None  # time.time(): compared with a browser's clock
        self._process_ms = 0.0
        self._first_output = False
        self.size: tuple[int, int] | None = None  # the app's terminal size, as last told

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        environment = super()._build_environment(width=width, height=height)
        environment.update(self.extra_env)
        return environment

    async def _open_app_process(self, width: int = 80, height: int = 24) -> Process:
        environment = self._build_environment(width=width, height=height)
        if self.fork is not None:
            forked = await self.fork.server.fork(self.fork.entry, self.argv, environment)
            self._process = cast(Process, forked)  # what AppService uses of one, see forked.py
            assert forked.stdin is not None
            self._stdin = forked.stdin
            return self._process
        self._process = process = await asyncio.create_subprocess_exec(
            *self.argv, stdin=PIPE, stdout=PIPE, stderr=PIPE, env=environment
        )
        assert process.stdin is not None
        self._stdin = process.stdin
        return process

    async def start(self, width: int, height: int) -> None:
        self._started_at = time.time()
        self.size = (width, height)
        await super().start(width, height)
        self._process_ms = (time.time() - self._started_at) * 1000

    async def set_terminal_size(self, width: int, height: int) -> None:
        """Tell the app its new size; not the size it has (textual.js says its size as the
        websocket opens, mostly the one the desk started with: the app would lay out and
        draw its whole screen again for nothing)."""
        if (width, height) == self.size:
            return
        self.size = (width, height)
        await super().set_terminal_size(width, height)

    async def on_data(self, payload: bytes) -> None:
        if not self._first_output and self._started_at is not None:
            self._first_output = True  # where a desk's first screen waits (bench/web.py)
            log.info(
                "desk %s first output %.0f ms after its start (process %.0f ms; start at %.3f)",
                self.pid,
                (time.time() - self._started_at) * 1000,
                self._process_ms,
                self._started_at,
            )
        await super().on_data(payload)

    @property
    def process(self) -> Process | ForkedProcess | None:
        return self._process

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    @property
    def finished(self) -> asyncio.Task[None] | None:
        """The task reading the app's output; done when the app has gone."""
        return self._task

    def natural_end(self) -> str:
        """Why the app ended on its own: "quit" (exit status 0) or "crashed"."""
        code = self._process.returncode if self._process is not None else None
        return "quit" if code == 0 else "crashed"

    async def shutdown(self, reason: str | None = None, grace: float = GRACE_SECONDS) -> None:
        """End the app (idempotent): quit, then terminate, then kill; always reaped."""
        if reason is not None and self.stop_reason is None:
            self.stop_reason = reason
        if self._shutdown is None:
            self._shutdown = asyncio.ensure_future(self._end(grace))
        await asyncio.shield(self._shutdown)

    async def _end(self, grace: float) -> None:
        process = self._process
        try:
            await asyncio.wait_for(self.stop(), grace)
        except (TimeoutError, Exception) as error:  # a stuck or broken app: end it below
            log.info("desk %s did not quit by itself: %r", self.pid, error)
        if process is None:
            return
        if process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.terminate()
            try:
                await asyncio.wait_for(process.wait(), grace)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
        try:  # killed: gone at once; bounded all the same, so a sign-out never hangs on it
            await asyncio.wait_for(process.wait(), grace)
        except TimeoutError:
            log.warning("desk %s: no exit status %.0f s after SIGKILL", self.pid, grace)
