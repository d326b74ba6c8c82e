"""The token backend client: `FrontdeskClient`, its typed results and its typed errors.

`FrontdeskClient` is loaded on first use: importing the models or errors (which the app
does while painting its first screen) must not pay for the client. The client itself
imports httpx (~85 ms, ~4 MiB) only when a remote one is built; the embedded mode's
in-process client (`asgi_app=`) never does.
"""

from typing import TYPE_CHECKING

from frontdesk.client.errors import (
    ERROR_CLASSES,
    AlreadyAuthorized,
    ApiError,
    BackendUnavailable,
    ChannelNotSendable,
    FrontdeskClientError,
    GuideNotAwaitingToken,
    GuideNotFound,
    InvalidCode,
    InvalidDestination,
    InvalidIdempotencyKey,
    InvalidRequest,
    MalformedCode,
    MalformedResponse,
    NotFound,
    NoTokenPending,
    PayloadTooLarge,
    ResendTooSoon,
    ServerError,
    TokenExpired,
    TokenLocked,
    TooManyFailures,
    TooManySends,
    TypedDestinationNotAllowed,
    Unauthorized,
    UnknownChannel,
    UnknownReason,
    error_from_problem,
)
from frontdesk.client.models import (
    Authorization,
    Beneficiary,
    Channel,
    Channels,
    Event,
    Guide,
    Health,
    OutboxMessage,
    Procedure,
    Provider,
    SacPhone,
    Token,
)

if TYPE_CHECKING:
    from frontdesk.client.client import FrontdeskClient


def __getattr__(name: str) -> object:
    if name == "FrontdeskClient":
        from frontdesk.client.client import FrontdeskClient

        return FrontdeskClient
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "ERROR_CLASSES",
    "AlreadyAuthorized",
    "ApiError",
    "Authorization",
    "BackendUnavailable",
    "Beneficiary",
    "Channel",
    "ChannelNotSendable",
    "Channels",
    "Event",
    "FrontdeskClient",
    "FrontdeskClientError",
    "Guide",
    "GuideNotAwaitingToken",
    "GuideNotFound",
    "Health",
    "InvalidCode",
    "InvalidDestination",
    "InvalidIdempotencyKey",
    "InvalidRequest",
    "MalformedCode",
    "MalformedResponse",
    "NoTokenPending",
    "NotFound",
    "OutboxMessage",
    "PayloadTooLarge",
    "Procedure",
    "Provider",
    "ResendTooSoon",
    "SacPhone",
    "ServerError",
    "Token",
    "TokenExpired",
    "TokenLocked",
    "TooManyFailures",
    "TooManySends",
    "TypedDestinationNotAllowed",
    "Unauthorized",
    "UnknownChannel",
    "UnknownReason",
    "error_from_problem",
]
