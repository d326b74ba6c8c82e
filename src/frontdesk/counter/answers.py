"""The operator's answers in the app's words: a ledger `Answer`, or the error to show.

- SolicitacaoProcedimento / SolicitacaoStatusAutorizacao (`Authorization`): authorized
  (with the senha and the operator's guide number), EM ANÁLISE (also "awaiting
  justification" or "documents": someone at the operator has to look), NEGADA with its
  glosas, cancelled; a refusal of the code alone (3156) is `CodeRefused` (the guide still
  waits, what was typed stays selected); a refusal of the guide (`mensagemErro`) that points
  at a field is `GuideRefused`.
- VerificaElegibilidade (`Eligibility`), for a consulta or a card alone: eligible is
  released (there is no senha in that answer); the rest as above.
"""

from __future__ import annotations

from dataclasses import replace

from frontdesk.counter.counter_errors import CODE_GLOSAS, FIELD_OF_GLOSA, CodeRefused, GuideRefused
from frontdesk.counter.ledger import Answer
from frontdesk.tiss.models import Authorization, Eligibility, Glosa

REVIEW = frozenset({"under_review", "awaiting_justification", "awaiting_documents"})


def _glosas(items: tuple[Glosa, ...]) -> tuple[tuple[str, str, str], ...]:
    return tuple((g.code, g.description, g.operator_description) for g in items)


def _field(items: tuple[Glosa, ...]) -> str | None:
    return next((FIELD_OF_GLOSA[g.code] for g in items if g.code in FIELD_OF_GLOSA), None)


def _refusal(items: tuple[Glosa, ...], card: str) -> Exception:
    """The error for glosas that stop the release without a status of the guide's own."""
    if items and all(g.code in CODE_GLOSAS for g in items):
        return CodeRefused(items)
    return GuideRefused(items, _field(items), card)


def from_authorization(
    result: Authorization,
    previous: Answer,
    *,
    card: str,
    now: float,
    poll_seconds: float,
    reason: str | None = None,
    status_query: bool = False,
) -> Answer:
    """The new ledger answer for `result` (raises `CodeRefused`/`GuideRefused`)."""
    base = replace(
        previous,
        sequence=result.sequence,
        checked_at=now,
        next_check=None,
        name=result.display_name or previous.name,
        reason=reason if reason is not None else previous.reason,
        field=None,
    )
    status = result.status
    if status == "refused":
        if status_query:  # e.g. 1307: nothing registered there yet; nothing changes here
            return replace(previous, checked_at=now)
        raise _refusal(result.glosas, card)
    if status == "denied" and result.glosas and all(g.code in CODE_GLOSAS for g in result.glosas):
        raise CodeRefused(result.glosas)
    if status in REVIEW:
        return replace(
            base,
            status="under_review",
            glosas=_glosas(result.glosas),
            operator_number=result.operator_number or previous.operator_number,
            next_check=now + poll_seconds,
        )
    if status == "denied":
        return replace(
            base,
            status="denied",
            glosas=_glosas(result.glosas),
            field=_field(result.glosas),
            operator_number=result.operator_number or previous.operator_number,
        )
    if status in ("authorized", "partially_authorized"):
        return replace(
            base,
            status=status,
            glosas=_glosas(result.glosas),
            senha=result.senha,
            valid_until=result.valid_until,
            operator_number=result.operator_number or previous.operator_number,
        )
    return replace(base, status="cancelled", glosas=())


def from_eligibility(
    result: Eligibility, previous: Answer, *, card: str, now: float, reason: str | None = None
) -> Answer:
    """The new ledger answer for a VerificaElegibilidade (raises like `from_authorization`)."""
    if not result.eligible:
        if result.beneficiary_name is None or not result.glosas:
            raise _refusal(result.glosas, card)
        if all(g.code in CODE_GLOSAS for g in result.glosas):
            raise CodeRefused(result.glosas)
        return replace(
            previous,
            status="denied",
            glosas=_glosas(result.glosas),
            field=_field(result.glosas),
            name=result.display_name or previous.name,
            sequence=result.sequence,
            checked_at=now,
            eligibility=True,
            reason=reason,
        )
    return replace(
        previous,
        status="authorized",
        glosas=(),
        field=None,
        name=result.display_name or previous.name,
        sequence=result.sequence,
        checked_at=now,
        next_check=None,
        eligibility=True,
        reason=reason,
    )
