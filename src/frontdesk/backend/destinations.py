"""Where a send goes: a registered contact by its channel id, or a destination the patient
dictates, where the operator allows typing one (docs/api.md, `POST …/token`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from frontdesk.backend.problems import Problem
from frontdesk.backend.records import ContactRecord
from frontdesk.core.contacts import mobile_digits, valid_email


def resolve_destination(
    contacts: Sequence[ContactRecord],
    typed_destination: Mapping[str, bool],
    channel_id: str | None,
    channel: str | None,
    destination: str | None,
) -> tuple[str, str, str | None]:
    """(kind, unmasked destination, registered contact id) for a send request.

    Give `channel_id`, or `channel` and `destination` (the HTTP layer checks the shape);
    anything else raises the contract's `Problem`.
    """
    if channel_id is not None:
        if channel_id in ("app", "sac"):
            raise Problem(
                "channel_not_sendable",
                f"{channel_id} codes come to the desk by voice; nothing is sent",
            )
        for contact in contacts:
            if contact.channel_id == channel_id:
                return contact.kind, contact.value, contact.channel_id
        raise Problem("unknown_channel", "no channel of this beneficiary has this id")
    assert channel is not None and destination is not None  # the server checks the shape
    if channel in ("app", "sac"):
        raise Problem("channel_not_sendable", f"{channel} codes are not sent")
    if channel not in ("sms", "email"):
        raise Problem("unknown_channel", "channel must be sms or email")
    if not typed_destination.get(channel, False):
        raise Problem(
            "typed_destination_not_allowed",
            f"the operator does not allow a typed {channel} destination",
        )
    value = normalise_destination(channel, destination)
    if value is None:
        what = "a mobile number with DDD" if channel == "sms" else "an e-mail address"
        raise Problem("invalid_destination", f"destination must be {what}")
    match = next((c for c in contacts if c.kind == channel and c.value == value), None)
    return channel, value, match.channel_id if match else None


def normalise_destination(channel: str, destination: str) -> str | None:
    """The typed destination as stored (an e-mail as typed, a mobile as its digits), or None."""
    value = destination.strip()
    if channel == "email":
        return value if valid_email(value) else None
    return mobile_digits(value)
