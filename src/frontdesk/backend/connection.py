"""One HTTP/1.1 connection of `frontdesk serve`: uvicorn's h11 protocol, hardened.

uvicorn answers what its parser refuses (a bad request line, a control character in a
header, raw non-ASCII in the path, a bad Content-Length, headers over h11's 16 KiB) with
a bare `400 text/plain`, and waits forever for a request that never completes. This
subclass (given to uvicorn as `http=`) keeps uvicorn's protocol and changes what the
contract needs:

- what the parser refuses is answered with a problem document, 400 `invalid_request`;
- a request head (request line and headers) is read up to `MAX_HEAD_BYTES` and refused
  400 past it, however the bytes arrive: h11's own bound applies only to a head that is
  still incomplete, so on its own a long head was served or refused depending on how the
  network cut it;
- a request whose headers are not complete `header_timeout` seconds after its first
  byte (or after the connection opened), or whose body stops arriving for
  `body_timeout` seconds, is answered 408 `request_timeout` and the connection closed
  (a connection that sent nothing is just closed);
- past `max_connections` open connections, a new one is answered 503
  `too_many_connections` (with Retry-After) and closed;
- after such an answer the connection is closed gracefully (FIN, then what the client
  still sends is read and dropped for a moment), so the client reads the answer instead
  of a reset;
- an answer given before the request's body has all arrived (413 `payload_too_large`)
  leaves the rest to be read and dropped, at most `DRAIN_BYTES` for at most
  `DRAIN_SECONDS`, before the connection goes on or, when the request said
  "Connection: close", closes gracefully: a client that sends the whole body before it
  reads (Python's urllib, requests) reads the 413 instead of "connection reset by peer",
  and nobody can keep a connection busy by streaming for ever.

Checked against uvicorn 0.54 and 0.55 (`uvicorn.protocols.http.h11_impl.H11Protocol`: its
`send_400_response`, `data_received`, `on_response_complete`,
`_unset_keepalive_if_required`, `connections`, `cycle` and `transport`): pinned in
pyproject.toml, guarded by tests/seams/test_uvicorn.py (docs/architecture.md, "Private
seams"). Never imported by local mode: only `frontdesk serve` loads it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, ClassVar, cast

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from frontdesk.backend.problems import Problem

# How long a connection that was answered and closed keeps reading (and dropping) what
# the client still sends, so that its unread bytes do not turn the close into a reset.
LINGER_SECONDS = 2.0
# An over-limit body answered before it all arrived: how much more of it is read (and
# dropped) so that a client that sends the whole body before reading (urllib, requests)
# reads the answer instead of a reset, and for how long at most.
DRAIN_BYTES = 8 * 1024 * 1024
DRAIN_SECONDS = 10.0
# At most one "too many connections" line per this many seconds.
REFUSAL_LOG_INTERVAL = 60.0
# The longest request head (request line and headers, blank line included) that is read:
# a guide number of 10,000 non-ASCII characters is 60 kB percent-encoded in the path.
MAX_HEAD_BYTES = 64 * 1024
HEAD_END = b"\r\n\r\n"

log = logging.getLogger("frontdesk.http")


@dataclass(frozen=True)
class ConnectionLimits:
    """How long a request may take to arrive, and how many connections may be open."""

    header_timeout: float = 10.0
    body_timeout: float = 10.0
    max_connections: int = 100

    def __post_init__(self) -> None:
        if not (self.header_timeout > 0 and self.body_timeout > 0):
            raise ValueError("timeouts must be more than 0 seconds")
        if self.max_connections < 1:
            raise ValueError("max_connections must be at least 1")


def canned(problem: Problem) -> bytes:
    """A whole HTTP/1.1 answer carrying `problem`, that closes the connection."""
    body = json.dumps(problem.document(), ensure_ascii=False, separators=(",", ":")).encode()
    lines = [
        f"HTTP/1.1 {problem.status} {HTTPStatus(problem.status).phrase}",
        "content-type: application/problem+json",
        f"content-length: {len(body)}",
        "connection: close",
        *(f"{name.lower()}: {value}" for name, value in problem.headers().items()),
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


INVALID_HTTP = canned(
    Problem(
        "invalid_request",
        "the request is not valid HTTP/1.1 (its request line, a header or its framing)",
    )
)
TIMED_OUT = canned(
    Problem("request_timeout", "the request did not arrive in time; the connection is closed")
)
TOO_MANY = canned(
    Problem(
        "too_many_connections",
        "the server has as many connections open as it allows; retry",
        retry_after=1,
    )
)


class ProblemH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with problem+json refusals, request timeouts and a bound on
    open connections (`limits`, set by `protocol_class`)."""

    limits: ClassVar[ConnectionLimits] = ConnectionLimits()
    _last_refusal_log: ClassVar[float] = -REFUSAL_LOG_INTERVAL

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.logger = log  # uvicorn's own lines too, so serve's log handler gets them
        self._timer: asyncio.TimerHandle | None = None
        self._timer_kind = ""
        self._lingering = False
        self._drain_left = DRAIN_BYTES
        self._draining: asyncio.TimerHandle | None = None  # set while a body is drained
        self._socket: asyncio.Transport | None = None  # the real transport under the wrapper
        self._head_seen = 0  # bytes of the request head that is arriving
        self._head_tail = b""  # its last bytes, for an end split across two reads

    # -- the connection ---------------------------------------------------------------------

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._socket = transport
        # uvicorn closes the transport itself once an answer is complete and the request said
        # "Connection: close" (urllib always does), even when the request's body is still
        # arriving: a close with unread bytes is a reset. Its closes come through here.
        super().connection_made(cast(asyncio.Transport, _CloseAfterDrain(transport, self)))
        if len(self.connections) > self.limits.max_connections:
            now = time.monotonic()
            if now - ProblemH11Protocol._last_refusal_log >= REFUSAL_LOG_INTERVAL:
                ProblemH11Protocol._last_refusal_log = now
                log.warning(
                    "%d connections open, the most allowed (--max-connections): refusing "
                    "new ones with 503 too_many_connections",
                    self.limits.max_connections,
                )
            self._answer_and_close(TOO_MANY)
            return
        self._arm("header", self.limits.header_timeout)

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def eof_received(self) -> None:
        if self._lingering:
            self.transport.close()

    def data_received(self, data: bytes) -> None:
        if self._lingering:  # answered and closing: what still arrives is dropped (bounded)
            self._drain_left -= len(data)
            if self._drain_left <= 0:
                self._close_now()
            return
        if self._draining is not None:  # the rest of an answered request's body
            self._drain_left -= len(data)
            if self._drain_left <= 0:
                self._close_now()
                return
        idle = self.conn.their_state is h11.IDLE
        if idle and self._head_too_long(data):
            log.info("refused a request: its head is longer than %d bytes", MAX_HEAD_BYTES)
            self._answer_and_close(INVALID_HTTP)
            return
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:
            self._head_seen, self._head_tail = 0, b""  # the head ended: the next one counts anew
        if self._draining is not None and self.conn.their_state is not h11.SEND_BODY:
            self._draining.cancel()  # the body ended: the connection goes on (keep-alive)
            self._draining = None
        self._watch(new_request=idle)

    def _head_too_long(self, data: bytes) -> bool:
        """Whether the head, with `data` (read while it is arriving), passes MAX_HEAD_BYTES."""
        seen = self._head_tail + data
        end = seen.find(HEAD_END)
        length = self._head_seen + (end + len(HEAD_END) if end >= 0 else len(seen))
        length -= len(self._head_tail)
        if end < 0:
            self._head_seen += len(data)
            self._head_tail = seen[-(len(HEAD_END) - 1) :]
        return length > MAX_HEAD_BYTES

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self._lingering:
            self._unset_keepalive_if_required()
            return
        if self.conn.their_state is h11.SEND_BODY and self._draining is None:
            # Answered before the body all arrived: uvicorn reads and drops the rest, then
            # takes the next request; at most DRAIN_BYTES for DRAIN_SECONDS.
            self._drain_left = DRAIN_BYTES
            self._draining = self.loop.call_later(DRAIN_SECONDS, self._close_now)
        # Between requests uvicorn's keep-alive timeout applies; a pipelined request that
        # already started arriving is watched like any other.
        if self.conn.their_state is h11.IDLE and not self.conn.trailing_data[0]:
            self._disarm()
        else:
            self._watch(new_request=True)

    def shutdown(self) -> None:
        """The server is stopping: a connection already answered and closing just closes
        (h11 may be in its ERROR state, where uvicorn's goodbye would raise)."""
        if self._lingering:
            self.transport.close()
        else:
            super().shutdown()

    def send_400_response(self, msg: str) -> None:
        """What h11 refuses: a problem document instead of uvicorn's text (it logged why)."""
        self._answer_and_close(INVALID_HTTP)

    # -- timers -----------------------------------------------------------------------------

    def _watch(self, *, new_request: bool) -> None:
        """Set the timer the request's progress calls for, after bytes were handled."""
        if self._lingering or self.transport.is_closing():
            self._disarm()
            return
        state = self.conn.their_state
        if state is h11.IDLE:
            # Headers not complete yet: their deadline runs from the request's first byte.
            if self._timer_kind != "header" and (new_request or self.conn.trailing_data[0]):
                self._arm("header", self.limits.header_timeout)
        elif state is h11.SEND_BODY:
            self._arm("body", self.limits.body_timeout)  # again on every chunk: a stall timer
        else:
            self._disarm()

    def _arm(self, kind: str, seconds: float) -> None:
        self._disarm()
        self._timer_kind = kind
        self._timer = self.loop.call_later(seconds, self._timed_out)

    def _disarm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer = None
        self._timer_kind = ""

    def _timed_out(self) -> None:
        kind, self._timer, self._timer_kind = self._timer_kind, None, ""
        if self._lingering or self.transport.is_closing():
            return
        started = self.conn.their_state is not h11.IDLE or bool(self.conn.trailing_data[0])
        answered = kind == "body" and self.cycle is not None and self.cycle.response_started
        if kind == "header" and not started:
            # Opened and never used: nothing to answer (clients open connections ahead).
            self.transport.close()
            return
        log.info(
            "closed a connection: its request %s",
            "headers were not complete in time" if kind == "header" else "body stalled",
        )
        if answered:
            self.transport.close()
        else:
            self._answer_and_close(TIMED_OUT)

    # -- answering and closing --------------------------------------------------------------

    def _answer_and_close(self, answer: bytes) -> None:
        """Write `answer` and close gracefully: FIN first, then drop what still arrives for
        LINGER_SECONDS, so unread bytes do not make the kernel reset the connection."""
        if self.cycle is not None and not self.cycle.response_complete:
            self.cycle.disconnected = True  # the app, if it is reading, sees a disconnect
            self.cycle.message_event.set()
        self.transport.write(answer)
        self._linger(LINGER_SECONDS)

    def _linger(self, seconds: float = DRAIN_SECONDS) -> None:
        """Close gracefully: FIN, then read and drop at most `DRAIN_BYTES` for `seconds`."""
        if self._lingering:
            return
        self._disarm()
        self._lingering = True
        socket = self._socket
        assert socket is not None
        if socket.is_closing():
            return
        if socket.can_write_eof():
            socket.write_eof()
            socket.resume_reading()  # uvicorn may have paused reading a body nobody reads
            self.loop.call_later(seconds, self._close_now)
        else:  # TLS: no half-close
            socket.close()

    def _close_now(self) -> None:
        if self._draining is not None:
            self._draining.cancel()
            self._draining = None
        if self._socket is not None:
            self._socket.close()

    def close_requested(self) -> None:
        """A close of the connection (uvicorn's or ours): at once, unless the request's body
        is still arriving and nothing closes it gracefully yet (then see `_linger`)."""
        if not self._lingering and self.conn.their_state is h11.SEND_BODY:
            self._linger()
        else:
            self._close_now()


class _CloseAfterDrain:
    """The connection's transport as uvicorn sees it: every call goes to the socket's
    transport, except `close`, which asks the protocol (`close_requested`)."""

    def __init__(self, inner: asyncio.Transport, protocol: ProblemH11Protocol) -> None:
        self._inner = inner
        self._protocol = protocol

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def close(self) -> None:
        self._protocol.close_requested()


def protocol_class(limits: ConnectionLimits) -> type[ProblemH11Protocol]:
    """The protocol class to give uvicorn (`http=`), with these limits."""
    return type("FrontdeskH11Protocol", (ProblemH11Protocol,), {"limits": limits})
