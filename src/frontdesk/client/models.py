"""Typed results of the token backend's contract (docs/api.md), parsed from its JSON.

Each result is a frozen dataclass whose annotations are the contract: `parse` hands the
decoded JSON to msgspec, which checks it against them (strictly: no string for a number,
no number for a boolean, a Literal's values only) and builds the dataclass. A document
that does not have the contract's shape, a value outside its enumeration included (a
status, a token state, a channel kind…), raises `ValueError` naming the member (for
example "guide: Expected `str`, got `int` - at `$.beneficiary.name`"); the client turns
that into `MalformedResponse`. So the Literals of `frontdesk.core.domain` hold.
"""

from __future__ import annotations

from dataclasses import dataclass, field
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


class Parsed:
    """A result of the contract: `parse` builds it from decoded JSON, checked by msgspec."""

    __slots__ = ()

    @classmethod
    def parse(cls, data: Any) -> Self:
        """`data` (decoded JSON) as this class; `ValueError` if it is not the contract's."""
        try:
            return msgspec.convert(data, cls, strict=True)
        except msgspec.ValidationError as error:
            raise ValueError(f"{cls.__name__.lower()}: {error}") from None


@dataclass(frozen=True)
class Health(Parsed):
    status: str
    version: str
    mode: str | None = None
    time: str | None = None


@dataclass(frozen=True)
class Beneficiary(Parsed):
    name: str
    card: str
    plan: str
    social_name: str | None = None

    @property
    def display_name(self) -> str:
        """The name to call the patient by: the social name where there is one."""
        return self.social_name or self.name


@dataclass(frozen=True)
class Provider(Parsed):
    code: str
    name: str


@dataclass(frozen=True)
class Procedure(Parsed):
    table: str
    code: str
    description: str
    quantity: int


@dataclass(frozen=True)
class Authorization(Parsed):
    number: str
    valid_until: str


@dataclass(frozen=True)
class Token(Parsed):
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


@dataclass(frozen=True)
class Guide(Parsed):
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


@dataclass(frozen=True)
class SacPhone(Parsed):
    number: str
    note: str


@dataclass(frozen=True)
class Channel(Parsed):
    """One place a code can come from: a registered phone or e-mail, the app, or the SAC."""

    id: str
    kind: ChannelKind
    label: str | None = None
    last_used: bool = False
    phones: tuple[SacPhone, ...] = ()


@dataclass(frozen=True)
class Channels(Parsed):
    channels: tuple[Channel, ...]
    typed_destination: dict[str, bool] = field(default_factory=dict)

    @property
    def last_used(self) -> Channel | None:
        return next((c for c in self.channels if c.last_used), None)

    def of_kind(self, kind: ChannelKind) -> list[Channel]:
        return [c for c in self.channels if c.kind == kind]


@dataclass(frozen=True)
class Event(Parsed):
    at: str
    kind: EventKind
    channel: ChannelKind | None = None
    destination: str | None = None
    attempts_left: int | None = None
    delivery: Delivery | None = None
    reason: AbsenceReason | None = None
    authorization: str | None = None


@dataclass(frozen=True)
class OutboxMessage(Parsed):
    """A message the simulator delivered to a patient's phone or mailbox (local mode only)."""

    id: str
    channel: ContactKind
    to: str
    body: str
    code: str
    guide: str
    sent_at: str
