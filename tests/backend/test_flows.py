"""The token rules end to end through the client, embedded and served: the state that matters."""

from __future__ import annotations

import pyotp
import pytest

from frontdesk.client import (
    AlreadyAuthorized,
    GuideNotAwaitingToken,
    InvalidCode,
    NoTokenPending,
    ResendTooSoon,
    TokenExpired,
    TokenLocked,
    TooManyFailures,
    TooManySends,
)
from frontdesk.core.contacts import digits_only
from support.demo import (
    ANA,
    CARLOS,
    FRANCISCA,
    JOAO,
    LUIZ,
    MARIA,
    app_secret,
    last_code,
    wrong_code,
)

from .conftest import Env

# -- idempotency -----------------------------------------------------------------------------


async def test_send_with_the_same_idempotency_key_sends_once(env: Env) -> None:
    number = (await env.demo()).number(MARIA)
    path = f"/v1/guides/{number}/token"
    headers = env.auth(Idempotency_Key="desk-07-send-1")
    first = await env.raw.post(path, json={"channel_id": "c1"}, headers=headers)
    env.clock.advance(5)  # a retry a little later: still the first answer
    second = await env.raw.post(path, json={"channel_id": "c1"}, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.content == second.content
    assert first.headers["content-type"] == second.headers["content-type"]
    assert "idempotent-replayed" not in first.headers
    assert second.headers["idempotent-replayed"] == "true"
    assert len(await env.client.outbox()) == 1
    assert [e.kind for e in await env.client.events(number)].count("token_sent") == 1
    token = await env.client.get_token(number)
    assert (token.sends_left, token.resend_in) == (4, 55)


async def test_send_idempotency_through_the_client(env: Env) -> None:
    number = (await env.demo()).number(MARIA)
    first = await env.client.send_token(number, channel_id="c2", idempotency_key="k-1")
    second = await env.client.send_token(number, channel_id="c2", idempotency_key="k-1")
    assert first == second
    assert len(await env.client.outbox()) == 1
    # A different key is a new request: too soon, refused with the wait.
    with pytest.raises(ResendTooSoon):
        await env.client.send_token(number, channel_id="c2", idempotency_key="k-2")


async def test_same_key_on_another_path_is_another_request(env: Env) -> None:
    first, second = (await env.demo()).numbers(MARIA)[:2]
    await env.client.send_token(first, channel_id="c1", idempotency_key="shared")
    await env.client.send_token(second, channel_id="c1", idempotency_key="shared")
    assert sorted(m.guide for m in await env.client.outbox()) == [first, second]


async def test_same_key_with_another_body_is_refused(
    env: Env, caplog: pytest.LogCaptureFixture
) -> None:
    """The IETF Idempotency-Key draft: a key reused with another payload is a client error
    (422), not a replay of an answer to a request that was not made."""
    number = (await env.demo()).number(MARIA)
    path = f"/v1/guides/{number}/token"
    headers = env.auth(Idempotency_Key="reused")
    first = await env.raw.post(path, json={"channel_id": "c1"}, headers=headers)
    second = await env.raw.post(path, json={"channel_id": "c2"}, headers=headers)
    assert first.status_code == 201
    assert (second.status_code, second.json()["code"]) == (422, "idempotency_key_reused")
    assert second.headers["content-type"] == "application/problem+json"
    assert "idempotent-replayed" not in second.headers
    assert [m.to for m in await env.client.outbox()] == ["43991231234"]
    assert [e.kind for e in await env.client.events(number)] == ["token_sent"]
    # The same body again is still the first answer, replayed; JSON spacing and member
    # order do not make another body.
    third = await env.raw.post(
        path,
        content=b'{ "channel_id" :"c1" }',
        headers={**headers, "Content-Type": "application/json"},
    )
    assert (third.status_code, third.content) == (201, first.content)
    assert third.headers["idempotent-replayed"] == "true"
    # No body at all is another body too.
    fourth = await env.raw.post(path, headers=headers)
    assert (fourth.status_code, fourth.json()["code"]) == (422, "idempotency_key_reused")
    assert len(await env.client.outbox()) == 1


async def test_replayed_error_is_identical_with_its_headers(env: Env) -> None:
    number = (await env.demo()).number(MARIA)
    path = f"/v1/guides/{number}/token"
    await env.raw.post(path, json={"channel_id": "c1"}, headers=env.auth())
    headers = env.auth(Idempotency_Key="too-soon")
    first = await env.raw.post(path, json={"channel_id": "c1"}, headers=headers)
    env.clock.advance(10)
    second = await env.raw.post(path, json={"channel_id": "c1"}, headers=headers)
    assert first.status_code == second.status_code == 429
    assert first.content == second.content
    assert first.headers["retry-after"] == second.headers["retry-after"] == "60"
    assert second.headers["content-type"] == "application/problem+json"
    assert second.headers["idempotent-replayed"] == "true"


async def test_validate_wrong_code_twice_with_one_key_counts_once(env: Env) -> None:
    number = (await env.demo()).number(JOAO)
    await env.client.send_token(number, channel_id="c1")
    bad = wrong_code(await last_code(env.client, number))
    path = f"/v1/guides/{number}/token/validate"
    headers = env.auth(Idempotency_Key="validate-once")
    first = await env.raw.post(path, json={"code": bad}, headers=headers)
    second = await env.raw.post(path, json={"code": bad}, headers=headers)
    assert first.status_code == second.status_code == 422
    assert first.content == second.content
    assert first.json()["attempts_left"] == 4
    assert second.headers["idempotent-replayed"] == "true"
    assert (await env.client.get_token(number)).attempts_left == 4
    events = await env.client.events(number)
    assert [e.kind for e in events].count("code_rejected") == 1
    card = digits_only((await env.demo()).card(JOAO))
    with env.backend.store.transaction(commit=False):
        assert env.backend.store.failure_times(card, 0) == [env.clock.now()]


async def test_validate_right_code_replayed_authorizes_once(env: Env) -> None:
    number = (await env.demo()).number(JOAO)
    await env.client.send_token(number, channel_id="c1")
    code = await last_code(env.client, number)
    first = await env.client.validate(number, code, idempotency_key="v-1")
    second = await env.client.validate(number, code, idempotency_key="v-1")
    assert first == second
    assert first.status == "authorized"
    kinds = [e.kind for e in await env.client.events(number)]
    assert kinds.count("authorized") == 1
    with pytest.raises(AlreadyAuthorized) as info:
        await env.client.validate(number, code, idempotency_key="v-2")
    assert info.value.authorization == first.authorization


async def test_idempotency_expires_after_24_hours(env: Env) -> None:
    number = (await env.demo()).number(JOAO)
    await env.client.send_token(number, channel_id="c1", idempotency_key="day-old")
    env.clock.advance(24 * 3600 + 1)
    token = await env.client.send_token(number, channel_id="c1", idempotency_key="day-old")
    assert token.state == "pending"
    assert len(await env.client.outbox()) == 2


async def test_stored_answers_older_than_a_day_are_purged(env: Env) -> None:
    first, second = (await env.demo()).numbers(MARIA)[:2]
    await env.client.send_token(first, channel_id="c1", idempotency_key="old-answer")
    store = env.backend.store
    with store.transaction():
        assert store.get_response("old-answer", f"POST /v1/guides/{first}/token", 0) is not None
    env.clock.advance(25 * 3600)
    await env.client.send_token(second, channel_id="c1", idempotency_key="new-answer")
    with store.transaction():
        # Read with no age limit: the day-old answer is gone from the table, not just ignored.
        assert store.get_response("old-answer", f"POST /v1/guides/{first}/token", 0) is None
        assert store.get_response("new-answer", f"POST /v1/guides/{second}/token", 0) is not None


# -- expiry, lockout, resend -----------------------------------------------------------------


async def test_expiry_through_the_simulator_clock(env: Env) -> None:
    number = (await env.demo()).number(JOAO)
    sent = await env.client.send_token(number, channel_id="c1")
    assert (sent.state, sent.expires_in, sent.attempts_left) == ("pending", 1800, 5)
    code = await last_code(env.client, number)
    await env.client.advance_clock(1799)
    assert (await env.client.get_token(number)).expires_in == 1
    await env.client.advance_clock(2)
    with pytest.raises(TokenExpired):
        await env.client.validate(number, code)
    token = await env.client.get_token(number)
    assert token.state == "expired"
    assert token.expires_in == 0
    kinds = [e.kind for e in await env.client.events(number)]
    assert kinds == ["token_sent", "delivery", "token_expired"]
    assert (await env.client.get_guide(number)).status == "awaiting_token"
    # A new send gives a working code again.
    await env.client.send_token(number, channel_id="c1")
    guide = await env.client.validate(number, await last_code(env.client, number))
    assert guide.status == "authorized"


async def test_code_works_until_the_last_second(env: Env) -> None:
    number = (await env.demo()).number(JOAO)
    await env.client.send_token(number, channel_id="c1")
    await env.client.advance_clock(1799)
    guide = await env.client.validate(number, await last_code(env.client, number))
    assert guide.status == "authorized"


async def test_lockout_after_the_last_wrong_code(env: Env) -> None:
    number = (await env.demo()).number(MARIA)
    await env.client.send_token(number, channel_id="c1")
    code = await last_code(env.client, number)
    bad = wrong_code(code, await env.client.app_code((await env.demo()).card(MARIA)))
    for left in (4, 3, 2, 1, 0):
        with pytest.raises(InvalidCode) as info:
            await env.client.validate(number, bad)
        assert info.value.attempts_left == left
        assert (await env.client.get_token(number)).attempts_left == left
    assert (await env.client.get_token(number)).state == "locked"
    with pytest.raises(TokenLocked):
        await env.client.validate(number, code)  # the right code, too late
    with pytest.raises(TokenLocked):
        await env.client.validate(number, bad)
    assert (await env.client.get_token(number)).attempts_left == 0
    kinds = [e.kind for e in await env.client.events(number)]
    assert kinds.count("code_rejected") == 5
    assert kinds[-1] == "token_locked"
    assert (await env.client.get_guide(number)).status == "awaiting_token"

    # A new send unlocks, with a fresh allowance.
    await env.client.advance_clock(60)
    token = await env.client.send_token(number, channel_id="c1")
    assert (token.state, token.attempts_left) == ("pending", 5)
    guide = await env.client.validate(number, await last_code(env.client, number))
    assert guide.status == "authorized"


async def test_locked_refuses_the_app_code_too(tight_env: Env) -> None:
    env = tight_env
    demo = await env.demo()
    number = demo.number(MARIA)
    await env.client.send_token(number, channel_id="c1")
    app = await env.client.app_code(demo.card(MARIA))
    bad = wrong_code(await last_code(env.client, number), app)
    for _ in range(2):
        with pytest.raises(InvalidCode):
            await env.client.validate(number, bad)
    with pytest.raises(TokenLocked):
        await env.client.validate(number, app)


async def test_resend_wait(env: Env) -> None:
    number = (await env.demo()).number(MARIA)
    token = await env.client.send_token(number, channel_id="c1")
    assert (token.resend_in, token.sends_left) == (60, 4)
    with pytest.raises(ResendTooSoon) as info:
        await env.client.send_token(number, channel_id="c2")
    assert info.value.retry_after == 60
    await env.client.advance_clock(59)
    with pytest.raises(ResendTooSoon) as info:
        await env.client.send_token(number, channel_id="c2")
    assert info.value.retry_after == 1
    await env.client.advance_clock(1)
    token = await env.client.send_token(number, channel_id="c2")
    assert (token.state, token.destination, token.sends_left) == ("pending", "(43) *****-8870", 3)
    assert len(await env.client.outbox()) == 2


async def test_sends_per_hour(tight_env: Env) -> None:
    env = tight_env  # 2 sends per hour
    number = (await env.demo()).number(MARIA)
    await env.client.send_token(number, channel_id="c1")
    await env.client.advance_clock(60)
    token = await env.client.send_token(number, channel_id="c1")
    assert token.sends_left == 0
    await env.client.advance_clock(60)
    with pytest.raises(TooManySends) as info:
        await env.client.send_token(number, channel_id="c1")
    assert info.value.retry_after == 3600 - 120
    await env.client.advance_clock(3600 - 121)
    with pytest.raises(TooManySends) as info:
        await env.client.send_token(number, channel_id="c1")
    assert info.value.retry_after == 1
    await env.client.advance_clock(1)
    assert (await env.client.send_token(number, channel_id="c1")).state == "pending"
    assert len(await env.client.outbox()) == 3


async def test_sends_per_hour_is_per_guide(tight_env: Env) -> None:
    env = tight_env
    first, second = (await env.demo()).numbers(MARIA)[:2]
    await env.client.send_token(first, channel_id="c1")
    await env.client.advance_clock(60)
    await env.client.send_token(first, channel_id="c1")
    await env.client.advance_clock(60)
    with pytest.raises(TooManySends):
        await env.client.send_token(first, channel_id="c1")
    assert (await env.client.send_token(second, channel_id="c1")).state == "pending"


async def test_card_failure_ceiling_across_guides(tight_env: Env) -> None:
    env = tight_env  # 2 attempts per challenge, 3 failures per card per 24 h
    demo = await env.demo()
    a, b, c = demo.numbers(MARIA)
    card = demo.card(MARIA)
    for number in (a, b, c):
        await env.client.send_token(number, channel_id="c1")
    codes = {n: await last_code(env.client, n) for n in (a, b, c)}
    bad = wrong_code(*codes.values(), await env.client.app_code(card))

    with pytest.raises(InvalidCode) as info:
        await env.client.validate(a, bad)
    assert info.value.attempts_left == 1
    await env.client.advance_clock(100)
    with pytest.raises(InvalidCode):
        await env.client.validate(a, bad)  # locks guide A
    await env.client.advance_clock(100)
    with pytest.raises(InvalidCode) as info:
        await env.client.validate(b, bad)  # the card's third failure, on another guide
    assert info.value.attempts_left == 1
    await env.client.advance_clock(100)

    # Even the right code of a third guide of the same card is refused now.
    with pytest.raises(TooManyFailures) as ceiling:
        await env.client.validate(c, codes[c])
    assert ceiling.value.retry_after == 86_400 - 300
    with pytest.raises(TooManyFailures):
        await env.client.validate(b, codes[b])
    assert (await env.client.get_token(c)).attempts_left == 2  # not counted as attempts
    assert (await env.client.get_guide(c)).status == "awaiting_token"

    # Another card is unaffected.
    joao = demo.number(JOAO)
    await env.client.send_token(joao, channel_id="c1")
    assert (await env.client.validate(joao, await last_code(env.client, joao))).status == (
        "authorized"
    )

    # 24 h after the first failure, the card may try again (guide C's code has expired).
    await env.client.advance_clock(86_400 - 300)
    with pytest.raises(TokenExpired):
        await env.client.validate(c, codes[c])
    await env.client.send_token(c, channel_id="c1")
    assert (await env.client.validate(c, await last_code(env.client, c))).status == "authorized"


# -- app, SAC, absence, replacing ------------------------------------------------------------


async def test_app_code_authorizes_once(env: Env) -> None:
    demo = await env.demo()
    first, second = demo.numbers(MARIA)[:2]
    card = demo.card(MARIA)
    code = await env.client.app_code(card)
    # The simulator's phone shows RFC 6238 over the beneficiary's secret.
    secret = app_secret(env.backend, card)
    assert code == pyotp.TOTP(secret).at(int(env.clock.now()))
    guide = await env.client.validate(first, code)
    assert guide.status == "authorized"
    assert guide.authorization is not None
    assert [e.channel for e in await env.client.events(first) if e.kind == "authorized"] == ["app"]
    # Single use: the same app code cannot release a second guide.
    with pytest.raises(InvalidCode) as info:
        await env.client.validate(second, code)
    assert info.value.attempts_left == 4
    # The next step's code does.
    await env.client.advance_clock(30)
    fresh = await env.client.app_code(card)
    assert fresh != code
    assert (await env.client.validate(second, fresh)).status == "authorized"


async def test_app_code_window(env: Env) -> None:
    demo = await env.demo()
    a, b, c = demo.numbers(MARIA)
    totp = pyotp.TOTP(app_secret(env.backend, demo.card(MARIA)))
    now = int(env.clock.now())
    # One step behind is accepted (the patient read it just before it changed)…
    assert (await env.client.validate(a, totp.at(now - 30))).status == "authorized"
    # …two steps behind is not, nor a step already used.
    with pytest.raises(InvalidCode):
        await env.client.validate(b, totp.at(now - 60))
    with pytest.raises(InvalidCode):
        await env.client.validate(b, totp.at(now - 30))
    assert (await env.client.validate(b, totp.at(now + 30))).status == "authorized"
    with pytest.raises(InvalidCode):
        await env.client.validate(c, totp.at(now))  # older than the step used last


async def test_app_code_for_a_beneficiary_without_the_app(env: Env) -> None:
    demo = await env.demo()
    number = demo.number(JOAO)
    app_of_maria = await env.client.app_code(demo.card(MARIA))
    await env.client.send_token(number, channel_id="c1")
    code = await last_code(env.client, number)
    if app_of_maria != code:
        with pytest.raises(InvalidCode):
            await env.client.validate(number, app_of_maria)
    assert (await env.client.validate(number, code)).status == "authorized"


async def test_sac_code_authorizes(env: Env) -> None:
    number = (await env.demo()).number(CARLOS)  # no phone, no e-mail, no app
    channels = await env.client.channels(number)
    assert [c.id for c in channels.channels] == ["sac"]
    assert [p.number for p in channels.channels[0].phones] == ["4007-2400", "0800 643 4300"]
    code = await env.client.sac_code(number)
    token = await env.client.get_token(number)
    assert (token.state, token.channel, token.destination) == ("pending", "sac", None)
    assert await env.client.outbox() == []  # dictated by the call centre, nothing sent
    guide = await env.client.validate(number, code)
    assert guide.status == "authorized"
    assert guide.token.state == "used"
    events = await env.client.events(number)
    assert [(e.kind, e.channel) for e in events] == [("token_sent", "sac"), ("authorized", "sac")]
    assert events[-1].authorization == guide.authorization.number  # type: ignore[union-attr]


async def test_sac_code_replaces_a_pending_sms(env: Env) -> None:
    number = (await env.demo()).number(JOAO)
    await env.client.send_token(number, channel_id="c1")
    sms = await last_code(env.client, number)
    sac = await env.client.sac_code(number)
    if sms != sac:
        with pytest.raises(InvalidCode):
            await env.client.validate(number, sms)
    assert (await env.client.validate(number, sac)).status == "authorized"


@pytest.mark.parametrize("reason", ["01", "02"])
async def test_absence_that_authorizes(env: Env, reason: str) -> None:
    number = (await env.demo()).number(CARLOS)
    guide = await env.client.absence(number, reason)
    assert (guide.status, guide.absence_reason) == ("authorized", reason)
    assert guide.authorization is not None
    assert len(guide.authorization.number) == 8
    assert guide.authorization.valid_until == "2026-12-18"  # 30 days after FIXED_EPOCH
    [event] = await env.client.events(number)
    assert (event.kind, event.reason, event.authorization) == (
        "absence",
        reason,
        guide.authorization.number,
    )
    with pytest.raises(AlreadyAuthorized) as info:
        await env.client.validate(number, "123456")
    assert info.value.authorization == guide.authorization


async def test_absence_that_goes_to_review(env: Env) -> None:
    demo = await env.demo()
    numbers = [demo.number(n) for n in (CARLOS, JOAO, ANA, LUIZ, FRANCISCA)]
    for reason, number in zip(("03", "04", "05", "06", "07"), numbers, strict=True):
        guide = await env.client.absence(number, reason)
        assert (guide.status, guide.absence_reason, guide.authorization) == (
            "under_review",
            reason,
            None,
        )
        with pytest.raises(GuideNotAwaitingToken) as info:
            await env.client.send_token(number, channel_id="c1")
        assert info.value.guide_status == "under_review"
    assert {g.number for g in await env.client.list_guides(status="under_review")} >= set(numbers)


async def test_absence_cancels_a_pending_code(env: Env) -> None:
    number = (await env.demo()).number(JOAO)
    await env.client.send_token(number, channel_id="c1")
    code = await last_code(env.client, number)
    guide = await env.client.absence(number, "02")
    assert guide.token.state == "cancelled"
    with pytest.raises(AlreadyAuthorized):
        await env.client.validate(number, code)
    kinds = [e.kind for e in await env.client.events(number)]
    assert kinds[-2:] == ["cancelled", "absence"]


async def test_new_send_replaces_the_pending_code(env: Env) -> None:
    number = (await env.demo()).number(LUIZ)  # a phone and an e-mail, no app
    await env.client.send_token(number, channel_id="c1")
    old = await last_code(env.client, number)
    await env.client.advance_clock(60)
    token = await env.client.send_token(number, channel_id="c2")
    assert (token.channel, token.destination, token.attempts_left) == (
        "email",
        "lu****@g*****.com",
        5,
    )
    new = await last_code(env.client, number)
    if old != new:  # one chance in a million that the new code is the same
        with pytest.raises(InvalidCode) as info:
            await env.client.validate(number, old)
        assert info.value.attempts_left == 4
    kinds = [e.kind for e in await env.client.events(number)]
    assert kinds[:4] == ["token_sent", "delivery", "cancelled", "token_sent"]
    cancelled = (await env.client.events(number))[2]
    assert (cancelled.channel, cancelled.destination) == ("sms", "(21) *****-3210")
    assert (await env.client.validate(number, new)).status == "authorized"


async def test_cancel_drops_the_pending_code(env: Env) -> None:
    number = (await env.demo()).number(JOAO)
    assert (await env.client.cancel_token(number)).state == "none"  # nothing to cancel
    await env.client.send_token(number, channel_id="c1")
    code = await last_code(env.client, number)
    token = await env.client.cancel_token(number)
    assert token.state == "cancelled"
    assert (await env.client.cancel_token(number)).state == "cancelled"  # unchanged
    with pytest.raises(NoTokenPending):
        await env.client.validate(number, code)
    kinds = [e.kind for e in await env.client.events(number)]
    assert kinds.count("cancelled") == 1


async def test_delivery_and_countdowns(env: Env) -> None:
    number = (await env.demo()).number(JOAO)
    token = await env.client.send_token(number, channel_id="c1")
    assert (token.delivery, token.expires_at, token.resend_at) == (
        "sent",
        "2026-11-18T11:36:40Z",
        "2026-11-18T11:07:40Z",
    )
    await env.client.advance_clock(2)
    token = await env.client.get_token(number)
    assert (token.delivery, token.expires_in, token.resend_in) == ("delivered", 1798, 58)
    [sent, delivery] = await env.client.events(number)
    assert (sent.kind, sent.delivery, sent.destination) == ("token_sent", "sent", "(11) *****-4321")
    assert (delivery.kind, delivery.delivery, delivery.at) == (
        "delivery",
        "delivered",
        "2026-11-18T11:06:42Z",
    )


# -- last_used -------------------------------------------------------------------------------


async def test_last_used_follows_the_beneficiary_across_guides(env: Env) -> None:
    a, b, c = (await env.demo()).numbers(MARIA)
    assert (await env.client.channels(b)).last_used is None
    await env.client.send_token(a, channel_id="c2")
    for number in (a, b, c):
        channels = await env.client.channels(number)
        assert [ch.id for ch in channels.channels if ch.last_used] == ["c2"]
    await env.client.send_token(b, channel_id="c4")
    channels = await env.client.channels(c)
    assert [ch.id for ch in channels.channels if ch.last_used] == ["c4"]
    assert channels.last_used is not None and channels.last_used.kind == "email"
    # A typed e-mail equal to a registered one marks that one…
    await env.client.send_token(c, channel="email", destination="maria.souza@email.com")
    assert [ch.id for ch in (await env.client.channels(a)).channels if ch.last_used] == ["c4"]
    # …and SAC, app and other beneficiaries do not move it.
    await env.client.advance_clock(60)
    await env.client.sac_code(a)
    joao = (await env.demo()).number(JOAO)
    await env.client.send_token(joao, channel_id="c1")
    assert [ch.id for ch in (await env.client.channels(b)).channels if ch.last_used] == ["c4"]
    assert [ch.id for ch in (await env.client.channels(joao)).channels if ch.last_used] == ["c1"]


async def test_channels_of_each_kind_of_beneficiary(env: Env) -> None:
    demo = await env.demo()
    shapes = {}
    for name in (MARIA, JOAO, ANA, CARLOS, LUIZ, FRANCISCA):
        channels = await env.client.channels(demo.number(name))
        shapes[name] = [(c.id, c.kind) for c in channels.channels]
        assert channels.typed_destination == {"sms": False, "email": True}
    assert shapes[MARIA] == [
        ("c1", "sms"),
        ("c2", "sms"),
        ("c3", "sms"),
        ("c4", "email"),
        ("app", "app"),
        ("sac", "sac"),
    ]
    assert shapes[JOAO] == [("c1", "sms"), ("sac", "sac")]
    assert shapes[ANA] == [("c1", "email"), ("app", "app"), ("sac", "sac")]
    assert shapes[CARLOS] == [("sac", "sac")]


async def test_reads(env: Env) -> None:
    demo = await env.demo()
    assert len(demo.guides) == 13
    requested = [g.requested_at for g in demo.guides]
    assert requested == sorted(requested, reverse=True)  # newest first
    assert {g.status for g in demo.guides} == {
        "awaiting_token",
        "under_review",
        "authorized",
        "partially_authorized",
        "denied",
        "cancelled",
    }
    maria = await env.client.list_guides(card=demo.card(MARIA))
    assert sorted(g.number for g in maria) == demo.numbers(MARIA)
    assert await env.client.list_guides(card="0064800012345678") == maria
    awaiting = await env.client.list_guides(status="awaiting_token", card=demo.card(MARIA))
    assert awaiting == maria
    assert await env.client.list_guides(card="1111") == []
    luiz = await env.client.get_guide(demo.number(LUIZ))
    assert luiz.beneficiary.social_name == "Luíza Ferreira"
    assert luiz.token.state == "none"
    health = await env.client.health()
    assert (health.status, health.mode, health.time) == ("ok", "local", "2026-11-18T11:06:40Z")
    assert any(seen.path == "/v1/health" and seen.status == 200 for seen in env.log.seen)
