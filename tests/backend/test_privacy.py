"""Codes and contacts: masked as docs/glossary.md shows, never a code outside the simulator."""

from __future__ import annotations

import json
import logging
import string
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frontdesk.client import (
    AlreadyAuthorized,
    ApiError,
    InvalidCode,
    MalformedCode,
    ResendTooSoon,
    TokenExpired,
    TokenLocked,
)
from frontdesk.core.contacts import digits_only, mask_email, mask_phone
from support.demo import (
    ANA,
    CARLOS,
    DEMO_EMAILS,
    DEMO_PHONES,
    FRANCISCA,
    JOAO,
    LUIZ,
    MARIA,
    app_secret,
    app_window,
    code_pattern,
    last_code,
    reveals_contact,
    wrong_code,
)

from .conftest import Env

SIMULATOR = "/v1/_local/"


def strings(node: Any) -> Iterator[str]:
    """Every string (keys and values) in a decoded JSON document."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield key
            yield from strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from strings(value)


# -- the masks ------------------------------------------------------------------------------


def test_mask_formats_exactly() -> None:
    assert mask_phone("43991231234") == "(43) *****-1234"
    assert mask_phone("(43) 99123-1234") == "(43) *****-1234"
    assert mask_phone("+55 43 99123-1234") == "(43) *****-1234"
    assert mask_phone("4332231234") == "(43) *****-1234"  # a landline
    assert mask_email("maria.souza@email.com") == "ma****@e*****.com"
    assert mask_email("ana.lima@uol.com.br") == "an****@u*****.com.br"
    assert mask_email("MARIA@Email.COM") == "MA****@E*****.COM"


@settings(max_examples=150, deadline=None)
@given(ddd=st.integers(11, 99), rest=st.text(string.digits, min_size=8, max_size=9))
def test_mask_phone_shows_ddd_and_last_four_only(ddd: int, rest: str) -> None:
    phone = f"{ddd}{rest}"
    masked = mask_phone(phone)
    assert masked == f"({ddd}) *****-{phone[-4:]}"
    assert phone not in digits_only(masked)


@settings(max_examples=150, deadline=None)
@given(
    local=st.text(string.ascii_letters + string.digits + "._%+-", min_size=1, max_size=64),
    domain=st.text(string.ascii_lowercase, min_size=1, max_size=20),
    tld=st.sampled_from(["com", "com.br", "org", "net.br"]),
)
def test_mask_email_never_shows_the_whole_name(local: str, domain: str, tld: str) -> None:
    masked = mask_email(f"{local}@{domain}.{tld}")
    shown, _, rest = masked.partition("@")
    head = shown.rstrip("*")
    assert shown == head + "****"
    assert len(head) < len(local), f"{local!r} is shown whole in {masked!r}"
    assert local.startswith(head)
    assert rest == f"{domain[0]}*****.{tld}"


def test_mask_email_of_a_one_letter_name() -> None:
    assert mask_email("a@exemplo.com") == "****@e*****.com"
    assert mask_email("ab@exemplo.com") == "a****@e*****.com"
    assert mask_email("abc@exemplo.com") == "ab****@e*****.com"


# -- what leaves the backend ----------------------------------------------------------------


async def test_labels_destinations_and_events_are_masked(env: Env) -> None:
    demo = await env.demo()
    numbers = [demo.number(n) for n in (MARIA, JOAO, ANA, LUIZ, FRANCISCA, CARLOS)]
    labels: list[str] = []
    destinations: list[str] = []
    for number in numbers:
        channels = await env.client.channels(number)
        registered = [c for c in channels.channels if c.kind in ("sms", "email")]
        for channel in registered:
            assert channel.label is not None
            labels.append(channel.label)
            token = await env.client.send_token(number, channel_id=channel.id)
            assert token.destination == channel.label
            destinations.append(token.destination)
            await env.client.advance_clock(60)
        for event in await env.client.events(number):
            if event.destination is not None:
                destinations.append(event.destination)
    await env.client.send_token(
        demo.numbers(MARIA)[1], channel="email", destination="x.y.z@exemplo.com"
    )
    destinations.append((await env.client.get_token(demo.numbers(MARIA)[1])).destination or "")

    sent_to = {m.to for m in await env.client.outbox()}
    # Every registered contact of the beneficiaries with a guide awaiting a token (Antônio
    # Carlos Ribeiro has none), and the typed e-mail.
    everyone = set(DEMO_PHONES) | set(DEMO_EMAILS) | {"x.y.z@exemplo.com"}
    assert sent_to == everyone - {"41984561230"}
    assert "(43) *****-1234" in labels and "ma****@e*****.com" in labels
    for shown in labels + destinations:
        assert reveals_contact(shown) is None, shown
        for to in sent_to:
            if "@" in to:
                assert to.split("@")[0] not in shown, (to, shown)
            else:
                assert to not in digits_only(shown) and to[2:] not in digits_only(shown)

    # Nothing the desk received (simulator paths aside) shows a contact unmasked.
    for seen in env.log.seen:
        if seen.path.startswith(SIMULATOR):
            continue
        for text in strings(seen.body):
            assert reveals_contact(text) is None, (seen.path, text)
            assert "x.y.z" not in text, (seen.path, text)


def _capture_everything(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    for name in ("frontdesk", "frontdesk.access", "frontdesk.server", "uvicorn", "httpx"):
        logger = logging.getLogger(name)
        logger.setLevel(logging.DEBUG)
        if not logger.propagate:
            logger.addHandler(caplog.handler)


async def test_no_code_in_logs_events_or_error_bodies(
    env: Env, caplog: pytest.LogCaptureFixture
) -> None:
    _capture_everything(caplog)
    demo = await env.demo()
    codes: set[str] = set()
    typed: set[str] = set()
    maria = demo.numbers(MARIA)
    card = demo.card(MARIA)
    secret = app_secret(env.backend, card)

    # SMS: a wrong code, the right code replayed with one key, then already authorized.
    await env.client.send_token(maria[0], channel_id="c1", idempotency_key="flow-send")
    await env.client.send_token(maria[0], channel_id="c1", idempotency_key="flow-send")
    code = await last_code(env.client, maria[0])
    codes.add(code)
    codes |= app_window(secret, env.clock.now())
    bad = wrong_code(*codes)
    typed.add(bad)
    with pytest.raises(InvalidCode):
        await env.client.validate(maria[0], bad)
    with pytest.raises(MalformedCode):
        await env.client.validate(maria[0], code + "9")
    await env.client.validate(maria[0], code, idempotency_key="flow-validate")
    await env.client.validate(maria[0], code, idempotency_key="flow-validate")
    with pytest.raises(AlreadyAuthorized):
        await env.client.validate(maria[0], code)

    # App: authorizes one guide, refused on the next.
    app = await env.client.app_code(card)
    codes.add(app)
    await env.client.validate(maria[1], app)
    with pytest.raises(InvalidCode):
        await env.client.validate(maria[2], app)

    # E-mail: expired, then a new one, locked by wrong codes, the right one refused.
    await env.client.send_token(maria[2], channel_id="c4")
    expired = await last_code(env.client, maria[2])
    codes.add(expired)
    await env.client.advance_clock(1801)
    codes |= app_window(secret, env.clock.now())
    with pytest.raises(TokenExpired):
        await env.client.validate(maria[2], expired)
    await env.client.send_token(maria[2], channel_id="c4")
    with pytest.raises(ResendTooSoon):
        await env.client.send_token(maria[2], channel_id="c4")
    fresh = await last_code(env.client, maria[2])
    codes.add(fresh)
    bad = wrong_code(*codes)
    typed.add(bad)
    for _ in range(5):
        with pytest.raises(InvalidCode):
            await env.client.validate(maria[2], bad)
    with pytest.raises(TokenLocked):
        await env.client.validate(maria[2], fresh)

    # SAC, and an absence after a pending code.
    sac = await env.client.sac_code(demo.number(CARLOS))
    codes.add(sac)
    await env.client.validate(demo.number(CARLOS), sac)
    await env.client.send_token(demo.number(JOAO), channel_id="c1")
    codes.add(await last_code(env.client, demo.number(JOAO)))
    await env.client.absence(demo.number(JOAO), "01")
    for number in demo.awaiting():
        await env.client.events(number)
        await env.client.get_token(number)
    await env.client.list_guides()

    pattern = code_pattern(codes | typed)
    simulator_answers = 0
    for seen in env.log.seen:
        text = json.dumps(seen.body, ensure_ascii=False)
        if seen.path.startswith(SIMULATOR):
            simulator_answers += 1
            continue
        assert not pattern.search(text), (seen.path, text)
        assert not pattern.search(json.dumps(seen.headers)), (seen.path, seen.headers)
    assert simulator_answers >= 5
    for number in demo.awaiting():
        for event in await env.client.events(number):
            assert not pattern.search(repr(event)), event
    lines = [r.getMessage() for r in caplog.records]
    lines += [repr(r.args) for r in caplog.records]
    lines += [caplog.text]
    for line in lines:
        assert not pattern.search(line), line
        assert reveals_contact(line) is None, line
    if env.kind == "served":
        assert any(r.name == "frontdesk.access" for r in caplog.records)


async def test_error_details_do_not_echo_input(env: Env) -> None:
    number = (await env.demo()).number(JOAO)
    await env.client.send_token(number, channel_id="c1")
    code = await last_code(env.client, number)
    errors: list[ApiError] = []
    for attempt in (code[::-1] if code[::-1] != code else wrong_code(code), code + "0", "12ab56"):
        with pytest.raises(ApiError) as info:
            await env.client.validate(number, attempt)
        errors.append(info.value)
        assert attempt not in str(info.value)
        assert attempt not in json.dumps(info.value.extra)
    assert [e.error_code for e in errors] == ["invalid_code", "malformed_code", "malformed_code"]
