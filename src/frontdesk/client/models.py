"""Typed results of the token backend's contract (docs/api.md), parsed from its JSON.

Every parser raises `ValueError` on a document that does not have the contract's shape,
a value outside its enumeration included (a status, a token state, a channel kind…); the
client turns that into `MalformedResponse`. So the Literals of `frontdesk.core.domain` hold.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeVar

from frontdesk.core.domain import (
    ABSENCE_REASONS,
    CHANNEL_KINDS,
    CONTACT_KINDS,
    DELIVERIES,
    EVENT_KINDS,
    GUIDE_STATUSES,
    GUIDE_TYPES,
    TOKEN_CHANNELS,
    TOKEN_STATES,
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

Choice = TypeVar("Choice", bound=str)


def _obj(data: Any, what: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ValueError(f"{what}: expected an object")
    return data


def _str(data: dict[str, Any], key: str, what: str) -> str:
    value = data.get(key)
    if not isinstance(value, str):
        raise ValueError(f"{what}.{key}: expected a string")
    return value


def _opt_str(data: dict[str, Any], key: str, what: str) -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise ValueError(f"{what}.{key}: expected a string or null")
    return value


def _opt_int(data: dict[str, Any], key: str, what: str) -> int | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{what}.{key}: expected an integer")
    return value


def _one_of(data: dict[str, Any], key: str, what: str, choices: tuple[Choice, ...]) -> Choice:
    """`data[key]` if it is one of `choices` (a Literal's values), else ValueError."""
    value = data.get(key)
    for choice in choices:
        if value == choice:
            return choice
    raise ValueError(f"{what}.{key}: expected one of {', '.join(choices)}")


def _opt_one_of(
    data: dict[str, Any], key: str, what: str, choices: tuple[Choice, ...]
) -> Choice | None:
    return None if data.get(key) is None else _one_of(data, key, what, choices)


def _list(data: dict[str, Any], key: str, what: str) -> list[Any]:
    value = data.get(key)
    if not isinstance(value, list):
        raise ValueError(f"{what}.{key}: expected a list")
    return value


@dataclass(frozen=True)
class Health:
    status: str
    version: str
    mode: str | None = None
    time: str | None = None

    @classmethod
    def parse(cls, data: Any) -> Health:
        d = _obj(data, "health")
        return cls(
            status=_str(d, "status", "health"),
            version=_str(d, "version", "health"),
            mode=_opt_str(d, "mode", "health"),
            time=_opt_str(d, "time", "health"),
        )


@dataclass(frozen=True)
class Beneficiary:
    name: str
    card: str
    plan: str
    social_name: str | None = None

    @property
    def display_name(self) -> str:
        """The name to call the patient by: the social name where there is one."""
        return self.social_name or self.name

    @classmethod
    def parse(cls, data: Any) -> Beneficiary:
        d = _obj(data, "beneficiary")
        return cls(
            name=_str(d, "name", "beneficiary"),
            card=_str(d, "card", "beneficiary"),
            plan=_str(d, "plan", "beneficiary"),
            social_name=_opt_str(d, "social_name", "beneficiary"),
        )


@dataclass(frozen=True)
class Provider:
    code: str
    name: str

    @classmethod
    def parse(cls, data: Any) -> Provider:
        d = _obj(data, "provider")
        return cls(code=_str(d, "code", "provider"), name=_str(d, "name", "provider"))


@dataclass(frozen=True)
class Procedure:
    table: str
    code: str
    description: str
    quantity: int

    @classmethod
    def parse(cls, data: Any) -> Procedure:
        d = _obj(data, "procedure")
        quantity = _opt_int(d, "quantity", "procedure")
        if quantity is None:
            raise ValueError("procedure.quantity: expected an integer")
        return cls(
            table=_str(d, "table", "procedure"),
            code=_str(d, "code", "procedure"),
            description=_str(d, "description", "procedure"),
            quantity=quantity,
        )


@dataclass(frozen=True)
class Authorization:
    number: str
    valid_until: str

    @classmethod
    def parse(cls, data: Any) -> Authorization:
        d = _obj(data, "authorization")
        return cls(
            number=_str(d, "number", "authorization"),
            valid_until=_str(d, "valid_until", "authorization"),
        )


@dataclass(frozen=True)
class Token:
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

    @classmethod
    def parse(cls, data: Any) -> Token:
        d = _obj(data, "token")
        return cls(
            state=_one_of(d, "state", "token", TOKEN_STATES),
            channel=_opt_one_of(d, "channel", "token", TOKEN_CHANNELS),
            destination=_opt_str(d, "destination", "token"),
            expires_at=_opt_str(d, "expires_at", "token"),
            expires_in=_opt_int(d, "expires_in", "token"),
            attempts_left=_opt_int(d, "attempts_left", "token"),
            resend_at=_opt_str(d, "resend_at", "token"),
            resend_in=_opt_int(d, "resend_in", "token"),
            sends_left=_opt_int(d, "sends_left", "token"),
            delivery=_opt_one_of(d, "delivery", "token", DELIVERIES),
        )


@dataclass(frozen=True)
class Guide:
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

    @classmethod
    def parse(cls, data: Any) -> Guide:
        d = _obj(data, "guide")
        auth = d.get("authorization")
        return cls(
            number=_str(d, "number", "guide"),
            operator_number=_str(d, "operator_number", "guide"),
            type=_one_of(d, "type", "guide", GUIDE_TYPES),
            status=_one_of(d, "status", "guide", GUIDE_STATUSES),
            requested_at=_str(d, "requested_at", "guide"),
            beneficiary=Beneficiary.parse(d.get("beneficiary")),
            provider=Provider.parse(d.get("provider")),
            procedures=tuple(Procedure.parse(p) for p in _list(d, "procedures", "guide")),
            token=Token.parse(d.get("token")),
            authorization=None if auth is None else Authorization.parse(auth),
            absence_reason=_opt_one_of(d, "absence_reason", "guide", ABSENCE_REASONS),
        )


@dataclass(frozen=True)
class SacPhone:
    number: str
    note: str

    @classmethod
    def parse(cls, data: Any) -> SacPhone:
        d = _obj(data, "phone")
        return cls(number=_str(d, "number", "phone"), note=_str(d, "note", "phone"))


@dataclass(frozen=True)
class Channel:
    """One place a code can come from: a registered phone or e-mail, the app, or the SAC."""

    id: str
    kind: ChannelKind
    label: str | None = None
    last_used: bool = False
    phones: tuple[SacPhone, ...] = ()

    @classmethod
    def parse(cls, data: Any) -> Channel:
        d = _obj(data, "channel")
        last_used = d.get("last_used", False)
        if not isinstance(last_used, bool):
            raise ValueError("channel.last_used: expected a boolean")
        phones = d.get("phones", [])
        if not isinstance(phones, list):
            raise ValueError("channel.phones: expected a list")
        return cls(
            id=_str(d, "id", "channel"),
            kind=_one_of(d, "kind", "channel", CHANNEL_KINDS),
            label=_opt_str(d, "label", "channel"),
            last_used=last_used,
            phones=tuple(SacPhone.parse(p) for p in phones),
        )


@dataclass(frozen=True)
class Channels:
    channels: tuple[Channel, ...]
    typed_destination: dict[str, bool] = field(default_factory=dict)

    @property
    def last_used(self) -> Channel | None:
        return next((c for c in self.channels if c.last_used), None)

    def of_kind(self, kind: ChannelKind) -> list[Channel]:
        return [c for c in self.channels if c.kind == kind]

    @classmethod
    def parse(cls, data: Any) -> Channels:
        d = _obj(data, "channels")
        typed = d.get("typed_destination", {})
        if not isinstance(typed, dict) or not all(
            isinstance(k, str) and isinstance(v, bool) for k, v in typed.items()
        ):
            raise ValueError("channels.typed_destination: expected an object of booleans")
        return cls(
            channels=tuple(Channel.parse(c) for c in _list(d, "channels", "channels")),
            typed_destination=dict(typed),
        )


@dataclass(frozen=True)
class Event:
    at: str
    kind: EventKind
    channel: ChannelKind | None = None
    destination: str | None = None
    attempts_left: int | None = None
    delivery: Delivery | None = None
    reason: AbsenceReason | None = None
    authorization: str | None = None

    @classmethod
    def parse(cls, data: Any) -> Event:
        d = _obj(data, "event")
        return cls(
            at=_str(d, "at", "event"),
            kind=_one_of(d, "kind", "event", EVENT_KINDS),
            channel=_opt_one_of(d, "channel", "event", CHANNEL_KINDS),
            destination=_opt_str(d, "destination", "event"),
            attempts_left=_opt_int(d, "attempts_left", "event"),
            delivery=_opt_one_of(d, "delivery", "event", DELIVERIES),
            reason=_opt_one_of(d, "reason", "event", ABSENCE_REASONS),
            authorization=_opt_str(d, "authorization", "event"),
        )


@dataclass(frozen=True)
class OutboxMessage:
    """A message the simulator delivered to a patient's phone or mailbox (local mode only)."""

    id: str
    channel: ContactKind
    to: str
    body: str
    code: str
    guide: str
    sent_at: str

    @classmethod
    def parse(cls, data: Any) -> OutboxMessage:
        d = _obj(data, "message")
        return cls(
            id=_str(d, "id", "message"),
            channel=_one_of(d, "channel", "message", CONTACT_KINDS),
            to=_str(d, "to", "message"),
            body=_str(d, "body", "message"),
            code=_str(d, "code", "message"),
            guide=_str(d, "guide", "message"),
            sent_at=_str(d, "sent_at", "message"),
        )
