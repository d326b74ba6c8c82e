"""The local backend's operations: the contract (docs/api.md) over the engine and the store.

Each public method runs in one store transaction and returns the JSON-ready document the
contract describes, or raises `Problem` with the contract's error `code` and extra
members. State changes that an error reports (a wrong code counted, a challenge locked
or expired) are committed before the `Problem` leaves the transaction.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from frontdesk import __version__
from frontdesk.backend.clock import Clock, rfc3339
from frontdesk.backend.engine import (
    DAY,
    HOUR,
    AppCheck,
    Challenge,
    RandBelow,
    TokenEngine,
    ceil_seconds,
)
from frontdesk.backend.policy import Policy
from frontdesk.backend.store import BeneficiaryRecord, GuideRecord, Store
from frontdesk.core.contacts import digits_only, mask_destination, mobile_digits, valid_email
from frontdesk.core.domain import (
    ABSENCE_AUTHORIZES,
    ABSENCE_REASONS,
    AUTHORIZED_STATUSES,
    ERROR_STATUS,
    GUIDE_STATUSES,
)

T = TypeVar("T")

# The simulator "delivers" an SMS or e-mail this many seconds after it is sent.
DELIVERY_DELAY = 2
AUTHORIZATION_DAYS = 30
OUTBOX_LIMIT = 200

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


@dataclass(frozen=True)
class SacPhone:
    number: str
    note: str


@dataclass(frozen=True)
class BackendSettings:
    """The operator's side of the local backend, beyond the token policy."""

    operator: str = "Operadora Demonstração"
    sac_phones: tuple[SacPhone, ...] = (
        SacPhone("4007-2400", "capitais e regiões metropolitanas"),
        SacPhone("0800 643 4300", "demais localidades"),
    )
    typed_destination: dict[str, bool] = field(
        default_factory=lambda: {"sms": False, "email": True}
    )
    simulator: bool = True


class LocalBackend:
    """The reference implementation of the token backend contract."""

    def __init__(
        self,
        store: Store,
        clock: Clock,
        policy: Policy | None = None,
        settings: BackendSettings | None = None,
        randbelow: RandBelow = secrets.randbelow,
    ) -> None:
        self.store = store
        self.clock = clock
        self.policy = policy or Policy()
        self.settings = settings or BackendSettings()
        self.engine = TokenEngine(self.policy, store.secret_key(), randbelow)

    def close(self) -> None:
        self.store.close()

    def _run(self, operation: Callable[[float], T]) -> T:
        """Run `operation(now)` in one transaction; a Problem it raises commits first."""
        problem: Problem | None = None
        with self.store.transaction():
            try:
                return operation(self.clock.now())
            except Problem as raised:
                problem = raised
        raise problem

    # -- reads ---------------------------------------------------------------------------------

    def health(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "status": "ok",
            "version": __version__,
            "time": rfc3339(self.clock.now()),
            "operator": self.settings.operator,
        }
        if self.settings.simulator:
            doc["mode"] = "local"
        return doc

    def list_guides(self, status: str | None, card: str | None) -> dict[str, Any]:
        if status is not None and status not in GUIDE_STATUSES:
            raise Problem("invalid_request", f"status must be one of: {', '.join(GUIDE_STATUSES)}")
        card_digits = None
        if card is not None:
            card_digits = digits_only(card)
            if not card_digits or len(card) > 64:
                raise Problem("invalid_request", "card must be a card number (digits)")

        def op(now: float) -> dict[str, Any]:
            guides = self.store.list_guides(status, card_digits)
            return {"items": [self._guide_doc(g, now) for g in guides]}

        return self._run(op)

    def get_guide(self, number: str) -> dict[str, Any]:
        return self._run(lambda now: self._guide_doc(self._guide(number), now))

    def channels(self, number: str) -> dict[str, Any]:
        def op(now: float) -> dict[str, Any]:
            guide = self._guide(number)
            beneficiary = self._beneficiary(guide.card)
            items: list[dict[str, Any]] = []
            contacts = sorted(
                self.store.contacts(guide.card), key=lambda c: (c.kind != "sms", c.position)
            )
            for contact in contacts:
                items.append(
                    {
                        "id": contact.channel_id,
                        "kind": contact.kind,
                        "label": mask_destination(contact.kind, contact.value),
                        "last_used": contact.channel_id == beneficiary.last_used_contact,
                    }
                )
            if beneficiary.app_secret:
                items.append({"id": "app", "kind": "app"})
            items.append(
                {
                    "id": "sac",
                    "kind": "sac",
                    "phones": [
                        {"number": p.number, "note": p.note} for p in self.settings.sac_phones
                    ],
                }
            )
            return {
                "channels": items,
                "typed_destination": dict(self.settings.typed_destination),
            }

        return self._run(op)

    def get_token(self, number: str) -> dict[str, Any]:
        def op(now: float) -> dict[str, Any]:
            guide = self._guide(number)
            return self._token_doc(guide, self._challenge(guide, now), now)

        return self._run(op)

    def events(self, number: str) -> dict[str, Any]:
        def op(now: float) -> dict[str, Any]:
            guide = self._guide(number)
            self._challenge(guide, now)  # records an expiry or delivery that is due
            return {
                "events": [
                    {"at": rfc3339(e.at), "kind": e.kind, **e.data}
                    for e in self.store.events(guide.number)
                ]
            }

        return self._run(op)

    # -- writes --------------------------------------------------------------------------------

    def send(
        self,
        number: str,
        *,
        channel_id: str | None = None,
        channel: str | None = None,
        destination: str | None = None,
    ) -> dict[str, Any]:
        def op(now: float) -> dict[str, Any]:
            guide = self._awaiting(number)
            beneficiary = self._beneficiary(guide.card)
            kind, to, contact_id = self._destination(beneficiary, channel_id, channel, destination)
            refusal = self.engine.send_refusal(now, self._send_times(guide, now))
            if refusal is not None:
                detail = (
                    f"wait {refusal.retry_after} s before sending another code for this guide"
                    if refusal.code == "resend_too_soon"
                    else f"the hourly limit of {self.policy.sends_per_hour} sends is reached"
                )
                raise Problem(refusal.code, detail, retry_after=refusal.retry_after)

            previous = self._challenge(guide, now)
            challenge, code = self.engine.issue(guide.number, kind, to, now)
            challenge = replace(challenge, delivery="sent")
            self.store.put_challenge(guide.number, challenge)
            self.store.add_send(guide.number, now)
            if previous.state == "pending":
                self._event(guide, now, "cancelled", previous)
            self._event(guide, now, "token_sent", challenge, delivery="sent")
            self.store.put_beneficiary(replace(beneficiary, last_used_contact=contact_id))
            if self.settings.simulator:
                self.store.add_outbox(kind, to, self._message(kind, code), code, guide.number, now)
            return self._token_doc(guide, challenge, now)

        return self._run(op)

    def validate(self, number: str, code: str) -> dict[str, Any]:
        def op(now: float) -> dict[str, Any]:
            guide = self._guide(number)
            if guide.status in AUTHORIZED_STATUSES:
                raise Problem(
                    "already_authorized",
                    "this guide is already authorized",
                    authorization=self._authorization_doc(guide),
                )
            self._require_awaiting(guide)
            beneficiary = self._beneficiary(guide.card)
            challenge = self._challenge(guide, now)
            app = (
                AppCheck(beneficiary.app_secret, beneficiary.app_last_counter)
                if beneficiary.app_secret
                else None
            )
            verdict = self.engine.validate(
                guide.number,
                challenge,
                code,
                now,
                app=app,
                card_failures=self.store.failure_times(guide.card, now - DAY),
            )
            if verdict.challenge != challenge:
                self.store.put_challenge(guide.number, verdict.challenge)
            kind = verdict.kind
            if kind == "authorized":
                if verdict.app_counter is not None:
                    self.store.put_beneficiary(
                        replace(beneficiary, app_last_counter=verdict.app_counter)
                    )
                authorized = self._authorize(guide, now)
                via = "app" if verdict.via == "app" else verdict.challenge.channel
                self.store.add_event(
                    guide.number,
                    now,
                    "authorized",
                    {"channel": via, "authorization": authorized.authorization_number},
                )
                return self._guide_doc(
                    authorized, now, beneficiary=beneficiary, challenge=verdict.challenge
                )
            if verdict.failure_counted:
                self.store.add_failure(guide.card, now)
                data: dict[str, Any] = {"attempts_left": verdict.attempts_left}
                if verdict.challenge.channel:
                    data["channel"] = verdict.challenge.channel
                self.store.add_event(guide.number, now, "code_rejected", data)
                if verdict.locked_now:
                    self._event(guide, now, "token_locked", verdict.challenge)
            raise self._verdict_problem(kind, verdict.attempts_left, verdict.retry_after)

        return self._run(op)

    def cancel(self, number: str) -> dict[str, Any]:
        def op(now: float) -> dict[str, Any]:
            guide = self._awaiting(number)
            challenge = self._challenge(guide, now)
            if challenge.state == "pending":
                challenge = replace(challenge, state="cancelled")
                self.store.put_challenge(guide.number, challenge)
                self._event(guide, now, "cancelled", challenge)
            return self._token_doc(guide, challenge, now)

        return self._run(op)

    def absence(self, number: str, reason: str) -> dict[str, Any]:
        if reason not in ABSENCE_REASONS:
            raise Problem(
                "unknown_reason",
                f"reason must be a TISS absence reason: {', '.join(ABSENCE_REASONS)}",
            )

        def op(now: float) -> dict[str, Any]:
            guide = self._awaiting(number)
            challenge = self._challenge(guide, now)
            if challenge.state == "pending":
                cancelled = replace(challenge, state="cancelled")
                self.store.put_challenge(guide.number, cancelled)
                self._event(guide, now, "cancelled", cancelled)
            guide = replace(guide, absence_reason=reason)
            if reason in ABSENCE_AUTHORIZES:
                guide = self._authorize(guide, now)
            else:
                guide = replace(guide, status="under_review")
                self.store.put_guide(guide)
            data: dict[str, Any] = {"reason": reason}
            if guide.authorization_number:
                data["authorization"] = guide.authorization_number
            self.store.add_event(guide.number, now, "absence", data)
            return self._guide_doc(guide, now)

        return self._run(op)

    # -- simulator -----------------------------------------------------------------------------

    def sim_outbox(self) -> dict[str, Any]:
        self._require_simulator()

        def op(now: float) -> dict[str, Any]:
            return {
                "messages": [
                    {
                        "id": str(m.id),
                        "channel": m.channel,
                        "to": m.to,
                        "body": m.body,
                        "code": m.code,
                        "guide": m.guide,
                        "sent_at": rfc3339(m.sent_at),
                    }
                    for m in self.store.outbox(OUTBOX_LIMIT)
                ]
            }

        return self._run(op)

    def sim_app_code(self, card: str) -> dict[str, Any]:
        self._require_simulator()

        def op(now: float) -> dict[str, Any]:
            beneficiary = self.store.get_beneficiary(digits_only(card))
            if beneficiary is None or not beneficiary.app_secret:
                raise Problem("not_found", "no beneficiary with the app has this card")
            return {"code": self.engine.app_code(beneficiary.app_secret, now)}

        return self._run(op)

    def sim_sac_code(self, number: str) -> dict[str, Any]:
        self._require_simulator()

        def op(now: float) -> dict[str, Any]:
            guide = self._awaiting(number)
            previous = self._challenge(guide, now)
            challenge, code = self.engine.issue(guide.number, "sac", None, now)
            self.store.put_challenge(guide.number, challenge)
            if previous.state == "pending":
                self._event(guide, now, "cancelled", previous)
            self._event(guide, now, "token_sent", challenge)
            return {"code": code}

        return self._run(op)

    def sim_clock(self, advance_seconds: int) -> dict[str, Any]:
        self._require_simulator()
        self.clock.advance(advance_seconds)
        return {"now": rfc3339(self.clock.now()), "offset_seconds": int(self.clock.offset)}

    # -- helpers -------------------------------------------------------------------------------

    def _require_simulator(self) -> None:
        if not self.settings.simulator:
            raise Problem("not_found", "the simulator paths exist only on the local backend")

    def _guide(self, number: str) -> GuideRecord:
        guide = self.store.get_guide(number) if len(number) <= 64 else None
        if guide is None:
            raise Problem("guide_not_found", "no guide has this number")
        return guide

    def _require_awaiting(self, guide: GuideRecord) -> None:
        if guide.status != "awaiting_token":
            raise Problem(
                "guide_not_awaiting_token",
                f"the guide's status is {guide.status}",
                guide_status=guide.status,
            )

    def _awaiting(self, number: str) -> GuideRecord:
        guide = self._guide(number)
        self._require_awaiting(guide)
        return guide

    def _beneficiary(self, card: str) -> BeneficiaryRecord:
        beneficiary = self.store.get_beneficiary(card)
        if beneficiary is None:  # guarded by a foreign key; a broken store is a server fault
            raise RuntimeError("guide without beneficiary")
        return beneficiary

    def _send_times(self, guide: GuideRecord, now: float) -> list[float]:
        return self.store.send_times(guide.number, now - HOUR)

    def _destination(
        self,
        beneficiary: BeneficiaryRecord,
        channel_id: str | None,
        channel: str | None,
        destination: str | None,
    ) -> tuple[str, str, str | None]:
        """(kind, unmasked destination, registered contact id) for a send request."""
        contacts = self.store.contacts(beneficiary.card)
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
        if not self.settings.typed_destination.get(channel, False):
            raise Problem(
                "typed_destination_not_allowed",
                f"the operator does not allow a typed {channel} destination",
            )
        value = _normalise_destination(channel, destination)
        if value is None:
            what = "a mobile number with DDD" if channel == "sms" else "an e-mail address"
            raise Problem("invalid_destination", f"destination must be {what}")
        match = next((c for c in contacts if c.kind == channel and c.value == value), None)
        return channel, value, match.channel_id if match else None

    def _challenge(self, guide: GuideRecord, now: float) -> Challenge:
        """The guide's challenge as of now, recording an expiry or a delivery that is due."""
        stored = self.store.get_challenge(guide.number)
        if stored is None:
            return Challenge.none(self.policy)
        challenge, expired_now = self.engine.observe(stored, now)
        sent_at = challenge.created_at
        if challenge.delivery == "sent" and sent_at is not None and now >= sent_at + DELIVERY_DELAY:
            challenge = replace(challenge, delivery="delivered")
            self._event(
                guide,
                sent_at + DELIVERY_DELAY,
                "delivery",
                challenge,
                delivery="delivered",
            )
        if expired_now:
            self._event(guide, stored.expires_at or now, "token_expired", stored)
        if challenge != stored:
            self.store.put_challenge(guide.number, challenge)
        return challenge

    def _event(
        self, guide: GuideRecord, at: float, kind: str, challenge: Challenge, **extra: Any
    ) -> None:
        data: dict[str, Any] = {}
        if challenge.channel:
            data["channel"] = challenge.channel
        masked = mask_destination(challenge.channel or "", challenge.destination)
        if masked:
            data["destination"] = masked
        data.update(extra)
        self.store.add_event(guide.number, at, kind, data)

    def _authorize(self, guide: GuideRecord, now: float) -> GuideRecord:
        valid_until = datetime.fromtimestamp(now, tz=UTC).date() + timedelta(
            days=AUTHORIZATION_DAYS
        )
        authorized = replace(
            guide,
            status="authorized",
            authorization_number=self.engine.authorization_number(),
            authorization_valid_until=valid_until.isoformat(),
        )
        self.store.put_guide(authorized)
        return authorized

    def _verdict_problem(
        self, kind: str, attempts_left: int | None, retry_after: int | None
    ) -> Problem:
        if kind == "malformed_code":
            return Problem(
                "malformed_code",
                f"the code must be {self.policy.code_length} digits",
                expected_length=self.policy.code_length,
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

    def _authorization_doc(self, guide: GuideRecord) -> dict[str, Any] | None:
        if guide.authorization_number is None:
            return None
        return {
            "number": guide.authorization_number,
            "valid_until": guide.authorization_valid_until,
        }

    def _token_doc(self, guide: GuideRecord, challenge: Challenge, now: float) -> dict[str, Any]:
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
        send_times = self._send_times(guide, now)
        resend_at = self.engine.resend_at(now, send_times)
        if resend_at is not None:
            doc["resend_at"] = rfc3339(resend_at)
            doc["resend_in"] = max(0, ceil_seconds(resend_at - now))
        doc["sends_left"] = self.engine.sends_left(now, send_times)
        if challenge.delivery:
            doc["delivery"] = challenge.delivery
        return doc

    def _guide_doc(
        self,
        guide: GuideRecord,
        now: float,
        *,
        beneficiary: BeneficiaryRecord | None = None,
        challenge: Challenge | None = None,
    ) -> dict[str, Any]:
        """The Guide document; pass what the caller already read to spare the queries."""
        beneficiary = beneficiary or self._beneficiary(guide.card)
        challenge = challenge or self._challenge(guide, now)
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
            "token": self._token_doc(guide, challenge, now),
            "authorization": self._authorization_doc(guide),
            "absence_reason": guide.absence_reason,
        }

    def _message(self, kind: str, code: str) -> str:
        minutes = self.policy.lifetime_seconds // 60
        text = (
            f"{self.settings.operator}: seu código de segurança é {code}. "
            f"Válido por {minutes} min, para um único atendimento. "
            "Informe-o somente no balcão do prestador."
        )
        if kind == "email":
            return f"Assunto: Código de segurança para liberação da guia\n\n{text}"
        return text


def _normalise_destination(channel: str, destination: str) -> str | None:
    value = destination.strip()
    if channel == "email":
        return value if valid_email(value) else None
    return mobile_digits(value)
