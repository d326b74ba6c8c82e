"""Property-based tests of the token engine (pure) and of the service, as state machines.

The engine machine keeps its own model of one guide's challenge (the code it was last
sent, when that expires, attempts left, lock, the app's last used step, the card's
failures) and checks every verdict against it: nothing authorizes without the current
right code or a fresh app code, nothing authorizes twice, attempts never go negative,
and a locked challenge stays locked until a new send.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field

import pyotp
import pytest
from hypothesis import HealthCheck, assume, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from frontdesk.backend.clock import ManualClock
from frontdesk.backend.engine import (
    DAY,
    HOUR,
    AppCheck,
    Challenge,
    TokenEngine,
    ceil_seconds,
    code_digest,
    generate_code,
)
from frontdesk.backend.local import open_backend
from frontdesk.backend.policy import Policy
from frontdesk.backend.service import LocalBackend, Problem
from support.demo import JOAO, MARIA, code_pattern

GUIDE = "2026111800017"
KEY = b"k" * 32
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
START = 1_795_000_000.0
STEPS = st.sampled_from([0.5, 1, 29, 30, 31, 59, 60, 61, 600, 1799, 1800, 1801, 3600, 86_400])

MACHINE_SETTINGS = settings(
    max_examples=100,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@dataclass
class Model:
    """What the engine must have decided, kept independently of its `Challenge`."""

    state: str = "none"  # none | pending | locked | expired | used
    code: str | None = None
    expires_at: float = 0.0
    attempts_left: int = 0
    sends: list[float] = field(default_factory=list)
    failures: list[float] = field(default_factory=list)
    app_last: int | None = None
    issued: list[str] = field(default_factory=list)
    authorized_by: list[str] = field(default_factory=list)


class EngineMachine(RuleBasedStateMachine):
    """One guide's challenge under a random mix of sends, validations and clock moves."""

    def __init__(self) -> None:
        super().__init__()
        self.now = START
        self.challenge = Challenge.none(Policy())
        self.model = Model()

    @initialize(
        max_attempts=st.integers(1, 6),
        card_failures=st.integers(1, 30),
        sends_per_hour=st.integers(1, 6),
        resend_wait=st.sampled_from([0, 30, 60]),
        has_app=st.booleans(),
        seed=st.integers(0, 2**32 - 1),
    )
    def setup(
        self,
        max_attempts: int,
        card_failures: int,
        sends_per_hour: int,
        resend_wait: int,
        has_app: bool,
        seed: int,
    ) -> None:
        self.policy = Policy(
            max_attempts=max_attempts,
            card_failures_per_day=card_failures,
            sends_per_hour=sends_per_hour,
            resend_wait_seconds=resend_wait,
        )
        rng = random.Random(seed)
        self.engine = TokenEngine(self.policy, KEY, rng.randrange)
        self.challenge = Challenge.none(self.policy)
        self.model = Model(attempts_left=max_attempts)
        self.has_app = has_app
        self.totp = pyotp.TOTP(SECRET)

    # -- helpers ---------------------------------------------------------------------------

    def app(self) -> AppCheck | None:
        return AppCheck(SECRET, self.model.app_last) if self.has_app else None

    def fresh_app_counters(self, code: str) -> list[int]:
        """The steps (in the window, newer than the last used) whose app code is `code`."""
        if not self.has_app:
            return []
        current = int(self.now // 30)
        return [
            c
            for c in range(current - 1, current + 2)
            if (self.model.app_last is None or c > self.model.app_last)
            and self.totp.generate_otp(c) == code
        ]

    def expected(self, code: str) -> str:
        """The verdict the contract's rules give for `code` now (updating the model)."""
        m = self.model
        recent = [t for t in m.failures if self.now - t < DAY]
        if len(recent) >= self.policy.card_failures_per_day:
            return "too_many_failures"
        if m.state == "pending" and self.now >= m.expires_at:
            m.state = "expired"
        if m.state == "locked":
            return "token_locked"
        if m.state == "pending" and code == m.code:
            m.state = "used"
            m.authorized_by.append(f"code:{code}")
            return "authorized"
        counters = self.fresh_app_counters(code)
        if counters:
            m.app_last = counters[0]
            if m.state == "pending":
                m.state = "used"
            m.authorized_by.append(f"app:{counters[0]}")
            return "authorized"
        if m.state == "expired":
            return "token_expired"
        if m.state != "pending" and not self.has_app:
            return "no_token_pending"
        if m.state != "pending":
            m.attempts_left = m.attempts_left if m.state == "none" else self.policy.max_attempts
            m.state = "none"
        m.attempts_left -= 1
        m.failures.append(self.now)
        if m.attempts_left == 0:
            m.state = "locked"
        return "invalid_code"

    def check(self, code: str) -> None:
        before = self.model.state
        locked_before = before == "locked"
        verdict = self.engine.validate(
            GUIDE,
            self.challenge,
            code,
            self.now,
            app=self.app(),
            card_failures=self.model.failures[:],
        )
        expected = self.expected(code)
        assert verdict.kind == expected, (verdict, self.model)
        self.challenge = verdict.challenge
        if verdict.kind == "authorized":
            # Only the current right code or a fresh app code: the model says which.
            if verdict.via == "challenge":
                assert self.model.authorized_by[-1] == f"code:{code}"
            else:
                assert verdict.via == "app"
                assert verdict.app_counter == self.model.app_last
        else:
            assert verdict.app_counter is None
        if locked_before:
            assert verdict.kind in ("token_locked", "too_many_failures")
            assert self.challenge.state == "locked"
        if verdict.kind == "invalid_code":
            assert verdict.failure_counted
            assert verdict.attempts_left == self.model.attempts_left
            assert verdict.locked_now == (self.model.attempts_left == 0)
        else:
            assert not verdict.failure_counted

    # -- rules -----------------------------------------------------------------------------

    @rule(channel=st.sampled_from(["sms", "email", "sac"]))
    def send(self, channel: str) -> None:
        m = self.model
        refusal = self.engine.send_refusal(self.now, m.sends)
        in_hour = sorted(t for t in m.sends if self.now - t < HOUR)
        if len(in_hour) >= self.policy.sends_per_hour:
            assert refusal is not None and refusal.code == "too_many_sends"
            assert refusal.retry_after == max(
                1, ceil_seconds(in_hour[-self.policy.sends_per_hour] + HOUR - self.now)
            )
            return
        if in_hour and self.now - in_hour[-1] < self.policy.resend_wait_seconds:
            assert refusal is not None and refusal.code == "resend_too_soon"
            assert 1 <= refusal.retry_after <= self.policy.resend_wait_seconds
            return
        assert refusal is None
        self.challenge, code = self.engine.issue(GUIDE, channel, "43991231234", self.now)
        assert len(code) == self.policy.code_length and code.isdigit()
        assert self.challenge.code_hash == code_digest(KEY, GUIDE, code)
        m.sends.append(self.now)
        m.state, m.code = "pending", code
        m.expires_at = self.now + self.policy.lifetime_seconds
        m.attempts_left = self.policy.max_attempts
        m.issued.append(code)

    @rule(seconds=STEPS)
    def advance(self, seconds: float) -> None:
        self.now += seconds

    @precondition(lambda self: self.model.code is not None)
    @rule()
    def validate_right_code(self) -> None:
        assert self.model.code is not None
        self.check(self.model.code)

    @precondition(lambda self: len(self.model.issued) > 1)
    @rule(data=st.data())
    def validate_stale_code(self, data: st.DataObject) -> None:
        stale = data.draw(st.sampled_from(self.model.issued[:-1]))
        self.check(stale)

    @rule(code=st.text("0123456789", min_size=6, max_size=6))
    def validate_any_code(self, code: str) -> None:
        self.check(code)

    @rule(offset=st.sampled_from([-2, -1, 0, 1, 2]))
    def validate_app_code(self, offset: int) -> None:
        self.check(self.totp.generate_otp(int(self.now // 30) + offset))

    @rule(code=st.sampled_from(["12345", "1234567", "12a456", "", "１２３４５６"]))
    def validate_malformed(self, code: str) -> None:
        verdict = self.engine.validate(
            GUIDE, self.challenge, code, self.now, app=self.app(), card_failures=self.model.failures
        )
        assert verdict.kind == "malformed_code"
        assert verdict.challenge == self.challenge

    # -- invariants ------------------------------------------------------------------------

    @invariant()
    def attempts_never_negative(self) -> None:
        assert 0 <= self.challenge.attempts_left <= self.policy.max_attempts

    @invariant()
    def locked_means_no_attempts(self) -> None:
        if self.challenge.state == "locked":
            assert self.challenge.attempts_left == 0
            assert self.model.state == "locked"

    @invariant()
    def authorized_once_per_code(self) -> None:
        assert len(self.model.authorized_by) == len(set(self.model.authorized_by))
        app_steps = [int(a[4:]) for a in self.model.authorized_by if a.startswith("app:")]
        assert app_steps == sorted(app_steps)

    @invariant()
    def the_challenge_keeps_no_code(self) -> None:
        c = self.challenge
        texts = [c.state, c.channel or "", c.destination or "", c.delivery or ""]
        for code in self.model.issued:
            assert not any(code in text for text in texts if text != c.destination)
            assert c.code_hash is None or code.encode() not in c.code_hash


TestEngineMachine = EngineMachine.TestCase
TestEngineMachine.settings = MACHINE_SETTINGS


def test_generated_codes_are_uniform_digits() -> None:
    rng = random.Random(7)
    codes = [generate_code(6, rng.randrange) for _ in range(2000)]
    assert all(len(c) == 6 and c.isdigit() for c in codes)
    assert {c[0] for c in codes} == set("0123456789")  # leading zeros are kept
    with pytest.raises(ValueError, match="16 bytes"):
        TokenEngine(Policy(), b"short")


# -- the service as a state machine ------------------------------------------------------------


class ServiceMachine(RuleBasedStateMachine):
    """Maria's three guides and João's one, through LocalBackend's operations directly."""

    def __init__(self) -> None:
        super().__init__()
        self.clock = ManualClock(START)
        self.backend: LocalBackend = open_backend(":memory:", clock=self.clock, deterministic=True)
        items = self.backend.list_guides("awaiting_token", None)["items"]
        self.guides = sorted(
            g["number"] for g in items if g["beneficiary"]["name"] in (MARIA, JOAO)
        )
        self.card = {
            g["number"]: "".join(ch for ch in g["beneficiary"]["card"] if ch.isdigit())
            for g in items
        }
        self.pending: dict[str, str] = {}  # guide -> code last sent or dictated
        self.stale: dict[str, list[str]] = {g: [] for g in self.guides}
        self.authorization: dict[str, str] = {}
        self.locked: set[str] = set()

    def teardown(self) -> None:
        self.backend.close()

    def app_codes(self, number: str) -> set[str]:
        beneficiary = self.backend.store.get_beneficiary(self.card[number])
        if beneficiary is None or not beneficiary.app_secret:
            return set()
        totp = pyotp.TOTP(beneficiary.app_secret)
        step = int(self.clock.now() // 30)
        return {totp.generate_otp(step + d) for d in (-1, 0, 1)}

    def validate(self, number: str, code: str) -> None:
        was_authorized = number in self.authorization
        was_locked = number in self.locked
        # A code the backend may accept now: the pending one, or an app code in the window.
        acceptable = {self.pending[number]} if number in self.pending else set()
        acceptable |= self.app_codes(number)
        try:
            doc = self.backend.validate(number, code)
        except Problem as problem:
            if was_authorized:
                assert problem.code == "already_authorized"
                assert problem.extra["authorization"]["number"] == self.authorization[number]
            if was_locked and problem.code not in ("already_authorized", "too_many_failures"):
                assert problem.code == "token_locked"
            if problem.code == "token_locked":
                self.locked.add(number)
            if problem.code == "invalid_code":
                assert problem.extra["attempts_left"] >= 0
                if problem.extra["attempts_left"] == 0:
                    self.locked.add(number)
            return
        assert not was_authorized, "authorized twice"
        assert not was_locked, "a locked challenge authorized"
        assert code in acceptable, "authorized without a right code"
        assert doc["status"] == "authorized"
        self.authorization[number] = doc["authorization"]["number"]
        self.pending.pop(number, None)

    @rule(index=st.integers(0, 3), channel=st.sampled_from(["c1", "c2"]))
    def send(self, index: int, channel: str) -> None:
        number = self.guides[index % len(self.guides)]
        try:
            token = self.backend.send(number, channel_id=channel)
        except Problem as problem:
            assert problem.code in (
                "guide_not_awaiting_token",
                "resend_too_soon",
                "too_many_sends",
                "unknown_channel",  # João has one phone
            )
            if problem.code == "guide_not_awaiting_token":
                assert number in self.authorization
            return
        assert token["state"] == "pending"
        assert "code" not in token
        message = self.backend.sim_outbox()["messages"][0]
        assert message["guide"] == number
        if number in self.pending:
            self.stale[number].append(self.pending[number])
        self.pending[number] = message["code"]
        self.locked.discard(number)

    @rule(index=st.integers(0, 3))
    def sac(self, index: int) -> None:
        number = self.guides[index % len(self.guides)]
        try:
            code = self.backend.sim_sac_code(number)["code"]
        except Problem as problem:
            assert problem.code == "guide_not_awaiting_token"
            assert number in self.authorization
            return
        if number in self.pending:
            self.stale[number].append(self.pending[number])
        self.pending[number] = code
        self.locked.discard(number)

    @rule(index=st.integers(0, 3))
    def validate_right(self, index: int) -> None:
        number = self.guides[index % len(self.guides)]
        assume(number in self.pending)
        self.validate(number, self.pending[number])

    @rule(index=st.integers(0, 3), data=st.data())
    def validate_stale(self, index: int, data: st.DataObject) -> None:
        number = self.guides[index % len(self.guides)]
        assume(self.stale[number])
        self.validate(number, data.draw(st.sampled_from(self.stale[number])))

    @rule(index=st.integers(0, 3), code=st.text("0123456789", min_size=6, max_size=6))
    def validate_any(self, index: int, code: str) -> None:
        self.validate(self.guides[index % len(self.guides)], code)

    @rule(index=st.integers(0, 3))
    def validate_app(self, index: int) -> None:
        number = self.guides[index % len(self.guides)]
        beneficiary = self.backend.store.get_beneficiary(self.card[number])
        assume(beneficiary is not None and beneficiary.app_secret)
        self.validate(number, self.backend.sim_app_code(self.card[number])["code"])

    @rule(seconds=STEPS)
    def advance(self, seconds: float) -> None:
        self.clock.advance(seconds)
        for number, code in list(self.pending.items()):
            token = self.backend.get_token(number)
            if token["state"] in ("expired", "used", "cancelled"):
                self.stale[number].append(code)
                del self.pending[number]

    @invariant()
    def the_store_agrees_with_the_model(self) -> None:
        store = self.backend.store  # direct reads: cheap, and what a second desk would see
        codes = {c for codes in self.stale.values() for c in codes} | set(self.pending.values())
        pattern = code_pattern(codes) if codes else None
        for number in self.guides:
            guide = store.get_guide(number)
            assert guide is not None
            if number in self.authorization:
                assert guide.status == "authorized"
                assert guide.authorization_number == self.authorization[number]
            else:
                assert guide.status == "awaiting_token"
                assert guide.authorization_number is None
            challenge = store.get_challenge(number)
            if challenge is not None:
                assert 0 <= challenge.attempts_left <= self.backend.policy.max_attempts
                if number in self.locked and number not in self.authorization:
                    assert challenge.state == "locked"
            if pattern is not None:
                for event in store.events(number):
                    assert not pattern.search(json.dumps(event.data)), event


TestServiceMachine = ServiceMachine.TestCase
TestServiceMachine.settings = settings(
    max_examples=50,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
