"""The contract's errors as raised by the local backend: RFC 9457 problems with a `code`.

`Problem` carries the contract's error `code` (its HTTP status comes from
`frontdesk.core.domain.ERROR_STATUS`), a human `detail` and the extra members that code
has; the HTTP layer turns it into an `application/problem+json` answer.
"""

from __future__ import annotations

from typing import Any

from frontdesk.core.domain import ERROR_STATUS

_TITLES: dict[str, str] = {
    "guide_not_found": "Guide not found",
    "guide_not_awaiting_token": "Guide is not awaiting a token",
    "unknown_channel": "Unknown channel",
    "channel_not_sendable": "Channel cannot be sent to",
    "typed_destination_not_allowed": "Typed destination not allowed",
    "invalid_destination": "Invalid destination",
    "resend_too_soon": "Too soon to resend",
    "too_many_sends": "Too many sends",
    "malformed_code": "Malformed code",
    "already_authorized": "Guide already authorized",
    "no_token_pending": "No token pending",
    "token_expired": "Token expired",
    "invalid_code": "Invalid code",
    "token_locked": "Token locked",
    "too_many_failures": "Too many failed validations",
    "unauthorized": "Unauthorized",
    "invalid_request": "Invalid request",
    "invalid_idempotency_key": "Invalid Idempotency-Key",
    "unknown_reason": "Unknown absence reason",
    "not_found": "Not found",
    "method_not_allowed": "Method not allowed",
    "payload_too_large": "Payload too large",
    "internal_error": "Internal error",
    "idempotency_key_reused": "Idempotency-Key reused",
    "request_timeout": "Request timeout",
    "too_many_connections": "Too many connections",
    "storage_unavailable": "Storage unavailable",
}


class Problem(Exception):
    """An RFC 9457 problem with the contract's `code`; never carries a token code."""

    def __init__(self, code: str, detail: str, **extra: Any) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.status = ERROR_STATUS[code]
        self.detail = detail
        self.extra = extra

    def document(self) -> dict[str, Any]:
        return {
            "type": f"urn:frontdesk:problem:{self.code}",
            "title": _TITLES.get(self.code, self.code.replace("_", " ").capitalize()),
            "status": self.status,
            "detail": self.detail,
            "code": self.code,
            **self.extra,
        }

    def headers(self) -> dict[str, str]:
        retry = self.extra.get("retry_after")
        return {"Retry-After": str(retry)} if isinstance(retry, int) else {}


def verdict_problem(
    kind: str, attempts_left: int | None, retry_after: int | None, code_length: int
) -> Problem:
    """The Problem for a validation verdict that did not authorize."""
    if kind == "malformed_code":
        return Problem(
            "malformed_code",
            f"the code must be {code_length} digits",
            expected_length=code_length,
        )
    if kind == "too_many_failures":
        return Problem(
            "too_many_failures",
            "too many wrong codes for this card in 24 hours",
            retry_after=retry_after or 1,
        )
    if kind == "token_expired":
        return Problem("token_expired", "the code expired; send a new one")
    if kind == "token_locked":
        return Problem("token_locked", "no attempts left; send a new code")
    if kind == "no_token_pending":
        return Problem("no_token_pending", "no code was sent for this guide")
    return Problem("invalid_code", "the code does not match", attempts_left=attempts_left or 0)
