"""The token engine: pure rules for issuing, verifying, locking and expiring codes.

No I/O and no global time or randomness: the clock reading (`now`) and the random source
(`randbelow`) are passed in, so every rule is testable without sleeping. Codes exist in
clear only as the return value of `issue`; the engine keeps an HMAC-SHA-256 of them,
keyed by the store's secret, and compares in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Literal

import msgspec
from msgspec.structs import replace

from frontdesk.backend.policy import Policy

if TYPE_CHECKING:
    import pyotp

RandBelow = Callable[[int], int]

HOUR = 3_600
DAY = 86_400

# Authorization numbers: no 0/O or 1/I, which are misread when dictated.
_AUTH_ALPHABET = "".join(c for c in string.ascii_uppercase + string.digits if c not in "0O1I")


class Challenge(msgspec.Struct, frozen=True):
    """A guide's current challenge, as stored (the code itself is never kept)."""

    state: str  # none | pending | locked | expired | used | cancelled
    channel: str | None = None  # sms | email | sac; None for app-only attempts
    destination: str | None = None  # unmasked; masked before it leaves the backend
    code_hash: bytes | None = None
    created_at: float | None = None
    expires_at: float | None = None
    attempts_left: int = 0
    delivery: str | None = None

    @classmethod
    def none(cls, policy: Policy) -> Challenge:
        return cls(state="none", attempts_left=policy.max_attempts)


class Refusal(msgspec.Struct, frozen=True):
    """Why a send is refused now, and for how many seconds."""

    code: Literal["resend_too_soon", "too_many_sends"]
    retry_after: int


VerdictKind = Literal[
    "authorized",
    "malformed_code",
    "too_many_failures",
    "token_expired",
    "token_locked",
    "no_token_pending",
    "invalid_code",
]


class Verdict(msgspec.Struct, frozen=True):
    """What a validation attempt decides, and the challenge as it must be stored after it."""

    kind: VerdictKind
    challenge: Challenge
    attempts_left: int | None = None
    retry_after: int | None = None
    expired_now: bool = False  # the pending challenge expired on this reading of the clock
    locked_now: bool = False  # this wrong code used the last attempt
    failure_counted: bool = False  # a failed validation for the card's 24 h ceiling
    app_counter: int | None = None  # the RFC 6238 step consumed, when the app code matched
    via: str | None = None  # "challenge" or "app" when authorized


class AppCheck(msgspec.Struct, frozen=True):
    """The beneficiary's app: its TOTP secret and the last step already used (single use)."""

    secret: str
    last_counter: int | None


def generate_code(length: int, randbelow: RandBelow = secrets.randbelow) -> str:
    """A code of `length` decimal digits, uniformly drawn (leading zeros allowed)."""
    return "".join(str(randbelow(10)) for _ in range(length))


def generate_authorization(randbelow: RandBelow = secrets.randbelow, length: int = 8) -> str:
    return "".join(_AUTH_ALPHABET[randbelow(len(_AUTH_ALPHABET))] for _ in range(length))


def code_digest(key: bytes, guide: str, code: str) -> bytes:
    """HMAC-SHA-256 over the guide number and the code: a stolen table does not reveal codes."""
    return hmac.new(key, f"{guide}\x00{code}".encode(), hashlib.sha256).digest()


def well_formed(code: str, policy: Policy) -> bool:
    return len(code) == policy.code_length and code.isascii() and code.isdigit()


class TokenEngine:
    """The contract's policy rules (docs/api.md) over one guide's challenge and history."""

    def __init__(self, policy: Policy, key: bytes, randbelow: RandBelow = secrets.randbelow):
        if len(key) < 16:
            raise ValueError("the code hashing key must be at least 16 bytes")
        self.policy = policy
        self._key = key
        self._randbelow = randbelow

    # -- sending ---------------------------------------------------------------------------

    def send_refusal(self, now: float, send_times: Sequence[float]) -> Refusal | None:
        """Whether a new send must wait: the hourly ceiling first, then the resend wait."""
        p = self.policy
        recent = sorted(t for t in send_times if now - t < HOUR)
        if len(recent) >= p.sends_per_hour:
            wait = recent[len(recent) - p.sends_per_hour] + HOUR - now
            return Refusal("too_many_sends", max(1, ceil_seconds(wait)))
        if recent and now - recent[-1] < p.resend_wait_seconds:
            return Refusal(
                "resend_too_soon", max(1, ceil_seconds(recent[-1] + p.resend_wait_seconds - now))
            )
        return None

    def resend_at(self, now: float, send_times: Sequence[float]) -> float | None:
        """When the next send will be allowed (None: no send yet, so now)."""
        refusal = self.send_refusal(now, send_times)
        if refusal is None:
            return max(send_times) + self.policy.resend_wait_seconds if send_times else None
        return now + refusal.retry_after

    def sends_left(self, now: float, send_times: Sequence[float]) -> int:
        return max(0, self.policy.sends_per_hour - sum(1 for t in send_times if now - t < HOUR))

    def issue(
        self,
        guide: str,
        channel: str,
        destination: str | None,
        now: float,
        *,
        code: str | None = None,
    ) -> tuple[Challenge, str]:
        """A new pending challenge (replacing whatever was pending) and its code in clear:
        `code` when given (a `derived_code`), else a fresh random one."""
        code = code or generate_code(self.policy.code_length, self._randbelow)
        challenge = Challenge(
            state="pending",
            channel=channel,
            destination=destination,
            code_hash=code_digest(self._key, guide, code),
            created_at=now,
            expires_at=now + self.policy.lifetime_seconds,
            attempts_left=self.policy.max_attempts,
            delivery="queued" if channel in ("sms", "email") else None,
        )
        return challenge, code

    # -- reading ---------------------------------------------------------------------------

    def observe(self, challenge: Challenge, now: float) -> tuple[Challenge, bool]:
        """The challenge as of `now`: a pending one past its lifetime becomes expired."""
        if (
            challenge.state == "pending"
            and challenge.expires_at is not None
            and now >= challenge.expires_at
        ):
            return replace(challenge, state="expired"), True
        return challenge, False

    def card_retry_after(self, now: float, failure_times: Sequence[float]) -> int | None:
        """Seconds until the card may validate again, or None when under the 24 h ceiling."""
        recent = sorted(t for t in failure_times if now - t < DAY)
        limit = self.policy.card_failures_per_day
        if len(recent) < limit:
            return None
        return max(1, ceil_seconds(recent[len(recent) - limit] + DAY - now))

    # -- validating ------------------------------------------------------------------------

    def validate(
        self,
        guide: str,
        challenge: Challenge,
        code: str,
        now: float,
        *,
        app: AppCheck | None,
        card_failures: Sequence[float],
    ) -> Verdict:
        """Decide one validation attempt (the guide is known to be awaiting a token)."""
        if not well_formed(code, self.policy):
            return Verdict("malformed_code", challenge)
        retry = self.card_retry_after(now, card_failures)
        if retry is not None:
            return Verdict("too_many_failures", challenge, retry_after=retry)
        challenge, expired_now = self.observe(challenge, now)
        if challenge.state == "locked":
            return Verdict("token_locked", challenge, expired_now=expired_now)

        if (
            challenge.state == "pending"
            and challenge.code_hash is not None
            and hmac.compare_digest(code_digest(self._key, guide, code), challenge.code_hash)
        ):
            return Verdict("authorized", replace(challenge, state="used"), via="challenge")
        if app is not None:
            counter = self._app_match(app, code, now)
            if counter is not None:
                used = (
                    replace(challenge, state="used") if challenge.state == "pending" else challenge
                )
                return Verdict(
                    "authorized", used, app_counter=counter, via="app", expired_now=expired_now
                )

        if challenge.state == "expired":
            return Verdict("token_expired", challenge, expired_now=expired_now)
        if challenge.state != "pending" and app is None:
            return Verdict("no_token_pending", challenge)

        # A wrong code against a pending challenge, or against the app's code.
        if challenge.state != "pending":
            # App-only attempts count against a fresh allowance for this guide.
            base = (
                challenge.attempts_left if challenge.state == "none" else self.policy.max_attempts
            )
            challenge = replace(challenge, state="none", attempts_left=base)
        left = max(0, challenge.attempts_left - 1)
        locked = left == 0
        challenge = replace(
            challenge, attempts_left=left, state="locked" if locked else challenge.state
        )
        return Verdict(
            "invalid_code",
            challenge,
            attempts_left=left,
            locked_now=locked,
            failure_counted=True,
        )

    def _totp(self, secret: str) -> pyotp.TOTP:
        # pyotp (RFC 6238) loads with the first app code, not with the backend: the desk's
        # first screen never needs it, and its import is ~0.3 MiB of Python objects and 10
        # modules (0.7 MiB resident) of the app's 1.3× memory budget (bench/app.py).
        import pyotp

        return pyotp.TOTP(
            secret, digits=self.policy.code_length, interval=self.policy.totp_step_seconds
        )

    def _app_match(self, app: AppCheck, code: str, now: float) -> int | None:
        totp = self._totp(app.secret)
        current = int(now // self.policy.totp_step_seconds)
        window = self.policy.totp_window
        for counter in range(current - window, current + window + 1):
            if app.last_counter is not None and counter <= app.last_counter:
                continue  # single use: a step already used (or older) never matches again
            if hmac.compare_digest(str(totp.generate_otp(counter)), code):
                return counter
        return None

    def app_code(self, secret: str, now: float) -> str:
        """What the beneficiary's app shows at `now` (the simulator's phone)."""
        totp = self._totp(secret)
        return str(totp.generate_otp(int(now // self.policy.totp_step_seconds)))

    def derived_code(self, seed: bytes, length: int | None = None) -> str:
        """A code derived from `seed` with the store's secret key (HMAC-SHA-256), so the
        same seed gives the same code again and nobody without the key can predict it.

        For answers that must be replayable without keeping the code (an Idempotency-Key
        replay of the simulator's SAC code). 64 bits of the MAC modulo 10**length: the bias
        is below 10**-9.
        """
        digits = self.policy.code_length if length is None else length
        mac = hmac.new(self._key, b"frontdesk derived code\x00" + seed, hashlib.sha256)
        value = int.from_bytes(mac.digest()[:8], "big") % 10**digits
        return f"{value:0{digits}d}"

    def authorization_number(self) -> str:
        return generate_authorization(self._randbelow)


def ceil_seconds(value: float) -> int:
    """Whole seconds, rounded up: a countdown never says 0 while time is left."""
    whole = int(value)
    return whole if whole >= value else whole + 1
