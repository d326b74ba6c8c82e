"""The alphanumeric CNPJ in TISS messages and profiles' settings: 4.03.00 carries it (header
origem `CNPJ`, body `cnpjContratado`) and its schema accepts it where 4.02.00's refuses it;
a 4.01.00 or 4.02.00 header or profile refuses it before anything is built, saying which
version can; a CNPJ with wrong check digits is refused wherever it is made."""

from __future__ import annotations

import copy
from dataclasses import replace

import pytest
from lxml import etree

from frontdesk.core import i18n
from frontdesk.tiss.message import PROCEDURES, find, q, read_header, text
from frontdesk.tiss.models import Header, Party, Prestador
from frontdesk.tiss.requests import build_eligibility, build_procedures, read_eligibility
from frontdesk.tiss.schema import errors_of
from frontdesk.tiss.tiss_errors import TissInputError
from frontdesk.tiss.tiss_settings import CnpjVersionError, TissSettings, TissSettingsError
from frontdesk.tiss.versions import get, version_for_cnpj

from .factories import CARD, REGISTRO_ANS, request_header, sp_sadt

ALPHANUMERIC = "12ABC34501DE35"
NUMERIC = "11222333000181"


@pytest.fixture(autouse=True)
def portuguese() -> None:
    i18n.set_language("pt")


def header(
    prestador: Prestador, version: str, transaction: str = "VERIFICA_ELEGIBILIDADE"
) -> Header:
    return replace(request_header(transaction), origin=Party(prestador=prestador), version=version)


def procedures_message(cnpj: str, version: str) -> etree._Element:
    prestador = Prestador("cnpj", cnpj)
    return build_procedures(
        header(prestador, version, PROCEDURES.request_transaction),
        REGISTRO_ANS,
        prestador,
        sp_sadt(),
        today="2026-12-05",
    )


def as_version(message: etree._Element, version: str) -> etree._Element:
    """`message` with its `Padrao` changed to `version` (to ask that version's schema)."""
    changed = copy.deepcopy(message)
    padrao = find(changed, "cabecalho", "Padrao")
    assert padrao is not None
    padrao.text = version
    return changed


def test_the_versions_say_which_cnpj_they_carry_from_their_own_schemas() -> None:
    assert get("4.03.00").cnpj_pattern == "[A-Z0-9]{12}[0-9]{2}"
    assert get("4.02.00").cnpj_pattern == get("4.01.00").cnpj_pattern == "[0-9]{14}"
    assert get("4.03.00").carries_cnpj(ALPHANUMERIC)
    assert not get("4.02.00").carries_cnpj(ALPHANUMERIC)
    assert all(get(v).carries_cnpj(NUMERIC) for v in ("4.01.00", "4.02.00", "4.03.00"))
    assert version_for_cnpj("4.02.00", ALPHANUMERIC) == "4.03.00"
    assert version_for_cnpj("4.03.00", ALPHANUMERIC) is None
    assert version_for_cnpj("4.01.00", NUMERIC) is None
    assert version_for_cnpj("9.99.99", ALPHANUMERIC) is None  # not judged: refused elsewhere


def test_a_4_03_00_message_with_letters_is_valid_there_and_refused_by_4_02_00() -> None:
    message = procedures_message("12.abc.345/01de-35", "4.03.00")
    assert text(message, "cabecalho", "origem", "identificacaoPrestador", "CNPJ") == ALPHANUMERIC
    requester = find(
        message,
        PROCEDURES.request_body,
        "solicitacaoSP-SADT",
        "dadosSolicitante",
        "contratadoSolicitante",
    )
    assert requester is not None and text(requester, "cnpjContratado") == ALPHANUMERIC
    assert errors_of(message, "4.03.00") == ()
    assert read_header(message).origin.prestador == Prestador("cnpj", ALPHANUMERIC)

    refused = errors_of(as_version(message, "4.02.00"), "4.02.00")
    assert refused and all(ALPHANUMERIC in problem for problem in refused)
    assert any("[0-9]{14}" in problem for problem in refused)  # st_CNPJ of 4.02.00
    assert errors_of(as_version(message, "4.01.00"), "4.01.00")
    # the same message with a numeric CNPJ: each version's schema takes it
    for version in ("4.01.00", "4.02.00", "4.03.00"):
        assert errors_of(procedures_message(NUMERIC, version), version) == ()


@pytest.mark.parametrize("version", ["4.01.00", "4.02.00"])
def test_a_header_before_4_03_00_refuses_an_alphanumeric_cnpj(version: str) -> None:
    prestador = Prestador("cnpj", ALPHANUMERIC)
    with pytest.raises(TissInputError) as refused:
        header(prestador, version)
    assert refused.value.field == "CNPJ"
    assert str(refused.value) == (
        f"CNPJ: A versão {version} do TISS não aceita CNPJ com letras; só a 4.03.00 o leva."
    )
    with pytest.raises(TissInputError, match="CNPJ"):
        replace(request_header("X"), destination=Party(prestador=prestador), version=version)
    assert header(Prestador("cnpj", NUMERIC), version).origin.prestador is not None


def test_an_eligibility_in_4_03_00_carries_it_in_dados_prestador() -> None:
    prestador = Prestador("cnpj", ALPHANUMERIC)
    message = build_eligibility(header(prestador, "4.03.00"), prestador, CARD, None)
    assert (
        message.find(f"{q('pedidoElegibilidade')}/{q('dadosPrestador')}/{q('cnpjContratado')}")
        is not None
    )
    assert errors_of(message, "4.03.00") == ()
    assert read_eligibility(message).prestador == prestador


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("12ABC34501DE36", "dígitos verificadores do CNPJ 12.ABC.345/01DE-36 não conferem"),
        ("11222333000180", "dígitos verificadores do CNPJ 11.222.333/0001-80 não conferem"),
        ("12ABC34501DE3", "deve ter 14 letras ou dígitos"),
        ("12ABC34501DEA5", "sempre números"),
    ],
)
def test_a_prestador_with_a_wrong_cnpj_is_refused(value: str, words: str) -> None:
    with pytest.raises(TissInputError) as refused:
        Prestador("cnpj", value)
    assert refused.value.field == "CNPJ" and words in str(refused.value)


def test_a_prestador_keeps_the_normal_form() -> None:
    assert Prestador("cnpj", "12.abc.345/01de-35").value == ALPHANUMERIC
    assert Prestador("cnpj", "11.222.333/0001-81") == Prestador("cnpj", NUMERIC)


BASE = {
    "url": "https://tiss.operadora.example/ws/{operation}",
    "registro_ans": "123456",
    "prestador_kind": "cnpj",
}


def settings(prestador: str, version: str) -> TissSettings:
    return TissSettings(**BASE, prestador=prestador, version=version)  # type: ignore[arg-type]


def test_a_4_03_00_profile_takes_an_alphanumeric_cnpj_as_typed() -> None:
    made = settings("12.abc.345/01de-35", "4.03.00")
    assert made.prestador == ALPHANUMERIC and made.effective_login == ALPHANUMERIC
    assert made.identity == Prestador("cnpj", ALPHANUMERIC)


@pytest.mark.parametrize("version", ["4.01.00", "4.02.00"])
def test_a_profile_before_4_03_00_refuses_it_and_says_which_version_can(version: str) -> None:
    with pytest.raises(CnpjVersionError) as refused:
        settings("12.ABC.345/01DE-35", version)
    assert refused.value.setting == "prestador"
    assert refused.value.problem_for("clinica") == (
        f"A versão {version} do TISS não aceita CNPJ com letras; use 4.03.00 "
        "(frontdesk profiles set clinica tiss_version 4.03.00)."
    )
    assert settings("11.222.333/0001-81", version).prestador == NUMERIC


def test_a_profile_with_wrong_check_digits_is_refused_in_portuguese() -> None:
    with pytest.raises(TissSettingsError) as refused:
        settings("12.ABC.345/01DE-53", "4.03.00")
    assert refused.value.setting == "prestador"
    assert refused.value.problem.startswith(
        "Os dígitos verificadores do CNPJ 12.ABC.345/01DE-53 não conferem"
    )
