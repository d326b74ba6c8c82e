"""The queue's guides, wherever they came from, and how each is shown to the app.

An `Entry` is a guide of a TISS counter's queue: from a practice system's export, started by
hand, or a card alone (its eligibility check). `guide_of` turns it, with what the operator
answered (the ledger's `Answer`), into the app's `Guide` (a `TissGuide`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from frontdesk.client.models import Authorization, Beneficiary, Procedure, Provider, Token
from frontdesk.core.contacts import digits_only
from frontdesk.core.i18n import t
from frontdesk.counter import manual
from frontdesk.counter.guides import TissFacts, TissGuide
from frontdesk.counter.ledger import Answer, ManualGuide
from frontdesk.tiss.models import Glosa, OdontoRequest, SpSadtRequest
from frontdesk.tiss.models import Procedure as TissProcedure

if TYPE_CHECKING:
    from frontdesk.config.tiss_reading import TissProfileData
    from frontdesk.counter.exports import QueuedGuide

GuideKind = Literal["consulta", "sp_sadt", "odonto"]
NO_NUMBER = "—"
CARD_CHECK = "E"
"""The prefix of a card's eligibility check in the queue (`E` and the card's digits)."""


@dataclass(frozen=True)
class Entry:
    """A guide of the queue, wherever it came from."""

    number: str
    kind: GuideKind
    card: str
    procedures: tuple[TissProcedure, ...]
    request: SpSadtRequest | OdontoRequest | None
    requested_at: float
    source: Literal["export", "manual", "card"]
    path: Path | None = None
    plan: str | None = None


def format_card(card: str) -> str:
    """`0064800012345678` → `0064 8000 1234 5678` (groups of four)."""
    digits = digits_only(card) or card
    return " ".join(digits[i : i + 4] for i in range(0, len(digits), 4))


def rfc3339(moment: float) -> str:
    return datetime.fromtimestamp(moment, tz=UTC).isoformat().replace("+00:00", "Z")


def export_entry(queued: QueuedGuide) -> Entry:
    g = queued.guide
    kind: GuideKind = (
        "consulta" if g.kind == "consulta" else "odonto" if g.kind == "odonto" else "sp_sadt"
    )
    return Entry(
        number=g.number,
        kind=kind,
        card=g.card,
        procedures=g.procedures,
        request=g.request,
        requested_at=queued.modified,
        source="export",
        path=queued.path,
        plan=g.request.plan if isinstance(g.request, OdontoRequest) else None,
    )


def manual_entry(guide: ManualGuide, data: TissProfileData) -> Entry:
    request = manual.request_of(
        guide,
        data.counter.clinic,
        cnes=data.settings.cnes,
        prestador_code=data.settings.prestador,
    )
    return Entry(
        number=guide.number,
        kind="odonto" if guide.kind == "odonto" else "sp_sadt",
        card=guide.card,
        procedures=manual.procedures_of(guide),
        request=request,
        requested_at=guide.created_at,
        source="manual",
        plan=guide.plan,
    )


def card_entry(digits: str, now: float) -> Entry:
    return Entry(
        number=CARD_CHECK + digits,
        kind="consulta",
        card=digits,
        procedures=(),
        request=None,
        requested_at=now,
        source="card",
    )


def beneficiary_name(answer: Answer, card: str, learned: str | None) -> str:
    """The operator's name in its answer about this guide; else the name it gave for the
    card in an earlier answer, marked as such; else the card (`card` formatted)."""
    if answer.name:
        return answer.name
    if learned:
        return t("counter.learned_name", name=learned)
    return t("counter.card_name", card=card)


def guide_of(
    entry: Entry,
    answer: Answer | None,
    data: TissProfileData,
    operator: str,
    *,
    learned: str | None = None,
) -> TissGuide:
    """The app's guide for `entry`, as the operator last answered about it; `learned`: the
    name the operator gave for its card in an earlier answer (TISS requests carry none)."""
    answer = answer or Answer()
    card = format_card(entry.card)
    authorization = None
    if answer.senha:
        authorization = Authorization(number=answer.senha, valid_until=answer.valid_until or "")
    return TissGuide(
        number=entry.number,
        operator_number=answer.operator_number or NO_NUMBER,
        type=entry.kind,
        status=answer.status,  # type: ignore[arg-type]  # the ledger keeps GuideStatus values
        requested_at=rfc3339(entry.requested_at),
        beneficiary=Beneficiary(
            name=beneficiary_name(answer, card, learned),
            card=card,
            plan=entry.plan or NO_NUMBER,
        ),
        provider=Provider(
            code=data.settings.prestador,
            name=data.counter.clinic.name or operator,
        ),
        procedures=tuple(
            Procedure(table=p.table, code=p.code, description=p.description, quantity=p.quantity)
            for p in entry.procedures
        ),
        token=Token(state="none"),
        authorization=authorization,
        absence_reason=answer.reason,  # type: ignore[arg-type]
        tiss=TissFacts(
            source=entry.source,
            file=entry.path.name if entry.path is not None else None,
            glosas=tuple(Glosa(c, d, o) for c, d, o in answer.glosas),
            next_check=answer.next_check,
            checked_at=answer.checked_at,
            sequence=answer.sequence,
            eligibility=answer.eligibility,
            field=answer.field,
            write_state=answer.write_state,  # type: ignore[arg-type]
            written=answer.written,
            write_problem=answer.write_problem,
            learned_name=None if answer.name else learned,
        ),
    )
