"""Typed TISS values the protocol, client and operator tests share (demo data's identities)."""

from __future__ import annotations

from decimal import Decimal

from frontdesk.tiss.hashing import password_digest
from frontdesk.tiss.models import (
    DentalTeam,
    Header,
    OdontoRequest,
    Party,
    Prestador,
    Procedure,
    Professional,
    SpSadtRequest,
    TokenProof,
)

REGISTRO_ANS = "999999"
PRESTADOR = Prestador("codigo", "123456")
CARD = "0064800012345678"  # Maria Aparecida Souza in the demo data
VERSION = "4.01.00"  # the headers' Padrao (the hash vectors of test_hash.py were made in it)


def request_header(transaction: str, sequence: str = "1", password: str = "hello") -> Header:
    return Header(
        transaction=transaction,
        sequence=sequence,
        date="2026-11-18",
        time="08:06:40",
        origin=Party(prestador=PRESTADOR),
        destination=Party(registro_ans=REGISTRO_ANS),
        version=VERSION,
        login=PRESTADOR.value,
        password_digest=password_digest(password),
    )


def reply_header(transaction: str, sequence: str = "1") -> Header:
    return Header(
        transaction=transaction,
        sequence=sequence,
        date="2026-11-18",
        time="08:06:41",
        origin=Party(registro_ans=REGISTRO_ANS),
        destination=Party(prestador=PRESTADOR),
        version=VERSION,
    )


def sp_sadt(guide: str = "2026111800019", proof: TokenProof | None = None) -> SpSadtRequest:
    return SpSadtRequest(
        guide_number=guide,
        card="0064800034567812",
        proof=proof or TokenProof.of_reason("01"),
        procedures=(
            Procedure("40304361", "Hemograma com contagem de plaquetas"),
            Procedure("40302040", "Glicose - pesquisa e/ou dosagem", quantity=2),
        ),
        requester_name="Clínica Sorriso",
        professional=Professional("06", "123456", "41", "225125", name="Dra. Conceição Araújo"),
        clinical_indication="Investigação de anemia",
    )


def odonto(guide: str = "2026111800017", proof: TokenProof | None = None) -> OdontoRequest:
    return OdontoRequest(
        guide_number=guide,
        card=CARD,
        proof=proof or TokenProof.of_code("123456"),
        procedures=(
            Procedure("81000065", "Consulta odontológica inicial", value=Decimal("80")),
            Procedure(
                "85100099",
                "Restauração em resina fotopolimerizável 1 face",
                quantity=2,
                value=Decimal("120.5"),
                tooth="11",
                faces="O",
            ),
        ),
        plan="Odonto Clássico",
        team=DentalTeam(code="123456", cro="12345", uf="41", cnes="1234567"),
    )
