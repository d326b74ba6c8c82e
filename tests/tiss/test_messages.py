"""Every message frontdesk sends and every reply it accepts is valid against the official
schemas, and reads back to the values it was built from; the faults, one class per value."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from lxml import etree

from frontdesk.tiss import glosas, schema, tiss_errors
from frontdesk.tiss.message import (
    CANCEL,
    ELIGIBILITY,
    OPERATIONS,
    PROCEDURES,
    STATUS,
    Operation,
    find,
    read_header,
)
from frontdesk.tiss.models import (
    Authorization,
    Eligibility,
    Glosa,
    Party,
    Prestador,
    TokenProof,
)
from frontdesk.tiss.replies import (
    build_authorization_reply,
    build_cancel_reply,
    build_eligibility_reply,
    build_refusal,
    glosa,
    read_authorization_reply,
    read_cancel_reply,
    read_eligibility_reply,
)
from frontdesk.tiss.requests import (
    build_cancel,
    build_eligibility,
    build_procedures,
    build_status,
    read_cancel,
    read_eligibility,
    read_procedures,
    read_status,
)
from frontdesk.tiss.soap import body_of, envelope, fault_envelope
from frontdesk.tiss.tiss_errors import TissInputError

from .factories import CARD, PRESTADOR, REGISTRO_ANS, odonto, reply_header, request_header, sp_sadt

NS = "{http://www.ans.gov.br/padroes/tiss/schemas}"


def valid(element: etree._Element) -> etree._Element:
    """`element` after a trip through a SOAP envelope, checked against the schemas."""
    received = body_of(envelope(element))
    assert schema.errors_of(received) == ()
    return received


def test_the_schemas_ship_as_package_data_by_version() -> None:
    assert schema.versions() == ("4.01.00", "4.02.00", "4.03.00")
    folder = schema.schema_folder("4.01.00")
    names = {entry.name for entry in folder.iterdir()}
    assert {"tissWebServicesV4_01_00.xsd", "tissV4_01_00.xsd", "xmldsig-core-schema.xsd"} <= names
    assert sum(name.endswith(".wsdl") for name in names) == 12
    with pytest.raises(ValueError, match=r"4\.04\.00"):
        schema.schema_folder("4.04.00")


def test_the_operations_match_the_shipped_wsdls() -> None:
    folder = schema.schema_folder("4.01.00")
    for service, operation in OPERATIONS.items():
        wsdl = folder.joinpath(f"{service}V4_01_00.wsdl").read_text("iso-8859-1")
        assert f'<service name="{service}">' in wsdl
        assert f'element="ans:{operation.request}"' in wsdl
        assert f'element="ans:{operation.reply}"' in wsdl
        assert 'element="ans:tissFaultWS"' in wsdl


def test_an_eligibility_request_with_a_code_or_a_reason_is_valid_and_reads_back() -> None:
    for proof in (TokenProof.of_code("123456"), TokenProof.of_reason("07"), None):
        header = request_header(ELIGIBILITY.request_transaction)
        built = build_eligibility(header, PRESTADOR, CARD, proof, identification="09")
        received = valid(built)
        assert read_header(received) == header
        query = read_eligibility(received)
        assert (query.prestador, query.card, query.proof) == (PRESTADOR, CARD, proof)
        assert query.identification == "09"


@pytest.mark.parametrize("make", [sp_sadt, odonto], ids=["sp_sadt", "odonto"])
def test_procedure_requests_are_valid_and_read_back(make: object) -> None:
    request = make()  # type: ignore[operator]
    header = request_header(PROCEDURES.request_transaction)
    built = build_procedures(
        header, REGISTRO_ANS, PRESTADOR, request, today="2026-11-18", cnes="1234567"
    )
    query = read_procedures(valid(built))
    assert (query.registro_ans, query.malformed_proof) == (REGISTRO_ANS, False)
    read = query.request
    if read.__class__.__name__ == "SpSadtRequest":
        assert read == replace(request, requested_on="2026-11-18")
        executor = find(built, PROCEDURES.request_body, "solicitacaoSP-SADT", "dadosExecutante")
        assert executor is not None
    else:
        assert read == request
        assert request.total == 321  # 80 + 2 × 120.50


@pytest.mark.parametrize(
    ("make", "group", "missing"),
    [
        (sp_sadt, "dadosSolicitante", "profissionalSolicitante"),
        (odonto, "solicitacaoOdontologia", "dadosProfissionaisResponsaveis"),
    ],
    ids=["sp_sadt", "odonto"],
)
def test_a_request_without_its_professional_is_refused_by_name(
    make: object, group: str, missing: str
) -> None:
    """Not schema-valid, so the operator refuses it first; read anyway (a caller that does not
    validate), it is a TissInputError naming the element, never an AssertionError."""
    request = make()  # type: ignore[operator]
    header = request_header(PROCEDURES.request_transaction)
    built = build_procedures(header, REGISTRO_ANS, PRESTADOR, request, today="2026-11-18")
    parent = next(built.iter(f"{NS}{group}"))
    parent.remove(next(parent.iter(f"{NS}{missing}")))
    with pytest.raises(TissInputError) as refused:
        read_procedures(built)
    assert missing in str(refused.value)


def test_a_request_for_every_kind_of_prestador_is_valid() -> None:
    for prestador in (
        Prestador("codigo", "123456"),
        Prestador("cnpj", "11222333000181"),
        Prestador("cpf", "12345678901"),
    ):
        header = replace(
            request_header("SOLICITA_STATUS_AUTORIZACAO"), origin=Party(prestador=prestador)
        )
        query = read_status(valid(build_status(header, REGISTRO_ANS, prestador, "G1", CARD)))
        assert (query.prestador, query.guide_number, query.card) == (prestador, "G1", CARD)
        cancel = build_cancel(replace(header, transaction="CANCELA_GUIA"), prestador, "G1", "88")
        (read,) = read_cancel(valid(cancel))
        assert (read.prestador, read.guide_number, read.operator_number) == (prestador, "G1", "88")


def test_eligibility_replies_are_valid_and_read_back() -> None:
    header = reply_header(ELIGIBILITY.reply_transactions[0])
    yes = Eligibility(True, CARD, "Luiz Henrique Ferreira", social_name="Luíza Ferreira")
    read = read_eligibility_reply(valid(build_eligibility_reply(header, REGISTRO_ANS, yes)))
    assert (read.eligible, read.display_name, read.glosas) == (True, "Luíza Ferreira", ())
    no = Eligibility(False, CARD, "Maria", glosas=(glosa("3156", "O código expirou"),))
    read = read_eligibility_reply(valid(build_eligibility_reply(header, REGISTRO_ANS, no)))
    assert read.eligible is False
    assert read.glosas == (glosa("3156", "O código expirou"),)
    assert read.glosas[0].description == "TOKEN INVÁLIDO"
    unknown = Eligibility(False, "1", glosas=(glosa("1001"),))
    read = read_eligibility_reply(valid(build_eligibility_reply(header, REGISTRO_ANS, unknown)))
    assert (read.eligible, read.beneficiary_name) == (False, None)
    assert [g.code for g in read.glosas] == ["1001"]


@pytest.mark.parametrize("operation", [PROCEDURES, STATUS], ids=["procedure", "status"])
@pytest.mark.parametrize("kind", ["sp_sadt", "odonto"])
@pytest.mark.parametrize(
    "status",
    ["authorized", "partially_authorized", "under_review", "denied", "cancelled", "refused"],
)
def test_authorization_replies_are_valid_and_read_back(
    operation: object, kind: str, status: str
) -> None:
    request = sp_sadt() if kind == "sp_sadt" else odonto()
    granted = status in ("authorized", "partially_authorized")
    sent = Authorization(
        status=status,  # type: ignore[arg-type]
        guide_number=request.guide_number,
        operator_number="8812345",
        senha="Q7K2M9XA" if granted else None,
        valid_until="2026-12-18" if granted else None,
        authorized_on="2026-11-18" if granted else None,
        beneficiary_name="Ana Beatriz Lima",
        glosas=(glosa("3156"),) if status in ("denied", "refused") else (),
        sequence="1",
    )
    built = build_authorization_reply(
        operation,  # type: ignore[arg-type]
        reply_header("RESPOSTA_SOLICITACAO"),
        sent,
        kind=kind,  # type: ignore[arg-type]
        card=request.card,
        procedures=request.procedures,
    )
    read = read_authorization_reply(valid(built), operation)  # type: ignore[arg-type]
    if status == "refused":
        assert (read.status, [g.code for g in read.glosas]) == ("refused", ["3156"])
    else:
        assert read == sent


def test_cancel_replies_are_valid_and_read_back() -> None:
    header = reply_header(CANCEL.reply_transactions[0])
    built = build_cancel_reply(
        header, REGISTRO_ANS, PRESTADOR, [("G1", "88", "cancelled"), ("G2", None, "not_found")]
    )
    received = valid(built)
    assert read_cancel_reply(received).status == "cancelled"
    assert read_cancel_reply(received, "G2").status == "not_found"
    assert read_cancel_reply(received, "G9").status == "not_found"


def test_every_operation_has_a_valid_refusal() -> None:
    for operation in OPERATIONS.values():
        built = build_refusal(
            operation, reply_header(operation.reply_transactions[0]), glosa("3167")
        )
        received = valid(built)
        assert find(received, "hash") is not None


def test_the_schemas_refuse_an_incomplete_message() -> None:
    built = build_eligibility(
        request_header(ELIGIBILITY.request_transaction), PRESTADOR, CARD, TokenProof.of_code("1")
    )
    card = find(built, "pedidoElegibilidade", "numeroCarteira")
    assert card is not None
    card.getparent().remove(card)  # type: ignore[union-attr]
    with pytest.raises(schema.SchemaViolation) as invalid:
        schema.validate(built)
    assert "numeroCarteira" in str(invalid.value) or "codValidacao" in str(invalid.value)


def test_codes_and_reasons_are_checked_before_anything_is_built() -> None:
    for bad in ("12345678901", "", "12 34", "çódigo"):
        with pytest.raises(TissInputError, match="codValidacao"):
            TokenProof.of_code(bad)
    for reason in ("00", "08", "7", "01 "):
        with pytest.raises(TissInputError, match="ausenciaCodValidacao"):
            TokenProof.of_reason(reason)
    with pytest.raises(TissInputError, match="6 characters"):
        TokenProof.of_code("1234", length=6)
    assert TokenProof.of_code("1234567890").code == "1234567890"
    assert "1234567890" not in repr(TokenProof.of_code("1234567890"))
    with pytest.raises(TissInputError, match="ISO-8859-1"):
        replace(sp_sadt(), requester_name="Clínica €")


def test_table_38_comes_from_the_schema() -> None:
    table = glosas.table_38("4.01.00")
    text = (
        schema.schema_folder("4.01.00").joinpath("tissSimpleTypesV4_01_00.xsd").read_text("latin-1")
    )
    declared = re.search(r'name="dm_tipoGlosa">(.*?)</simpleType>', text, re.S)
    assert declared is not None
    assert set(table) == set(re.findall(r'enumeration value="(\d+)"', declared.group(1)))
    assert len(table) == 624
    assert table["1001"] == "NÚMERO DA CARTEIRA INVÁLIDO"
    assert table["3156"] == "TOKEN INVÁLIDO"
    assert table["3167"] == "SEQUENCIAL INVÁLIDO"
    assert glosas.describe("9999", "Código próprio da operadora") == "Código próprio da operadora"
    assert glosas.describe("1001", "carteira errada") == "NÚMERO DA CARTEIRA INVÁLIDO"


def test_every_tiss_fault_value_has_its_class_and_round_trips() -> None:
    text = (
        schema.schema_folder("4.01.00").joinpath("tissSimpleTypesV4_01_00.xsd").read_text("latin-1")
    )
    declared = re.search(r'name="st_tissFault">(.*?)</simpleType>', text, re.S)
    assert declared is not None
    values = re.findall(r'value="(\w+)"', declared.group(1))
    assert sorted(values) == sorted(tiss_errors.FAULTS)
    for value in values:
        data = fault_envelope(value, "mensagem da operadora")
        fault = find(etree.fromstring(data)[0][0].find("detail"), "tissFaultWS")  # type: ignore[arg-type]
        assert fault is not None and schema.errors_of(fault) == ()
        with pytest.raises(tiss_errors.FAULTS[value]) as raised:
            body_of(data)
        assert raised.value.code == value
        assert raised.value.fault_string == "mensagem da operadora"


def test_a_fault_without_detail_is_read_from_its_faultstring_or_is_unexpected() -> None:
    soap = "http://schemas.xmlsoap.org/soap/envelope/"
    bare = (
        f'<s:Envelope xmlns:s="{soap}"><s:Body><s:Fault><faultcode>s:Client</faultcode>'
        "<faultstring>LoginInvalido</faultstring></s:Fault></s:Body></s:Envelope>"
    ).encode()
    with pytest.raises(tiss_errors.LoginInvalido):
        body_of(bare)
    other = bare.replace(b"LoginInvalido", b"java.lang.NullPointerException")
    with pytest.raises(tiss_errors.ErroInesperadoServidor) as raised:
        body_of(other)
    assert "NullPointer" in raised.value.fault_string
    assert NS  # the namespace constant the tests share


def test_an_envelope_holds_one_body_with_one_message_or_is_not_soap() -> None:
    soap = "http://schemas.xmlsoap.org/soap/envelope/"
    message = f'<ans:cancelaGuiaWS xmlns:ans="{NS[1:-1]}"/>'

    def envelope_of(inside: str) -> bytes:
        return f'<s:Envelope xmlns:s="{soap}">{inside}</s:Envelope>'.encode()

    body = f"<s:Body>{message}</s:Body>"
    assert body_of(envelope_of(f"<s:Header/>{body}")).tag == f"{NS}cancelaGuiaWS"
    assert body_of(envelope_of(f"<!-- a note -->{body}")).tag == f"{NS}cancelaGuiaWS"
    for inside in (
        body + body,  # two Bodies: the second must not be ignored
        f"<s:Header/>{body}<s:Body/>",
        f"<s:Body>{message}{message}</s:Body>",  # two messages in one Body
        f"{body}<s:Header/>",
        f"{body}<other/>",
        "<s:Header/>",
        "",
    ):
        with pytest.raises(tiss_errors.InvalidReply) as raised:
            body_of(envelope_of(inside))
        assert raised.value.reason == "not_soap", inside


NEW_IN_4_03 = Glosa("3268", "", "")  # NÚMERO DE LOTE JÁ INFORMADO ANTERIORMENTE, no words


@pytest.mark.parametrize("operation", [ELIGIBILITY, PROCEDURES, STATUS, CANCEL])
def test_a_glosa_is_described_by_the_table_38_of_the_replys_own_version(
    operation: Operation,
) -> None:
    """3268 came with 4.03.00: a 4.03.00 reply gets its official words; the same code in a
    4.01.00 reply (whose table lacks it) keeps only what the operator wrote (nothing)."""
    read = {
        ELIGIBILITY: read_eligibility_reply,
        PROCEDURES: lambda m: read_authorization_reply(m, PROCEDURES),
        STATUS: lambda m: read_authorization_reply(m, STATUS),
        CANCEL: read_cancel_reply,
    }[operation]
    for version, words in (
        ("4.03.00", "NÚMERO DE LOTE JÁ INFORMADO ANTERIORMENTE"),
        ("4.01.00", ""),
    ):
        header = replace(reply_header(operation.reply_transactions[0]), version=version)
        built = build_refusal(operation, header, NEW_IN_4_03)
        if version == "4.03.00":
            assert schema.errors_of(built, version) == ()
        glosas_read = read(built).glosas  # type: ignore[operator]
        assert [(g.code, g.description) for g in glosas_read] == [("3268", words)], version
    assert glosas.describe("3268", "lote repetido", "4.04.00") == "lote repetido"
