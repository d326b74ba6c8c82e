"""The demo clinic's practice-system exports, made from the local backend's guides.

A clinic on a TISS operator gets its guides from its practice-management system, as TISS XML
files (`mensagemTISS` with a `loteGuias`). For the demonstration, and the tests, this writes
what such a system would export for the demo guides still awaiting a token, so the counter
finds them at the local TISS operator by the same numbers (and the simulator's SAC and app
codes work for them):

- `lote-sadt.xml`: three SP/SADT guides, the last with a typo (an 8-digit CNES) that the
  schemas refuse, so the counter shows two and lists what is wrong with the third;
- `lote-odonto.xml`: the odontológicas (GTO), in TISS **4.01.00**: the dental module of the
  demo clinic's system has not moved on yet, so the queue mixes versions (each file is read
  against its own version's schemas and written back in it);
- `lote-consulta.xml`: the consulta (checked with VerificaElegibilidade).

The others are in the version in force (`versions.DEFAULT`).

`frontdesk tiss demo-files DIR` and `frontdesk --tiss-demo` call `write_demo_exports`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Final

from lxml import etree

from frontdesk.backend.demo import PROVIDER
from frontdesk.backend.records import GuideRecord, Store
from frontdesk.backend.tiss.identity import REGISTRO_ANS
from frontdesk.tiss.lote_build import (
    ExecutedProcedure,
    ExportHeader,
    build_export,
    consulta_guide,
    odonto_guide,
    sp_sadt_guide,
)
from frontdesk.tiss.message import SAO_PAULO
from frontdesk.tiss.models import DentalTeam, Prestador, Procedure, Professional
from frontdesk.tiss.versions import DEFAULT

CNES: Final = "1234567"
"""The demo clinic's CNES (what a TISS profile's `cnes` holds for it)."""
PHYSICIAN: Final = Professional("06", "54321", "41", "225125", "Dra. Helena Prado")
DENTIST: Final = DentalTeam(code="D0042", cro="12345", uf="41", cnes=CNES, cbos="223208")
BAD_CNES: Final = "12345678"  # the demo's typo: one digit too many
PRICES: Final[Mapping[str, Decimal]] = {
    "10101012": Decimal("120.00"),
    "40304361": Decimal("12.50"),
    "40302040": Decimal("6.80"),
    "40316521": Decimal("28.40"),
    "40901122": Decimal("145.00"),
    "40101010": Decimal("35.00"),
    "81000065": Decimal("80.00"),
    "81000421": Decimal("25.00"),
    "84000198": Decimal("60.00"),
    "85100099": Decimal("120.00"),
}
TEETH: Final[Mapping[str, str]] = {"85100099": "16", "81000421": "16"}
FILES: Final = ("lote-sadt.xml", "lote-odonto.xml", "lote-consulta.xml")
VERSION_OF_FILE: Final[Mapping[str, str]] = {"lote-odonto.xml": "4.01.00"}
"""The demo files not in the version in force (the rest are `DEFAULT`)."""


def _day(moment: float) -> str:
    return datetime.fromtimestamp(moment, tz=UTC).astimezone(SAO_PAULO).date().isoformat()


def _procedures(guide: GuideRecord) -> list[ExecutedProcedure]:
    day = _day(guide.requested_at)
    return [
        ExecutedProcedure(
            Procedure(
                code=str(p["code"]),
                description=str(p["description"])[:150],
                quantity=int(p["quantity"]),
                tooth=TEETH.get(str(p["code"])) if guide.type == "odonto" else None,
            ),
            PRICES.get(str(p["code"]), Decimal("50.00")),
            day,
        )
        for p in guide.procedures
    ]


def demo_exports(store: Store, now: float) -> dict[str, bytes]:
    """File name -> contents, for the demo guides awaiting a token (newest first)."""
    prestador = Prestador("codigo", PROVIDER[0])
    guides = sorted(store.list_guides("awaiting_token", None), key=lambda g: -g.requested_at)
    sadt: list[etree._Element] = []
    odonto: list[etree._Element] = []
    consulta: list[etree._Element] = []
    for guide in guides:
        if guide.type == "sp_sadt":
            sadt.append(
                sp_sadt_guide(
                    registro_ans=REGISTRO_ANS,
                    number=guide.number,
                    card=guide.card,
                    prestador=prestador,
                    requester_name=PROVIDER[1],
                    professional=PHYSICIAN,
                    cnes=CNES,
                    procedures=_procedures(guide),
                    requested_on=_day(guide.requested_at),
                )
            )
        elif guide.type == "odonto":
            beneficiary = store.get_beneficiary(guide.card)
            odonto.append(
                odonto_guide(
                    registro_ans=REGISTRO_ANS,
                    number=guide.number,
                    card=guide.card,
                    plan=beneficiary.plan if beneficiary is not None else "-",
                    team=DENTIST,
                    procedures=_procedures(guide),
                )
            )
        else:
            first = _procedures(guide)[0]
            consulta.append(
                consulta_guide(
                    registro_ans=REGISTRO_ANS,
                    number=guide.number,
                    card=guide.card,
                    prestador=prestador,
                    cnes=CNES,
                    professional=PHYSICIAN,
                    procedure=first.procedure,
                    value=first.unit_value,
                    date=first.executed_on,
                )
            )
    sadt = sadt[:3]  # the three newest of the demo's SP/SADT guides
    if sadt:  # the typo a practice system's user might make: refused by the schemas
        cnes = sadt[-1].find(".//{*}dadosExecutante/{*}CNES")
        if cnes is not None:
            cnes.text = BAD_CNES
    day = _day(now)
    files: dict[str, bytes] = {}
    for index, (name, items) in enumerate(zip(FILES, (sadt, odonto, consulta), strict=True), 1):
        if not items:
            continue
        header = ExportHeader(
            sequence=f"{day.replace('-', '')}{index:02d}",
            date=day,
            time="08:00:00",
            prestador=prestador,
            registro_ans=REGISTRO_ANS,
            lote=f"{day.replace('-', '')}{index}",
            version=VERSION_OF_FILE.get(name, DEFAULT),
        )
        files[name] = build_export(header, items)
    return files


def write_demo_exports(store: Store, now: float, folder: Path) -> list[Path]:
    """Write `demo_exports` into `folder` (made if missing); existing files are replaced."""
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name, data in demo_exports(store, now).items():
        path = folder / name
        path.write_bytes(data)
        written.append(path)
    return written
