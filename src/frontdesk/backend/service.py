"""The local backend's operations: the contract (docs/api.md) over the engine and the store.

Each public method runs in one store transaction and returns the JSON-ready document the
contract describes (`frontdesk.backend.documents`), or raises `Problem`
(`frontdesk.backend.problems`) with the contract's error `code` and extra members. State
changes that an error reports (a wrong code counted, a challenge locked or expired) are
committed before the `Problem` leaves the transaction. The simulator's operations are in
`frontdesk.backend.simulator`, mixed in.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from msgspec.structs import replace

from frontdesk import __version__
from frontdesk.backend.clock import Clock, rfc3339
from frontdesk.backend.destinations import resolve_destination
from frontdesk.backend.documents import authorization_doc, channels_doc, guide_doc, token_doc
from frontdesk.backend.engine import DAY, HOUR, AppCheck, Challenge, RandBelow, TokenEngine
from frontdesk.backend.policy import BackendSettings, Policy, SacPhone
from frontdesk.backend.problems import Problem, verdict_problem
from frontdesk.backend.records import BeneficiaryRecord, GuideRecord, StorageUnavailable, Store
from frontdesk.backend.simulator import SimulatorOperations, message_text
from frontdesk.core.contacts import digits_only, mask_destination
from frontdesk.core.domain import (
    ABSENCE_AUTHORIZES,
    ABSENCE_REASONS,
    AUTHORIZED_STATUSES,
    GUIDE_STATUSES,
)

__all__ = ["BackendSettings", "LocalBackend", "Problem", "SacPhone"]

T = TypeVar("T")

# The simulator "delivers" an SMS or e-mail this many seconds after it is sent.
DELIVERY_DELAY = 2
AUTHORIZATION_DAYS = 30


class LocalBackend(SimulatorOperations):
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
        self._recording = True  # False while a read runs where nothing can be written

    def close(self) -> None:
        self.store.close()

    def _run(self, operation: Callable[[float], T], *, record: bool = True) -> T:
        """Run `operation(now)` in one transaction; a Problem it raises commits first.

        `record=False` (a read where nothing can be written): the challenge's bookkeeping
        (an expiry or a delivery that fell due) is not written, and the transaction is
        rolled back.
        """
        problem: Problem | None = None
        with self.store.transaction(commit=record):
            self._recording = record  # under the store's lock, for this transaction only
            try:
                return operation(self.clock.now())
            except Problem as raised:
                problem = raised
            finally:
                self._recording = True
        raise problem

    def _read(self, operation: Callable[[float], T]) -> T:
        """Run a read `operation(now)`, as `_run`, but answer even when nothing can be written.

        A read records what fell due since the last one (an expiry, a delivery). When the
        store cannot write (`StorageUnavailable`) the read runs again without recording:
        the guide and token it answers are the same (computed from stored times); the
        history lacks those records until a read that can write adds them, with their own
        times.
        """
        try:
            return self._run(operation)
        except StorageUnavailable:
            return self._run(operation, record=False)

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

        return self._read(op)

    def get_guide(self, number: str) -> dict[str, Any]:
        return self._read(lambda now: self._guide_doc(self._guide(number), now))

    def channels(self, number: str) -> dict[str, Any]:
        def op(now: float) -> dict[str, Any]:
            guide = self._guide(number)
            beneficiary = self._beneficiary(guide.card)
            return channels_doc(beneficiary, self.store.contacts(guide.card), self.settings)

        return self._read(op)

    def get_token(self, number: str) -> dict[str, Any]:
        def op(now: float) -> dict[str, Any]:
            guide = self._guide(number)
            return self._token_doc(guide, self._challenge(guide, now), now)

        return self._read(op)

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

        return self._read(op)

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
            kind, to, contact_id = resolve_destination(
                self.store.contacts(beneficiary.card),
                self.settings.typed_destination,
                channel_id,
                channel,
                destination,
            )
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
                self.store.add_outbox(
                    kind,
                    to,
                    message_text(self.settings.operator, self.policy.lifetime_seconds, kind, code),
                    code,
                    guide.number,
                    now,
                )
            return self._token_doc(guide, challenge, now)

        return self._run(op)

    def validate(self, number: str, code: str) -> dict[str, Any]:
        def op(now: float) -> dict[str, Any]:
            guide = self._guide(number)
            if guide.status in AUTHORIZED_STATUSES:
                raise Problem(
                    "already_authorized",
                    "this guide is already authorized",
                    authorization=authorization_doc(guide),
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
            raise verdict_problem(
                kind, verdict.attempts_left, verdict.retry_after, self.policy.code_length
            )

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

    def conclude_review(self, guide: GuideRecord, now: float) -> GuideRecord:
        """The operator's audit authorizes `guide`, under analysis (the local TISS operator's
        status query; inside the caller's store transaction)."""
        authorized = self._authorize(guide, now)
        self.store.add_event(
            guide.number, now, "authorized", {"authorization": authorized.authorization_number}
        )
        return authorized

    # -- helpers -------------------------------------------------------------------------------

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

    def _challenge(self, guide: GuideRecord, now: float) -> Challenge:
        """The guide's challenge as of now, recording an expiry or a delivery that is due."""
        stored = self.store.get_challenge(guide.number)
        if stored is None:
            return Challenge.none(self.policy)
        challenge, expired_now = self.engine.observe(stored, now)
        sent_at = challenge.created_at
        delivered = (
            challenge.delivery == "sent" and sent_at is not None and now >= sent_at + DELIVERY_DELAY
        )
        if delivered:
            challenge = replace(challenge, delivery="delivered")
        if not self._recording:
            return challenge
        if delivered and sent_at is not None:
            at = sent_at + DELIVERY_DELAY
            self._event(guide, at, "delivery", challenge, delivery="delivered")
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

    def _token_doc(self, guide: GuideRecord, challenge: Challenge, now: float) -> dict[str, Any]:
        if challenge.state == "none":
            return {"state": "none"}  # no query for the send times
        return token_doc(self.engine, challenge, self._send_times(guide, now), now)

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
        return guide_doc(guide, beneficiary, self._token_doc(guide, challenge, now))
