"""Who checks TISS XML against the official schemas: this process, or a worker process.

A compiled schema set costs 4–5 MiB per version and stays for the life of the process
(libxml2 keeps it; the peak is never given back), and a desk whose exports mix versions
compiles several. So the desk asks a `WorkerChecker`: one `python -m
frontdesk.tiss.schema_worker` process, started on first use with `subprocess` (spawned,
never forked: the same on Windows), that holds the compiled sets and answers each document
with libxml2's (line, message) pairs; asked nothing for five minutes, it is ended (a desk at
rest holds none) and the next check starts it again. The local operator, the technician's
commands and the tests keep `IN_PROCESS`.

Both read the same bytes the same way: the worker parses what it is sent with
`safexml.parse_untrusted` (no DTD, no entities, no network) and validates it with
`schema.schema(version)`; a line is given as it is in the caller's tree (the element's own
first line is added), so messages place errors where they were before.

A worker that cannot start, dies or answers nonsense is started again once; then the call
raises `SchemaCheckFailed` (a `TissError`), which the counter says in words: nothing is sent
unchecked, and an export it could not check is read again at the next refresh.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import threading
from contextlib import suppress
from typing import Final, Protocol

from lxml import etree

from frontdesk.tiss.schema import Found, found_in
from frontdesk.tiss.schema_worker import read_frame, write_frame
from frontdesk.tiss.tiss_errors import TissError

log = logging.getLogger(__name__)

MAX_ANSWER_BYTES: Final = 4 * 1024 * 1024
ANSWER_SECONDS: Final = 30.0
"""How long an answer may take (a start on a loaded machine included) before the worker is
ended as hung; a check takes milliseconds, a schema set's compiling tens of them."""
IDLE_SECONDS: Final = 300.0
"""How long a worker with nothing to check is kept (its memory: docs/performance.md): then
it is ended, and started again by the next check. Five minutes cover a release (the
patient's code comes within them); a desk at rest holds no worker."""


class SchemaCheckFailed(TissError):
    """The schemas could not be consulted (the worker failed); nothing was decided."""

    def __init__(self, detail: str) -> None:
        self.detail = detail
        super().__init__(detail)


class SchemaChecker(Protocol):
    """What checks an element against a version's schemas."""

    def errors(self, element: etree._Element, version: str) -> Found: ...

    def close(self) -> None: ...


class InProcessChecker:
    """The schemas compiled in this process (`schema.schema`, once per version)."""

    def errors(self, element: etree._Element, version: str) -> Found:
        return found_in(element, version)

    def close(self) -> None:
        return None


IN_PROCESS: Final = InProcessChecker()


def worker_command(ahead: tuple[str, ...] = ()) -> list[str]:
    """How the worker is started: this interpreter, the worker module, the versions it
    compiles as soon as it starts."""
    return [sys.executable, "-m", "frontdesk.tiss.schema_worker", *ahead]


class WorkerChecker:
    """One worker process holding the compiled schemas (started on first use; thread-safe:
    one document at a time). `command` and `seconds` are there for tests (a worker that
    fails, or hangs: it is ended after `seconds` without an answer); a worker asked
    nothing for `idle_seconds` is ended (None: kept until `close`); `ahead`: the versions
    it compiles as soon as it starts (the profile's)."""

    def __init__(
        self,
        command: list[str] | None = None,
        seconds: float = ANSWER_SECONDS,
        idle_seconds: float | None = IDLE_SECONDS,
        ahead: tuple[str, ...] = (),
    ) -> None:
        self.command = command or worker_command(ahead)
        self.seconds = seconds
        self.idle_seconds = idle_seconds
        self._process: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        self._idle: threading.Timer | None = None

    @property
    def pid(self) -> int | None:
        """The worker's process id while it runs."""
        process = self._process
        return process.pid if process is not None and process.poll() is None else None

    def start(self) -> None:
        """Start the worker now, so that it is ready when first asked (a failure to start is
        said at that first call)."""
        with self._lock, suppress(OSError):
            self._started()
            self._wait_idle()

    def errors(self, element: etree._Element, version: str) -> Found:
        document = etree.tostring(element)
        offset = (element.sourceline or 1) - 1
        with self._lock:
            try:
                found = self._ask(version, document)
            except (OSError, ValueError, EOFError) as first:
                log.warning("schema worker failed (%s); starting it again", first)
                self._stop()
                try:
                    found = self._ask(version, document)
                except (OSError, ValueError, EOFError) as second:
                    self._stop()
                    raise SchemaCheckFailed(f"schema worker: {second}") from None
            self._wait_idle()
        lines = element.sourceline is not None
        return [(line + offset if lines and line else 0, message) for line, message in found]

    def close(self) -> None:
        with self._lock:
            self._stop()

    def _wait_idle(self) -> None:
        """(Under the lock, the worker just used) end it after `idle_seconds` without a
        check; a check in between puts the end off again."""
        if self._idle is not None:
            self._idle.cancel()
        if self.idle_seconds is None:
            return
        timer = self._idle = threading.Timer(self.idle_seconds, self._end_idle)
        timer.daemon = True
        timer.start()

    def _end_idle(self) -> None:
        with self._lock:
            if self._idle is not threading.current_thread():
                return  # put off by a later check (its own timer ends it)
            self._idle = None
            if self._process is not None:
                log.info("schema worker idle for %s s: ended", self.idle_seconds)
            self._stop()

    def _ask(self, version: str, document: bytes) -> Found:
        process = self._started()
        stdin, stdout = process.stdin, process.stdout
        assert stdin is not None and stdout is not None
        hung = threading.Timer(self.seconds, process.kill)  # its answer then ends at once
        hung.daemon = True
        hung.start()
        try:
            write_frame(stdin, version.encode("ascii") + b"\n" + document)
            frame = read_frame(stdout, MAX_ANSWER_BYTES)
        finally:
            hung.cancel()
        if frame is None:
            raise EOFError("the worker ended")
        answer = json.loads(frame)
        if not isinstance(answer, dict):
            raise ValueError("an answer that is not an object")
        if "problem" in answer:  # the worker's own refusal (an unknown version, bad XML)
            raise ValueError(str(answer["problem"])[:200])
        return [(int(line), str(message)) for line, message in answer["errors"]]

    def _started(self) -> subprocess.Popen[bytes]:
        if self._process is not None and self._process.poll() is None:
            return self._process
        self._process = subprocess.Popen(  # noqa: S603 - this interpreter, our module
            self.command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,  # never into the desk's terminal
            creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),
        )
        return self._process

    def _stop(self) -> None:
        if self._idle is not None and self._idle is not threading.current_thread():
            self._idle.cancel()
            self._idle = None
        process, self._process = self._process, None
        if process is None:
            return
        for stream in (process.stdin, process.stdout):
            if stream is not None:
                with suppress(OSError):
                    stream.close()
        try:
            process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
