"""A guide started by hand at the counter: the few fields an SP/SADT or odonto request needs.

The receptionist gives the card, the kind, the procedure (TUSS code, description, quantity;
odonto: the value and the tooth) and, for SP/SADT, the clinical indication; everything the
clinic always sends the same (its name, the requesting professional and his conselho, UF
and CBO, the dentist, the CNES) comes from the profile (`tiss_reading.Clinic`). The guide
number is the desk's own: 9, the date and a counter (13 digits, like the counter's guides).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Final, Literal

from frontdesk.config.tiss_reading import Clinic
from frontdesk.core.contacts import digits_only
from frontdesk.core.i18n import t
from frontdesk.core.tuss import DENTAL_PREFIX
from frontdesk.counter.ledger import ManualGuide, ManualProcedure
from frontdesk.tiss.message import SAO_PAULO
from frontdesk.tiss.models import (
    DentalTeam,
    OdontoRequest,
    Procedure,
    Professional,
    SpSadtRequest,
)
from frontdesk.tiss.tiss_errors import TissInputError

Kind = Literal["sp_sadt", "odonto"]

TYPOGRAPHIC: Final = str.maketrans(
    {
        **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u2036", '"'),  # “ ” „ ‟ ″ ‶
        **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u2035", "'"),  # ‘ ’ ‚ ‛ ′ ‵
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),  # ‐ – — ― −
        **dict.fromkeys("\u2002\u2003\u2007\u2009\u200a\u202f\u205f\t", " "),
        **dict.fromkeys("\u200b\u200c\u200d\u2060\ufeff", ""),  # zero-width
        "\u2026": "...",  # …
        "\u2022": "-",  # •
        "\u2039": "<",  # ‹
        "\u203a": ">",  # ›
        "\u2122": "TM",  # ™
        "\u20ac": "EUR",  # €
    }
)
"""Typographic punctuation a word processor or a web page puts into pasted text, as the
ISO-8859-1 characters a TISS message can carry."""

FIELD_OF_TISS: Final = {
    "numeroCarteira": "card",
    "codigoProcedimento": "code",
    "descricaoProcedimento": "description",
    "quantidadeSolicitada": "quantity",
    "valorProc": "value",
    "denteRegiao": "tooth",
    "planoBeneficiario": "plan",
    "indicacaoClinica": "indication",
}
"""The form's field behind a TISS element a refusal names."""


class FormProblem(ValueError):
    """What is wrong with the form; `field` names the field to go back to."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(message)


@dataclass(frozen=True)
class GuideForm:
    """What the receptionist typed."""

    kind: Kind
    card: str
    code: str
    description: str = ""
    quantity: str = "1"
    value: str = ""  # odonto: per unit, "80,00" or "80.00"
    tooth: str = ""  # odonto
    plan: str = ""  # odonto
    indication: str = ""  # SP/SADT


@dataclass(frozen=True)
class KnownProcedure:
    """What the clinic's own guides (or TUSS table 22's common names) say of a code."""

    description: str
    value: str | None = None  # odonto: valorProc per unit, as the form takes it ("80.00")


def kind_of_code(code: str) -> Kind:
    """The kind of guide a complete TUSS code asks for: dental procedures are 8xxxxxxx."""
    return "odonto" if code.startswith(DENTAL_PREFIX) else "sp_sadt"


def filled(form: GuideForm, known: KnownProcedure | None, plan: str | None) -> GuideForm:
    """`form` with what the receptionist left empty taken from what is known: the code's
    description and (odonto) value, the patient's plan."""
    return replace(
        form,
        description=form.description.strip() or (known.description if known else ""),
        value=form.value.strip() or (known.value or "" if known else ""),
        plan=form.plan.strip() or (plan or ""),
    )


def next_number(existing: set[str], moment: float) -> str:
    """The next free `9YYYYMMDDnnnn` for the day of `moment` (São Paulo)."""
    day = datetime.fromtimestamp(moment, tz=SAO_PAULO).strftime("%Y%m%d")
    for count in range(1, 10000):
        number = f"9{day}{count:04d}"
        if number not in existing:
            return number
    raise FormProblem("card", t("counter.manual.full"))


def label(name: str) -> str:
    """The form's label of field `name`, without its note ("Dente (opcional)" → "Dente")."""
    return t(f"counter.new.{name}").split(" (")[0]


def latin1_text(value: str) -> str:
    """`value` composed (NFC: an accent typed as two characters becomes one) and with its
    typographic punctuation as ISO-8859-1's (“ ” → ", ‘ ’ → ', – — → -, … → ...)."""
    return unicodedata.normalize("NFC", value).translate(TYPOGRAPHIC).strip()


def text_of(form: GuideForm, name: str) -> str:
    """Field `name` of `form` as a TISS text (raises `FormProblem` naming what is left that
    ISO-8859-1 cannot carry, such as an emoji)."""
    value = latin1_text(getattr(form, name))
    foreign = "".join(dict.fromkeys(c for c in value if ord(c) > 0xFF))
    if foreign:
        raise FormProblem(
            name, t("counter.manual.chars", field=label(name), chars=" ".join(foreign))
        )
    return value


def guide_from_form(form: GuideForm, clinic: Clinic, *, number: str, now: float) -> ManualGuide:
    """`form` as a guide to keep (raises `FormProblem` naming the field)."""
    missing = clinic.missing_for(form.kind)
    if missing:
        raise FormProblem("kind", t("counter.manual.profile_missing", keys=", ".join(missing)))
    card = _card_of(form)
    code = _code_of(form)
    quantity = _quantity_of(form)
    description = text_of(form, "description") or t("counter.manual.description_default", code=code)
    indication = text_of(form, "indication") if form.kind == "sp_sadt" else ""
    value, tooth, plan = _dental_of(form) if form.kind == "odonto" else (None, None, None)
    guide = ManualGuide(
        number=number,
        kind=form.kind,
        card=card,
        procedures=(ManualProcedure(code, description[:150], quantity, value, tooth),),
        created_at=now,
        plan=plan,
        indication=indication[:500] or None,
    )
    _check_as_tiss(guide, clinic)
    return guide


def _card_of(form: GuideForm) -> str:
    card = digits_only(form.card)
    if not 8 <= len(card) <= 20 or any(not (c.isdigit() or c in " .-") for c in form.card):
        raise FormProblem("card", t("counter.manual.card"))
    return card


def _code_of(form: GuideForm) -> str:
    code = form.code.strip()
    if not re.fullmatch(r"\d{8}", code):
        raise FormProblem("code", t("counter.manual.code"))
    return code


def _quantity_of(form: GuideForm) -> int:
    try:
        quantity = int(form.quantity.strip() or "1")
    except ValueError:
        quantity = 0
    if not 1 <= quantity <= 99:
        raise FormProblem("quantity", t("counter.manual.quantity"))
    return quantity


def _dental_of(form: GuideForm) -> tuple[str, str | None, str | None]:
    """An odonto guide's value, tooth and plan."""
    try:
        amount = Decimal(form.value.strip().replace(",", ".") or "x")
    except InvalidOperation:
        amount = Decimal(-1)
    if not Decimal(0) < amount < Decimal(100000):
        raise FormProblem("value", t("counter.manual.value"))
    tooth = form.tooth.strip() or None
    if tooth is not None and not re.fullmatch(r"[1-8][1-8]", tooth):
        raise FormProblem("tooth", t("counter.manual.tooth"))
    return str(amount.quantize(Decimal("0.01"))), tooth, text_of(form, "plan") or None


def _check_as_tiss(guide: ManualGuide, clinic: Clinic) -> None:
    """What the TISS schema refuses, named by the form's field (or the profile's key)."""
    try:
        request_of(guide, clinic, cnes=None, prestador_code=None)
    except TissInputError as wrong:
        name = FIELD_OF_TISS.get(wrong.field)
        if name is None:  # the clinic's fixed data, from the profile
            raise FormProblem(
                "kind", t("counter.manual.profile_refused", key=wrong.field)
            ) from None
        raise FormProblem(
            name, t("counter.manual.refused", field=t(f"counter.new.{name}"))
        ) from None


def procedures_of(guide: ManualGuide) -> tuple[Procedure, ...]:
    return tuple(
        Procedure(
            code=p.code,
            description=p.description,
            quantity=p.quantity,
            value=Decimal(p.value) if p.value else None,
            tooth=p.tooth,
        )
        for p in guide.procedures
    )


def request_of(
    guide: ManualGuide, clinic: Clinic, *, cnes: str | None, prestador_code: str | None
) -> SpSadtRequest | OdontoRequest:
    """The SolicitacaoProcedimento for `guide` (without a code yet)."""
    procedures = procedures_of(guide)
    if guide.kind == "odonto":
        return OdontoRequest(
            guide_number=guide.number,
            card=guide.card,
            proof=None,
            procedures=procedures,
            plan=(guide.plan or "-")[:40],
            team=DentalTeam(
                code=clinic.dentist_code or prestador_code or "-",
                cro=clinic.dentist_cro or "-",
                uf=clinic.dentist_uf or "41",
                cnes=cnes or "9999999",
                cbos=clinic.dentist_cbo or "223208",
            ),
        )
    return SpSadtRequest(
        guide_number=guide.number,
        card=guide.card,
        proof=None,
        procedures=procedures,
        requester_name=(clinic.name or "-")[:70],
        professional=Professional(
            council=clinic.professional_council or "06",
            number=clinic.professional_number or "-",
            uf=clinic.professional_uf or "41",
            cbos=clinic.professional_cbo or "225125",
            name=clinic.professional_name,
        ),
        clinical_indication=guide.indication,
    )
