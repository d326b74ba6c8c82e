"""Building a practice-management system's export: a `mensagemTISS` with a `loteGuias` of
guias de consulta, SP/SADT or odontológicas (prestador → operadora, ENVIO_LOTE_GUIAS).

What a clinic's system writes before the guides are released at the counter (no code, no
senha yet). frontdesk itself never bills: this builds the local operator's demo exports and
the tests' files. Values come typed (`frontdesk.tiss.models`); the elements follow the
schemas' order and every built export is validated in the tests.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from lxml import etree

from frontdesk.tiss.hashing import message_hash
from frontdesk.tiss.message import NSMAP, add, add_optional, add_prestador, q
from frontdesk.tiss.models import DentalTeam, Prestador, Procedure, Professional
from frontdesk.tiss.versions import DEFAULT

LOTE_TRANSACTION: Final = "ENVIO_LOTE_GUIAS"


@dataclass(frozen=True)
class ExportHeader:
    """Who sends the lote to whom, when, its numbers, and the TISS version it is written in."""

    sequence: str  # sequencialTransacao
    date: str  # YYYY-MM-DD
    time: str  # HH:MM:SS
    prestador: Prestador
    registro_ans: str
    lote: str  # numeroLote
    version: str = DEFAULT  # Padrao: the guides built here are the same in 4.01.00–4.03.00


@dataclass(frozen=True)
class ExecutedProcedure:
    """A procedure as a billing guide lists it: what, how many, for how much, on which day."""

    procedure: Procedure
    unit_value: Decimal
    executed_on: str  # YYYY-MM-DD


def _money(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01")))


def _procedure_data(parent: etree._Element, name: str, procedure: Procedure) -> None:
    node = add(parent, name)
    add(node, "codigoTabela", procedure.table)
    add(node, "codigoProcedimento", procedure.code)
    add(node, "descricaoProcedimento", procedure.description)


def _beneficiary(parent: etree._Element, card: str, *, newborn: bool = False) -> None:
    node = add(parent, "dadosBeneficiario")
    add(node, "numeroCarteira", card)
    add(node, "atendimentoRN", "S" if newborn else "N")


def _professional(parent: etree._Element, name: str, professional: Professional) -> None:
    node = add(parent, name)
    add_optional(node, "nomeProfissional", professional.name)
    add(node, "conselhoProfissional", professional.council)
    add(node, "numeroConselhoProfissional", professional.number)
    add(node, "UF", professional.uf)
    add(node, "CBOS", professional.cbos)


def sp_sadt_guide(
    *,
    registro_ans: str,
    number: str,
    card: str,
    prestador: Prestador,
    requester_name: str,
    professional: Professional,
    cnes: str,
    procedures: Sequence[ExecutedProcedure],
    character: str = "1",
    requested_on: str | None = None,
    indication: str | None = None,
) -> etree._Element:
    """A `guiaSP-SADT` (ctm_sp-sadtGuia) without authorization data: awaiting its token."""
    guide = etree.Element(q("guiaSP-SADT"), nsmap=NSMAP)
    head = add(guide, "cabecalhoGuia")
    add(head, "registroANS", registro_ans)
    add(head, "numeroGuiaPrestador", number)
    _beneficiary(guide, card)
    requester = add(guide, "dadosSolicitante")
    add_prestador(add(requester, "contratadoSolicitante"), prestador, contratado=True)
    add(requester, "nomeContratadoSolicitante", requester_name)
    _professional(requester, "profissionalSolicitante", professional)
    request = add(guide, "dadosSolicitacao")
    add_optional(request, "dataSolicitacao", requested_on)
    add(request, "caraterAtendimento", character)
    add_optional(request, "indicacaoClinica", indication)
    executor = add(guide, "dadosExecutante")
    add_prestador(add(executor, "contratadoExecutante"), prestador, contratado=True)
    add(executor, "CNES", cnes)
    care = add(guide, "dadosAtendimento")
    add(care, "tipoAtendimento", "04")  # consulta/exame ambulatorial
    add(care, "indicacaoAcidente", "9")  # não acidente
    add(care, "regimeAtendimento", "01")  # ambulatorial
    executed = add(guide, "procedimentosExecutados")
    total = Decimal(0)
    for index, item in enumerate(procedures, 1):
        node = add(executed, "procedimentoExecutado")
        add(node, "sequencialItem", str(index))
        add(node, "dataExecucao", item.executed_on)
        _procedure_data(node, "procedimento", item.procedure)
        add(node, "quantidadeExecutada", str(item.procedure.quantity))
        add(node, "reducaoAcrescimo", "1.00")
        add(node, "valorUnitario", _money(item.unit_value))
        value = item.unit_value * item.procedure.quantity
        add(node, "valorTotal", _money(value))
        total += value
    values = add(guide, "valorTotal")
    add(values, "valorProcedimentos", _money(total))
    add(values, "valorTotalGeral", _money(total))
    return guide


def odonto_guide(
    *,
    registro_ans: str,
    number: str,
    card: str,
    plan: str,
    team: DentalTeam,
    procedures: Sequence[ExecutedProcedure],
) -> etree._Element:
    """A `guiaOdonto` (cto_guiaOdontologia, the GTO) awaiting its token."""
    guide = etree.Element(q("guiaOdonto"), nsmap=NSMAP)
    add(guide, "registroANS", registro_ans)
    add(guide, "numeroGuiaPrestador", number)
    _beneficiary(guide, card)
    add(guide, "planoBeneficiario", plan)
    people = add(guide, "dadosProfissionaisResponsaveis")
    add(people, "codigoProfExec", team.code)
    add(people, "croExec", team.cro)
    add(people, "ufExec", team.uf)
    add(people, "cnesExec", team.cnes)
    add(people, "cbosExec2", team.cbos)
    total = Decimal(0)
    for index, item in enumerate(procedures, 1):
        p = item.procedure
        node = add(guide, "procedimentosExecutados")
        add(node, "sequencialItem", str(index))
        _procedure_data(node, "procSolic", p)
        if p.tooth is not None or p.region is not None:
            where = add(node, "denteRegiao")
            add_optional(where, "codDente", p.tooth)
            add_optional(where, "codRegiao", p.region)
        add_optional(node, "denteFace", p.faces)
        add(node, "qtdProc", str(p.quantity))
        value = item.unit_value * p.quantity
        add(node, "valorProc", _money(value))
        add(node, "autorizado", "true")
        add(node, "dataRealizacao", item.executed_on)
        total += value
    add(guide, "tipoAtendimento", "1")  # tratamento odontológico
    add(guide, "tipoFaturamento", "1")  # total
    add(guide, "valorTotalProc", _money(total))
    return guide


def consulta_guide(
    *,
    registro_ans: str,
    number: str,
    card: str,
    prestador: Prestador,
    cnes: str,
    professional: Professional,
    procedure: Procedure,
    value: Decimal,
    date: str,
) -> etree._Element:
    """A `guiaConsulta` (ctm_consultaGuia) awaiting its token."""
    guide = etree.Element(q("guiaConsulta"), nsmap=NSMAP)
    head = add(guide, "cabecalhoConsulta")
    add(head, "registroANS", registro_ans)
    add(head, "numeroGuiaPrestador", number)
    _beneficiary(guide, card)
    executor = add(guide, "contratadoExecutante")
    add_prestador(executor, prestador, contratado=True)
    add(executor, "CNES", cnes)
    _professional(guide, "profissionalExecutante", professional)
    add(guide, "indicacaoAcidente", "9")
    care = add(guide, "dadosAtendimento")
    add(care, "regimeAtendimento", "01")
    add(care, "dataAtendimento", date)
    add(care, "tipoConsulta", "1")  # primeira consulta
    node = add(care, "procedimento")
    add(node, "codigoTabela", procedure.table)
    add(node, "codigoProcedimento", procedure.code)
    add(node, "valorProcedimento", _money(value))
    return guide


def build_export(header: ExportHeader, guides: Sequence[etree._Element]) -> bytes:
    """The `mensagemTISS` holding `guides` (one kind per lote, as the schema's choice
    requires), hashed (item 115) and serialised in ISO-8859-1 with its declaration."""
    message = etree.Element(q("mensagemTISS"), nsmap=NSMAP)
    cabecalho = add(message, "cabecalho")
    ident = add(cabecalho, "identificacaoTransacao")
    add(ident, "tipoTransacao", LOTE_TRANSACTION)
    add(ident, "sequencialTransacao", header.sequence)
    add(ident, "dataRegistroTransacao", header.date)
    add(ident, "horaRegistroTransacao", header.time)
    add_prestador(
        add(add(cabecalho, "origem"), "identificacaoPrestador"), header.prestador, contratado=False
    )
    add(add(cabecalho, "destino"), "registroANS", header.registro_ans)
    add(cabecalho, "Padrao", header.version)
    body = add(message, "prestadorParaOperadora")
    lote = add(body, "loteGuias")
    add(lote, "numeroLote", header.lote)
    holder = add(lote, "guiasTISS")
    for guide in guides:
        holder.append(guide)
    epilogo = add(message, "epilogo")
    add(epilogo, "hash", message_hash(message))
    return etree.tostring(message, encoding="ISO-8859-1", xml_declaration=True, pretty_print=True)
