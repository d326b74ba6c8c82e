"""A remote desk's first requests before httpx is loaded (`client.first_requests`): the same
answers, headers, TLS checks, timeouts and retries as httpx gives, over a real served
backend and over a scripted socket; httpx from the start where a proxy applies, and for
whatever the quick path does not read."""

from __future__ import annotations

import asyncio
import gzip
import json
import ssl
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from typing import Any

import pytest

from frontdesk.client import (
    BackendUnavailable,
    FrontdeskClient,
    GuideNotFound,
    Health,
    NotFound,
    Unauthorized,
)
from frontdesk.client.client import request_headers
from frontdesk.client.first_requests import StartupSession, proxies_configured
from frontdesk.client.session import HttpxSession
from support.isolation import Served

HEALTH = {"status": "ok", "version": "1.0", "mode": "remote"}


class Built:
    """`make_httpx` for a StartupSession: builds the real `HttpxSession`, and counts."""

    def __init__(self, base_url: str, verify: bool | str | ssl.SSLContext = True) -> None:
        self.base_url, self.verify = base_url, verify
        self.contexts: list[ssl.SSLContext | None] = []
        self.session: HttpxSession | None = None

    def __call__(self, context: ssl.SSLContext | None) -> HttpxSession:
        self.contexts.append(context)
        self.session = HttpxSession(
            self.base_url,
            transport=None,
            verify=self.verify if context is None else context,
            connect_timeout=3.0,
            read_timeout=10.0,
            headers=request_headers(),
        )
        return self.session


def startup_session(
    base_url: str,
    *,
    verify: bool | str | ssl.SSLContext = True,
    read_timeout: float = 10.0,
    environ: Mapping[str, str] | None = None,
) -> tuple[StartupSession, Built]:
    base = base_url.removesuffix("/v1")
    built = Built(base, verify)
    session = StartupSession(
        base,
        make_httpx=built,
        verify=verify,
        connect_timeout=3.0,
        read_timeout=read_timeout,
        headers=request_headers(),
        environ={} if environ is None else environ,
        platform="linux",
        system_proxies=dict,
    )
    return session, built


def client_over(session: StartupSession, key: str | None, sleeps: list[float]) -> FrontdeskClient:
    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    return FrontdeskClient(
        "http://unused", api_key=key, session=session, sleep=sleep, jitter=lambda a, b: 0.0
    )


# -- a real `frontdesk serve` ----------------------------------------------------------------


@pytest.mark.served
async def test_the_first_gets_answer_as_httpx_does_without_building_it(served_http: Served) -> None:
    session, built = startup_session(served_http.url)
    sleeps: list[float] = []
    async with client_over(session, served_http.key, sleeps) as quick:
        health = await quick.health()
        guides = await quick.list_guides(status="awaiting_token")
        one = await quick.get_guide(guides[0].number)
        assert built.contexts == [] and session.quick  # httpx never built
    async with FrontdeskClient(served_http.url, api_key=served_http.key) as plain:
        assert await plain.list_guides(status="awaiting_token") == guides
        assert await plain.get_guide(guides[0].number) == one
        assert (await plain.health()).mode == health.mode == "local"
    assert guides and all(g.status == "awaiting_token" for g in guides)
    assert sleeps == []


@pytest.mark.served
async def test_a_wrong_key_and_an_unknown_guide_are_the_contracts_errors(
    served_http: Served,
) -> None:
    session, _ = startup_session(served_http.url)
    async with client_over(session, "not-the-key", []) as client:
        with pytest.raises(Unauthorized):
            await client.list_guides()
    session, _ = startup_session(served_http.url)
    async with client_over(session, served_http.key, []) as client:
        with pytest.raises(GuideNotFound):
            await client.get_guide("9999999999999")
        assert session.quick


@pytest.mark.served
async def test_warm_builds_httpx_once_and_later_requests_use_it(served_http: Served) -> None:
    session, built = startup_session(served_http.url)
    async with client_over(session, served_http.key, []) as client:
        first = await client.list_guides()
        client.warm()
        client.warm()
        assert built.contexts == [None]  # plain HTTP: no TLS context to share
        assert not session.quick
        assert await client.list_guides() == first


@pytest.mark.served
async def test_a_post_before_warm_goes_through_httpx(served_http: Served) -> None:
    session, built = startup_session(served_http.url)
    async with client_over(session, served_http.key, []) as client:
        with pytest.raises(GuideNotFound):  # a guide nobody has: nothing changes on the backend
            await client.validate("9999999999999", "123456")
        assert built.contexts == [None] and not session.quick


@pytest.mark.served
async def test_https_checks_the_certificate_with_the_context_httpx_gets(
    served_https: Served,
) -> None:
    assert served_https.ca is not None
    session, built = startup_session(served_https.url, verify=str(served_https.ca))
    async with client_over(session, served_https.key, []) as client:
        assert (await client.health()).status == "ok"
        guides = await client.list_guides()
        client.warm()
        (context,) = built.contexts
        assert isinstance(context, ssl.SSLContext) and context.verify_mode == ssl.CERT_REQUIRED
        assert await client.list_guides() == guides  # httpx, with that context


@pytest.mark.served
async def test_an_untrusted_certificate_is_refused_at_once_and_says_tls(
    served_https: Served,
) -> None:
    session, built = startup_session(served_https.url)  # certifi's CAs: not the private one
    sleeps: list[float] = []
    async with client_over(session, served_https.key, sleeps) as client:
        with pytest.raises(BackendUnavailable, match="TLS"):
            await client.health()
    assert sleeps == []  # a certificate failure is not retried
    assert built.contexts == []


# -- a scripted socket -----------------------------------------------------------------------


class Script:
    """A loopback server: each connection's request head is kept, and `answer` writes to it
    (bytes, or a callable that gets the writer)."""

    def __init__(self, answer: bytes | Callable[[asyncio.StreamWriter], Any]) -> None:
        self.answer = answer
        self.heads: list[bytes] = []
        self.url = ""

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            self.heads.append(await reader.readuntil(b"\r\n\r\n"))
            if callable(self.answer):
                await self.answer(writer)
            else:
                writer.write(self.answer)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


@asynccontextmanager
async def scripted(answer: bytes | Callable[[asyncio.StreamWriter], Any]) -> AsyncIterator[Script]:
    script = Script(answer)
    server = await asyncio.start_server(script.handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    script.url = f"http://127.0.0.1:{port}"
    try:
        yield script
    finally:
        server.close()
        await server.wait_closed()


def answer(head: str, body: bytes) -> bytes:
    return head.replace("\n", "\r\n").encode() + b"\r\n" + body


async def test_a_chunked_answer_is_read_and_the_head_is_what_httpx_would_send() -> None:
    body = json.dumps(HEALTH).encode()
    chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)
    wire = answer(
        "HTTP/1.1 200 OK\nContent-Type: application/json\nTransfer-Encoding: chunked\n", chunked
    )
    async with scripted(wire) as server:
        session, built = startup_session(server.url + "/frontdesk/v1")
        async with client_over(session, "k3y", []) as client:
            assert (await client.health()).mode == "remote"
    (head,) = server.heads
    lines = head.decode().split("\r\n")
    assert lines[0] == "GET /frontdesk/v1/health HTTP/1.1"
    fields = {line.split(": ")[0].lower(): line.split(": ", 1)[1] for line in lines[1:] if line}
    assert fields["host"] == server.url.removeprefix("http://")
    assert fields["connection"] == "close" and fields["accept-encoding"] == "identity"
    assert fields["user-agent"].startswith("frontdesk/")
    assert "authorization" not in fields  # the health check is public
    assert built.contexts == []


async def test_a_query_and_the_key_go_out_as_httpx_sends_them() -> None:
    wire = answer("HTTP/1.1 200 OK\nContent-Length: 12\n", b'{"items":[]}')
    async with scripted(wire) as server:
        session, _ = startup_session(server.url)
        async with client_over(session, "k3y", []) as client:
            assert await client.list_guides(card="0064 8000") == []
    head = server.heads[0].decode()
    assert head.startswith("GET /v1/guides?card=0064+8000 HTTP/1.1\r\n")
    assert "Authorization: Bearer k3y\r\n" in head


BODY = json.dumps(HEALTH).encode()
READ_HERE = {  # answers the quick path reads itself: one connection
    "length": answer(f"HTTP/1.1 200 OK\nContent-Length: {len(BODY)}\n", BODY),
    "until the end": answer("HTTP/1.0 200 OK\nContent-Type: application/json\n", BODY),
    "chunked, an extension and a trailer": answer(
        "HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n",
        b"%x;ext=1\r\n%s\r\n0\r\nX-Trailer: yes\r\n\r\n" % (len(BODY), BODY),
    ),
}
LEFT_TO_HTTPX = {  # answers it declines: httpx sends the GET again and reads them
    "an interim 103": answer("HTTP/1.1 103 Early Hints\nLink: </a>\n", b"") + READ_HERE["length"],
    "a folded header line": answer(
        f"HTTP/1.1 200 OK\nX-Note: one\n two\nContent-Length: {len(BODY)}\n", BODY
    ),
    "a head line over the limit": answer(
        f"HTTP/1.1 200 OK\nX-Big: {'a' * 70_000}\nContent-Length: {len(BODY)}\n", BODY
    ),
}


@pytest.mark.parametrize("wire", READ_HERE.values(), ids=READ_HERE.keys())
async def test_plain_answers_are_read_on_the_quick_path(wire: bytes) -> None:
    async with scripted(wire) as server:
        session, built = startup_session(server.url)
        async with client_over(session, None, []) as client:
            assert await client.health() == Health.parse(HEALTH)
    assert len(server.heads) == 1 and built.contexts == []


@pytest.mark.parametrize("wire", LEFT_TO_HTTPX.values(), ids=LEFT_TO_HTTPX.keys())
async def test_answers_the_quick_path_does_not_read_are_left_to_httpx(wire: bytes) -> None:
    async with scripted(wire) as server:
        session, built = startup_session(server.url)
        async with client_over(session, None, []) as client:
            assert await client.health() == Health.parse(HEALTH)
    assert len(server.heads) == 2 and built.contexts == [None]


async def test_a_content_coding_is_left_to_httpx() -> None:
    body = gzip.compress(json.dumps(HEALTH).encode())
    head = (
        "HTTP/1.1 200 OK\nContent-Type: application/json\nContent-Encoding: gzip\n"
        f"Content-Length: {len(body)}\n"
    )
    async with scripted(answer(head, body)) as server:
        session, built = startup_session(server.url)
        async with client_over(session, None, []) as client:
            assert (await client.health()).status == "ok"  # decoded by httpx
    assert len(server.heads) == 2 and built.contexts == [None]
    assert b"Connection: close" not in server.heads[1]  # the second one was httpx's


async def test_an_error_answer_without_a_problem_document_keeps_its_status() -> None:
    page = b"<html>not here</html>"
    wire = answer(
        f"HTTP/1.1 404 Not Found\nContent-Type: text/html\nContent-Length: {len(page)}\n", page
    )
    async with scripted(wire) as server:
        session, _ = startup_session(server.url)
        async with client_over(session, "k3y", []) as client:
            with pytest.raises(NotFound) as raised:
                await client.list_guides()
    assert raised.value.status == 404 and raised.value.title == "Not Found"


async def test_a_silent_backend_times_out_and_is_retried() -> None:
    async def never(writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(30)

    async with scripted(never) as server:
        session, _ = startup_session(server.url, read_timeout=0.05)
        sleeps: list[float] = []
        async with client_over(session, None, sleeps) as client:
            with pytest.raises(BackendUnavailable, match="did not answer in time") as raised:
                await client.health()
    assert raised.value.timeout
    assert len(server.heads) == 3 and len(sleeps) == 2  # two retries, then the banner


async def test_an_answer_cut_short_is_retried_then_says_the_connection_broke() -> None:
    async with scripted(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{") as server:
        session, _ = startup_session(server.url)
        sleeps: list[float] = []
        async with client_over(session, None, sleeps) as client:
            with pytest.raises(BackendUnavailable, match="broke"):
                await client.health()
    assert len(server.heads) == 3 and len(sleeps) == 2


async def test_a_refused_connection_is_retried_then_says_so() -> None:
    server = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()
    session, built = startup_session(f"http://127.0.0.1:{port}")
    sleeps: list[float] = []
    async with client_over(session, None, sleeps) as client:
        with pytest.raises(BackendUnavailable, match="could not connect") as raised:
            await client.health()
    assert not raised.value.timeout and len(sleeps) == 2 and built.contexts == []


# -- where httpx goes from the start ---------------------------------------------------------


def test_a_proxy_in_the_environment_or_the_system_settings_counts() -> None:
    def none() -> Mapping[str, str]:
        raise AssertionError("Linux reads only the environment")

    assert proxies_configured({"HTTPS_PROXY": "http://proxy:3128"}, "linux", none)
    assert proxies_configured({"all_proxy": "socks5://proxy"}, "linux", none)
    assert not proxies_configured({"https_proxy": "", "no_proxy": "*"}, "linux", none)
    assert proxies_configured({}, "win32", lambda: {"https": "proxy:3128"})
    assert not proxies_configured({"HTTPS_PROXY": "x"}, "darwin", lambda: {"ftp": "proxy"})


def test_with_a_proxy_httpx_is_built_at_once() -> None:
    session, built = startup_session(
        "http://127.0.0.1:9/v1", environ={"HTTP_PROXY": "http://proxy:3128"}
    )
    assert built.contexts == [None] and not session.quick


@pytest.mark.parametrize("url", ["ftp://op.example", "http://user:pw@op.example"])
def test_what_the_quick_path_does_not_send_is_httpxs_from_the_start(url: str) -> None:
    session, built = startup_session(url)
    assert not session.quick and built.contexts == [None]


def test_a_bad_url_is_refused_when_built_as_before() -> None:
    with pytest.raises(BackendUnavailable, match="invalid backend URL"):
        startup_session("https://op.example:port")


async def test_a_host_name_is_resolved_and_each_of_its_addresses_tried() -> None:
    """`localhost` may resolve to ::1 first, where nothing listens: 127.0.0.1 answers."""
    async with scripted(READ_HERE["length"]) as server:
        session, built = startup_session(server.url.replace("127.0.0.1", "localhost"))
        async with client_over(session, None, []) as client:
            assert await client.health() == Health.parse(HEALTH)
    assert len(server.heads) == 1 and built.contexts == []
    assert b"Host: localhost:" in server.heads[0]
