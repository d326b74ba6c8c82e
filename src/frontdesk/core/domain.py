"""Names shared by the backend, the client and the app: statuses, channels, error codes.

Pure data, imported by every layer (docs/api.md and docs/glossary.md are the source).
"""

from __future__ import annotations

from typing import Final, Literal, get_args

GuideType = Literal["consulta", "sp_sadt", "odonto"]
GuideStatus = Literal[
    "awaiting_token",
    "under_review",
    "authorized",
    "partially_authorized",
    "denied",
    "cancelled",
]
TokenState = Literal["none", "pending", "locked", "expired", "used", "cancelled"]
ChannelKind = Literal["sms", "email", "app", "sac"]
TokenChannel = Literal["sms", "email", "sac"]  # where a token's code went (not the app)
ContactKind = Literal["sms", "email"]  # a phone for SMS or an e-mail: what the outbox holds
Delivery = Literal["queued", "sent", "delivered", "failed"]
EventKind = Literal[
    "token_sent",
    "delivery",
    "code_rejected",
    "token_locked",
    "token_expired",
    "authorized",
    "absence",
    "cancelled",
]
# TISS "motivo de ausência do código de validação" (TUSS table 74).
AbsenceReason = Literal["01", "02", "03", "04", "05", "06", "07"]

# Each Literal's values, in its order (parsers check values against these).
GUIDE_TYPES: Final[tuple[GuideType, ...]] = get_args(GuideType)
GUIDE_STATUSES: Final[tuple[GuideStatus, ...]] = get_args(GuideStatus)
AUTHORIZED_STATUSES: Final[frozenset[str]] = frozenset({"authorized", "partially_authorized"})
TOKEN_STATES: Final[tuple[TokenState, ...]] = get_args(TokenState)
CHANNEL_KINDS: Final[tuple[ChannelKind, ...]] = get_args(ChannelKind)
TOKEN_CHANNELS: Final[tuple[TokenChannel, ...]] = get_args(TokenChannel)
CONTACT_KINDS: Final[tuple[ContactKind, ...]] = get_args(ContactKind)
DELIVERIES: Final[tuple[Delivery, ...]] = get_args(Delivery)
EVENT_KINDS: Final[tuple[EventKind, ...]] = get_args(EventKind)
ABSENCE_REASONS: Final[tuple[AbsenceReason, ...]] = get_args(AbsenceReason)
# The local backend's policy: these release the guide at once, the others go to review.
ABSENCE_AUTHORIZES: Final[frozenset[str]] = frozenset({"01", "02"})

# Error `code` members of the contract's tables (docs/api.md), with their HTTP status.
CONTRACT_ERRORS: Final[dict[str, int]] = {
    "guide_not_found": 404,
    "guide_not_awaiting_token": 409,
    "unknown_channel": 422,
    "channel_not_sendable": 422,
    "typed_destination_not_allowed": 422,
    "invalid_destination": 422,
    "resend_too_soon": 429,
    "too_many_sends": 429,
    "malformed_code": 400,
    "already_authorized": 409,
    "no_token_pending": 409,
    "token_expired": 410,
    "invalid_code": 422,
    "token_locked": 423,
    "too_many_failures": 429,
}

# Codes the contract implies but does not tabulate (auth, bad requests, limits, faults).
# Documented in docs/openapi.yaml and docs/api.md.
GENERAL_ERRORS: Final[dict[str, int]] = {
    "unauthorized": 401,
    "invalid_request": 400,
    "invalid_idempotency_key": 400,
    "unknown_reason": 422,
    "not_found": 404,
    "method_not_allowed": 405,
    "payload_too_large": 413,
    "internal_error": 500,
    # The IETF Idempotency-Key draft's answer to a key reused with another body.
    "idempotency_key_reused": 422,
    # The connection: a request that stalled before it was whole, too many connections.
    "request_timeout": 408,
    "too_many_connections": 503,
    # The backend cannot write to its database now (disk full, I/O error, lock).
    "storage_unavailable": 503,
}

ERROR_STATUS: Final[dict[str, int]] = {**CONTRACT_ERRORS, **GENERAL_ERRORS}
