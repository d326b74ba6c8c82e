"""Bad input never gives a 500: odd guide numbers, SQL metacharacters, odd JSON, huge bodies.

Through the client (typed errors) and raw HTTP, embedded and served, plus hypothesis
fuzzing of guide numbers, query parameters and bodies.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontdesk.backend.local import open_backend
from frontdesk.backend.server import create_app
from frontdesk.client import (
    ChannelNotSendable,
    GuideNotFound,
    InvalidDestination,
    InvalidRequest,
    MalformedCode,
    UnknownChannel,
    UnknownReason,
)
from frontdesk.core.contacts import digits_only
from frontdesk.local.embedded_client import EMBEDDED_URL
from support.demo import MARIA

from .conftest import EMBEDDED, TLS_CONTEXT, TRANSPORT_PARAMS, Env, LoopbackServer, state_of

SQL = ("1' OR '1'='1", '"; DROP TABLE guides; --', "2026111800017' --", "%' OR 1=1 --")
ODD_NUMBERS = (
    "２０２６１１１８０００１７",  # fullwidth digits
    "guia-ção",
    "💉🦷",
    "١٢٣",
    "1" * 10_000,
    "9" * 65,
    " 2026111800017",
    "2026111800017\n",
    "%",
    "%00",
    "\x00",
    "\u202e",
    ".",
    "..",
    "?status=authorized",
    "#top",
    "null",
    "-1",
    *SQL,
)
FUZZ = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


async def _all_guides_intact(env: Env) -> None:
    guides = await env.client.list_guides()
    assert len(guides) == 13
    assert {g.status for g in guides} >= {"awaiting_token", "authorized", "denied"}


async def test_odd_guide_numbers_are_not_found(env: Env) -> None:
    c = env.client
    for number in ODD_NUMBERS:
        for call in (
            c.get_guide,
            c.channels,
            c.get_token,
            c.events,
            lambda n: c.send_token(n, channel_id="c1"),
            lambda n: c.validate(n, "123456"),
            c.cancel_token,
            lambda n: c.absence(n, "01"),
        ):
            with pytest.raises(GuideNotFound) as info:
                await call(number)
            assert (info.value.status, info.value.error_code) == (404, "guide_not_found")
        # The simulator takes the number in its body: any string, a long one too, is a
        # number no guide has.
        with pytest.raises(GuideNotFound):
            await c.sac_code(number)
    await _all_guides_intact(env)


async def test_slash_in_a_guide_number(env: Env) -> None:
    """`a/b` goes out as `a%2Fb`: the server routes on the raw path, so it is one guide number.

    (Routing on the decoded path, as the Starlette version did, answered 404 `not_found`.)
    """
    for number in ("a/b", "2026111800017/token", "/", "%2F"):
        response = await env.raw.get(f"/v1/guides/{quote(number, safe='')}", headers=env.auth())
        assert response.status_code == 404, number
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["code"] == "guide_not_found", number
        with pytest.raises(GuideNotFound):
            await env.client.get_guide(number)
        with pytest.raises(GuideNotFound):
            await env.client.validate(number, "123456")


async def test_ten_thousand_unicode_characters(env: Env) -> None:
    number = "ç" * 10_000  # 60 kB once percent-encoded in the path
    for call in (env.client.get_guide(number), env.client.validate(number, "123456")):
        with pytest.raises(GuideNotFound):
            await call


async def test_sql_metacharacters_everywhere(env: Env) -> None:
    number = (await env.demo()).number(MARIA)
    c = env.client
    for text in SQL:
        with pytest.raises(MalformedCode):
            await c.validate(number, text)
        with pytest.raises(UnknownChannel):
            await c.send_token(number, channel_id=text)
        with pytest.raises(InvalidDestination):
            await c.send_token(number, channel="email", destination=text)
        with pytest.raises((UnknownReason, InvalidRequest)):
            await c.absence(number, text)
        with pytest.raises(InvalidRequest):
            await c.list_guides(status=text)
        if digits_only(text):
            assert await c.list_guides(card=text) == []
        else:
            with pytest.raises(InvalidRequest):
                await c.list_guides(card=text)
        with pytest.raises(ChannelNotSendable):
            await c.send_token(number, channel="app", destination=text)
        response = await env.raw.get(
            "/v1/_local/app-code", params={"card": text}, headers=env.auth()
        )
        assert (response.status_code, response.json()["code"]) == (404, "not_found")
    await _all_guides_intact(env)
    assert (await c.get_token(number)).state == "none"


SEND_BODIES: tuple[Any, ...] = (
    [],
    ["c1"],
    "c1",
    42,
    -1.5,
    None,
    True,
    {"channel_id": 1},
    {"channel_id": ["c1"]},
    {"channel_id": {"id": "c1"}},
    {"channel_id": None},
    {"channel": "email"},
    {"destination": "a@b.com"},
    {"channel": "email", "destination": 7},
    {"channel": ["email"], "destination": "a@b.com"},
    {"channel_id": "c1", "destination": "a@b.com"},
    {"code": "123456"},
    {"channel_id": "c1", "urgent": True},
)


async def test_send_bodies_of_the_wrong_shape(env: Env) -> None:
    number = (await env.demo()).number(MARIA)
    for body in SEND_BODIES:
        response = await env.raw.post(
            f"/v1/guides/{number}/token", content=json.dumps(body), headers=env.auth()
        )
        assert response.status_code == 400, body
        assert response.json()["code"] == "invalid_request"
    assert await env.client.outbox() == []


async def test_a_white_space_body_is_malformed_on_every_action(env: Env) -> None:
    """White space alone is no JSON: 400 like any malformed body, on cancel too (its body
    is optional: no body at all is fine), and the guide is untouched."""
    number = (await env.demo()).number(MARIA)
    await env.client.send_token(number, channel_id="c1")
    for action in ACTIONS:
        for body in (" ", "\n", " \t\r\n "):
            response = await env.raw.post(
                f"/v1/guides/{number}{action}", content=body, headers=env.auth()
            )
            assert (response.status_code, response.json()["code"]) == (400, "invalid_request")
    assert (await env.client.get_token(number)).state == "pending"
    response = await env.raw.post(f"/v1/guides/{number}/token/cancel", headers=env.auth())
    assert response.status_code == 200
    assert (await env.client.get_token(number)).state == "cancelled"


VALIDATE_BODIES: tuple[Any, ...] = (
    {"code": 123456},
    {"code": 123456.0},
    {"code": ["123456"]},
    {"code": None},
    {"code": True},
    {},
    {"codigo": "123456"},
    {"code": "123456", "codigo": "123456"},
)


async def test_validate_bodies_of_the_wrong_shape(env: Env) -> None:
    number = (await env.demo()).number(MARIA)
    for body in VALIDATE_BODIES:
        response = await env.raw.post(
            f"/v1/guides/{number}/token/validate", content=json.dumps(body), headers=env.auth()
        )
        assert (response.status_code, response.json()["code"]) == (400, "invalid_request"), body
    assert (await env.client.get_token(number)).state == "none"
    assert [e.kind for e in await env.client.events(number)] == []


async def test_long_values_get_the_contracts_own_codes(env: Env) -> None:
    """A string member's length is part of its value: an over-long one is wrong the way the
    contract says that member is wrong (docs/api.md section 5), not a 400 of the shape."""
    number = (await env.demo()).number(MARIA)
    before = await state_of(env)
    path = f"/v1/guides/{number}"
    for action, body, status, code in (
        ("/token/validate", {"code": "1" * 65}, 400, "malformed_code"),
        ("/token/validate", {"code": "1" * 5000}, 400, "malformed_code"),
        ("/token/absence", {"reason": "0" * 9}, 422, "unknown_reason"),
        ("/token/absence", {"reason": "01" * 2000}, 422, "unknown_reason"),
        ("/token", {"channel": "email", "destination": "a" * 250 + "@b.com"}, 422,
         "invalid_destination"),
        ("/token", {"channel": "email", "destination": "x" * 5000}, 422, "invalid_destination"),
        ("/token", {"channel_id": "c1" * 200}, 422, "unknown_channel"),
        ("/token", {"channel": "sms" * 100, "destination": "43991231234"}, 422,
         "unknown_channel"),
    ):  # fmt: skip
        response = await env.raw.post(path + action, json=body, headers=env.auth())
        assert (response.status_code, response.json()["code"]) == (status, code), body
    response = await env.raw.post(
        "/v1/_local/sac-code", json={"guide": number * 100}, headers=env.auth()
    )
    assert (response.status_code, response.json()["code"]) == (404, "guide_not_found")
    assert await state_of(env) == before


SIMULATOR_BODIES: tuple[tuple[str, Any], ...] = (
    ("/v1/_local/clock", {"advance_seconds": "60"}),
    ("/v1/_local/clock", {"advance_seconds": 1.5}),
    ("/v1/_local/clock", {"advance_seconds": True}),
    ("/v1/_local/clock", {"advance_seconds": 10**30}),
    ("/v1/_local/clock", {}),
    ("/v1/_local/clock", [60]),
    ("/v1/_local/sac-code", {"guide": 2026111800017}),
    ("/v1/_local/sac-code", {}),
    ("/v1/_local/sac-code", "x"),
)


async def test_simulator_bodies_of_the_wrong_shape(env: Env) -> None:
    for path, body in SIMULATOR_BODIES:
        response = await env.raw.post(path, content=json.dumps(body), headers=env.auth())
        assert (response.status_code, response.json()["code"]) == (400, "invalid_request"), body
    assert env.clock.offset == 0


async def test_deeply_nested_json(env: Env) -> None:
    number = (await env.demo()).number(MARIA)
    for content in ("[" * 5000 + "]" * 5000, '{"a":' * 2000 + "1" + "}" * 2000):
        response = await env.raw.post(
            f"/v1/guides/{number}/token/validate", content=content, headers=env.auth()
        )
        assert response.status_code in (400, 413)
        assert response.json()["code"] in ("invalid_request", "payload_too_large")


async def test_content_length_lies(env: Env) -> None:
    number = (await env.demo()).number(MARIA)
    path = f"/v1/guides/{number}/token/validate"
    body = b'{"code": "123456"}'
    for length in ("abc", "-1", str(10**12)):
        if env.kind == EMBEDDED:
            request = env.raw.build_request("POST", path, content=body, headers=env.auth())
            request.headers["Content-Length"] = length
            response = await env.raw.send(request)
            assert response.status_code in (400, 413)
            continue
        # An HTTP client will not send a message with wrong framing: write it by hand.
        host, port = env.base_url.removeprefix("http://").split(":")
        reader, writer = await asyncio.open_connection(host, int(port))
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {host}\r\n"
            f"Authorization: Bearer {env.api_key}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {length}\r\nConnection: close\r\n\r\n"
        )
        writer.write(head.encode() + body)
        await writer.drain()
        answer = await reader.read()
        writer.close()
        await writer.wait_closed()
        status = int(answer.split(b" ", 2)[1])
        assert status in (400, 413), answer[:200]
    assert (await env.client.get_token(number)).state == "none"


# -- fuzzing ----------------------------------------------------------------------------------

Send = Callable[..., httpx.Response]


@pytest.fixture(params=TRANSPORT_PARAMS)
def sync_http(
    request: pytest.FixtureRequest,
    loopback_server: LoopbackServer,
    openapi_log: Any,
    make_sync_backend: Any,
) -> Iterator[tuple[Send, dict[str, str], list[str]]]:
    """A synchronous `send(method, path, **kw)` to a fresh backend, and its awaiting guides."""
    backend, key = make_sync_backend()
    app = create_app(backend, api_key=key, log_access=False)
    auth = {"Authorization": f"Bearer {key}"}
    numbers = [
        g["number"] for g in backend.list_guides(None, None)["items"] if g["status"] != "denied"
    ]
    if request.param == EMBEDDED:
        with asyncio.Runner() as runner:
            client = httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url=EMBEDDED_URL
            )
            openapi_log.attach(client)

            def send_embedded(method: str, path: str, **kw: Any) -> httpx.Response:
                return runner.run(client.request(method, path, **kw))

            yield send_embedded, auth, numbers
            runner.run(client.aclose())
    else:
        loopback_server.switch.app = app
        with httpx.Client(base_url=loopback_server.url, verify=TLS_CONTEXT, timeout=30) as sync:
            openapi_log.attach(sync)
            yield sync.request, auth, numbers
        loopback_server.switch.app = None


@pytest.fixture
def make_sync_backend(tmp_path: Any, manual_clock: Any) -> Iterator[Any]:
    made: list[Any] = []

    def make() -> tuple[Any, str]:
        backend = open_backend(tmp_path / "fuzz.sqlite3", clock=manual_clock, deterministic=True)
        made.append(backend)
        return backend, "fuzz-key"

    yield make
    for backend in made:
        backend.close()


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
shaped_bodies = st.fixed_dictionaries(
    {},
    optional={
        key: st.one_of(st.text(max_size=30), json_values)
        for key in ("code", "channel_id", "channel", "destination", "reason", "guide")
    },
)
raw_bodies = st.one_of(
    shaped_bodies.map(lambda d: json.dumps(d).encode()),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.binary(max_size=64),
)
ACTIONS = ("/token", "/token/validate", "/token/cancel", "/token/absence")


@FUZZ
@given(data=st.data())
def test_fuzz_guide_numbers(sync_http: tuple[Send, dict[str, str], list[str]], data: Any) -> None:
    send, auth, _ = sync_http
    # Any text, "/" included (it goes out as %2F: see test_slash_in_a_guide_number).
    alphabet = st.characters(codec="utf-8")
    number = data.draw(st.text(alphabet, min_size=1, max_size=80), label="number")
    tail = data.draw(st.sampled_from(["", "/token", "/token/channels", "/events"]), label="tail")
    response = send("GET", "/v1/guides/" + quote(number, safe="") + tail, headers=auth)
    assert response.status_code < 500, response.text
    assert response.status_code in (200, 404), response.text


@FUZZ
@given(data=st.data())
def test_fuzz_post_bodies(sync_http: tuple[Send, dict[str, str], list[str]], data: Any) -> None:
    send, auth, numbers = sync_http
    number = data.draw(st.sampled_from([*numbers, "0", "x"]), label="number")
    action = data.draw(st.sampled_from(ACTIONS), label="action")
    body = data.draw(raw_bodies, label="body")
    response = send(
        "POST",
        f"/v1/guides/{number}{action}",
        content=body,
        headers={**auth, "Content-Type": "application/json"},
    )
    assert response.status_code < 500, response.text
    assert response.headers["content-type"] in ("application/json", "application/problem+json")


@FUZZ
@given(
    status=st.one_of(st.none(), st.text(max_size=30)),
    card=st.one_of(st.none(), st.text(max_size=70)),
    key=st.one_of(
        st.none(),
        st.text(
            st.characters(max_codepoint=255, exclude_categories=["Cc"])
            | st.sampled_from(["\t", "\x7f"]),
            max_size=140,
        ),
    ),
)
def test_fuzz_queries_and_idempotency_keys(
    sync_http: tuple[Send, dict[str, str], list[str]],
    status: str | None,
    card: str | None,
    key: str | None,
) -> None:
    send, auth, numbers = sync_http
    params = {k: v for k, v in (("status", status), ("card", card)) if v is not None}
    response = send("GET", "/v1/guides", params=params, headers=auth)
    assert response.status_code in (200, 400), response.text
    headers: dict[str, Any] = dict(auth)
    stripped = "" if key is None else key.strip(" \t")  # HTTP strips a value's outer spaces
    if key is not None:
        headers["Idempotency-Key"] = stripped.encode("latin-1")
    response = send(
        "POST", f"/v1/guides/{numbers[0]}/token/validate", json={"code": "1"}, headers=headers
    )
    assert response.status_code == 400, response.text
    printable = 1 <= len(stripped) <= 128 and all(" " <= ch <= "~" for ch in stripped)
    expected = "malformed_code" if key is None or printable else "invalid_idempotency_key"
    assert response.json()["code"] == expected
