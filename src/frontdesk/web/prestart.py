"""Desks started when their page is asked for, before the browser opens their websocket.

A signed-in browser asks for the desk page, then loads textual.js, its styles and the font,
and only then opens the websocket; on a thin client that is most of the time to the first
screen (docs/performance.md, "Web: forked desks"). So the server starts the session's desk
when it serves the page: the app builds while the browser loads, its output is held
(`Outlet`), and the websocket, when it comes, takes the desk over and receives what it
missed, in order.

The rules that keep it safe (`Prestarts`):

- a held desk belongs to the session whose page asked for it (the key is the session's
  token): only that session's websocket takes it over; one per session at most;
- it counts against `--max-sessions` from the moment it starts, as a running desk does, and
  only once (a token is either held here or among the server's running desks, never both);
  no page starts one when the server is full;
- a desk whose websocket has not come within `seconds` (the server's clock; the sweep looks)
  is ended, as are those of sessions that end (sign-out, expiry, a deactivated user); one
  that quit or crashed while held is ended and never handed over;
- what it writes while held is bounded (`MAX_HELD_BYTES`): past it the desk is not handed
  over but ended, and the websocket starts a fresh one.

The terminal's size is not known when the page is asked for, and the app decides things by
its first size (the simulator's panel shows on a wide enough screen): a held desk starts at
the size of the last desk opened on this host (thin clients of one clinic are alike), and
is handed over only to a websocket of that same size; another size ends it and a desk is
started at the browser's size, as without a held one. Before any desk has been opened on
this host, no page starts one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, Protocol

from frontdesk.web.app_process import Desk

log = logging.getLogger("frontdesk.web")

HELD_SECONDS: Final = 15.0  # a held desk waits this long for its websocket (then ended)
MAX_HELD_BYTES: Final = 4 * 1024 * 1024  # a first screen is ~100 kB


class Socket(Protocol):
    """What a desk's output needs of a websocket (aiohttp's WebSocketResponse)."""

    async def send_bytes(self, data: bytes) -> None: ...
    async def send_str(self, data: str) -> None: ...
    async def close(self) -> object: ...


class Outlet:
    """Where a desk writes: its websocket, or, until one is attached, a queue kept in order
    (what the app wrote before its browser connected)."""

    def __init__(self, limit: int = MAX_HELD_BYTES) -> None:
        self._socket: Socket | None = None
        self._held: deque[bytes | str] = deque()
        self._held_bytes = 0
        self._limit = limit
        self.overflowed = False  # more than `limit` held: not to be handed over
        self.closed = False  # the app asked for its websocket to close before one came

    @property
    def attached(self) -> bool:
        return self._socket is not None

    async def write_bytes(self, data: bytes) -> None:
        await self._write(data)

    async def write_str(self, data: str) -> None:
        await self._write(data)

    async def _write(self, data: bytes | str) -> None:
        if self._socket is None or self._held:  # held ones first: the order is the screen's
            self._held_bytes += len(data)
            if self._held_bytes > self._limit:
                self.overflowed = True
                self._held.clear()
                return
            if not self.overflowed:
                self._held.append(data)
            return
        await self._send(self._socket, data)

    async def close(self) -> None:
        if self._socket is None:
            self.closed = True
            return
        await self._socket.close()

    async def attach(self, socket: Socket) -> None:
        """Send what was held to `socket`, then everything as it comes."""
        self._socket = socket
        while self._held:  # a write meanwhile queues behind these (see `_write`)
            await self._send(socket, self._held[0])
            self._held.popleft()
        self._held_bytes = 0

    @staticmethod
    async def _send(socket: Socket, data: bytes | str) -> None:
        if isinstance(data, bytes):
            await socket.send_bytes(data)
        else:
            await socket.send_str(data)


@dataclass
class Held:
    """A desk started for a session's page, its output held, waiting for the websocket."""

    desk: Desk
    outlet: Outlet
    size: tuple[int, int]
    since: float  # the server's clock
    starting: asyncio.Task[None]

    async def ready(self, size: tuple[int, int]) -> bool:
        """Whether it started at `size` and still runs, fit to be handed over (waits for its
        start)."""
        with contextlib.suppress(Exception):  # first: a desk is never ended mid-start
            await asyncio.shield(self.starting)
        if size != self.size or not self.starting.done() or self.starting.cancelled():
            return False
        if self.starting.exception() is not None or self.outlet.overflowed:
            return False
        finished = self.desk.finished
        return not self.outlet.closed and finished is not None and not finished.done()


class Prestarts:
    """The held desks by session token, each ended if its websocket does not come in time."""

    def __init__(self, seconds: float, grace: float, clock: Callable[[], float]) -> None:
        self.seconds = seconds
        self.grace = grace
        self.clock = clock
        self.last_size: tuple[int, int] | None = None  # of the last desk opened on this host
        self._held: dict[str, Held] = {}
        self._ending: set[asyncio.Future[None]] = set()

    def __len__(self) -> int:
        """Desks held, and held ones still ending: each counts against --max-sessions."""
        return len(self._held) + len(self._ending)

    def __contains__(self, token: object) -> bool:
        return token in self._held

    def hold(self, token: str, desk: Desk, outlet: Outlet, size: tuple[int, int]) -> Held:
        """Start `desk` for the session of `token` at `size` (not awaited: the page is served
        now)."""
        starting = asyncio.ensure_future(desk.start(*size))
        starting.add_done_callback(_failed_start)  # then never handed over: see `ready`
        held = Held(desk, outlet, size, self.clock(), starting)
        self._held[token] = held
        return held

    def get(self, token: str) -> Held | None:
        return self._held.get(token)

    def renew(self, token: str) -> bool:
        """The session's page was asked for again: its held desk waits anew. False: none."""
        held = self._held.get(token)
        if held is None:
            return False
        held.since = self.clock()
        return True

    def take(self, token: str) -> Held | None:
        """The session's held desk, no longer held here (the caller counts it now)."""
        return self._held.pop(token, None)

    def end(self, tokens: list[str], reason: str) -> None:
        """End these sessions' held desks (in the background; counted until gone)."""
        for token in tokens:
            held = self._held.pop(token, None)
            if held is not None:
                self.discard(held, reason)

    def discard(self, held: Held, reason: str) -> None:
        """End a held desk nobody will take (counted here until its process is gone)."""
        ending = asyncio.ensure_future(self._end(held, reason))
        self._ending.add(ending)
        ending.add_done_callback(self._ending.discard)

    async def _end(self, held: Held, reason: str) -> None:
        with contextlib.suppress(Exception):
            await held.starting
        await held.desk.shutdown(reason, self.grace)
        log.info("desk %s, started for a page, ended (%s)", held.desk.pid, reason)

    def sweep(self, live: Callable[[str], bool]) -> list[str]:
        """End the held desks that waited too long, or whose session is gone (`live` says);
        returns their tokens."""
        now = self.clock()
        stale = [
            token
            for token, held in self._held.items()
            if now - held.since >= self.seconds or not live(token)
        ]
        self.end(stale, "unclaimed")
        return stale

    async def close(self) -> None:
        """End every held desk and wait until they are gone (the server stops)."""
        self.end(list(self._held), "shutdown")
        if self._ending:
            await asyncio.gather(*self._ending, return_exceptions=True)


def _failed_start(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and (error := task.exception()) is not None:
        log.warning("a desk started with its page failed to start: %r", error)


__all__ = ["HELD_SECONDS", "Held", "Outlet", "Prestarts"]
