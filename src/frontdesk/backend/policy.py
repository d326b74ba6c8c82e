"""The operator's token policy (docs/api.md, "The token policy"), within the contract's bounds,
and the operator's other settings of the local backend (`BackendSettings`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec


class PolicyError(ValueError):
    """A policy value outside the contract's bounds; the message names the rule and bound."""


# rule -> (minimum, maximum, what it is, in words for the error message)
BOUNDS: dict[str, tuple[int, int, str]] = {
    "code_length": (4, 10, "code length in digits"),
    "lifetime_seconds": (60, 86_400, "lifetime of a sent code in seconds"),
    "max_attempts": (1, 20, "wrong codes per challenge before it locks"),
    "resend_wait_seconds": (0, 3_600, "wait between sends for one guide in seconds"),
    "sends_per_hour": (1, 60, "sends per guide per hour"),
    "card_failures_per_day": (1, 99, "failed validations per card per 24 h"),
    "totp_step_seconds": (10, 300, "app code (RFC 6238) step in seconds"),
    "totp_window": (0, 3, "app code steps accepted either side of now"),
}


class Policy(msgspec.Struct, frozen=True):
    """Token rules; the defaults are the local backend's (docs/api.md)."""

    code_length: int = 6
    lifetime_seconds: int = 30 * 60
    max_attempts: int = 5
    resend_wait_seconds: int = 60
    sends_per_hour: int = 5
    card_failures_per_day: int = 20
    totp_step_seconds: int = 30
    totp_window: int = 1

    def __post_init__(self) -> None:
        for name, (low, high, what) in BOUNDS.items():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise PolicyError(f"{name} ({what}) must be a whole number, not {value!r}")
            if not low <= value <= high:
                raise PolicyError(f"{name} ({what}) must be between {low} and {high}; got {value}")

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> Policy:
        """Build from e.g. a TOML table; unknown keys are refused by name."""
        known = set(cls.__struct_fields__)
        unknown = sorted(set(values) - known)
        if unknown:
            raise PolicyError(
                f"unknown policy setting(s): {', '.join(unknown)}; "
                f"known: {', '.join(sorted(known))}"
            )
        return cls(**dict(values))


class SacPhone(msgspec.Struct, frozen=True):
    number: str
    note: str


class BackendSettings(msgspec.Struct, frozen=True):
    """The operator's side of the local backend, beyond the token policy."""

    operator: str = "Operadora Demonstração"
    sac_phones: tuple[SacPhone, ...] = (
        SacPhone("4007-2400", "capitais e regiões metropolitanas"),
        SacPhone("0800 643 4300", "demais localidades"),
    )
    typed_destination: dict[str, bool] = msgspec.field(
        default_factory=lambda: {"sms": False, "email": True}
    )
    simulator: bool = True
