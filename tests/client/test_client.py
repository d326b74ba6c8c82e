"""Unit tests of FrontdeskClient over httpx.MockTransport: URLs, auth, retries, error mapping."""

from __future__ import annotations

import json
import logging
import ssl
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from frontdesk.client import (
    ERROR_CLASSES,
    AlreadyAuthorized,
    ApiError,
    Authorization,
    BackendUnavailable,
    FrontdeskClient,
    GuideNotAwaitingToken,
    InvalidCode,
    MalformedCode,
    MalformedResponse,
    NotFound,
    PayloadTooLarge,
    ResendTooSoon,
    ServerError,
    TooManyFailures,
    TooManySends,
    Unauthorized,
)
from frontdesk.core.domain import ERROR_STATUS

KEY = "s3cret-api-key"
NUMBER = "2026112200017"
TOKEN = {
    "state": "pending",
    "channel": "sms",
    "destination": "(43) *****-1234",
    "expires_at": "2026-11-22T13:32:11Z",
    "expires_in": 1800,
    "attempts_left": 5,
    "resend_at": "2026-11-22T13:03:11Z",
    "resend_in": 60,
    "sends_left": 4,
    "delivery": "queued",
}
GUIDE = {
    "number": NUMBER,
    "operator_number": "8812345",
    "type": "odonto",
    "status": "awaiting_token",
    "requested_at": "2026-11-22T13:02:11Z",
    "beneficiary": {
        "name": "Maria Aparecida Souza",
        "social_name": None,
        "card": "0064 8000 1234 5678",
        "plan": "Odonto Clássico",
    },
    "provider": {"code": "123456", "name": "Clínica Sorriso"},
    "procedures": [
        {"table": "22", "code": "81000065", "description": "Consulta inicial", "quantity": 1}
    ],
    "token": TOKEN,
    "authorization": None,
    "absence_reason": None,
}
CHANNELS = {
    "channels": [
        {"id": "c1", "kind": "sms", "label": "(43) *****-1234", "last_used": True},
        {"id": "app", "kind": "app"},
        {"id": "sac", "kind": "sac", "phones": [{"number": "4007-2400", "note": "capitais"}]},
    ],
    "typed_destination": {"sms": False, "email": True},
}
MESSAGE = {
    "id": "m1",
    "channel": "sms",
    "to": "(43) 99999-1234",
    "body": "Seu código: 123456",
    "code": "123456",
    "guide": NUMBER,
    "sent_at": "2026-11-22T13:02:12Z",
}
EVENT = {"at": "2026-11-22T13:02:12Z", "kind": "token_sent", "channel": "sms"}
HEALTH = {"status": "ok", "version": "0.1.0", "mode": "local", "time": "2026-11-22T13:00:00Z"}

Handler = Callable[[httpx.Request], httpx.Response]


def fake_backend(request: httpx.Request) -> httpx.Response:
    """A happy backend: the contract's success answer for every path."""
    path = request.url.path
    if path == "/v1/health":
        return httpx.Response(200, json=HEALTH)
    if path == "/v1/guides":
        return httpx.Response(200, json={"items": [GUIDE]})
    if path.endswith("/events"):
        return httpx.Response(200, json={"events": [EVENT]})
    if path.endswith("/token/channels"):
        return httpx.Response(200, json=CHANNELS)
    if path.endswith(("/token", "/token/cancel")):
        return httpx.Response(201 if request.method == "POST" else 200, json=TOKEN)
    if path.endswith(("/validate", "/absence")) or path.startswith("/v1/guides/"):
        return httpx.Response(200, json=GUIDE)
    if path == "/v1/_local/outbox":
        return httpx.Response(200, json={"messages": [MESSAGE]})
    if path in ("/v1/_local/app-code", "/v1/_local/sac-code"):
        return httpx.Response(200, json={"code": "654321"})
    if path == "/v1/_local/clock":
        return httpx.Response(200, json={"now": "2026-11-22T14:00:00Z", "offset_seconds": 60})
    return httpx.Response(404, json={"code": "not_found"})


def make_client(
    handler: Handler = fake_backend, *, base_url: str = "https://op.example/v1", **kwargs: Any
) -> tuple[FrontdeskClient, list[httpx.Request]]:
    """A client over a MockTransport that records every request it is given."""
    seen: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return handler(request)

    kwargs.setdefault("api_key", KEY)
    kwargs.setdefault("backoff", 0)
    client = FrontdeskClient(base_url, transport=httpx.MockTransport(record), **kwargs)
    return client, seen


def problem(status: int, code: str, headers: dict[str, str] | None = None, **extra: Any) -> Handler:
    body = {
        "type": f"urn:frontdesk:problem:{code}",
        "title": code.replace("_", " "),
        "status": status,
        "detail": "detail text",
        "code": code,
        **extra,
    }
    content = json.dumps(body).encode()
    all_headers = {"content-type": "application/problem+json", **(headers or {})}
    return lambda request: httpx.Response(status, content=content, headers=all_headers)


def failing_then(exc_type: type[httpx.TransportError], then: Handler, fails: int = 1) -> Handler:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        if calls <= fails:
            raise exc_type("simulated failure", request=request)
        return then(request)

    return handler


def html(status: int) -> Handler:
    page = b"<html><body><h1>Bad Gateway</h1></body></html>"
    return lambda request: httpx.Response(
        status, content=page, headers={"content-type": "text/html"}
    )


# -- base URL, headers, paths -----------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "normalised"),
    [
        ("https://op.example", "https://op.example"),
        ("https://op.example/", "https://op.example"),
        ("https://op.example/v1", "https://op.example"),
        ("https://op.example/v1/", "https://op.example"),
        ("https://op.example/api/v1", "https://op.example/api"),
        ("https://op.example/api/v1/", "https://op.example/api"),
    ],
)
async def test_base_url_is_normalised(given: str, normalised: str) -> None:
    client, seen = make_client(lambda request: httpx.Response(200, json=HEALTH), base_url=given)
    async with client:
        assert client.base_url == normalised
        await client.health()
    assert str(seen[0].url) == f"{normalised}/v1/health"


async def test_timeouts_user_agent_and_accept_are_sent() -> None:
    client, seen = make_client(connect_timeout=2.0, read_timeout=7.5, user_agent="desk/9")
    async with client:
        await client.get_guide(NUMBER)
    assert seen[0].extensions["timeout"] == {"connect": 2.0, "read": 7.5, "write": 7.5, "pool": 2.0}
    assert seen[0].headers["user-agent"] == "desk/9"
    assert "application/problem+json" in seen[0].headers["accept"]


async def test_every_call_but_health_sends_the_bearer_key() -> None:
    client, seen = make_client()
    async with client:
        health = await client.health()
        guides = await client.list_guides(status="awaiting_token", card="0064")
        guide = await client.get_guide(NUMBER)
        channels = await client.channels(NUMBER)
        sent = await client.send_token(NUMBER, channel_id="c1")
        token = await client.get_token(NUMBER)
        validated = await client.validate(NUMBER, "123456")
        cancelled = await client.cancel_token(NUMBER)
        released = await client.absence(NUMBER, "02")
        events = await client.events(NUMBER)
        outbox = await client.outbox()
        app_code = await client.app_code("0064 8000 1234 5678")
        sac_code = await client.sac_code(NUMBER)
        await client.advance_clock(60)
    assert health.mode == "local"
    assert [g.number for g in guides] == [NUMBER] and guide.number == NUMBER
    assert channels.last_used is not None and channels.last_used.id == "c1"
    assert sent.state == token.state == cancelled.state == "pending"
    assert validated.beneficiary.name == released.beneficiary.name == "Maria Aparecida Souza"
    assert [e.kind for e in events] == ["token_sent"]
    assert outbox[0].code == "123456" and app_code == sac_code == "654321"
    assert len(seen) == 14
    assert "authorization" not in seen[0].headers
    assert all(r.headers["authorization"] == f"Bearer {KEY}" for r in seen[1:])


async def test_health_works_without_a_key() -> None:
    client, seen = make_client(api_key=None)
    async with client:
        assert (await client.health()).status == "ok"
        await client.get_guide(NUMBER)
    assert all("authorization" not in r.headers for r in seen)


async def test_request_paths_methods_and_bodies() -> None:
    client, seen = make_client()
    async with client:
        await client.list_guides()
        await client.send_token(NUMBER, channel="email", destination="x@y.com")
        await client.validate(NUMBER, "123456")
        await client.cancel_token(NUMBER)
        await client.absence(NUMBER, "04")
        await client.app_code("0064 8000&x=1")
        await client.sac_code(NUMBER)
        await client.advance_clock(1800)
    calls = [(r.method, r.url.path, r.content and json.loads(r.content)) for r in seen]
    base = f"/v1/guides/{NUMBER}/token"
    assert calls == [
        ("GET", "/v1/guides", b""),
        ("POST", base, {"channel": "email", "destination": "x@y.com"}),
        ("POST", f"{base}/validate", {"code": "123456"}),
        ("POST", f"{base}/cancel", {}),
        ("POST", f"{base}/absence", {"reason": "04"}),
        ("GET", "/v1/_local/app-code", b""),
        ("POST", "/v1/_local/sac-code", {"guide": NUMBER}),
        ("POST", "/v1/_local/clock", {"advance_seconds": 1800}),
    ]
    assert seen[0].url.query == b""
    assert seen[5].url.params["card"] == "0064 8000&x=1"


async def test_list_guides_filters_go_in_the_query() -> None:
    client, seen = make_client()
    async with client:
        await client.list_guides(status="awaiting_token", card="0064 8000/1234?5678")
    assert dict(seen[0].url.params) == {"status": "awaiting_token", "card": "0064 8000/1234?5678"}


@pytest.mark.parametrize(
    ("number", "segment"),
    [("12/34?x=1#f", b"12%2F34%3Fx%3D1%23f"), ("..", b"%2E%2E"), ("a b", b"a%20b")],
)
async def test_guide_numbers_are_quoted_into_one_path_segment(number: str, segment: bytes) -> None:
    client, seen = make_client()
    async with client:
        await client.get_token(number)
    assert seen[0].url.raw_path == b"/v1/guides/" + segment + b"/token"


async def test_an_empty_guide_number_is_refused_locally() -> None:
    client, seen = make_client()
    async with client:
        with pytest.raises(ValueError, match="guide number"):
            await client.get_guide("")
    assert seen == []


def test_a_key_that_cannot_be_a_header_is_refused_without_echoing_it() -> None:
    with pytest.raises(ValueError) as info:
        FrontdeskClient("https://op.example", api_key="two words")
    assert "two words" not in str(info.value)


# -- idempotency keys and retries -------------------------------------------------------


@pytest.mark.parametrize("exc_type", [httpx.ConnectError, httpx.ReadTimeout, httpx.ReadError])
async def test_a_retried_post_reuses_its_idempotency_key(
    exc_type: type[httpx.TransportError],
) -> None:
    client, seen = make_client(failing_then(exc_type, fake_backend))
    async with client:
        token = await client.send_token(NUMBER, channel_id="c1")
    assert token.state == "pending"
    assert len(seen) == 2
    first, second = (r.headers["idempotency-key"] for r in seen)
    assert first and first == second
    assert seen[0].content == seen[1].content


async def test_different_posts_get_different_keys_and_a_callers_key_is_kept() -> None:
    client, seen = make_client()
    async with client:
        await client.send_token(NUMBER, channel_id="c1")
        await client.send_token(NUMBER, channel_id="c1")
        await client.validate(NUMBER, "123456", idempotency_key="desk-1:validate:7")
    keys = [r.headers["idempotency-key"] for r in seen]
    assert keys[0] and keys[1] and keys[0] != keys[1]
    assert keys[2] == "desk-1:validate:7"


async def test_gets_carry_no_idempotency_key() -> None:
    client, seen = make_client()
    async with client:
        await client.get_guide(NUMBER)
    assert "idempotency-key" not in seen[0].headers


async def test_a_bad_idempotency_key_is_refused_locally() -> None:
    client, seen = make_client()
    async with client:
        with pytest.raises(ValueError):
            await client.cancel_token(NUMBER, idempotency_key="x" * 129)
        with pytest.raises(ValueError):
            await client.cancel_token(NUMBER, idempotency_key="chave-não-ascii")
    assert seen == []


async def test_a_get_is_retried_after_a_connect_error() -> None:
    client, seen = make_client(failing_then(httpx.ConnectError, fake_backend, fails=2))
    async with client:
        guide = await client.get_guide(NUMBER)
    assert guide.number == NUMBER
    assert len(seen) == 3


@pytest.mark.parametrize(
    ("exc_type", "timeout"), [(httpx.ConnectError, False), (httpx.ReadTimeout, True)]
)
async def test_retries_run_out_into_backend_unavailable(
    exc_type: type[httpx.TransportError], timeout: bool
) -> None:
    client, seen = make_client(failing_then(exc_type, fake_backend, fails=99), retries=3)
    async with client:
        with pytest.raises(BackendUnavailable) as info:
            await client.get_guide(NUMBER)
    assert len(seen) == 4
    assert info.value.timeout is timeout
    assert "after 4 attempts" in str(info.value)


async def test_no_retries_means_one_attempt() -> None:
    client, seen = make_client(failing_then(httpx.ConnectError, fake_backend), retries=0)
    async with client:
        with pytest.raises(BackendUnavailable):
            await client.send_token(NUMBER, channel_id="c1")
    assert len(seen) == 1


async def test_backoff_doubles_between_attempts() -> None:
    delays: list[float] = []

    async def no_sleep(delay: float) -> None:
        delays.append(delay)

    client, _ = make_client(
        failing_then(httpx.ConnectError, fake_backend, fails=9),
        backoff=0.5,
        sleep=no_sleep,
        jitter=lambda a, b: 0.0,
    )
    async with client:
        with pytest.raises(BackendUnavailable):
            await client.health()
    assert delays == [0.5, 1.0]


async def test_a_certificate_failure_is_not_retried_and_says_tls() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        cause = ssl.SSLCertVerificationError("certificate verify failed: self-signed certificate")
        raise httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED]", request=request) from cause

    client, seen = make_client(handler)
    async with client:
        with pytest.raises(BackendUnavailable, match="TLS"):
            await client.health()
    assert len(seen) == 1


@pytest.mark.parametrize("exc_type", [httpx.UnsupportedProtocol, httpx.LocalProtocolError])
async def test_other_httpx_errors_become_backend_unavailable(
    exc_type: type[httpx.TransportError],
) -> None:
    client, seen = make_client(failing_then(exc_type, fake_backend))
    async with client:
        with pytest.raises(BackendUnavailable):
            await client.get_guide(NUMBER)
    assert len(seen) == 1


async def test_a_url_without_http_becomes_backend_unavailable() -> None:
    async with FrontdeskClient("ftp://op.example", api_key=KEY) as client:
        with pytest.raises(BackendUnavailable, match="UnsupportedProtocol"):
            await client.health()


def test_an_invalid_url_becomes_backend_unavailable() -> None:
    with pytest.raises(BackendUnavailable, match="invalid backend URL"):
        FrontdeskClient("https://op.example:port/v1")


# -- answers: errors and malformed successes --------------------------------------------


@pytest.mark.parametrize(("code", "status"), sorted(ERROR_STATUS.items()))
async def test_every_error_code_maps_to_its_class(code: str, status: int) -> None:
    client, _ = make_client(problem(status, code), retries=0)
    async with client:
        with pytest.raises(ApiError) as info:
            await client.validate(NUMBER, "123456")
    assert type(info.value) is ERROR_CLASSES.get(code, ApiError)
    assert (info.value.status, info.value.error_code, info.value.detail) == (
        status,
        code,
        "detail text",
    )


async def test_error_extras_are_exposed() -> None:
    auth = {"number": "A7K2Q9", "valid_until": "2026-12-22"}
    cases: list[tuple[Handler, type[ApiError], str, object]] = [
        (problem(422, "invalid_code", attempts_left=3), InvalidCode, "attempts_left", 3),
        (problem(429, "resend_too_soon", retry_after=42), ResendTooSoon, "retry_after", 42),
        (problem(429, "too_many_sends", retry_after=600), TooManySends, "retry_after", 600),
        (problem(429, "too_many_failures", retry_after=7), TooManyFailures, "retry_after", 7),
        (
            problem(409, "guide_not_awaiting_token", guide_status="denied"),
            GuideNotAwaitingToken,
            "guide_status",
            "denied",
        ),
        (problem(400, "malformed_code", expected_length=6), MalformedCode, "expected_length", 6),
        (
            problem(409, "already_authorized", authorization=auth),
            AlreadyAuthorized,
            "authorization",
            Authorization(number="A7K2Q9", valid_until="2026-12-22"),
        ),
    ]
    for handler, cls, member, value in cases:
        client, _ = make_client(handler)
        async with client:
            with pytest.raises(cls) as info:
                await client.validate(NUMBER, "000000")
        assert getattr(info.value, member) == value


async def test_retry_after_header_fills_a_missing_member() -> None:
    client, _ = make_client(problem(429, "resend_too_soon", headers={"Retry-After": "30"}))
    async with client:
        with pytest.raises(ResendTooSoon) as info:
            await client.send_token(NUMBER, channel_id="c1")
    assert info.value.retry_after == 30


@pytest.mark.parametrize(
    ("status", "cls", "code"),
    [
        (401, Unauthorized, "unauthorized"),
        (404, NotFound, "not_found"),
        (413, PayloadTooLarge, "payload_too_large"),
        (500, ServerError, "internal_error"),
        (400, ApiError, "api_error"),
        (418, ApiError, "api_error"),
    ],
)
async def test_error_answers_without_a_problem_document(
    status: int, cls: type[ApiError], code: str
) -> None:
    client, seen = make_client(html(status))
    async with client:
        with pytest.raises(ApiError) as info:
            await client.get_guide(NUMBER)
    assert type(info.value) is cls
    assert (info.value.status, info.value.error_code) == (status, code)
    assert len(seen) == 1


async def test_simulator_paths_on_a_remote_backend_raise_not_found() -> None:
    client, _ = make_client(lambda request: httpx.Response(404))
    async with client:
        with pytest.raises(NotFound):
            await client.outbox()
        with pytest.raises(NotFound):
            await client.advance_clock(60)


@pytest.mark.parametrize("status", [502, 503, 504])
async def test_a_lasting_proxy_error_is_retried_then_raises_server_error(status: int) -> None:
    client, seen = make_client(html(status), retries=2)
    async with client:
        with pytest.raises(ServerError) as info:
            await client.send_token(NUMBER, channel_id="c1")
    assert info.value.status == status
    assert len(seen) == 3
    assert len({r.headers["idempotency-key"] for r in seen}) == 1


async def test_a_passing_503_is_retried_into_success() -> None:
    answers = iter([html(503), fake_backend])
    client, seen = make_client(lambda request: next(answers)(request))
    async with client:
        guide = await client.get_guide(NUMBER)
    assert guide.number == NUMBER and len(seen) == 2


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(200, content=b"<html>login</html>", headers={"content-type": "text/html"}),
        httpx.Response(200, content=b""),
        httpx.Response(200, json=[GUIDE]),
        httpx.Response(200, json={**GUIDE, "procedures": "none"}),
        httpx.Response(200, json={k: v for k, v in GUIDE.items() if k != "beneficiary"}),
    ],
)
async def test_a_2xx_that_is_not_the_contracts_shape_is_malformed(answer: httpx.Response) -> None:
    client, _ = make_client(lambda request: answer)
    async with client:
        with pytest.raises(MalformedResponse) as info:
            await client.get_guide(NUMBER)
    assert info.value.status == 200


@pytest.mark.parametrize(
    ("path", "answer"),
    [
        ("guide", {**GUIDE, "status": "approved"}),
        ("guide", {**GUIDE, "type": "exame"}),
        ("guide", {**GUIDE, "absence_reason": "99"}),
        ("guide", {**GUIDE, "token": {**TOKEN, "state": "sent"}}),
        ("guide", {**GUIDE, "token": {**TOKEN, "channel": "app"}}),  # the app sends nothing
        ("guide", {**GUIDE, "token": {**TOKEN, "delivery": "read"}}),
        ("token", {**TOKEN, "state": None}),
        ("token", {**TOKEN, "attempts_left": True}),  # a boolean is not a number
        ("token", {**TOKEN, "expires_in": "1800"}),
        ("channels", {**CHANNELS, "channels": [{"id": "c9", "kind": "fax"}]}),
        ("events", {"events": [{**EVENT, "channel": "x"}]}),
        ("events", {"events": [{**EVENT, "kind": "token_lost"}]}),
        ("events", {"events": [{**EVENT, "kind": "absence", "reason": 1}]}),
        ("outbox", {"messages": [{**MESSAGE, "channel": "sac"}]}),
    ],
)
async def test_a_value_outside_the_contracts_enumerations_is_malformed(
    path: str, answer: dict[str, Any]
) -> None:
    """Statuses, token states, channel kinds, deliveries, event kinds and absence reasons are
    the domain's Literals: anything else is not the contract's shape."""
    client, _ = make_client(lambda request: httpx.Response(200, json=answer))
    calls = {
        "guide": lambda: client.get_guide(NUMBER),
        "token": lambda: client.get_token(NUMBER),
        "channels": lambda: client.channels(NUMBER),
        "events": lambda: client.events(NUMBER),
        "outbox": lambda: client.outbox(),
    }
    async with client:
        with pytest.raises(MalformedResponse) as info:
            await calls[path]()
    assert info.value.status == 200


async def test_the_contracts_values_parse_into_the_domains_literals() -> None:
    client, _ = make_client()
    async with client:
        guide = await client.get_guide(NUMBER)
        channels = await client.channels(NUMBER)
        events = await client.events(NUMBER)
        messages = await client.outbox()
    assert (guide.type, guide.status, guide.token.state) == ("odonto", "awaiting_token", "pending")
    assert (guide.token.channel, guide.token.delivery) == ("sms", "queued")
    assert [c.kind for c in channels.channels] == ["sms", "app", "sac"]
    assert [e.kind for e in events] == ["token_sent"]
    assert [m.channel for m in messages] == ["sms"]


async def test_malformed_lists_and_codes() -> None:
    client, _ = make_client(lambda request: httpx.Response(200, json={"items": None}))
    async with client:
        with pytest.raises(MalformedResponse):
            await client.list_guides()
        with pytest.raises(MalformedResponse):
            await client.events(NUMBER)
        with pytest.raises(MalformedResponse):
            await client.app_code("0064")


# -- secrets stay out of logs and messages; headless imports ----------------------------


async def test_logs_and_errors_never_hold_the_key_or_a_code(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="frontdesk.client")
    failures = failing_then(httpx.ReadTimeout, problem(422, "invalid_code", attempts_left=2))
    client, _ = make_client(failures)
    async with client:
        with pytest.raises(InvalidCode) as info:
            await client.validate(NUMBER, "987654")
    assert caplog.records, "the client logs method, path template and status"
    for text in (caplog.text, str(info.value)):
        assert KEY not in text and "987654" not in text


def test_a_plain_http_backend_gets_a_tls_context_that_trusts_no_certificate() -> None:
    from frontdesk.client.session import tls_for

    context = tls_for("http://127.0.0.1:8765", True)
    assert isinstance(context, ssl.SSLContext)
    # No CA bundle read (httpx's default reads certifi's at every start), and still no
    # certificate accepted unchecked: verification on, nothing trusted.
    assert context.cert_store_stats()["x509_ca"] == 0
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname
    assert tls_for("HTTP://backend.local", True) is not True


def test_an_https_backend_keeps_its_certificate_checks() -> None:
    from frontdesk.client.session import tls_for

    assert tls_for("https://frontdesk.example", True) is True
    assert tls_for("https://frontdesk.example", "/etc/clinic-ca.pem") == "/etc/clinic-ca.pem"
    assert tls_for("http://127.0.0.1:8765", False) is False  # as given
