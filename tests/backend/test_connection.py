"""`frontdesk serve`'s connections under malformed HTTP, slow clients and many connections.

A real uvicorn server on loopback with serve's settings (`server_config`), small limits,
and requests written byte by byte on raw sockets (an HTTP client would not send them).
Every answer, malformed requests included, is a problem document; a connection that
stalls is answered 408 and closed; past the connection limit, 503. After each probe the
backend's guides, tokens and events are what they were and it still answers.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from frontdesk.backend.clock import ManualClock
from frontdesk.backend.connection import DRAIN_BYTES, ConnectionLimits, canned
from frontdesk.backend.local import open_backend
from frontdesk.backend.problems import Problem
from frontdesk.backend.server import create_app
from frontdesk.backend.service import LocalBackend
from frontdesk.backend.serving import server_config

from .conftest import backend_state

pytestmark = pytest.mark.served

KEY = "connection-key"
# Short enough to keep the suite quick, long enough that a loaded machine sends a whole
# request line in time; the tests wait for the server's answer, never for a duration.
SHORT = ConnectionLimits(header_timeout=0.5, body_timeout=0.5, max_connections=50)
READ_LIMIT = 30.0  # seconds a test waits for an answer before it fails (never hangs)


@dataclass
class Served:
    backend: LocalBackend
    host: str
    port: int
    server: uvicorn.Server

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    async def exchange(self, data: bytes, *, half_close: bool = False) -> bytes:
        """Send `data` on a fresh connection, then read until the server closes it."""
        reader, writer = await asyncio.open_connection(self.host, self.port)
        try:
            writer.write(data)
            await writer.drain()
            if half_close:
                writer.write_eof()
            return await asyncio.wait_for(reader.read(), READ_LIMIT)
        finally:
            writer.close()
            await writer.wait_closed()

    async def healthy(self) -> None:
        async with httpx.AsyncClient(base_url=self.url, timeout=READ_LIMIT) as http:
            response = await http.get("/v1/guides", headers={"Authorization": f"Bearer {KEY}"})
            assert response.status_code == 200
            assert len(response.json()["items"]) == 13


@contextmanager
def serve(tmp_path: Path, limits: ConnectionLimits) -> Iterator[Served]:
    backend = open_backend(tmp_path / "conn.sqlite3", clock=ManualClock(1_795_000_000.0))
    app = create_app(backend, api_key=KEY, log_access=False)
    server = uvicorn.Server(server_config(app, host="127.0.0.1", port=0, limits=limits))
    thread = threading.Thread(target=server.run, name="uvicorn-connection", daemon=True)
    thread.start()
    deadline = time.monotonic() + READ_LIMIT
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.01)
    host, port = server.servers[0].sockets[0].getsockname()[:2]
    try:
        yield Served(backend, host, port, server)
    finally:
        server.should_exit = True
        thread.join(timeout=READ_LIMIT)
        backend.close()
    assert not thread.is_alive()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    with serve(tmp_path, SHORT) as running:
        yield running


def answer(raw: bytes) -> tuple[int, dict[str, str], Any]:
    """(status, headers, JSON body) of one whole HTTP/1.1 answer."""
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    assert len(body) == int(headers["content-length"]), raw[:300]
    return int(lines[0].split(" ")[1]), headers, json.loads(body)


def assert_problem(raw: bytes, status: int, code: str) -> dict[str, str]:
    got, headers, body = answer(raw)
    assert (got, body["code"], body["status"]) == (status, code, status), raw[:300]
    assert headers["content-type"] == "application/problem+json"
    assert headers["connection"] == "close"
    assert set(body) >= {"type", "title", "status", "detail", "code"}
    return headers


GET = b"GET /v1/health HTTP/1.1\r\nHost: x\r\n"
AUTH = f"Authorization: Bearer {KEY}\r\n".encode()
MALFORMED = {
    "NUL in a header": GET + b"X-Desk: a\x00b\r\n\r\n",
    "raw UTF-8 in the path": "GET /v1/guides/guia-ção HTTP/1.1\r\nHost: x\r\n\r\n".encode(),
    "Content-Length not a number": b"POST /v1/_local/clock HTTP/1.1\r\nHost: x\r\n"
    + AUTH
    + b"Content-Length: abc\r\n\r\n{}",
    "two Content-Lengths": b"POST /v1/_local/clock HTTP/1.1\r\nHost: x\r\n"
    + AUTH
    + b"Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
    "Content-Length of 5000 digits": b"POST /v1/_local/clock HTTP/1.1\r\nHost: x\r\n"
    + AUTH
    + b"Content-Length: "
    + b"9" * 5000
    + b"\r\n\r\n{}",
    "a 200 KB header": GET + b"X-Big: " + b"a" * 200_000 + b"\r\n\r\n",
    "a garbage request line": b"HELLO THERE\r\n\r\n",
    "a request line without a version": b"GET /v1/health\r\n\r\n",
    "a header without a colon": GET + b"no colon here\r\n\r\n",
    "a control character in a header name": GET + b"X-\x01: 1\r\n\r\n",
    "a bare CR": b"GET /v1/health HTTP/1.1\rHost: x\r\n\r\n",
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
async def test_malformed_http_gets_a_problem_document(served: Served, name: str) -> None:
    before = backend_state(served.backend)
    raw = await served.exchange(MALFORMED[name])
    assert_problem(raw, 400, "invalid_request")
    assert backend_state(served.backend) == before
    await served.healthy()


async def test_headers_that_never_end_get_408(served: Served) -> None:
    raw = await served.exchange(GET + AUTH + b"X-Slow: 1\r\n")  # no blank line: never ends
    assert_problem(raw, 408, "request_timeout")
    await served.healthy()


async def test_a_request_line_that_never_ends_gets_408(served: Served) -> None:
    raw = await served.exchange(b"GET /v1/gui")
    assert_problem(raw, 408, "request_timeout")


async def test_a_body_that_stalls_gets_408_and_changes_nothing(served: Served) -> None:
    before = backend_state(served.backend)
    number = before["guides"][0]["number"]
    head = (
        f"POST /v1/guides/{number}/token/absence HTTP/1.1\r\nHost: x\r\n"
        f"Authorization: Bearer {KEY}\r\nContent-Type: application/json\r\n"
        "Content-Length: 100\r\n\r\n"
    ).encode()
    raw = await served.exchange(head + b'{"reason": "01"')  # 15 of the 100 bytes
    assert_problem(raw, 408, "request_timeout")
    assert backend_state(served.backend) == before
    await served.healthy()


async def test_a_connection_that_sends_nothing_is_closed(served: Served) -> None:
    assert await served.exchange(b"") == b""


async def test_keep_alive_still_serves_requests_one_after_another(served: Served) -> None:
    request = GET + AUTH + b"\r\n"
    raw = await served.exchange(request + request + GET + b"Connection: close\r\n\r\n")
    assert raw.count(b"HTTP/1.1 200 OK") == 3


async def test_past_the_connection_limit_a_503(tmp_path: Path) -> None:
    limits = ConnectionLimits(header_timeout=READ_LIMIT, body_timeout=READ_LIMIT, max_connections=3)
    with serve(tmp_path, limits) as served:
        held = [await asyncio.open_connection(served.host, served.port) for _ in range(3)]
        try:
            raw = await served.exchange(GET + b"\r\n")
            headers = assert_problem(raw, 503, "too_many_connections")
            assert headers["retry-after"] == "1"
        finally:
            for _, writer in held:
                writer.close()
                await writer.wait_closed()
        # The held connections are gone: new ones are served again (once the server has
        # seen them close).
        deadline = time.monotonic() + READ_LIMIT
        while True:
            raw = await served.exchange(GET + b"Connection: close\r\n\r\n")
            if raw.startswith(b"HTTP/1.1 200 ") or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.05)
        assert raw.startswith(b"HTTP/1.1 200 ")


def test_canned_answers_are_complete_http() -> None:
    raw = canned(Problem("too_many_connections", "d", retry_after=1))
    status, headers, body = answer(raw)
    assert (status, headers["retry-after"], body["retry_after"]) == (503, "1", 1)
    assert raw.startswith(b"HTTP/1.1 503 Service Unavailable\r\n")


def test_limits_are_checked() -> None:
    for bad in (
        {"header_timeout": 0},
        {"body_timeout": -1},
        {"max_connections": 0},
    ):
        with pytest.raises(ValueError):
            ConnectionLimits(**bad)  # type: ignore[arg-type]


def urllib_post(url: str, body: bytes) -> tuple[int, dict[str, Any]]:
    """POST with Python's urllib, which sends the whole body before it reads the answer."""
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=READ_LIMIT) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.mark.parametrize("size", [2 * 1024 * 1024, 100 * 1024])
async def test_a_client_that_sends_the_whole_body_first_reads_the_413(
    served: Served, size: int
) -> None:
    """An over-limit body is answered 413 and the rest of it drained (bounded) before the
    connection closes: urllib (and requests) read the answer, not a connection reset."""
    number = served.backend.list_guides(None, None)["items"][0]["number"]
    url = f"{served.url}/v1/guides/{number}/token/validate"
    body = b'{"code": "' + b"1" * size + b'"}'
    for _ in range(3):
        status, problem = await asyncio.to_thread(urllib_post, url, body)
        assert (status, problem["code"]) == (413, "payload_too_large")
    await served.healthy()  # and the server goes on


async def test_the_rest_of_an_over_limit_body_is_drained_after_the_413(served: Served) -> None:
    """Deterministic: the 413 is read first, then the rest of the body still goes through
    (before the drain, the server had closed with unread bytes: the writes failed)."""
    reader, writer = await asyncio.open_connection(served.host, served.port)
    size = 2 * 1024 * 1024
    writer.write(
        b"POST /v1/_local/clock HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
        + AUTH
        + f"Content-Type: application/json\r\nContent-Length: {size}\r\n\r\n".encode()
    )
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), READ_LIMIT)
    assert head.startswith(b"HTTP/1.1 413 ")
    for _ in range(size // 65536):  # the client goes on sending its body, as urllib does
        writer.write(b"x" * 65536)
        await asyncio.wait_for(writer.drain(), READ_LIMIT)
    rest = await asyncio.wait_for(reader.read(), READ_LIMIT)  # then the server's FIN
    assert b"payload_too_large" in rest
    writer.close()


async def test_the_drain_is_bounded_in_bytes(tmp_path: Path) -> None:
    """A client that keeps sending past the drain's bound is cut off, not read for ever."""
    limits = ConnectionLimits(header_timeout=5, body_timeout=5, max_connections=10)
    with serve(tmp_path, limits) as running:
        _, writer = await asyncio.open_connection(running.host, running.port)
        head = (
            b"POST /v1/_local/clock HTTP/1.1\r\nHost: x\r\n"
            + AUTH
            + b"Content-Type: application/json\r\nContent-Length: 100000000\r\n\r\n"
        )
        writer.write(head)
        sent = 0
        with pytest.raises((ConnectionError, OSError)):
            while sent < 100_000_000:
                writer.write(b"x" * 65536)
                await asyncio.wait_for(writer.drain(), READ_LIMIT)
                sent += 65536
        assert sent <= DRAIN_BYTES + 8 * 1024 * 1024  # the bound, and what the buffers held
        writer.close()


async def test_an_answer_before_a_small_body_keeps_the_connection_alive(served: Served) -> None:
    """An answer that did not read the body (a bad Idempotency-Key is refused first) leaves
    the rest to be dropped and the connection to go on: the next request on it is answered
    (draining is not closing)."""
    number = served.backend.list_guides(None, None)["items"][0]["number"]
    body = b'{"code": "1"}'
    reader, writer = await asyncio.open_connection(served.host, served.port)
    try:
        writer.write(
            f"POST /v1/guides/{number}/token/validate HTTP/1.1\r\nHost: x\r\n".encode()
            + AUTH
            + b"Idempotency-Key: \xe9\r\nContent-Type: application/json\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
        )
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), READ_LIMIT)
        assert head.startswith(b"HTTP/1.1 400 ")  # answered before the body was sent
        length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
        assert b"invalid_idempotency_key" in await reader.readexactly(length)
        writer.write(body + GET + AUTH + b"\r\n")  # the body, then the next request
        again = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), READ_LIMIT)
        assert again.startswith(b"HTTP/1.1 200 ")
    finally:
        writer.close()


def long_path_request(path_bytes: int) -> bytes:
    """A GET of a guide whose number, percent-encoded, makes a path of about `path_bytes`."""
    number = "%C3%A7" * (path_bytes // 6)
    return f"GET /v1/guides/{number} HTTP/1.1\r\nHost: x\r\n".encode() + AUTH + b"\r\n"


async def in_pieces(served: Served, request: bytes, pieces: int, *, whole: bool) -> bytes:
    """Send `request` in `pieces` writes, each its own read on the server; then read the
    answer's head, or (`whole`) everything until the server closes."""
    reader, writer = await asyncio.open_connection(served.host, served.port)
    try:
        size = -(-len(request) // pieces)
        for start in range(0, len(request), size):
            writer.write(request[start : start + size])
            await writer.drain()
            await asyncio.sleep(0.01 if pieces > 1 else 0)
        read = reader.read() if whole else reader.readuntil(b"\r\n\r\n")
        return await asyncio.wait_for(read, READ_LIMIT)
    finally:
        writer.close()
        await writer.wait_closed()


@pytest.mark.parametrize("pieces", [1, 40])
async def test_a_long_head_is_read_however_it_arrives(served: Served, pieces: int) -> None:
    # 60 kB of path: once it was served when it came in one read and refused 400 when the
    # network cut it (h11 bounds only an incomplete head, at 16 KiB).
    head = await in_pieces(served, long_path_request(60_000), pieces, whole=False)
    assert int(head.split(b" ")[1]) == 404, head[:300]  # not_found: read as a guide number
    await served.healthy()


@pytest.mark.parametrize("pieces", [1, 40])
async def test_a_head_past_the_bound_is_refused_however_it_arrives(
    served: Served, pieces: int
) -> None:
    before = backend_state(served.backend)
    raw = await in_pieces(served, long_path_request(70_000), pieces, whole=True)
    assert_problem(raw, 400, "invalid_request")
    assert backend_state(served.backend) == before
    await served.healthy()
