"""A practice system's export: read guide by guide (each with its own problems), and one guide
written back with the operator's answer, valid against the schemas and correctly hashed."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest
from lxml import etree

from frontdesk.tiss.hashing import message_hash, same_hash
from frontdesk.tiss.lote import read_export, schema_errors
from frontdesk.tiss.lote_build import (
    ExecutedProcedure,
    ExportHeader,
    build_export,
    consulta_guide,
    odonto_guide,
    sp_sadt_guide,
)
from frontdesk.tiss.message import SAO_PAULO, add, find, q, text
from frontdesk.tiss.models import DentalTeam, Prestador, Procedure, Professional, SpSadtRequest
from frontdesk.tiss.schema import errors_of
from frontdesk.tiss.sequence import MemorySequence
from frontdesk.tiss.tiss_errors import TissInputError
from frontdesk.tiss.versions import get, numbers
from frontdesk.tiss.writeback import NoCodeField, Release, proof_in, write_back
from support.tiss_files import compact, given_hash, independent_hash

PRESTADOR = Prestador("codigo", "123456")
DOCTOR = Professional("06", "54321", "41", "225125", "Dra. Helena Prado")
HEADER = ExportHeader("2026111801", "2026-11-18", "08:00:00", PRESTADOR, "999999", "77")
CARD = "0064800034567812"
NOW = datetime(2026, 11, 18, 9, 30, 5, tzinfo=SAO_PAULO)


def at(sequence: MemorySequence | None = None) -> dict[str, Any]:
    """When and with which numbers a file is written back."""
    return {"sequence": sequence or MemorySequence(start=500), "now": NOW}


def sadt(number: str, card: str = CARD, cnes: str = "1234567") -> etree._Element:
    return sp_sadt_guide(
        registro_ans="999999",
        number=number,
        card=card,
        prestador=PRESTADOR,
        requester_name="Clínica Sorriso",
        professional=DOCTOR,
        cnes=cnes,
        procedures=[
            ExecutedProcedure(Procedure("40304361", "Hemograma"), Decimal("12.50"), "2026-11-18"),
            ExecutedProcedure(Procedure("40302040", "Glicose", 2), Decimal("6.80"), "2026-11-18"),
        ],
        indication="Controle anual",
    )


def parsed(data: bytes) -> etree._Element:
    return etree.fromstring(data)


def test_an_export_of_three_guides_with_one_invalid_keeps_the_other_two() -> None:
    data = build_export(HEADER, [sadt("A-1"), sadt("A-2", cnes="12345678"), sadt("A-3")])
    export = read_export(data)
    assert export.problems == ()
    assert (export.lote, export.registro_ans) == ("77", "999999")
    good = [g.number for g in export.guides if g.valid]
    assert good == ["A-1", "A-3"]
    bad = export.guides[1]
    assert bad.number == "A-2" and bad.request is None
    assert len(bad.problems) == 1 and "CNES" in bad.problems[0] and "linha" in bad.problems[0]
    request = export.guides[0].request
    assert isinstance(request, SpSadtRequest)
    assert request.card == CARD and request.proof is None
    assert [(p.code, p.quantity) for p in request.procedures] == [("40304361", 1), ("40302040", 2)]
    assert request.professional.cbos == "225125"
    assert request.clinical_indication == "Controle anual"


def test_a_file_on_one_line_still_places_each_problem_in_its_guide() -> None:
    data = build_export(HEADER, [sadt("A-1"), sadt("A-2", cnes="12345678"), sadt("A-3")])
    flat = etree.tostring(
        etree.fromstring(data, etree.XMLParser(remove_blank_text=True)),
        encoding="ISO-8859-1",
        xml_declaration=True,
    )
    assert flat.count(b"\n") <= 1
    export = read_export(flat)
    assert [g.valid for g in export.guides] == [True, False, True]


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"not xml at all", "XML"),
        (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>', "XML"),
        (b"<a/>", "mensagemTISS"),
    ],
)
def test_what_is_not_an_export_is_said_as_such(data: bytes, problem: str) -> None:
    export = read_export(data)
    assert export.guides == () and problem in export.problems[0]


def test_a_wrong_hash_is_a_problem_of_the_file() -> None:
    data = build_export(HEADER, [sadt("A-1")])
    root = parsed(data)
    hash_node = find(root, "epilogo", "hash")
    assert hash_node is not None
    hash_node.text = "0" * 32
    export = read_export(etree.tostring(root, encoding="ISO-8859-1", xml_declaration=True))
    assert export.guides[0].valid
    assert any("hash" in p for p in export.problems)


def written_guide(data: bytes, number: str) -> etree._Element:
    root = parsed(data)
    holder = find(root, "prestadorParaOperadora", "loteGuias", "guiasTISS")
    assert holder is not None
    guides = [g for g in holder if isinstance(g.tag, str)]
    assert len(guides) == 1
    return guides[0]


def assert_valid_and_hashed(data: bytes) -> etree._Element:
    root = parsed(data)
    version = text(root, "cabecalho", "Padrao") or ""
    assert errors_of(root, version) == ()
    assert same_hash(text(root, "epilogo", "hash") or "", message_hash(root))
    assert data.startswith(b"<?xml version='1.0' encoding='ISO-8859-1'?>")
    assert compact(data) and independent_hash(data) == given_hash(data)
    return root


def test_an_sp_sadt_guide_is_written_back_with_the_code_the_senha_and_the_number() -> None:
    original = build_export(HEADER, [sadt("A-1"), sadt("A-2", cnes="12345678"), sadt("A-3")])
    release = Release(
        code="482913", senha="YMH3JGTE", operator_number="8828183", valid_until="2026-12-18"
    )
    data = write_back(original, "A-3", release, **at())
    assert_valid_and_hashed(data)
    guide = written_guide(data, "A-3")
    authorization = find(guide, "dadosAutorizacao")
    assert authorization is not None
    assert [etree.QName(n).localname for n in authorization] == [
        "numeroGuiaOperadora",
        "dataAutorizacao",
        "senha",
        "dataValidadeSenha",
        "codValidacao",
    ]
    assert text(authorization, "codValidacao") == "482913"
    assert text(authorization, "senha") == "YMH3JGTE"
    assert text(authorization, "numeroGuiaOperadora") == "8828183"
    assert text(guide, "cabecalhoGuia", "numeroGuiaPrestador") == "A-3"
    assert proof_in(data, "A-3") == ("482913", None)
    assert b"A-1" not in data  # one guide per file written back
    assert read_export(original).guides[2].valid  # the original is untouched


def test_an_absence_reason_then_the_senha_after_review() -> None:
    original = build_export(HEADER, [sadt("A-1")])
    first = write_back(original, "A-1", Release(reason="07"), **at())
    assert_valid_and_hashed(first)
    assert proof_in(first, "A-1") == (None, "07")
    later = write_back(
        first,
        "A-1",
        Release(reason="07", senha="F986V4WV", operator_number="1"),
        **at(),
    )
    assert_valid_and_hashed(later)
    guide = written_guide(later, "A-1")
    assert text(guide, "dadosAutorizacao", "ausenciaCodValidacao") == "07"
    assert text(guide, "dadosAutorizacao", "senha") == "F986V4WV"
    assert find(guide, "dadosAutorizacao", "codValidacao") is None


def test_odonto_and_consulta_guides_take_the_code_in_their_own_fields() -> None:
    team = DentalTeam(code="D0042", cro="12345", uf="41", cnes="1234567")
    odonto = odonto_guide(
        registro_ans="999999",
        number="G-1",
        card=CARD,
        plan="Odonto Master",
        team=team,
        procedures=[
            ExecutedProcedure(
                Procedure("85100099", "Restauração", 2, tooth="16"), Decimal("120"), "2026-11-18"
            )
        ],
    )
    data = build_export(HEADER, [odonto])
    export = read_export(data)
    request = export.guides[0].request
    assert request is not None and request.procedures[0].value == Decimal("120.00")
    out = write_back(data, "G-1", Release(code="ABC123", senha="S1"), **at())
    assert_valid_and_hashed(out)
    guide = written_guide(out, "G-1")
    names = [etree.QName(n).localname for n in guide][:8]
    assert names[:2] == ["registroANS", "numeroGuiaPrestador"]
    assert names[2:5] == ["dataAutorizacao", "senhaAutorizacao", "codValidacao"]
    consulta = consulta_guide(
        registro_ans="999999",
        number="C-1",
        card=CARD,
        prestador=PRESTADOR,
        cnes="1234567",
        professional=DOCTOR,
        procedure=Procedure("10101012", "Consulta"),
        value=Decimal("120"),
        date="2026-11-18",
    )
    data = build_export(HEADER, [consulta])
    assert read_export(data).guides[0].kind == "consulta"
    out = write_back(data, "C-1", Release(code="123456"), **at())
    assert_valid_and_hashed(out)
    guide = written_guide(out, "C-1")
    assert text(guide, "codValidacao") == "123456"


def test_a_consulta_without_a_description_is_named_from_tuss() -> None:
    """A guiaConsulta carries only the procedure's code: the desk shows its TUSS name (it
    showed "-"), and a code the table here does not know stays "-"."""
    guides = [consulta("C-1", "120"), consulta("C-2", "120")]
    guides[1].find(".//" + q("codigoProcedimento")).text = "10199999"  # type: ignore[union-attr]
    export = read_export(build_export(HEADER, guides))
    named = [g.procedures[0].description for g in export.guides]
    assert named == ["Consulta em consultório (no horário normal ou preestabelecido)", "-"]


def honorarios_export() -> bytes:
    data = build_export(HEADER, [sadt("A-1")])
    root = parsed(data)
    holder = find(root, "prestadorParaOperadora", "loteGuias", "guiasTISS")
    assert holder is not None
    for child in list(holder):
        holder.remove(child)
    guide = add(holder, "guiaHonorarios")
    head = add(guide, "cabecalhoGuia")
    add(head, "registroANS", "999999")
    add(head, "numeroGuiaPrestador", "H-1")
    add(guide, "guiaSolicInternacao", "I-1")
    person = add(guide, "beneficiario")
    add(person, "numeroCarteira", CARD)
    add(person, "atendimentoRN", "N")
    place = add(guide, "localContratado")
    add(add(place, "codigoContratado"), "codigoNaOperadora", "123456")
    add(place, "nomeContratado", "Hospital")
    add(place, "cnes", "1234567")
    executor = add(guide, "dadosContratadoExecutante")
    add(executor, "codigonaOperadora", "123456")
    add(executor, "cnesContratadoExecutante", "1234567")
    stay = add(guide, "dadosInternacao")
    add(stay, "dataInicioFaturamento", "2026-11-10")
    add(stay, "dataFimFaturamento", "2026-11-12")
    add(stay, "caraterAtendimento", "1")  # mandatory from 4.03.00 (HEADER's version)
    done = add(add(guide, "procedimentosRealizados"), "procedimentoRealizado")
    add(done, "sequencialItem", "1")
    add(done, "dataExecucao", "2026-11-11")
    item = add(done, "procedimento")
    add(item, "codigoTabela", "22")
    add(item, "codigoProcedimento", "31009336")
    add(item, "descricaoProcedimento", "Cirurgia")
    add(done, "quantidadeExecutada", "1")
    add(done, "reducaoAcrescimo", "1.00")
    add(done, "valorUnitario", "500.00")
    add(done, "valorTotal", "500.00")
    team = add(done, "profissionais")
    add(team, "grauParticipacao", "00")
    add(add(team, "codProfissional"), "codigoPrestadorNaOperadora", "123456")
    add(team, "nomeProfissional", "Dr. Cirurgião")
    add(team, "conselhoProfissional", "06")
    add(team, "numeroConselhoProfissional", "111")
    add(team, "UF", "41")
    add(team, "CBO", "225125")
    add(guide, "valorTotalHonorarios", "500.00")
    add(guide, "dataEmissaoGuia", "2026-11-12")
    hash_node = find(root, "epilogo", "hash")
    assert hash_node is not None
    hash_node.text = ""
    hash_node.text = message_hash(root)
    return etree.tostring(root, encoding="ISO-8859-1", xml_declaration=True)


def test_a_honorarios_guide_has_no_field_for_the_code_and_says_so() -> None:
    data = honorarios_export()
    export = read_export(data)
    assert export.guides[0].kind == "honorarios" and export.guides[0].problems == ()
    assert errors_of(parsed(data), HEADER.version) == ()
    with pytest.raises(NoCodeField) as raised:
        write_back(data, "H-1", Release(code="123456", senha="S"), **at())
    assert raised.value.kind == "honorarios"


def test_a_guide_that_is_not_there_or_a_release_without_proof_is_refused() -> None:
    data = build_export(HEADER, [sadt("A-1")])
    with pytest.raises(TissInputError, match="not in the file"):
        write_back(data, "Z-9", Release(code="1"), **at())
    with pytest.raises(TissInputError):
        Release(senha="S")
    assert "482913" not in repr(Release(code="482913"))
    assert q("x").endswith("}x")


# -- every TISS version in force ----------------------------------------------------------------


def consulta(number: str, value: str) -> etree._Element:
    return consulta_guide(
        registro_ans="999999",
        number=number,
        card=CARD,
        prestador=PRESTADOR,
        cnes="1234567",
        professional=DOCTOR,
        procedure=Procedure("10101012", "Consulta"),
        value=Decimal(value),
        date="2026-11-18",
    )


@pytest.mark.parametrize("version", numbers())
def test_an_export_in_each_version_is_read_and_written_back_in_that_version(version: str) -> None:
    header = ExportHeader(
        "2026111801", "2026-11-18", "08:00:00", PRESTADOR, "999999", "77", version
    )
    data = build_export(header, [sadt("A-1"), sadt("A-2")])
    export = read_export(data)
    assert export.version == version and export.known_version
    assert export.problems == () and [g.valid for g in export.guides] == [True, True]
    out = write_back(data, "A-2", Release(code="482913", senha="S1"), **at())
    root = assert_valid_and_hashed(out)
    assert text(root, "cabecalho", "Padrao") == version  # the practice system reads it back
    assert errors_of(root, version) == ()


def test_each_export_is_validated_against_its_own_versions_schemas() -> None:
    """A consulta of R$ 1.234.567,89: 4.02.00 widened the money fields (10-2), 4.01.00's
    8-2 refuses it."""
    guides = [consulta("C-1", "1234567.89")]
    for version, valid in (("4.03.00", True), ("4.02.00", True), ("4.01.00", False)):
        header = ExportHeader("1", "2026-11-18", "08:00:00", PRESTADOR, "999999", "7", version)
        export = read_export(build_export(header, guides))
        assert export.guides[0].valid is valid, version
        if not valid:
            assert "valorProcedimento" in export.guides[0].problems[0]


def test_an_export_in_a_version_without_schemas_has_no_guides_and_says_its_version() -> None:
    header = ExportHeader("1", "2026-11-18", "08:00:00", PRESTADOR, "999999", "7", "4.04.00")
    data = build_export(header, [sadt("A-1")])
    export = read_export(data)
    assert export.version == "4.04.00" and not export.known_version
    assert export.guides == () and export.lote == "7"
    with pytest.raises(TissInputError, match=r"4\.04\.00"):
        write_back(data, "A-1", Release(code="1"), **at())


def test_the_write_back_is_compact_so_every_reading_of_item_115_gives_its_hash() -> None:
    original = build_export(HEADER, [sadt("A-1"), sadt("A-2")])
    root = parsed(original)
    root.insert(0, etree.Comment(" exported by ClinicSoft 9 "))
    original = etree.tostring(root, encoding="ISO-8859-1", xml_declaration=True)
    # The export is indented: a strip-the-tags reading counts the indentation, ours does not.
    assert not compact(original) and independent_hash(original) != given_hash(original)
    out = write_back(original, "A-2", Release(code="482913", senha="YMH3JGTE"), **at())
    assert compact(out) and b"ClinicSoft" not in out
    assert independent_hash(out) == given_hash(out)
    assert same_hash(given_hash(out), message_hash(parsed(out)))
    assert "Clínica Sorriso".encode("iso-8859-1") in out  # ISO-8859-1, accents as bytes


def test_each_file_written_back_is_a_transaction_of_its_own_in_the_exports_lote() -> None:
    """Two guides of lote 77: each file gets its own sequencialTransacao (from the counter's
    source, in the export's prestador's scope) and the time it was written; both keep
    numeroLote 77, which ties the guides to the lot the practice system billed them in."""
    original = build_export(HEADER, [sadt("A-1"), sadt("A-2")])
    sequence = MemorySequence(start=41)
    first = parsed(write_back(original, "A-1", Release(code="1", senha="S1"), **at(sequence)))
    second = parsed(write_back(original, "A-2", Release(reason="01"), **at(sequence)))
    ident = ("cabecalho", "identificacaoTransacao")
    numbers_written = [text(r, *ident, "sequencialTransacao") for r in (first, second)]
    assert numbers_written == ["42", "43"] and HEADER.sequence not in numbers_written
    assert sequence.next("999999:codigo:123456") == "44"  # the counter's scope for the export
    for root in (first, second):
        assert text(root, "prestadorParaOperadora", "loteGuias", "numeroLote") == "77"
        assert text(root, *ident, "dataRegistroTransacao") == "2026-11-18"
        assert text(root, *ident, "horaRegistroTransacao") == "09:30:05"
        assert text(root, *ident, "tipoTransacao") == "ENVIO_LOTE_GUIAS"


def test_an_export_hashed_by_stripping_the_tags_of_its_indented_file_is_accepted() -> None:
    """Item 115 read literally over the file (indentation counted) is the other common
    reading: an export hashed so is not reported; a wrong hash still is."""
    data = build_export(HEADER, [sadt("A-1")])
    assert not compact(data)
    theirs = data.replace(given_hash(data).encode(), independent_hash(data).encode())
    assert given_hash(theirs) != given_hash(data)
    export = read_export(theirs)
    assert export.problems == () and export.guides[0].valid
    wrong = data.replace(given_hash(data).encode(), b"0" * 32)
    assert any("hash" in p for p in read_export(wrong).problems)


class _Folder(etree.Resolver):
    """Serves a version's XSDs by file name (the test's own resolver, not schema.py's)."""

    def __init__(self, version: str) -> None:
        super().__init__()
        self.folder = get(version).folder

    def resolve(self, system_url: str | None, public_id: str | None, context: Any) -> Any:
        name = (system_url or "").rsplit("/", 1)[-1]
        return self.resolve_string(self.folder.joinpath(name).read_bytes(), context)


@pytest.mark.parametrize("version", numbers())
def test_an_export_is_judged_as_its_versions_own_mensagem_xsd_would(version: str) -> None:
    """lote.py validates a mensagemTISS with the version's web-services schema, which
    includes `tissV4_0X_00.xsd` (where mensagemTISS is declared): the same verdict, line by
    line, as that XSD compiled alone, for a good file and for one with two mistakes."""
    parser = etree.XMLParser(no_network=True, load_dtd=False, resolve_entities=True)
    parser.resolvers.add(_Folder(version))
    entry = get(version).lote_xsd
    own = etree.XMLSchema(
        etree.fromstring(get(version).folder.joinpath(entry).read_bytes(), parser, base_url=entry)
    )
    header = ExportHeader("1", "2026-11-18", "08:00:00", PRESTADOR, "999999", "7", version)
    for guides in ([sadt("A-1")], [sadt("A-1", cnes="12345678"), sadt("A-2", card="x" * 21)]):
        root = parsed(build_export(header, guides))
        try:
            own.assertValid(root)
            expected: list[tuple[int, str]] = []
        except etree.DocumentInvalid as invalid:
            expected = [(e.line, e.message) for e in invalid.error_log]
        assert schema_errors(root, version) == expected
        assert len(expected) == (0 if len(guides) == 1 else 2)
