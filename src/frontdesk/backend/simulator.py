"""The local backend's simulator: stand-ins for the patient's phone, mailbox and app, and
for the operator's call centre (the `/v1/_local/*` paths of docs/api.md).

`SimulatorOperations` is a mixin of `frontdesk.backend.service.LocalBackend`: its methods
run in the backend's transactions and answer 404 `not_found` when the backend was built
without the simulator (`BackendSettings.simulator`). The outbox keeps codes in clear on
purpose: it *is* the patient's phone.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import msgspec

from frontdesk.backend.clock import rfc3339
from frontdesk.backend.problems import Problem
from frontdesk.backend.records import GuideRecord
from frontdesk.core.contacts import digits_only

if TYPE_CHECKING:
    from frontdesk.backend.clock import Clock
    from frontdesk.backend.engine import Challenge, TokenEngine
    from frontdesk.backend.policy import BackendSettings
    from frontdesk.backend.records import Store

T = TypeVar("T")


class _Backend(Protocol):
    """What the mixin uses of `frontdesk.backend.service.LocalBackend`."""

    store: Store
    clock: Clock
    engine: TokenEngine
    settings: BackendSettings

    def _require_simulator(self) -> None: ...
    def _run(self, operation: Callable[[float], T]) -> T: ...
    def _read(self, operation: Callable[[float], T]) -> T: ...
    def _awaiting(self, number: str) -> GuideRecord: ...
    def _challenge(self, guide: GuideRecord, now: float) -> Challenge: ...
    def _event(
        self, guide: GuideRecord, at: float, kind: str, challenge: Challenge, **extra: Any
    ) -> None: ...


OUTBOX_LIMIT = 200
GUIDE_TYPES = frozenset({"consulta", "sp_sadt", "odonto"})


class SacOpening(msgspec.Struct, frozen=True):
    """A guide the call centre opens for a card before its request arrives."""

    card: str
    type: str
    provider: str = ""

    @classmethod
    def parse(cls, card: str | None, kind: str | None, provider: str | None) -> SacOpening | None:
        """From the request's members (none of them: None; `card` and `type` go together)."""
        if card is None and kind is None and provider is None:
            return None
        if not card or len(card) > 64 or kind not in GUIDE_TYPES:
            raise Problem(
                "invalid_request",
                "`card` (1–64 characters) and `type` (consulta, sp_sadt, "
                "odonto) open a guide together",
            )
        return cls(digits_only(card), kind, (provider or "")[:32])


def _open_guide(store: Store, number: str, opening: SacOpening, now: float) -> None:
    if not 1 <= len(number) <= 20 or store.get_beneficiary(opening.card) is None:
        raise Problem("guide_not_found", "no such guide, and no beneficiary has this card")
    store.put_guide(
        GuideRecord(
            number=number,
            operator_number=f"77{secrets.randbelow(10**8):08d}",
            type=opening.type,
            status="awaiting_token",
            requested_at=now,
            card=opening.card,
            provider_code=opening.provider,
            provider_name=opening.provider,
            procedures=[],
            authorization_number=None,
            authorization_valid_until=None,
            absence_reason=None,
        )
    )


def message_text(operator: str, lifetime_seconds: int, kind: str, code: str) -> str:
    """The SMS or e-mail the simulator "delivers" with a code."""
    minutes = lifetime_seconds // 60
    text = (
        f"{operator}: seu código de segurança é {code}. "
        f"Válido por {minutes} min, para um único atendimento. "
        "Informe-o somente no balcão do prestador."
    )
    if kind == "email":
        return f"Assunto: Código de segurança para liberação da guia\n\n{text}"
    return text


class SimulatorOperations:
    """The simulator's operations, mixed into `LocalBackend`."""

    def _require_simulator(self: _Backend) -> None:
        if not self.settings.simulator:
            raise Problem("not_found", "the simulator paths exist only on the local backend")

    def sim_outbox(self: _Backend) -> dict[str, Any]:
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

        return self._read(op)

    def sim_app_code(self: _Backend, card: str) -> dict[str, Any]:
        self._require_simulator()

        def op(now: float) -> dict[str, Any]:
            beneficiary = self.store.get_beneficiary(digits_only(card))
            if beneficiary is None or not beneficiary.app_secret:
                raise Problem("not_found", "no beneficiary with the app has this card")
            return {"code": self.engine.app_code(beneficiary.app_secret, now)}

        return self._read(op)

    def sim_sac_code(
        self: _Backend,
        number: str,
        *,
        seed: bytes | None = None,
        opening: SacOpening | None = None,
    ) -> dict[str, Any]:
        """A code "dictated by the call centre", now the guide's pending challenge. With a
        `seed` (an Idempotency-Key replay's) the code is derived from it, not drawn. With an
        `opening`, a guide the operator has not seen yet (a TISS counter's guide started by
        hand) is opened for that card first, as the call centre does when the patient calls
        before the clinic's request arrives; its request then finds the code waiting."""
        self._require_simulator()

        def op(now: float) -> dict[str, Any]:
            if opening is not None and self.store.get_guide(number) is None:
                _open_guide(self.store, number, opening, now)
            guide = self._awaiting(number)
            previous = self._challenge(guide, now)
            code = None if seed is None else self.engine.derived_code(seed)
            challenge, code = self.engine.issue(guide.number, "sac", None, now, code=code)
            self.store.put_challenge(guide.number, challenge)
            if previous.state == "pending":
                self._event(guide, now, "cancelled", previous)
            self._event(guide, now, "token_sent", challenge)
            return {"code": code}

        return self._run(op)

    def sim_clock(self: _Backend, advance_seconds: int) -> dict[str, Any]:
        self._require_simulator()
        self.clock.advance(advance_seconds)
        return {"now": rfc3339(self.clock.now()), "offset_seconds": int(self.clock.offset)}
