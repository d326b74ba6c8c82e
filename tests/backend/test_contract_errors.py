"""Every row of the contract's error tables (docs/api.md) and the general codes, both transports.

Each test asserts the HTTP status, the `code` and exactly the extra members the row
names, through the client's typed exceptions; the raw-HTTP tests check the headers.
"""

from __future__ import annotations

from typing import Any

import pytest
from msgspec.structs import replace

from frontdesk.client import (
    AlreadyAuthorized,
    ApiError,
    ChannelNotSendable,
    FrontdeskClient,
    GuideNotAwaitingToken,
    GuideNotFound,
    InvalidCode,
    InvalidDestination,
    InvalidRequest,
    MalformedCode,
    NotFound,
    NoTokenPending,
    ResendTooSoon,
    TokenExpired,
    TokenLocked,
    TooManyFailures,
    TooManySends,
    TypedDestinationNotAllowed,
    Unauthorized,
    UnknownChannel,
    UnknownReason,
)
from support.demo import (
    ANA,
    CARLOS,
    JOAO,
    LUIZ,
    MARIA,
    UNKNOWN_GUIDE,
    WRONG_KEY,
    last_code,
    wrong_code,
)

from .conftest import Env

NOT_AWAITING = ("under_review", "authorized", "partially_authorized", "denied", "cancelled")
PROBLEM_JSON = "application/problem+json"


def assert_problem(
    error: ApiError, status: int, code: str, extra: dict[str, Any] | None = None
) -> None:
    """The typed error has this status and code, and exactly these extra members."""
    assert error.status == status
    assert error.error_code == code
    assert type(error).code == code
    assert error.extra == (extra or {})
    assert error.title
    assert error.detail


# -- send ------------------------------------------------------------------------------------


async def test_send_unknown_guide(env: Env) -> None:
    with pytest.raises(GuideNotFound) as info:
        await env.client.send_token(UNKNOWN_GUIDE, channel_id="c1")
    assert_problem(info.value, 404, "guide_not_found")


async def test_send_guide_not_awaiting_token(env: Env) -> None:
    for status in NOT_AWAITING:
        guide = (await env.demo()).with_status(status)
        with pytest.raises(GuideNotAwaitingToken) as info:
            await env.client.send_token(guide.number, channel_id="c1")
        assert_problem(info.value, 409, "guide_not_awaiting_token", {"guide_status": status})
        assert info.value.guide_status == status
        assert (await env.client.get_guide(guide.number)).status == status
    assert await env.client.outbox() == []


async def test_send_unknown_channel(env: Env) -> None:
    for name, body in (
        (MARIA, {"channel_id": "c9"}),
        (MARIA, {"channel_id": "C1"}),
        (CARLOS, {"channel_id": "c1"}),  # no registered contact at all
        (MARIA, {"channel": "fax", "destination": "43991231234"}),
    ):
        number = (await env.demo()).number(name)
        with pytest.raises(UnknownChannel) as info:
            await env.client.send_token(number, **body)
        assert_problem(info.value, 422, "unknown_channel")
        assert (await env.client.get_token(number)).state == "none"


async def test_send_channel_not_sendable(env: Env) -> None:
    number = (await env.demo()).number(MARIA)
    for body in (
        {"channel_id": "app"},
        {"channel_id": "sac"},
        {"channel": "app", "destination": "x"},
        {"channel": "sac", "destination": "4007-2400"},
    ):
        with pytest.raises(ChannelNotSendable) as info:
            await env.client.send_token(number, **body)
        assert_problem(info.value, 422, "channel_not_sendable")
    assert await env.client.outbox() == []


async def test_send_typed_destination_not_allowed(env: Env) -> None:
    number = (await env.demo()).number(MARIA)
    assert (await env.client.channels(number)).typed_destination == {"sms": False, "email": True}
    with pytest.raises(TypedDestinationNotAllowed) as info:
        await env.client.send_token(number, channel="sms", destination="43991231234")
    assert_problem(info.value, 422, "typed_destination_not_allowed")
    assert await env.client.outbox() == []


async def test_send_invalid_destination(env: Env) -> None:
    number = (await env.demo()).number(MARIA)
    for destination in ("not an e-mail", "maria@", "@email.com", "maria@email", "a b@c.com", ""):
        with pytest.raises(InvalidDestination) as info:
            await env.client.send_token(number, channel="email", destination=destination)
        assert_problem(info.value, 422, "invalid_destination")
    assert await env.client.outbox() == []


async def test_send_typed_email_is_sent_and_masked(env: Env) -> None:
    number = (await env.demo()).number(MARIA)
    token = await env.client.send_token(
        number, channel="email", destination="balcao.paciente@exemplo.com.br"
    )
    assert (token.state, token.channel) == ("pending", "email")
    assert token.destination == "ba****@e*****.com.br"
    [message] = await env.client.outbox()
    assert message.to == "balcao.paciente@exemplo.com.br"


async def test_send_resend_too_soon(env: Env) -> None:
    number = (await env.demo()).number(MARIA)
    await env.client.send_token(number, channel_id="c1")
    env.clock.advance(15)
    with pytest.raises(ResendTooSoon) as info:
        await env.client.send_token(number, channel_id="c1")
    assert_problem(info.value, 429, "resend_too_soon", {"retry_after": 45})
    assert info.value.retry_after == 45
    assert len(await env.client.outbox()) == 1


async def test_send_too_many_sends(env: Env) -> None:
    number = (await env.demo()).number(MARIA)
    for _ in range(5):
        await env.client.send_token(number, channel_id="c1")
        env.clock.advance(60)
    with pytest.raises(TooManySends) as info:
        await env.client.send_token(number, channel_id="c2")
    # Sends at 0, 60, …, 240 s; now 300 s: the first leaves the hour at 3600 s.
    assert_problem(info.value, 429, "too_many_sends", {"retry_after": 3300})
    assert len(await env.client.outbox()) == 5


# -- validate --------------------------------------------------------------------------------


async def test_validate_malformed_code(env: Env) -> None:
    number = (await env.demo()).number(MARIA)
    await env.client.send_token(number, channel_id="c1")
    for code in ("12345", "1234567", "12a456", "12 456", "١٢٣٤٥٦", "", "-12345"):
        with pytest.raises(MalformedCode) as info:
            await env.client.validate(number, code)
        assert_problem(info.value, 400, "malformed_code", {"expected_length": 6})
        assert info.value.expected_length == 6
    assert (await env.client.get_token(number)).attempts_left == 5  # not counted


async def test_validate_unknown_guide(env: Env) -> None:
    with pytest.raises(GuideNotFound) as info:
        await env.client.validate(UNKNOWN_GUIDE, "123456")
    assert_problem(info.value, 404, "guide_not_found")


async def test_validate_guide_not_awaiting_token(env: Env) -> None:
    for status in ("under_review", "denied", "cancelled"):
        guide = (await env.demo()).with_status(status)
        with pytest.raises(GuideNotAwaitingToken) as info:
            await env.client.validate(guide.number, "123456")
        assert_problem(info.value, 409, "guide_not_awaiting_token", {"guide_status": status})


async def test_validate_already_authorized(env: Env) -> None:
    for status in ("authorized", "partially_authorized"):
        guide = (await env.demo()).with_status(status)
        assert guide.authorization is not None
        with pytest.raises(AlreadyAuthorized) as info:
            await env.client.validate(guide.number, "123456")
        authorization = {
            "number": guide.authorization.number,
            "valid_until": guide.authorization.valid_until,
        }
        assert_problem(info.value, 409, "already_authorized", {"authorization": authorization})
        assert info.value.authorization == guide.authorization


async def test_validate_no_token_pending(env: Env) -> None:
    for name in (JOAO, CARLOS, LUIZ):  # none of them has the app
        number = (await env.demo()).number(name)
        with pytest.raises(NoTokenPending) as info:
            await env.client.validate(number, "123456")
        assert_problem(info.value, 409, "no_token_pending")
        assert [e.kind for e in await env.client.events(number)] == []


async def test_validate_token_expired(env: Env) -> None:
    number = (await env.demo()).number(JOAO)
    await env.client.send_token(number, channel_id="c1")
    code = await last_code(env.client, number)
    await env.client.advance_clock(1801)
    with pytest.raises(TokenExpired) as info:
        await env.client.validate(number, code)
    assert_problem(info.value, 410, "token_expired")


async def test_validate_invalid_code(env: Env) -> None:
    number = (await env.demo()).number(JOAO)
    await env.client.send_token(number, channel_id="c1")
    code = await last_code(env.client, number)
    with pytest.raises(InvalidCode) as info:
        await env.client.validate(number, wrong_code(code))
    assert_problem(info.value, 422, "invalid_code", {"attempts_left": 4})
    assert info.value.attempts_left == 4
    assert (await env.client.get_token(number)).attempts_left == 4


async def test_validate_token_locked(tight_env: Env) -> None:
    env = tight_env
    number = (await env.demo()).number(JOAO)
    await env.client.send_token(number, channel_id="c1")
    code = await last_code(env.client, number)
    for left in (1, 0):
        with pytest.raises(InvalidCode) as wrong:
            await env.client.validate(number, wrong_code(code))
        assert wrong.value.attempts_left == left
    with pytest.raises(TokenLocked) as info:
        await env.client.validate(number, code)
    assert_problem(info.value, 423, "token_locked")


async def test_validate_too_many_failures(tight_env: Env) -> None:
    env = tight_env
    demo = await env.demo()
    number = demo.number(ANA)  # the app: wrong codes count without any send
    for _ in range(2):
        with pytest.raises(InvalidCode):
            await env.client.validate(number, "000000")
        env.clock.advance(10)
    await env.client.send_token(number, channel_id="c1")
    code = await last_code(env.client, number)
    with pytest.raises(InvalidCode):
        await env.client.validate(number, wrong_code(code))
    env.clock.advance(10)
    with pytest.raises(TooManyFailures) as info:
        await env.client.validate(number, code)
    # Failures at 0, 10 and 20 s; now 30 s: the first leaves the 24 h window in 86 370 s.
    assert_problem(info.value, 429, "too_many_failures", {"retry_after": 86_370})
    assert info.value.retry_after == 86_370


# -- cancel, absence, simulator ---------------------------------------------------------------


async def test_cancel_errors(env: Env) -> None:
    with pytest.raises(GuideNotFound) as missing:
        await env.client.cancel_token(UNKNOWN_GUIDE)
    assert_problem(missing.value, 404, "guide_not_found")
    denied = (await env.demo()).with_status("denied")
    with pytest.raises(GuideNotAwaitingToken) as info:
        await env.client.cancel_token(denied.number)
    assert_problem(info.value, 409, "guide_not_awaiting_token", {"guide_status": "denied"})


async def test_absence_unknown_guide(env: Env) -> None:
    with pytest.raises(GuideNotFound) as info:
        await env.client.absence(UNKNOWN_GUIDE, "01")
    assert_problem(info.value, 404, "guide_not_found")


async def test_absence_guide_not_awaiting_token(env: Env) -> None:
    for status in NOT_AWAITING:
        guide = (await env.demo()).with_status(status)
        with pytest.raises(GuideNotAwaitingToken) as info:
            await env.client.absence(guide.number, "02")
        assert_problem(info.value, 409, "guide_not_awaiting_token", {"guide_status": status})
        after = await env.client.get_guide(guide.number)
        assert (after.status, after.absence_reason) == (status, guide.absence_reason)


async def test_absence_unknown_reason(env: Env) -> None:
    number = (await env.demo()).number(CARLOS)
    for reason in ("00", "08", "1", "001", "ab", "", "99"):
        with pytest.raises(UnknownReason) as info:
            await env.client.absence(number, reason)
        assert_problem(info.value, 422, "unknown_reason")
    guide = await env.client.get_guide(number)
    assert (guide.status, guide.absence_reason) == ("awaiting_token", None)


async def test_simulator_errors(env: Env) -> None:
    demo = await env.demo()
    with pytest.raises(NotFound) as no_card:
        await env.client.app_code("0000 0000 0000 0000")
    assert_problem(no_card.value, 404, "not_found")
    with pytest.raises(NotFound) as no_app:
        await env.client.app_code(demo.card(JOAO))
    assert_problem(no_app.value, 404, "not_found")
    with pytest.raises(GuideNotFound) as missing:
        await env.client.sac_code(UNKNOWN_GUIDE)
    assert_problem(missing.value, 404, "guide_not_found")
    with pytest.raises(GuideNotAwaitingToken) as done:
        await env.client.sac_code(demo.with_status("authorized").number)
    assert_problem(done.value, 409, "guide_not_awaiting_token", {"guide_status": "authorized"})
    for seconds in (-1, 31_536_001):
        with pytest.raises(InvalidRequest) as bad:
            await env.client.advance_clock(seconds)
        assert_problem(bad.value, 400, "invalid_request")


async def test_the_sac_opens_a_guide_the_operator_has_not_seen_for_a_known_card(
    env: Env,
) -> None:
    """A TISS counter's guide started by hand reaches the operator only with its request: the
    simulator's call centre opens it for the card, and its code then releases it."""
    demo = await env.demo()
    card = demo.card(JOAO)  # no app: the SAC is his way to a code
    code = await env.client.sac_code("9202611180001", card=card, kind="sp_sadt", provider="123")
    guide = await env.client.validate("9202611180001", code)
    assert guide.status == "authorized" and guide.beneficiary.card == card
    assert guide.type == "sp_sadt"
    with pytest.raises(GuideNotFound) as stranger:
        await env.client.sac_code("9202611180002", card="0000 0000 0000 0000", kind="sp_sadt")
    assert_problem(stranger.value, 404, "guide_not_found")
    with pytest.raises(InvalidRequest) as bad:
        await env.client.sac_code("9202611180002", card=card, kind="internacao")
    assert_problem(bad.value, 400, "invalid_request")


async def test_simulator_paths_absent_off_the_local_backend(settable_env: Env) -> None:
    env = settable_env
    env.backend.settings = replace(env.backend.settings, simulator=False)
    for call in (
        env.client.outbox(),
        env.client.app_code("0064 8000 1234 5678"),
        env.client.advance_clock(1),
    ):
        with pytest.raises(NotFound) as info:
            await call
        assert_problem(info.value, 404, "not_found")
    assert (await env.client.health()).mode is None


# -- general codes ---------------------------------------------------------------------------


async def test_unauthorized_missing_and_wrong_key(env: Env) -> None:
    number = (await env.demo()).number(MARIA)
    # Embedded: an in-process app on the same backend; served: its own connection pool.
    for key in (None, WRONG_KEY, env.api_key + "x", env.api_key[:-1]):
        async with FrontdeskClient(env.base_url, api_key=key, asgi_app=env.app, retries=0) as other:
            env.log.attach(other)
            assert (await other.health()).status == "ok"  # the one path without a key
            for call in (
                other.list_guides(),
                other.get_guide(number),
                other.send_token(number, channel_id="c1"),
                other.validate(number, "123456"),
                other.outbox(),
            ):
                with pytest.raises(Unauthorized) as info:
                    await call
                assert_problem(info.value, 401, "unauthorized")
    assert await env.client.outbox() == []


async def test_unauthorized_raw(env: Env) -> None:
    for authorization in (
        None,
        "",
        "Bearer",
        "Basic {key}",
        "Bearer {key}x",
        "{key}",
        "Token {key}",
    ):
        headers = {}
        if authorization is not None:
            headers["Authorization"] = authorization.format(key=env.api_key)
        for method, path in (("GET", "/v1/guides"), ("POST", "/v1/_local/clock")):
            response = await env.raw.request(method, path, headers=headers, json={})
            assert response.status_code == 401, authorization
            assert response.headers["content-type"] == PROBLEM_JSON
            assert response.headers["www-authenticate"].startswith("Bearer")
            assert response.json()["code"] == "unauthorized"
    assert env.clock.offset == 0


async def test_bearer_scheme_is_case_insensitive(env: Env) -> None:
    response = await env.raw.get("/v1/guides", headers={"Authorization": f"bearer {env.api_key}"})
    assert response.status_code == 200


async def test_problem_documents_raw(env: Env) -> None:
    """The problem document's members, and the headers, on the wire."""
    number = (await env.demo()).number(MARIA)
    first = await env.raw.post(
        f"/v1/guides/{number}/token", json={"channel_id": "c1"}, headers=env.auth()
    )
    assert first.status_code == 201
    assert first.headers["content-type"] == "application/json"
    env.clock.advance(20)
    again = await env.raw.post(
        f"/v1/guides/{number}/token", json={"channel_id": "c1"}, headers=env.auth()
    )
    assert again.status_code == 429
    assert again.headers["content-type"] == PROBLEM_JSON
    assert again.headers["retry-after"] == "40"
    body = again.json()
    assert body["type"] == "urn:frontdesk:problem:resend_too_soon"
    assert (body["status"], body["code"], body["retry_after"]) == (429, "resend_too_soon", 40)
    assert isinstance(body["title"], str) and isinstance(body["detail"], str)
    assert "Traceback" not in again.text


async def test_retry_after_header_on_every_429(tight_env: Env) -> None:
    env = tight_env
    demo = await env.demo()
    first, second = demo.numbers(MARIA)[:2]
    path = f"/v1/guides/{first}/token"
    await env.raw.post(path, json={"channel_id": "c1"}, headers=env.auth())
    env.clock.advance(60)
    await env.raw.post(path, json={"channel_id": "c1"}, headers=env.auth())
    env.clock.advance(60)
    sends = await env.raw.post(path, json={"channel_id": "c1"}, headers=env.auth())
    assert (sends.status_code, sends.json()["code"]) == (429, "too_many_sends")
    assert sends.headers["retry-after"] == str(sends.json()["retry_after"]) == "3480"

    bad = wrong_code(
        await last_code(env.client, first), await env.client.app_code(demo.card(MARIA))
    )
    for number in (first, first, second):  # two lock the first guide, the third counts too
        response = await env.raw.post(
            f"/v1/guides/{number}/token/validate", json={"code": bad}, headers=env.auth()
        )
        assert (response.status_code, response.json()["code"]) == (422, "invalid_code")
    failures = await env.raw.post(
        f"/v1/guides/{second}/token/validate", json={"code": bad}, headers=env.auth()
    )
    assert (failures.status_code, failures.json()["code"]) == (429, "too_many_failures")
    assert failures.headers["retry-after"] == str(failures.json()["retry_after"]) == "86400"


INVALID_BODIES = (
    ("/token/validate", b"[]"),
    ("/token/validate", b'"123456"'),
    ("/token/validate", b"123456"),
    ("/token/validate", b"null"),
    ("/token/validate", b"{"),
    ("/token/validate", b"\xff\xfe"),
    ("/token/validate", b"{}"),
    ("/token/validate", b'{"code": 123456}'),
    ("/token", b'{"channel_id": ["c1"]}'),
    ("/token", b'{"channel_id": "c1", "channel": "sms"}'),
    ("/token", b'{"channel": "email"}'),
    ("/token/absence", b'{"reason": 1}'),
    ("/token/absence", b""),
    ("/token/cancel", b"[1]"),
)


async def test_invalid_request(env: Env) -> None:
    number = (await env.demo()).number(MARIA)
    for path, content in INVALID_BODIES:
        response = await env.raw.post(
            f"/v1/guides/{number}{path}",
            content=content,
            headers=env.auth(**{"Content-Type": "application/json"}),
        )
        assert response.status_code == 400, (path, content)
        assert response.json()["code"] == "invalid_request"
    assert (await env.client.get_token(number)).state == "none"


async def test_invalid_request_through_the_client(env: Env) -> None:
    number = (await env.demo()).number(MARIA)
    with pytest.raises(InvalidRequest) as info:
        await env.client.send_token(number)  # neither channel_id nor channel + destination
    assert_problem(info.value, 400, "invalid_request")


async def test_invalid_idempotency_key(env: Env) -> None:
    number = (await env.demo()).number(MARIA)
    for key in (b"", b"x" * 129, "clé".encode(), b"tab\there", b"\x7f", b"a\x80", "日本".encode()):
        headers: dict[str, Any] = {**env.auth(), "Idempotency-Key": key}
        response = await env.raw.post(
            f"/v1/guides/{number}/token", json={"channel_id": "c1"}, headers=headers
        )
        assert response.status_code == 400, key
        assert response.json()["code"] == "invalid_idempotency_key"
    assert await env.client.outbox() == []


async def test_idempotency_key_limits_accepted(env: Env) -> None:
    number = (await env.demo()).number(MARIA)
    for key in ("k", "~" * 128, "a b!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}"):
        response = await env.raw.post(
            f"/v1/guides/{number}/token/validate",
            json={"code": "12"},
            headers=env.auth(Idempotency_Key=key),
        )
        assert (response.status_code, response.json()["code"]) == (400, "malformed_code")


async def test_client_refuses_a_bad_idempotency_key(env: Env) -> None:
    number = (await env.demo()).number(MARIA)
    for key in ("x" * 129, "clé", "tab\there"):
        with pytest.raises(ValueError, match="idempotency_key"):
            await env.client.send_token(number, channel_id="c1", idempotency_key=key)
    assert await env.client.outbox() == []


async def test_not_found(env: Env) -> None:
    paths = (
        "/v1/nope",
        "/v2/guides",
        "/v1/guides/1/nope",
        "/v1/_local/nope",
        "/",
        "/v1/guides/1/token/x",
    )
    for path in paths:
        response = await env.raw.get(path, headers=env.auth())
        assert response.status_code == 404, path
        assert response.headers["content-type"] == PROBLEM_JSON
        assert response.json()["code"] == "not_found"


async def test_method_not_allowed(env: Env) -> None:
    number = (await env.demo()).number(MARIA)
    for method, path in (
        ("DELETE", "/v1/guides/{n}"),
        ("PUT", "/v1/guides/{n}/token"),
        ("GET", "/v1/guides/{n}/token/validate"),
        ("PATCH", "/v1/guides/{n}/token/absence"),
        ("POST", "/v1/guides"),
        ("POST", "/v1/health"),
        ("DELETE", "/v1/_local/outbox"),
    ):
        response = await env.raw.request(method, path.format(n=number), headers=env.auth())
        assert response.status_code == 405, (method, path)
        assert response.headers["content-type"] == PROBLEM_JSON
        assert response.json()["code"] == "method_not_allowed"


async def test_payload_too_large(env: Env) -> None:
    number = (await env.demo()).number(MARIA)
    for size in (16 * 1024 + 1, 64 * 1024, 1024 * 1024):
        filler = "x" * (size - len('{"code": "123456", "pad": ""}'))
        content = f'{{"code": "123456", "pad": "{filler}"}}'.encode()
        assert len(content) == size
        response = await env.raw.post(
            f"/v1/guides/{number}/token/validate",
            content=content,
            headers=env.auth(**{"Content-Type": "application/json"}),
        )
        assert response.status_code == 413, size
        assert response.json()["code"] == "payload_too_large"
    assert (await env.client.get_token(number)).state == "none"


async def test_payload_too_large_without_content_length(env: Env) -> None:
    number = (await env.demo()).number(MARIA)

    async def chunks() -> Any:
        yield b'{"channel_id": "c1", "pad": "'
        for _ in range(20):
            yield b"x" * 1024
        yield b'"}'

    response = await env.raw.post(
        f"/v1/guides/{number}/token", content=chunks(), headers=env.auth()
    )
    assert "content-length" not in response.request.headers
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"
    assert await env.client.outbox() == []


async def test_body_at_the_limit_is_read(env: Env) -> None:
    number = (await env.demo()).number(MARIA)
    filler = " " * (16 * 1024 - len('{"code": "12"}'))  # JSON whitespace: no unknown member
    content = f'{{"code": "12"{filler}}}'.encode()
    assert len(content) == 16 * 1024
    response = await env.raw.post(
        f"/v1/guides/{number}/token/validate",
        content=content,
        headers=env.auth(**{"Content-Type": "application/json"}),
    )
    assert (response.status_code, response.json()["code"]) == (400, "malformed_code")


async def test_bad_query_params(env: Env) -> None:
    for query in (
        {"status": "bogus"},
        {"status": ""},
        {"card": "abc"},
        {"card": ""},
        {"card": "1" * 65},
        {"status": "AUTHORIZED"},
    ):
        response = await env.raw.get("/v1/guides", params=query, headers=env.auth())
        assert response.status_code == 400, query
        assert response.json()["code"] == "invalid_request"


async def test_app_code_without_card(env: Env) -> None:
    for params in ({}, {"card": ""}, {"card": "1" * 65}):
        response = await env.raw.get("/v1/_local/app-code", params=params, headers=env.auth())
        assert (response.status_code, response.json()["code"]) == (400, "invalid_request")
