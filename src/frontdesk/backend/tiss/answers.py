"""What the local TISS operator answers: the four services over the same engine and demo data.

- VerificaElegibilidade: an unknown card is glosa 1001; a reason 01–07 is accepted; a code
  is good when it is the beneficiary's app code (TOTP, as `/v1/_local/app-code` shows it) or
  the pending code of one of the card's guides (SAC, SMS, e-mail), checked without using it
  up; a wrong, expired or missing code is `respostaSolicitacao` N with glosa 3156 (TOKEN
  INVÁLIDO) and the operator's detail. A wrong code follows the contract's policy: it costs
  an attempt of each challenge it was tried against (the `max_attempts`-th locks it until
  a new code is sent) and counts once against the card's daily ceiling.
- SolicitacaoProcedimento (SP/SADT, odontologia): the guide is `numeroGuiaPrestador` (a
  demo guide, or a new one made from the request); the code or reason goes through the
  backend's own `validate` / `absence`, so the policy decides: authorized with a senha, or
  under analysis (reasons 03–07), or denied with glosa 3156 while the guide keeps waiting.
- SolicitacaoProcedimento also checks the plan's coverage first (`NOT_COVERED`): the demo's
  ultrasound on the Saúde Essencial plan is denied with two glosas (1407, and 1438 when the
  request gives no clinical indication), whatever the code.
- SolicitacaoStatusAutorizacao: the guide's state now, with the last answer's glosas;
  a guide no request was received for is refused with glosa 1307, and so is another
  prestador's guide (the same answer as an unknown number: nothing about it is told). A
  request under analysis is concluded by the operator's audit `REVIEW_SECONDS` after it
  arrived (on the backend's clock, which the simulator moves): the status query that finds
  it due authorizes it.
- CancelaGuia: the guide (and any code pending for it) is cancelled; another prestador's
  guide is answered as an unknown one (status 3, guia inexistente) and left alone.
- SolicitacaoProcedimento on another prestador's guide number is refused with 1307 too.

Every function runs inside the caller's store transaction and returns typed results
(`frontdesk.tiss.models`); the operator turns them into replies.
"""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Final, Literal

import msgspec

from frontdesk.backend.engine import DAY, AppCheck, Challenge, Verdict, well_formed
from frontdesk.backend.service import LocalBackend, Problem
from frontdesk.backend.store import GuideRecord
from frontdesk.backend.tiss.records import RequestRecord, TissRecords
from frontdesk.core.contacts import digits_only
from frontdesk.tiss.message import SAO_PAULO
from frontdesk.tiss.models import (
    Authorization,
    AuthorizationStatus,
    CancelStatus,
    Eligibility,
    Glosa,
    OdontoRequest,
    Procedure,
    SpSadtRequest,
)
from frontdesk.tiss.replies import glosa
from frontdesk.tiss.requests import CancelQuery, EligibilityQuery, StatusQuery

Kind = Literal["sp_sadt", "odonto"]

# What a failed code check is called in the glosa's detail (descricaoGlosa).
_CODE_DETAIL = {
    "missing": "Código de validação não informado",
    "malformed": "Código de validação em formato inválido",
    "invalid": "Código de validação não confere",
    "expired": "Código de validação expirado; solicite um novo",
    "locked": "Código de validação bloqueado por tentativas; solicite um novo",
    "too_many": "Tentativas esgotadas para esta carteira nas últimas 24 horas",
    "none": "Nenhum código de validação pendente para esta guia",
}
_PROBLEM_DETAIL = {
    "invalid_code": "invalid",
    "malformed_code": "malformed",
    "token_expired": "expired",
    "token_locked": "locked",
    "too_many_failures": "too_many",
    "no_token_pending": "none",
}
_STATUS_OF_GUIDE: dict[str, AuthorizationStatus] = {
    "authorized": "authorized",
    "partially_authorized": "partially_authorized",
    "under_review": "under_review",
    "denied": "denied",
    "cancelled": "cancelled",
}


REVIEW_SECONDS: Final = 20 * 60
"""How long the operator's audit takes to conclude a request under analysis (authorized)."""
NOT_COVERED: Final[dict[tuple[str, str], str]] = {
    ("Saúde Essencial", "40901122"): "Ultrassonografia de abdome total fora da cobertura do plano",
}
"""(plan, TUSS code) -> the operator's words for glosa 1407 SERVIÇO SOLICITADO NÃO POSSUI
COBERTURA."""


def _why_not(verdicts: list[Verdict]) -> str:
    """Why no challenge took the code: "locked" when none is left open, else "expired"
    when one had expired, else "invalid"."""
    still_open = any(v.kind == "invalid_code" and not v.locked_now for v in verdicts)
    locked = any(v.kind == "token_locked" or v.locked_now for v in verdicts)
    if locked and not still_open:
        return "locked"
    return "expired" if any(v.kind == "token_expired" for v in verdicts) else "invalid"


def token_glosa(why: str) -> Glosa:
    return glosa("3156", _CODE_DETAIL[why])


class Answers:
    """The four services of the local operator over `backend` (and its TISS records)."""

    def __init__(self, backend: LocalBackend, records: TissRecords) -> None:
        self.backend = backend
        self.store = backend.store
        self.records = records

    # -- VerificaElegibilidade ----------------------------------------------------------------

    def eligibility(self, query: EligibilityQuery, now: float) -> Eligibility:
        card = digits_only(query.card)
        beneficiary = self.store.get_beneficiary(card) if card else None
        if beneficiary is None:
            return Eligibility(False, query.card, glosas=(glosa("1001"),))
        base = Eligibility(False, query.card, beneficiary.name, social_name=beneficiary.social_name)
        if query.malformed_proof:
            self.store.add_failure(card, now)
            return replace(base, glosas=(token_glosa("malformed"),))
        if query.proof is None:
            return replace(base, glosas=(token_glosa("missing"),))
        if query.proof.reason is not None:
            return replace(base, eligible=True)
        verdict = self._check_code(card, query.proof.code or "", now)
        if verdict == "ok":
            return replace(base, eligible=True)
        return replace(base, glosas=(token_glosa(verdict),))

    def _check_code(self, card: str, code: str, now: float) -> str:
        """ "ok", or why not. Nothing is used up; a wrong code costs an attempt of each of
        the card's challenges it was tried against, under the contract's policy (the
        `max_attempts`-th wrong code locks it, as `POST …/token/validate` does, until a new
        code is sent), and counts once against the card's 24-hour ceiling."""
        engine = self.backend.engine
        if not well_formed(code, self.backend.policy):
            return "malformed"
        if engine.card_retry_after(now, self.store.failure_times(card, now - DAY)) is not None:
            return "too_many"
        tried = self._try_code(card, code, now)
        if any(verdict.kind == "authorized" for _, verdict in tried):
            return "ok"
        for number, verdict in tried:
            if verdict.failure_counted:
                self._record_rejection(number, verdict, now)
        if not tried or any(verdict.kind != "token_locked" for _, verdict in tried):
            self.store.add_failure(card, now)
        return _why_not([verdict for _, verdict in tried])

    def _try_code(self, card: str, code: str, now: float) -> list[tuple[str, Verdict]]:
        """The engine's verdict on `code` for each guide of `card` awaiting a token (its
        challenge, or the beneficiary's app); with none, for the app alone (no challenge
        then holds attempts: the card's ceiling still counts)."""
        engine = self.backend.engine
        beneficiary = self.store.get_beneficiary(card)
        app = None
        if beneficiary is not None and beneficiary.app_secret:
            app = AppCheck(beneficiary.app_secret, beneficiary.app_last_counter)
        none = Challenge.none(self.backend.policy)
        tried = []
        for guide in self.store.list_guides("awaiting_token", card):
            challenge = self.store.get_challenge(guide.number) or none
            verdict = engine.validate(guide.number, challenge, code, now, app=app, card_failures=())
            tried.append((guide.number, verdict))
        if not tried and app is not None:
            tried.append(("", engine.validate("", none, code, now, app=app, card_failures=())))
        return tried

    def _record_rejection(self, number: str, verdict: Verdict, now: float) -> None:
        """A wrong code against guide `number`'s challenge, kept as the contract keeps it."""
        if not number:
            return
        challenge = verdict.challenge
        self.store.put_challenge(number, challenge)
        data: dict[str, Any] = {"attempts_left": verdict.attempts_left}
        if challenge.channel:
            data["channel"] = challenge.channel
        self.store.add_event(number, now, "code_rejected", data)
        if verdict.locked_now:
            locked = {"channel": challenge.channel} if challenge.channel else {}
            self.store.add_event(number, now, "token_locked", locked)

    # -- SolicitacaoProcedimento --------------------------------------------------------------

    def procedures(
        self,
        request: SpSadtRequest | OdontoRequest,
        prestador: str,
        now: float,
        malformed_proof: bool = False,
    ) -> Authorization:
        kind: Kind = "sp_sadt" if isinstance(request, SpSadtRequest) else "odonto"
        card = digits_only(request.card)
        beneficiary = self.store.get_beneficiary(card) if card else None
        if beneficiary is None:
            return self._refusal(request.guide_number, glosa("1001"))
        guide = self.store.get_guide(request.guide_number)
        if guide is None:
            guide = self._new_guide(request, kind, card, prestador, now)
        elif not self._belongs(guide, self.records.request(guide.number), prestador):
            return self._refusal(guide.number, glosa("1307"))
        elif guide.card != card:
            return self._refusal(guide.number, glosa("1011"))
        elif guide.type != kind:
            return self._refusal(guide.number, glosa("1301"))
        glosas: tuple[Glosa, ...] = self._not_covered(request, beneficiary.plan)
        proof = request.proof
        try:
            if glosas:
                if guide.status == "awaiting_token":
                    guide = msgspec.structs.replace(guide, status="denied")
                    self.store.put_guide(guide)
            elif malformed_proof:
                glosas = (token_glosa("malformed"),)
            elif proof is None:
                glosas = (token_glosa("missing"),)
            elif proof.reason is not None:
                self.backend.absence(guide.number, proof.reason)
            else:
                self.backend.validate(guide.number, proof.code or "")
        except Problem as problem:
            why = _PROBLEM_DETAIL.get(problem.code)
            if why is not None:
                glosas = (token_glosa(why),)
            # already_authorized, guide_not_awaiting_token: the guide's state is the answer.
        guide = self.store.get_guide(guide.number) or guide
        status: AuthorizationStatus = "denied" if glosas else self._status_of(guide, None)
        self.records.put_request(
            RequestRecord(
                guide=guide.number,
                prestador=prestador,
                kind=kind,
                status=status,
                glosas=[{"code": g.code, "detail": g.operator_description} for g in glosas],
                procedures=[_procedure_doc(p) for p in request.procedures],
                updated_at=now,
            )
        )
        return self._authorization(guide, status, glosas, now)

    @staticmethod
    def _not_covered(request: SpSadtRequest | OdontoRequest, plan: str) -> tuple[Glosa, ...]:
        """The coverage glosas of `request` on `plan` (none: covered)."""
        for procedure in request.procedures:
            words = NOT_COVERED.get((plan, procedure.code))
            if words is not None:
                found = [glosa("1407", words)]
                if isinstance(request, SpSadtRequest) and not request.clinical_indication:
                    detail = "Sem indicação clínica que atenda à diretriz de utilização (DUT)"
                    found.append(glosa("1438", detail))
                return tuple(found)
        return ()

    def _new_guide(
        self,
        request: SpSadtRequest | OdontoRequest,
        kind: Kind,
        card: str,
        prestador: str,
        now: float,
    ) -> GuideRecord:
        name = request.requester_name if isinstance(request, SpSadtRequest) else prestador
        guide = GuideRecord(
            number=request.guide_number,
            operator_number=f"77{secrets.randbelow(10**8):08d}",
            type=kind,
            status="awaiting_token",
            requested_at=now,
            card=card,
            provider_code=prestador.partition(":")[2],
            provider_name=name,
            procedures=[
                {
                    "table": p.table,
                    "code": p.code,
                    "description": p.description,
                    "quantity": p.quantity,
                }
                for p in request.procedures
            ],
            authorization_number=None,
            authorization_valid_until=None,
            absence_reason=None,
        )
        self.store.put_guide(guide)
        return guide

    # -- SolicitacaoStatusAutorizacao ---------------------------------------------------------

    def status(
        self, query: StatusQuery, prestador: str, now: float
    ) -> tuple[Authorization, Kind, str]:
        """The answer to `prestador` (`kind:value`), the guide's kind and card (for the
        reply's shape)."""
        guide = self.store.get_guide(query.guide_number)
        record = self.records.request(query.guide_number)
        kind: Kind = "odonto" if guide is not None and guide.type == "odonto" else "sp_sadt"
        if (
            guide is None
            or not self._belongs(guide, record, prestador)
            or guide.card != digits_only(query.card)
            or guide.type == "consulta"
        ):
            return self._refusal(query.guide_number, glosa("1307")), kind, query.card
        if guide.status == "awaiting_token" and record is None:
            detail = "Nenhuma solicitação desta guia foi recebida"
            return self._refusal(guide.number, glosa("1307", detail)), kind, query.card
        glosas: tuple[Glosa, ...] = ()
        due = record is not None and now >= record.updated_at + REVIEW_SECONDS
        if guide.status == "under_review" and record is not None and due:
            guide = self.backend.conclude_review(guide, now)  # the operator's audit concluded
            record = msgspec.structs.replace(record, status="authorized", glosas=[], updated_at=now)
            self.records.put_request(record)
        status = self._status_of(guide, record)
        if record is not None and record.status == status:
            glosas = tuple(glosa(g["code"], g.get("detail")) for g in record.glosas)
        return self._authorization(guide, status, glosas, now), kind, query.card

    def procedures_of(self, guide_number: str) -> list[Procedure]:
        """What was asked for `guide_number` (from the TISS record, else the demo guide)."""
        record = self.records.request(guide_number)
        if record is not None:
            return [_procedure(d) for d in record.procedures]
        guide = self.store.get_guide(guide_number)
        return [_procedure(d) for d in guide.procedures] if guide is not None else []

    # -- CancelaGuia --------------------------------------------------------------------------

    def cancel(
        self, query: CancelQuery, prestador: str, now: float
    ) -> tuple[str, str | None, CancelStatus]:
        """Cancel a guide of `prestador` (`kind:value`); another's is "not found"."""
        guide = self.store.get_guide(query.guide_number)
        record = self.records.request(query.guide_number)
        if guide is None or not self._belongs(guide, record, prestador):
            return query.guide_number, query.operator_number, "not_found"
        if guide.status == "awaiting_token":
            self.backend.cancel(guide.number)  # the pending code, if any, is cancelled too
        if guide.status != "cancelled":
            self.store.put_guide(msgspec.structs.replace(guide, status="cancelled"))
        if record is not None:
            self.records.put_request(
                msgspec.structs.replace(record, status="cancelled", glosas=[], updated_at=now)
            )
        return guide.number, guide.operator_number, "cancelled"

    # -- helpers ------------------------------------------------------------------------------

    @staticmethod
    def _belongs(guide: GuideRecord, record: RequestRecord | None, prestador: str) -> bool:
        """Whether `guide` is `prestador`'s: who requested it here, else whose it was made
        for (the contract's guides are the demo clinic's, by its code at the operator)."""
        if record is not None:
            return record.prestador == prestador
        kind, _, value = prestador.partition(":")
        return kind == "codigo" and guide.provider_code == value

    @staticmethod
    def _status_of(guide: GuideRecord, record: RequestRecord | None) -> AuthorizationStatus:
        found = _STATUS_OF_GUIDE.get(guide.status)
        if found is not None:
            return found
        if record is not None:
            return record.status  # type: ignore[return-value]
        return "under_review"

    def _authorization(
        self, guide: GuideRecord, status: AuthorizationStatus, glosas: tuple[Glosa, ...], now: float
    ) -> Authorization:
        granted = status in ("authorized", "partially_authorized")
        beneficiary = self.store.get_beneficiary(guide.card)
        today = datetime.fromtimestamp(now, tz=UTC).astimezone(SAO_PAULO).date().isoformat()
        return Authorization(
            status=status,
            guide_number=guide.number,
            operator_number=guide.operator_number,
            senha=guide.authorization_number if granted else None,
            valid_until=guide.authorization_valid_until if granted else None,
            authorized_on=today if granted else None,
            beneficiary_name=beneficiary.name if beneficiary else None,
            glosas=glosas,
            social_name=beneficiary.social_name if beneficiary else None,
        )

    @staticmethod
    def _refusal(guide_number: str, item: Glosa) -> Authorization:
        return Authorization(status="refused", guide_number=guide_number, glosas=(item,))


def _procedure_doc(procedure: Procedure) -> dict[str, Any]:
    return {
        "table": procedure.table,
        "code": procedure.code,
        "description": procedure.description,
        "quantity": procedure.quantity,
        "value": None if procedure.value is None else str(procedure.value),
        "tooth": procedure.tooth,
        "region": procedure.region,
        "faces": procedure.faces,
    }


def _procedure(doc: dict[str, Any]) -> Procedure:
    value = doc.get("value")
    return Procedure(
        code=str(doc["code"]),
        description=str(doc["description"])[:150],
        quantity=int(doc.get("quantity") or 1),
        table=str(doc.get("table") or "22"),
        value=Decimal(value) if value else None,
        tooth=doc.get("tooth"),
        region=doc.get("region"),
        faces=doc.get("faces"),
    )
