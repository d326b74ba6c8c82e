"""The contract's JSON documents (docs/api.md), built from the backend's records.

Pure functions: what they need is passed in, nothing is read or written here. Contacts
leave only masked (`frontdesk.core.contacts.mask_destination`); no document holds a code.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from frontdesk.backend.clock import rfc3339
from frontdesk.backend.engine import Challenge, TokenEngine, ceil_seconds
from frontdesk.backend.policy import BackendSettings
from frontdesk.backend.records import BeneficiaryRecord, ContactRecord, GuideRecord
from frontdesk.core.contacts import mask_destination


def authorization_doc(guide: GuideRecord) -> dict[str, Any] | None:
    """The guide's authorization (senha) and how long it holds; None until authorized."""
    if guide.authorization_number is None:
        return None
    return {
        "number": guide.authorization_number,
        "valid_until": guide.authorization_valid_until,
    }


def token_doc(
    engine: TokenEngine, challenge: Challenge, send_times: Sequence[float], now: float
) -> dict[str, Any]:
    """The Token document: the challenge's state, masked destination and countdowns.

    `send_times` are the guide's sends in the last hour (for `resend_*` and `sends_left`).
    """
    if challenge.state == "none":
        return {"state": "none"}
    doc: dict[str, Any] = {"state": challenge.state}
    if challenge.channel:
        doc["channel"] = challenge.channel
    masked = mask_destination(challenge.channel or "", challenge.destination)
    if masked:
        doc["destination"] = masked
    if challenge.expires_at is not None:
        doc["expires_at"] = rfc3339(challenge.expires_at)
        doc["expires_in"] = max(0, ceil_seconds(challenge.expires_at - now))
    doc["attempts_left"] = challenge.attempts_left
    resend_at = engine.resend_at(now, send_times)
    if resend_at is not None:
        doc["resend_at"] = rfc3339(resend_at)
        doc["resend_in"] = max(0, ceil_seconds(resend_at - now))
    doc["sends_left"] = engine.sends_left(now, send_times)
    if challenge.delivery:
        doc["delivery"] = challenge.delivery
    return doc


def guide_doc(
    guide: GuideRecord, beneficiary: BeneficiaryRecord, token: dict[str, Any]
) -> dict[str, Any]:
    """The Guide document, with its `token` document already built."""
    return {
        "number": guide.number,
        "operator_number": guide.operator_number,
        "type": guide.type,
        "status": guide.status,
        "requested_at": rfc3339(guide.requested_at),
        "beneficiary": {
            "name": beneficiary.name,
            "social_name": beneficiary.social_name,
            "card": beneficiary.card_display,
            "plan": beneficiary.plan,
        },
        "provider": {"code": guide.provider_code, "name": guide.provider_name},
        "procedures": guide.procedures,
        "token": token,
        "authorization": authorization_doc(guide),
        "absence_reason": guide.absence_reason,
    }


def channels_doc(
    beneficiary: BeneficiaryRecord, contacts: Sequence[ContactRecord], settings: BackendSettings
) -> dict[str, Any]:
    """The Channels document: registered phones first, then e-mails (masked), the app where
    the beneficiary has it, the SAC with its phones, and what the desk may type."""
    items: list[dict[str, Any]] = [
        {
            "id": contact.channel_id,
            "kind": contact.kind,
            "label": mask_destination(contact.kind, contact.value),
            "last_used": contact.channel_id == beneficiary.last_used_contact,
        }
        for contact in sorted(contacts, key=lambda c: (c.kind != "sms", c.position))
    ]
    if beneficiary.app_secret:
        items.append({"id": "app", "kind": "app"})
    items.append(
        {
            "id": "sac",
            "kind": "sac",
            "phones": [{"number": p.number, "note": p.note} for p in settings.sac_phones],
        }
    )
    return {"channels": items, "typed_destination": dict(settings.typed_destination)}
