"""What an outside fuzzer found (issue 9): huge JSON integers, forged log lines, the
OpenAPI document's integers and card numbers. Each probe leaves the guides, tokens,
events, outbox and failure counts as they were, and the backend answering."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

import pytest

from frontdesk.backend.local import open_backend
from frontdesk.backend.server import create_app
from frontdesk.backend.serving import OneLineFormatter, escape_controls
from support.demo import JOAO, MARIA

from .conftest import EMBEDDED, Env, state_of
from .test_http_layer import Call, http_scope

HUGE = "9" * 5000  # over Python's 4300-digit limit for int(str)
POSTS = (
    ("/v1/guides/{n}/token", '{"channel_id": %s}'),
    ("/v1/guides/{n}/token/validate", '{"code": %s}'),
    ("/v1/guides/{n}/token/cancel", '{"x": %s}'),
    ("/v1/guides/{n}/token/absence", '{"reason": %s}'),
    ("/v1/_local/sac-code", '{"guide": %s}'),
    ("/v1/_local/clock", '{"advance_seconds": %s}'),
)


async def test_a_json_integer_over_4300_digits_is_a_bad_request(env: Env) -> None:
    number = (await env.demo()).number(MARIA)
    before = await state_of(env)
    for template, shape in POSTS:
        path = template.format(n=number)
        for content in (shape % HUGE, shape % f"[{HUGE}]", shape % f"-{HUGE}", HUGE):
            response = await env.raw.post(
                path, content=content, headers=env.auth(Content_Type="application/json")
            )
            assert response.status_code == 400, (path, content[:40])
            assert response.headers["content-type"] == "application/problem+json"
            assert response.json()["code"] == "invalid_request"
    assert await state_of(env) == before
    assert (await env.client.health()).status == "ok"


async def test_a_content_length_of_thousands_of_digits(embedded_env: Env) -> None:
    """In-process (the served transport's parser refuses such a header itself: see
    test_connection.py) the app reads the header: 413, not a 500 from int()."""
    env = embedded_env
    number = (await env.demo()).number(MARIA)
    before = await state_of(env)
    request = env.raw.build_request(
        "POST", f"/v1/guides/{number}/token/validate", content=b'{"code":"1"}', headers=env.auth()
    )
    request.headers["Content-Length"] = HUGE
    response = await env.raw.send(request)
    assert (response.status_code, response.json()["code"]) == (413, "payload_too_large")
    assert await state_of(env) == before


async def test_advance_seconds_is_a_json_schema_integer(env: Env) -> None:
    """docs/openapi.yaml says `integer`; in JSON Schema 25673.0 is one."""
    for value, status, offset in (
        ("25673.0", 200, 25673),
        ("1e2", 200, 25773),
        ("0.0", 200, 25773),
        ("1.5", 400, 25773),
        ("1e400", 400, 25773),  # inf
        ("-0.0", 200, 25773),
        ("31536001.0", 400, 25773),
        ("true", 400, 25773),
    ):
        response = await env.raw.post(
            "/v1/_local/clock",
            content=f'{{"advance_seconds": {value}}}',
            headers=env.auth(Content_Type="application/json"),
        )
        assert response.status_code == status, value
        assert env.clock.offset == offset, value


async def test_card_is_digits_in_the_document_and_the_server(env: Env) -> None:
    """GET /v1/guides?card=: CardNumber (1–64 characters, at least one ASCII digit)."""
    card = (await env.demo()).card(MARIA)
    for given, found in ((card, True), (card.replace(" ", "."), True), ("x1", False)):
        response = await env.raw.get("/v1/guides", params={"card": given}, headers=env.auth())
        assert response.status_code == 200, given
        assert bool(response.json()["items"]) is found, given
    for given in ("", "abc", "١٢٣", "1" * 65, " - "):
        response = await env.raw.get("/v1/guides", params={"card": given}, headers=env.auth())
        assert (response.status_code, response.json()["code"]) == (400, "invalid_request"), given


async def test_unknown_body_members_are_refused(env: Env) -> None:
    """The request schemas list their members (additionalProperties: false)."""
    number = (await env.demo()).number(JOAO)
    before = await state_of(env)
    for path, body in (
        (f"/v1/guides/{number}/token", {"channel_id": "c1", "priority": "high"}),
        (f"/v1/guides/{number}/token/validate", {"code": "123456", "desk": 7}),
        (f"/v1/guides/{number}/token/absence", {"reason": "01", "note": ""}),
        ("/v1/_local/sac-code", {"guide": number, "code": "123456"}),
        ("/v1/_local/clock", {"advance_seconds": 60, "backwards": True}),
    ):
        response = await env.raw.post(path, json=body, headers=env.auth())
        assert (response.status_code, response.json()["code"]) == (400, "invalid_request"), body
    assert await state_of(env) == before
    assert env.clock.offset == 0


# -- log injection ----------------------------------------------------------------------------

FORGED = "\n2026-11-28 03:00:00,000 ERROR frontdesk.server: forged\r\x1b[2K\u2028\u202e"


def _lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    """What serve's log handler writes for each captured record."""
    formatter = OneLineFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    return [formatter.format(record) for record in caplog.records]


def _assert_no_forged_line(lines: list[str]) -> None:
    """Each record is one line with nothing left to escape: the forged text cannot start a
    line of its own."""
    assert lines
    for line in lines:
        assert escape_controls(line) == line, line
        assert "\n" not in line and "\r" not in line, line


async def test_idempotency_warning_escapes_the_guide_number(
    env: Env, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="frontdesk")
    path = f"/v1/guides/{quote('20261' + FORGED, safe='')}/token/validate"
    headers = env.auth(Idempotency_Key="log-probe")
    assert (await env.raw.post(path, json={"code": "1"}, headers=headers)).status_code == 404
    second = await env.raw.post(path, json={"code": "2"}, headers=headers)
    assert (second.status_code, second.json()["code"]) == (422, "idempotency_key_reused")
    # what serve's handler wrote: captured here, or a serve process's stderr (postgres)
    lines = env.served.log_lines() if env.served is not None else _lines(caplog)
    warnings = [line for line in lines if "reused" in line]
    assert len(warnings) == 1
    assert "\x1b" not in warnings[0]
    assert "\\n2026-11-28" in warnings[0]  # there, escaped (repr)
    _assert_no_forged_line(lines)


async def test_internal_error_log_escapes_the_guide_number(
    caplog: pytest.LogCaptureFixture,
) -> None:
    backend = open_backend(":memory:", deterministic=True)
    app = create_app(backend, api_key="key", log_access=True)

    def failing(number: str) -> Any:
        raise RuntimeError(number)

    backend.get_guide = failing  # type: ignore[method-assign]
    caplog.set_level(logging.INFO, logger="frontdesk")
    try:
        for raw in (f"/v1/guides/{quote('7' + FORGED, safe='')}".encode(), b"/v1/guides/7%0A"):
            call = Call([])
            await app(http_scope("GET", "", raw), call.receive, call.send)
            assert (call.status, call.body["code"]) == (500, "internal_error")
    finally:
        backend.close()
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert errors == [
        "unhandled RuntimeError on GET /v1/guides/{number} guide=" + repr(("7" + FORGED)[:32]),
        "unhandled RuntimeError on GET /v1/guides/{number} guide='7\\n'",
    ]
    _assert_no_forged_line(_lines(caplog))


async def test_an_unrouted_path_is_quoted_in_a_log(caplog: pytest.LogCaptureFixture) -> None:
    """Errors outside a route (here: the guard failing) name the raw path, quoted."""
    backend = open_backend(":memory:", deterministic=True)
    app = create_app(backend, api_key="key", log_access=False)

    def broken(request: Any) -> Any:
        raise RuntimeError("guard")

    app.guard = broken
    caplog.set_level(logging.INFO, logger="frontdesk")
    try:
        call = Call([])
        await app(http_scope("GET", "", b"/v1/nope%0A\x1b[2K"), call.receive, call.send)
    finally:
        backend.close()
    assert (call.status, call.body["code"]) == (500, "internal_error")
    [message] = [r.getMessage() for r in caplog.records]
    assert message == "unhandled RuntimeError on GET '/v1/nope%0A\\x1b[2K'"


def test_the_log_formatter_keeps_every_record_on_one_line() -> None:
    formatter = OneLineFormatter("%(levelname)s %(name)s: %(message)s")
    record = logging.LogRecord(
        "uvicorn.error", logging.WARNING, __file__, 1, "bad %s", (FORGED,), None
    )
    line = formatter.format(record)
    assert line == (
        "WARNING uvicorn.error: bad \\x0a2026-11-28 03:00:00,000 ERROR frontdesk.server: "
        "forged\\x0d\\x1b[2K\\u2028\\u202e"
    )
    try:
        raise ValueError("line one\nline two")
    except ValueError as error:
        record.exc_info = (ValueError, error, error.__traceback__)
    with_traceback = formatter.format(record)
    assert "\n" not in with_traceback and "Traceback" in with_traceback
    # Ordinary text is left alone: accents, quotes, backslashes.
    assert escape_controls("Clínica 'São' C:\\x") == "Clínica 'São' C:\\x"


async def test_health_stays_up_after_every_probe(env: Env) -> None:
    """The probes above run on their own backends; this one runs them all on one."""
    number = (await env.demo()).number(MARIA)
    before = await state_of(env)
    for template, shape in POSTS:
        await env.raw.post(
            template.format(n=number),
            content=shape % HUGE,
            headers=env.auth(Content_Type="application/json"),
        )
    await env.raw.post(
        f"/v1/guides/{quote(FORGED, safe='')}/token/cancel",
        headers=env.auth(Idempotency_Key="x"),
    )
    await env.raw.post(
        f"/v1/guides/{quote(FORGED, safe='')}/token/cancel",
        json={},
        headers=env.auth(Idempotency_Key="x"),
    )
    assert await state_of(env) == before
    assert (await env.client.health()).status == "ok"
    if env.kind == EMBEDDED:
        assert (await env.client.get_guide(number)).number == number
