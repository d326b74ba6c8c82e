"""Problems in the receptionist's words: what each client error means (a message, a next
step, and where to show it), and what is wrong with a typed number.

Connection-type troubles (unreachable, timeouts, 5xx, malformed answers, refused key,
refused requests, bugs) go to the screen's banner with a retry key; the contract's error
codes are shown next to what the receptionist was doing. A typed guide number, card or
code is checked in `formatting` (a `DigitsProblem`) and put in words here. A TISS counter's
errors (`frontdesk.counter.counter_errors`) carry their own words.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import msgspec

from frontdesk.app.formatting import DEFAULT_CODE_LENGTH, DigitsProblem, label, minutes_ceil
from frontdesk.core.i18n import t

if TYPE_CHECKING:
    from frontdesk.client import client_errors as e


class Trouble(msgspec.Struct, frozen=True):
    """A problem in the user's language. `banner`: show in the banner, with F5 to retry."""

    text: str
    banner: bool
    code: str


def attempts_text(attempts_left: int) -> str:
    if attempts_left == 1:
        return t("token.attempt_one")
    return t("token.attempts", n=attempts_left)


def describe(exc: BaseException) -> Trouble:
    """The message and next step for anything a client call can raise."""
    # Imported here, and in the screens' workers: the client package (its errors and
    # models: docs/performance.md, "Lazy imports") is not
    # needed to draw the first screen, and loads with the first backend call.
    from frontdesk.client import client_errors as e

    counter = sys.modules.get("frontdesk.counter.counter_errors")  # loaded with a TISS counter only
    if counter is not None and isinstance(exc, counter.CounterError):
        return Trouble(exc.text, exc.banner, exc.code)
    if isinstance(exc, e.BackendUnavailable):
        key = "banner.timeout" if exc.timeout else "banner.unavailable"
        return Trouble(t(key), True, "backend_unavailable")
    if isinstance(exc, e.MalformedResponse):
        return Trouble(t("banner.malformed"), True, "malformed_response")
    if isinstance(exc, e.ServerError):
        return Trouble(t("banner.server", status=exc.status), True, exc.error_code)
    if isinstance(exc, e.Unauthorized):
        return Trouble(t("banner.unauthorized"), True, exc.error_code)
    if isinstance(exc, e.InvalidRequest | e.InvalidIdempotencyKey | e.PayloadTooLarge):
        return Trouble(t("banner.request", code=exc.error_code), True, exc.error_code)
    if isinstance(exc, e.ApiError):
        return _contract(exc)
    return Trouble(t("banner.bug"), True, "bug")


def _contract(exc: e.ApiError) -> Trouble:
    from frontdesk.client import client_errors as e  # see describe()

    code = exc.error_code
    text: str
    if isinstance(exc, e.GuideNotAwaitingToken):
        text = t("err.guide_not_awaiting_token", status=label("status", exc.guide_status or "?"))
    elif isinstance(exc, e.ResendTooSoon):
        text = t("err.resend_too_soon", seconds=max(1, exc.retry_after))
    elif isinstance(exc, e.TooManySends):
        text = t("err.too_many_sends", minutes=minutes_ceil(exc.retry_after))
    elif isinstance(exc, e.TooManyFailures):
        text = t("err.too_many_failures", minutes=minutes_ceil(exc.retry_after))
    elif isinstance(exc, e.MalformedCode):
        text = t("err.malformed_code", length=exc.expected_length or DEFAULT_CODE_LENGTH)
    elif isinstance(exc, e.AlreadyAuthorized):
        auth = exc.authorization
        text = t("err.already_authorized", number=auth.number if auth else "?")
    elif isinstance(exc, e.InvalidCode):
        if exc.attempts_left == 1:
            text = t("err.invalid_code_last")
        else:
            text = t("err.invalid_code", attempts=attempts_text(exc.attempts_left))
    elif code in {
        "guide_not_found",
        "unknown_channel",
        "channel_not_sendable",
        "typed_destination_not_allowed",
        "invalid_destination",
        "no_token_pending",
        "token_expired",
        "token_locked",
        "unknown_reason",
        "not_found",
    }:
        text = t(f"err.{code}")
    elif exc.status >= 500:
        return Trouble(t("banner.server", status=exc.status), True, code)
    elif code == "method_not_allowed":
        return Trouble(t("banner.request", code=code), True, code)
    else:
        text = t("err.generic", detail=exc.detail or exc.title or code)
    return Trouble(text, False, code)


def number_problem_text(problem: DigitsProblem) -> str:
    """What is wrong with a typed guide number: "Faltam 2 dígitos", "Somente números"."""
    if problem.kind == "not_digits":
        return t("lookup.only_digits")
    if problem.kind == "too_long":
        return t("lookup.extra", length=problem.wanted, n=problem.extra)
    if problem.missing == 1:
        return t("lookup.missing_one")
    return t("lookup.missing", n=problem.missing)


def card_problem_text(problem: DigitsProblem) -> str:
    """What is wrong with a typed card number (it says how many digits were typed); a name
    typed after F3 is told where names are found."""
    if problem.kind == "not_digits":
        return t("lookup.card_letters")
    if problem.kind == "too_long":
        return t("lookup.extra", length=problem.wanted, n=problem.extra)
    return t("lookup.card_short", n=problem.typed)


def code_problem_text(problem: DigitsProblem) -> str:
    """What is wrong with a typed code: "Faltam 2 dígitos", "Somente números"."""
    if problem.kind == "not_digits":
        return t("lookup.only_digits")
    if problem.kind == "too_long":
        return t("code.extra", length=problem.wanted)
    if problem.missing == 1:
        return t("code.missing_one")
    return t("code.missing", n=problem.missing)
