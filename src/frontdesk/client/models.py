"""Typed results of the token backend's contract (docs/api.md), parsed from its JSON.

Each result is a frozen msgspec Struct whose annotations are the contract: `parse` hands
the decoded JSON to msgspec, which checks it against them (strictly: no string for a
number, no number for a boolean, a Literal's values only) and builds the Struct. A document
that does not have the contract's shape, a value outside its enumeration included (a
status, a token state, a channel kind…), raises `ValueError` naming the member (for
example "guide: Expected `str`, got `int` - at `$.beneficiary.name`"); the client turns
that into `MalformedResponse`. So the Literals of `frontdesk.core.domain` hold.
"""

from __future__ import annotations

from typing import Any, Self

import msgspec

from frontdesk.core.domain import (
    AbsenceReason,
    ChannelKind,
    ContactKind,
    Delivery,
    EventKind,
    GuideStatus,
    GuideType,
    TokenChannel,
    TokenState,
)


class Parsed(msgspec.Struct, frozen=True):
    """A result of the contract: `parse` builds it from decoded JSON, checked by msgspec.
    Structs, not dataclasses: a dataclass generates and compiles its methods at import, on
    the way to the first queue (docs/performance.md); `replace` changes a copy."""

    @classmethod
    def parse(cls, data: Any) -> Self:
        """`data` (decoded JSON) as this class; `ValueError` if it is not the contract's."""
        try:
            return msgspec.convert(data, cls, strict=True)
        except msgspec.ValidationError as error:
            raise ValueError(f"{cls.__name__.lower()}: {error}") from None


class Health(Parsed, frozen=True):
    status: str
    version: str
    mode: str | None = None
    time: str | None = None


class Beneficiary(Parsed, frozen=True):
    name: str
    card: str
    plan: str
    social_name: str | None = None

    @property
    def display_name(self) -> str:
        """The name to call the patient by: the social name where there is one."""
        return self.social_name or self.name


class Provider(Parsed, frozen=True):
    code: str
    name: str


class Procedure(Parsed, frozen=True):
    table: str
    code: str
    description: str
    quantity: int


class Authorization(Parsed, frozen=True):
    number: str
    valid_until: str


class Token(Parsed, frozen=True):
    """The guide's current challenge. Only `state` is set when it is `none`."""

    state: TokenState
    channel: TokenChannel | None = None
    destination: str | None = None
    expires_at: str | None = None
    expires_in: int | None = None
    attempts_left: int | None = None
    resend_at: str | None = None
    resend_in: int | None = None
    sends_left: int | None = None
    delivery: Delivery | None = None


class Guide(Parsed, frozen=True):
    number: str
    operator_number: str
    type: GuideType
    status: GuideStatus
    requested_at: str
    beneficiary: Beneficiary
    provider: Provider
    procedures: tuple[Procedure, ...]
    token: Token
    authorization: Authorization | None = None
    absence_reason: AbsenceReason | None = None


class SacPhone(Parsed, frozen=True):
    number: str
    note: str


class Channel(Parsed, frozen=True):
    """One place a code can come from: a registered phone or e-mail, the app, or the SAC."""

    id: str
    kind: ChannelKind
    label: str | None = None
    last_used: bool = False
    phones: tuple[SacPhone, ...] = ()


class Channels(Parsed, frozen=True):
    channels: tuple[Channel, ...]
    typed_destination: dict[str, bool] = msgspec.field(default_factory=dict)

    @property
    def last_used(self) -> Channel | None:
        return next((c for c in self.channels if c.last_used), None)

    def of_kind(self, kind: ChannelKind) -> list[Channel]:
        return [c for c in self.channels if c.kind == kind]


class Event(Parsed, frozen=True):
    at: str
    kind: EventKind
    channel: ChannelKind | None = None
    destination: str | None = None
    attempts_left: int | None = None
    delivery: Delivery | None = None
    reason: AbsenceReason | None = None
    authorization: str | None = None


class OutboxMessage(Parsed, frozen=True):
    """A message the simulator delivered to a patient's phone or mailbox (local mode only)."""

    id: str
    channel: ContactKind
    to: str
    body: str
    code: str
    guide: str
    sent_at: str
