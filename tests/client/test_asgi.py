"""Unit tests of the in-process ASGI caller and of FrontdeskClient over it (no httpx)."""

from __future__ import annotations

import json
import logging
from typing import Any

import httpx
import pytest

from frontdesk import __version__
from frontdesk.client import (
    BackendUnavailable,
    FrontdeskClient,
    InvalidCode,
    MalformedResponse,
    NotFound,
    ResendTooSoon,
    ServerError,
    Unauthorized,
)
from frontdesk.client.asgi import (
    AsgiRequest,
    AsgiResponse,
    AsgiSession,
    Headers,
)
from frontdesk.core.asgi import Receive, Scope, Send

NUMBER = "2026112200017"
HEALTH = {"status": "ok", "version": "0.1.0", "time": "2026-11-22T13:00:00Z"}


class Recorder:
    """An ASGI app that keeps each scope, body and later `receive()` message, then answers."""

    def __init__(
        self,
        status: int = 200,
        body: bytes = json.dumps(HEALTH).encode(),
        headers: list[tuple[bytes, bytes]] | None = None,
        chunk: int = 0,
    ) -> None:
        self.status = status
        self.body = body
        self.headers = headers or [(b"content-type", b"application/json")]
        self.chunk = chunk  # > 0: the body goes out in chunks of this size
        self.scopes: list[Scope] = []
        self.bodies: list[bytes] = []
        self.after: list[str] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.scopes.append(scope)
        body = b""
        while True:
            message = await receive()
            assert message["type"] == "http.request"
            body += message["body"]
            if not message.get("more_body", False):
                break
        self.bodies.append(body)
        await send({"type": "http.response.start", "status": self.status, "headers": self.headers})
        size = self.chunk or max(1, len(self.body))
        parts = [self.body[i : i + size] for i in range(0, len(self.body), size)] or [b""]
        for i, part in enumerate(parts):
            more = i < len(parts) - 1
            await send({"type": "http.response.body", "body": part, "more_body": more})
        self.after.append((await receive())["type"])


def headers_of(scope: Scope) -> dict[bytes, bytes]:
    return dict(scope["headers"])


# -- the request the app sees ------------------------------------------------------------------


async def test_a_post_reaches_the_app_as_http_would_carry_it() -> None:
    app = Recorder(status=201, body=b'{"state":"none"}')
    client = FrontdeskClient("http://frontdesk.local/v1", api_key="k-123", asgi_app=app)
    async with client:
        token = await client.send_token("20/26 ?x", channel_id="c1", idempotency_key="desk:1")
    assert token.state == "none"
    scope = app.scopes[0]
    assert {k: scope[k] for k in ("type", "asgi", "http_version", "method", "scheme")} == {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
    }
    assert scope["raw_path"] == b"/v1/guides/20%2F26%20%3Fx/token"
    assert scope["path"] == "/v1/guides/20/26 ?x/token"
    assert (scope["query_string"], scope["root_path"]) == (b"", "")
    assert scope["server"] == ("frontdesk.local", None)
    assert scope["client"] == ("127.0.0.1", 123)
    assert all(isinstance(k, bytes) and isinstance(v, bytes) for k, v in scope["headers"])
    assert headers_of(scope) == {
        b"host": b"frontdesk.local",
        b"user-agent": f"frontdesk/{__version__}".encode(),
        b"accept": b"application/json, application/problem+json",
        b"authorization": b"Bearer k-123",
        b"idempotency-key": b"desk:1",
        b"content-type": b"application/json",
        b"content-length": str(len(app.bodies[0])).encode(),
    }
    assert json.loads(app.bodies[0]) == {"channel_id": "c1"}
    assert app.after == ["http.disconnect"]  # once the answer is complete


async def test_query_strings_are_urlencoded_like_httpx() -> None:
    app = Recorder(body=b'{"items":[]}')
    async with FrontdeskClient("http://frontdesk.local", api_key="k", asgi_app=app) as client:
        await client.list_guides(status="awaiting_token", card="0064 8000/1234&é+")
        await client.list_guides()
    with_query, without = app.scopes
    expected = httpx.Request(
        "GET",
        "http://x/v1/guides",
        params={"status": "awaiting_token", "card": "0064 8000/1234&é+"},
    ).url.query
    assert with_query["query_string"] == expected
    assert with_query["raw_path"] == b"/v1/guides"
    assert without["query_string"] == b""
    assert b"content-length" not in headers_of(without)
    assert app.bodies == [b"", b""]


async def test_a_base_url_with_port_and_prefix() -> None:
    app = Recorder()
    async with FrontdeskClient("https://desk.example:8443/api/", asgi_app=app) as client:
        await client.health()
    scope = app.scopes[0]
    assert (scope["scheme"], scope["server"]) == ("https", ("desk.example", 8443))
    assert scope["raw_path"] == b"/api/v1/health"
    assert headers_of(scope)[b"host"] == b"desk.example:8443"
    assert b"authorization" not in headers_of(scope)  # no key given


def test_bad_base_urls_and_both_transports_are_refused() -> None:
    for url in ("ftp://op.example", "http://", "https://op.example:port"):
        with pytest.raises(BackendUnavailable, match="invalid backend URL"):
            FrontdeskClient(url, asgi_app=Recorder())
    with pytest.raises(ValueError, match="not both"):
        FrontdeskClient(
            "http://frontdesk.local",
            asgi_app=Recorder(),
            transport=httpx.MockTransport(lambda r: httpx.Response(200)),
        )


async def test_a_closed_session_refuses_requests() -> None:
    session = AsgiSession(Recorder(), "http://frontdesk.local")
    await session.aclose()
    with pytest.raises(RuntimeError):
        await session.request("GET", "/v1/health")


# -- the answer the client reads ---------------------------------------------------------------


def test_headers_are_case_insensitive_and_repeated_fields_join() -> None:
    headers = Headers(
        [
            (b"Retry-After", b"42"),
            (b"idempotent-replayed", b"true"),
            (b"Vary", b"a"),
            (b"vary", b"b"),
        ]
    )
    assert headers["retry-after"] == headers["RETRY-AFTER"] == "42"
    assert headers.get("Idempotent-Replayed") == "true"
    assert "IDEMPOTENT-REPLAYED" in headers and "x-missing" not in headers
    assert headers.get("x-missing", "") == ""
    assert headers["Vary"] == "a, b"
    assert dict(headers) == {"retry-after": "42", "idempotent-replayed": "true", "vary": "a, b"}


async def test_retry_after_reaches_the_typed_error_whatever_its_case() -> None:
    problem = {"status": 429, "code": "resend_too_soon", "title": "wait", "detail": "d"}
    app = Recorder(
        status=429,
        body=json.dumps(problem).encode(),
        headers=[(b"Content-Type", b"application/problem+json"), (b"RETRY-AFTER", b"37")],
    )
    async with FrontdeskClient("http://frontdesk.local", api_key="k", asgi_app=app) as client:
        with pytest.raises(ResendTooSoon) as info:
            await client.send_token(NUMBER, channel_id="c1")
    assert (info.value.status, info.value.retry_after) == (429, 37)


async def test_a_problem_document_becomes_its_typed_error() -> None:
    problem = {
        "status": 422,
        "code": "invalid_code",
        "title": "t",
        "detail": "d",
        "attempts_left": 2,
    }
    app = Recorder(status=422, body=json.dumps(problem).encode())
    async with FrontdeskClient("http://frontdesk.local", api_key="k", asgi_app=app) as client:
        with pytest.raises(InvalidCode) as info:
            await client.validate(NUMBER, "123456")
    assert info.value.attempts_left == 2


async def test_non_json_bodies() -> None:
    page = [(b"content-type", b"text/html")]
    cases: list[tuple[int, type[Exception]]] = [
        (200, MalformedResponse),
        (401, Unauthorized),
        (404, NotFound),
        (500, ServerError),
    ]
    for status, error in cases:
        app = Recorder(status=status, body=b"<html>nope</html>", headers=page)
        async with FrontdeskClient("http://frontdesk.local", asgi_app=app) as client:
            with pytest.raises(error) as info:
                await client.health()
        assert getattr(info.value, "status", None) == status


async def test_a_large_answer_in_many_chunks_and_a_large_request() -> None:
    items = [{"n": i, "text": "x" * 100} for i in range(20_000)]  # about 2.4 MB
    body = json.dumps({"items": items}).encode()
    app = Recorder(body=body, chunk=65_536)
    session = AsgiSession(app, "http://frontdesk.local")
    big = {"destination": "y" * 1_000_000}
    response = await session.request("POST", "/v1/echo", json=big)
    assert response.content == body
    assert response.json()["items"][-1] == {"n": 19_999, "text": "x" * 100}
    assert json.loads(app.bodies[0]) == big
    assert headers_of(app.scopes[0])[b"content-length"] == str(len(app.bodies[0])).encode()


def test_reason_phrases_and_success() -> None:
    req = AsgiRequest("GET", b"/", Headers(), b"")
    assert AsgiResponse(404, Headers(), b"", req).reason_phrase == "Not Found"
    assert AsgiResponse(429, Headers(), b"", req).reason_phrase == "Too Many Requests"
    assert AsgiResponse(599, Headers(), b"", req).reason_phrase == ""
    assert AsgiResponse(204, Headers(), b"", req).is_success
    assert not AsgiResponse(304, Headers(), b"", req).is_success


async def test_hooks_see_every_answer() -> None:
    session = AsgiSession(Recorder(), "http://frontdesk.local")
    seen: list[AsgiResponse] = []
    session.response_hooks.append(seen.append)
    await session.request("GET", "/v1/health", params={"a": "b"})
    assert [(r.request.method, r.request.raw_path, r.status_code) for r in seen] == [
        ("GET", b"/v1/health?a=b", 200)
    ]


# -- an app that fails ---------------------------------------------------------------------------


async def raises_first(scope: Scope, receive: Receive, send: Send) -> None:
    raise RuntimeError("boom: secret 123456")


async def raises_midway(scope: Scope, receive: Receive, send: Send) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b'{"status":', "more_body": True})
    raise RuntimeError("boom")


async def never_answers(scope: Scope, receive: Receive, send: Send) -> None:
    await receive()


@pytest.mark.parametrize("app", [raises_first, raises_midway, never_answers])
async def test_a_failing_app_is_a_500_never_a_traceback(
    app: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="frontdesk.client")
    async with FrontdeskClient("http://frontdesk.local", api_key="k", asgi_app=app) as client:
        with pytest.raises(ServerError) as info:
            await client.get_guide(NUMBER)
    assert (info.value.status, info.value.title) == (500, "Internal Server Error")
    assert "in-process backend" in caplog.text
    assert "123456" not in caplog.text and "Traceback" not in caplog.text


async def test_an_app_that_fails_after_answering_keeps_its_answer() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": json.dumps(HEALTH).encode()})
        raise RuntimeError("a background task failed")

    async with FrontdeskClient("http://frontdesk.local", asgi_app=app) as client:
        assert (await client.health()).status == "ok"
