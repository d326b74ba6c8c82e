"""Exceptions of the token-backend client: one class per contract error `code`.

`ApiError` subclasses carry the problem document's extra members as attributes, so the
app can say what to do next (attempts left, seconds to wait, the authorization) without
reading status numbers. Transport trouble is `BackendUnavailable`; an answer that does
not have the contract's shape is `MalformedResponse`.
"""

from __future__ import annotations

from typing import Any, ClassVar

from frontdesk.client.models import Authorization


class FrontdeskClientError(Exception):
    """Base of everything the client raises."""


class BackendUnavailable(FrontdeskClientError):
    """The backend could not be reached or did not answer in time (connect/read/timeout)."""

    def __init__(self, message: str, *, timeout: bool = False) -> None:
        super().__init__(message)
        self.timeout = timeout


class MalformedResponse(FrontdeskClientError):
    """The backend answered with something that is not the contract's shape."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class ApiError(FrontdeskClientError):
    """A problem document (RFC 9457) from the backend."""

    code: ClassVar[str] = "api_error"

    def __init__(
        self,
        *,
        status: int,
        code: str | None = None,
        title: str = "",
        detail: str = "",
        extra: dict[str, Any] | None = None,
    ) -> None:
        self.status = status
        self.error_code = code or type(self).code
        self.title = title
        self.detail = detail
        self.extra: dict[str, Any] = dict(extra or {})
        super().__init__(f"{status} {self.error_code}: {detail or title}")

    def _int(self, key: str) -> int | None:
        value = self.extra.get(key)
        return value if isinstance(value, int) and not isinstance(value, bool) else None


class ServerError(ApiError):
    """A 5xx from the backend (`internal_error`, or a proxy's own 502/503/504)."""

    code = "internal_error"


class StorageUnavailable(ServerError):
    """503: the backend cannot write to its database now; nothing was changed, retry."""

    code = "storage_unavailable"


class TooManyConnections(ServerError):
    """503: the backend holds as many connections as it allows; retry."""

    code = "too_many_connections"


class Unauthorized(ApiError):
    code = "unauthorized"


class InvalidRequest(ApiError):
    code = "invalid_request"


class InvalidIdempotencyKey(ApiError):
    code = "invalid_idempotency_key"


class PayloadTooLarge(ApiError):
    code = "payload_too_large"


class NotFound(ApiError):
    """A path the backend does not have (e.g. the simulator paths on a remote backend)."""

    code = "not_found"


class UnknownReason(ApiError):
    code = "unknown_reason"


class GuideNotFound(ApiError):
    code = "guide_not_found"


class GuideNotAwaitingToken(ApiError):
    code = "guide_not_awaiting_token"

    @property
    def guide_status(self) -> str | None:
        value = self.extra.get("guide_status")
        return value if isinstance(value, str) else None


class UnknownChannel(ApiError):
    code = "unknown_channel"


class ChannelNotSendable(ApiError):
    code = "channel_not_sendable"


class TypedDestinationNotAllowed(ApiError):
    code = "typed_destination_not_allowed"


class InvalidDestination(ApiError):
    code = "invalid_destination"


class _RetryAfter(ApiError):
    @property
    def retry_after(self) -> int:
        return self._int("retry_after") or 0


class ResendTooSoon(_RetryAfter):
    code = "resend_too_soon"


class TooManySends(_RetryAfter):
    code = "too_many_sends"


class TooManyFailures(_RetryAfter):
    code = "too_many_failures"


class MalformedCode(ApiError):
    code = "malformed_code"

    @property
    def expected_length(self) -> int | None:
        return self._int("expected_length")


class AlreadyAuthorized(ApiError):
    code = "already_authorized"

    @property
    def authorization(self) -> Authorization | None:
        try:
            return Authorization.parse(self.extra.get("authorization"))
        except ValueError:
            return None


class NoTokenPending(ApiError):
    code = "no_token_pending"


class TokenExpired(ApiError):
    code = "token_expired"


class InvalidCode(ApiError):
    code = "invalid_code"

    @property
    def attempts_left(self) -> int:
        return self._int("attempts_left") or 0


class TokenLocked(ApiError):
    code = "token_locked"


ERROR_CLASSES: dict[str, type[ApiError]] = {
    cls.code: cls
    for cls in (
        Unauthorized,
        InvalidRequest,
        InvalidIdempotencyKey,
        PayloadTooLarge,
        NotFound,
        UnknownReason,
        GuideNotFound,
        GuideNotAwaitingToken,
        UnknownChannel,
        ChannelNotSendable,
        TypedDestinationNotAllowed,
        InvalidDestination,
        ResendTooSoon,
        TooManySends,
        TooManyFailures,
        MalformedCode,
        AlreadyAuthorized,
        NoTokenPending,
        TokenExpired,
        InvalidCode,
        TokenLocked,
        ServerError,
        StorageUnavailable,
        TooManyConnections,
    )
}


def error_from_problem(status: int, problem: dict[str, Any]) -> ApiError:
    """Build the typed exception for a problem document (unknown codes keep their code)."""
    code = problem.get("code")
    code = code if isinstance(code, str) else None
    known = {"type", "title", "status", "detail", "code"}
    extra = {k: v for k, v in problem.items() if k not in known}
    title = problem.get("title")
    detail = problem.get("detail")
    cls: type[ApiError]
    if code in ERROR_CLASSES:
        cls = ERROR_CLASSES[code]
    elif status >= 500:
        cls = ServerError
    else:
        cls = ApiError
    return cls(
        status=status,
        code=code,
        title=title if isinstance(title, str) else "",
        detail=detail if isinstance(detail, str) else "",
        extra=extra,
    )
