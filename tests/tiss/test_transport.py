"""The TISS transport builds its HTTP client (the trust store's TLS context) only when a
message is about to go out, or when asked to get ready: the counter's queue never waits
for it, and every message still goes through the same verified client."""

from __future__ import annotations

import httpx

from frontdesk.tiss.transport import HttpxTransport


def answer(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, headers={"content-type": "text/xml"}, content=b"<ok/>")


async def test_the_http_client_is_built_by_the_first_post() -> None:
    transport = HttpxTransport(transport=httpx.MockTransport(answer))
    assert transport.built is False
    reply = await transport.post("https://operadora.example/ws", b"<a/>", {})
    assert (reply.status, reply.body, transport.built) == (200, b"<ok/>", True)
    await transport.aclose()


async def test_warming_builds_it_once_for_every_post() -> None:
    transport = HttpxTransport(transport=httpx.MockTransport(answer))
    transport.warm()
    built = transport._http
    assert built is not None
    await transport.post("https://operadora.example/ws", b"<a/>", {})
    transport.warm()
    assert transport._http is built
    await transport.aclose()
    assert built.is_closed


async def test_closing_a_transport_that_sent_nothing_builds_nothing() -> None:
    transport = HttpxTransport()
    await transport.aclose()
    assert transport.built is False
