"""The four requests frontdesk sends, built as schema-valid elements and read back.

`build_*` make a sealed message element (cabeçalho, body, hash) from typed values, in the
element order the schemas require; `read_*` turn a received (already schema-valid) request
into typed values, for the local operator. Every built message is validated against the
official schemas in the tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from lxml import etree

from frontdesk.tiss.message import (
    CANCEL,
    ELIGIBILITY,
    PROCEDURES,
    STATUS,
    add,
    add_optional,
    add_prestador,
    children,
    find,
    new_message,
    read_dental_team,
    read_prestador,
    read_professional,
    seal,
    text,
)
from frontdesk.tiss.models import (
    Header,
    OdontoRequest,
    Prestador,
    Procedure,
    SpSadtRequest,
    TokenProof,
)
from frontdesk.tiss.tiss_errors import TissInputError


@dataclass(frozen=True)
class EligibilityQuery:
    """A VerificaElegibilidade as the operator reads it."""

    prestador: Prestador
    card: str
    proof: TokenProof | None
    identification: str | None = None
    malformed_proof: bool = False  # a code the schema allows but no code can be (spaces…)


@dataclass(frozen=True)
class ProcedureQuery:
    """A SolicitacaoProcedimento as the operator reads it."""

    registro_ans: str
    request: SpSadtRequest | OdontoRequest
    malformed_proof: bool = False


@dataclass(frozen=True)
class StatusQuery:
    """A SolicitacaoStatusAutorizacao as the operator reads it."""

    registro_ans: str
    guide_number: str
    card: str
    prestador: Prestador


@dataclass(frozen=True)
class CancelQuery:
    """A CancelaGuia of one guide as the operator reads it."""

    prestador: Prestador
    guide_number: str
    operator_number: str | None = None


def _add_proof(parent: etree._Element, proof: TokenProof | None) -> None:
    if proof is None:
        return
    add_optional(parent, "ausenciaCodValidacao", proof.reason)
    add_optional(parent, "codValidacao", proof.code)


def _read_proof(parent: etree._Element) -> tuple[TokenProof | None, bool]:
    """The code or reason of a request, and whether it was one the schema allows but no
    code can be (spaces, accents: then no proof is returned)."""
    code = text(parent, "codValidacao")
    reason = text(parent, "ausenciaCodValidacao")
    try:
        if code is not None:
            return TokenProof(code=code), False
        if reason is not None:
            return TokenProof(reason=reason), False
    except TissInputError:
        return None, True
    return None, False


def _money(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01")))


def _add_procedure(parent: etree._Element, name: str, procedure: Procedure) -> None:
    node = add(parent, name)
    add(node, "codigoTabela", procedure.table)
    add(node, "codigoProcedimento", procedure.code)
    add(node, "descricaoProcedimento", procedure.description)


def _read_procedure(node: etree._Element | None, **extra: object) -> Procedure:
    if node is None:
        raise TissInputError("procedimento", "missing")
    return Procedure(
        code=text(node, "codigoProcedimento") or "",
        description=text(node, "descricaoProcedimento") or "",
        table=text(node, "codigoTabela") or "22",
        **extra,  # type: ignore[arg-type]
    )


# -- VerificaElegibilidade --------------------------------------------------------------------


def build_eligibility(
    header: Header,
    prestador: Prestador,
    card: str,
    proof: TokenProof | None,
    *,
    identification: str | None = None,
) -> etree._Element:
    message = new_message(ELIGIBILITY.request, header)
    body = add(message, ELIGIBILITY.request_body)
    add_prestador(add(body, "dadosPrestador"), prestador, contratado=True)
    add(body, "numeroCarteira", card)
    add_optional(body, "tipoIdent", identification)
    _add_proof(body, proof)
    return seal(message)


def read_eligibility(message: etree._Element) -> EligibilityQuery:
    body = find(message, ELIGIBILITY.request_body)
    assert body is not None  # schema-valid
    prestador = read_prestador(find(body, "dadosPrestador"))
    assert prestador is not None
    proof, malformed = _read_proof(body)
    return EligibilityQuery(
        prestador=prestador,
        card=text(body, "numeroCarteira") or "",
        proof=proof,
        identification=text(body, "tipoIdent"),
        malformed_proof=malformed,
    )


# -- SolicitacaoProcedimento ------------------------------------------------------------------


def build_procedures(
    header: Header,
    registro_ans: str,
    prestador: Prestador,
    request: SpSadtRequest | OdontoRequest,
    *,
    today: str,
    cnes: str | None = None,
) -> etree._Element:
    """An SP/SADT or odontologia request; `cnes` adds the executing provider (SP/SADT)."""
    message = new_message(PROCEDURES.request, header)
    body = add(message, PROCEDURES.request_body)
    if isinstance(request, SpSadtRequest):
        _sp_sadt(add(body, "solicitacaoSP-SADT"), registro_ans, prestador, request, today, cnes)
    else:
        _odonto(add(body, "solicitacaoOdontologia"), registro_ans, request)
    return seal(message)


def _sp_sadt(
    node: etree._Element,
    registro_ans: str,
    prestador: Prestador,
    r: SpSadtRequest,
    today: str,
    cnes: str | None,
) -> None:
    head = add(node, "cabecalhoSolicitacao")
    add(head, "registroANS", registro_ans)
    add(head, "numeroGuiaPrestador", r.guide_number)
    _add_proof(node, r.proof)
    add(node, "tipoEtapaAutorizacao", "1")  # prior authorization
    beneficiary = add(node, "dadosBeneficiario")
    add(beneficiary, "numeroCarteira", r.card)
    add(beneficiary, "atendimentoRN", "S" if r.newborn else "N")
    add_optional(beneficiary, "tipoIdent", r.identification)
    requester = add(node, "dadosSolicitante")
    add_prestador(add(requester, "contratadoSolicitante"), prestador, contratado=True)
    add(requester, "nomeContratadoSolicitante", r.requester_name)
    professional = add(requester, "profissionalSolicitante")
    add_optional(professional, "nomeProfissional", r.professional.name)
    add(professional, "conselhoProfissional", r.professional.council)
    add(professional, "numeroConselhoProfissional", r.professional.number)
    add(professional, "UF", r.professional.uf)
    add(professional, "CBOS", r.professional.cbos)
    add(node, "caraterAtendimento", r.character)
    add(node, "dataSolicitacao", r.requested_on or today)
    add_optional(node, "indicacaoClinica", r.clinical_indication)
    for procedure in r.procedures:
        item = add(node, "procedimentosSolicitados")
        _add_procedure(item, "procedimento", procedure)
        add(item, "quantidadeSolicitada", str(procedure.quantity))
    if cnes is not None and prestador.kind == "codigo":
        executor = add(node, "dadosExecutante")
        add(executor, "codigonaOperadora", prestador.value)
        add(executor, "CNES", cnes)


def _odonto(node: etree._Element, registro_ans: str, r: OdontoRequest) -> None:
    add(node, "registroANS", registro_ans)
    add(node, "numeroGuiaPrestador", r.guide_number)
    _add_proof(node, r.proof)
    add(node, "numeroCarteira", r.card)
    add(node, "atendimentoRN", "S" if r.newborn else "N")
    add_optional(node, "tipoIdent", r.identification)
    add(node, "planoBeneficiario", r.plan)
    team = add(node, "dadosProfissionaisResponsaveis")
    add(team, "codigoProfExec", r.team.code)
    add(team, "croExec", r.team.cro)
    add(team, "ufExec", r.team.uf)
    add(team, "cnesExec", r.team.cnes)
    add(team, "cbosExec2", r.team.cbos)
    for procedure in r.procedures:
        item = add(node, "procedimentosSolicitados")
        _add_procedure(item, "procSolic", procedure)
        if procedure.tooth is not None or procedure.region is not None:
            where = add(item, "denteRegiao")
            add_optional(where, "codDente", procedure.tooth)
            add_optional(where, "codRegiao", procedure.region)
        add_optional(item, "denteFace", procedure.faces)
        add(item, "qtdProc", str(procedure.quantity))
        add(item, "valorProc", _money(procedure.value or Decimal(0)))
        add(item, "aut", "S")
    add(node, "tipoAtendimento", r.care_type)
    add(node, "valorTotalProc", _money(r.total))


def read_procedures(message: etree._Element) -> ProcedureQuery:
    """A received SolicitacaoProcedimento.

    Internação and prorrogação requests are schema-valid but not spoken here:
    `TissInputError("solicitacaoProcedimento", …)`.
    """
    body = find(message, PROCEDURES.request_body)
    assert body is not None
    sp = find(body, "solicitacaoSP-SADT")
    if sp is not None:
        proof, malformed = _read_proof(sp)
        registro = text(sp, "cabecalhoSolicitacao", "registroANS") or ""
        return ProcedureQuery(registro, _read_sp_sadt(sp, proof), malformed)
    odonto = find(body, "solicitacaoOdontologia")
    if odonto is not None:
        proof, malformed = _read_proof(odonto)
        registro = text(odonto, "registroANS") or ""
        return ProcedureQuery(registro, _read_odonto(odonto, proof), malformed)
    raise TissInputError("solicitacaoProcedimento", "only SP/SADT and odontologia are handled")


def _read_sp_sadt(node: etree._Element, proof: TokenProof | None) -> SpSadtRequest:
    requester = find(node, "dadosSolicitante")
    if requester is None:
        raise TissInputError("dadosSolicitante", "missing")
    procedures = tuple(
        _read_procedure(
            find(item, "procedimento"),
            quantity=int(text(item, "quantidadeSolicitada") or "1"),
        )
        for item in children(node, "procedimentosSolicitados")
    )
    return SpSadtRequest(
        guide_number=text(node, "cabecalhoSolicitacao", "numeroGuiaPrestador") or "",
        card=text(node, "dadosBeneficiario", "numeroCarteira") or "",
        proof=proof,
        procedures=procedures,
        requester_name=text(node, "dadosSolicitante", "nomeContratadoSolicitante") or "",
        professional=read_professional(requester),
        character="2" if text(node, "caraterAtendimento") == "2" else "1",
        requested_on=text(node, "dataSolicitacao"),
        clinical_indication=text(node, "indicacaoClinica"),
        newborn=text(node, "dadosBeneficiario", "atendimentoRN") == "S",
        identification=text(node, "dadosBeneficiario", "tipoIdent"),
    )


def _read_odonto(node: etree._Element, proof: TokenProof | None) -> OdontoRequest:
    procedures = tuple(
        _read_procedure(
            find(item, "procSolic"),
            quantity=int(text(item, "qtdProc") or "1"),
            value=Decimal(text(item, "valorProc") or "0"),
            tooth=text(item, "denteRegiao", "codDente"),
            region=text(item, "denteRegiao", "codRegiao"),
            faces=text(item, "denteFace"),
        )
        for item in children(node, "procedimentosSolicitados")
    )
    return OdontoRequest(
        guide_number=text(node, "numeroGuiaPrestador") or "",
        card=text(node, "numeroCarteira") or "",
        proof=proof,
        procedures=procedures,
        plan=text(node, "planoBeneficiario") or "",
        team=read_dental_team(node),
        care_type=text(node, "tipoAtendimento") or "1",
        newborn=text(node, "atendimentoRN") == "S",
        identification=text(node, "tipoIdent"),
    )


# -- SolicitacaoStatusAutorizacao -------------------------------------------------------------


def build_status(
    header: Header, registro_ans: str, prestador: Prestador, guide_number: str, card: str
) -> etree._Element:
    message = new_message(STATUS.request, header)
    body = add(message, STATUS.request_body)
    ident = add(body, "identificacaoSolicitacao")
    add(ident, "registroANS", registro_ans)
    add(ident, "numeroGuiaPrestador", guide_number)
    beneficiary = add(body, "dadosBeneficiario")
    add(beneficiary, "numeroCarteira", card)
    add(beneficiary, "atendimentoRN", "N")
    add_prestador(add(body, "dadosContratado"), prestador, contratado=True)
    return seal(message)


def read_status(message: etree._Element) -> StatusQuery:
    body = find(message, STATUS.request_body)
    assert body is not None
    prestador = read_prestador(find(body, "dadosContratado"))
    assert prestador is not None
    return StatusQuery(
        registro_ans=text(body, "identificacaoSolicitacao", "registroANS") or "",
        guide_number=text(body, "identificacaoSolicitacao", "numeroGuiaPrestador") or "",
        card=text(body, "dadosBeneficiario", "numeroCarteira") or "",
        prestador=prestador,
    )


# -- CancelaGuia ------------------------------------------------------------------------------


def build_cancel(
    header: Header, prestador: Prestador, guide_number: str, operator_number: str | None = None
) -> etree._Element:
    message = new_message(CANCEL.request, header)
    body = add(message, CANCEL.request_body)
    add_prestador(add(body, "dadosPrestador"), prestador, contratado=True)
    guide = add(add(body, "tipoCancelamento"), "tipoCancelamentoGuia")
    add(guide, "tipoGuia", "1")  # a request (solicitação)
    add(guide, "numeroGuiaPrestador", guide_number)
    add_optional(guide, "numeroGuiaOperadora", operator_number)
    return seal(message)


def read_cancel(message: etree._Element) -> list[CancelQuery]:
    """Every guide a CancelaGuia names (a lot cancellation names none: empty list)."""
    body = find(message, CANCEL.request_body)
    assert body is not None
    prestador = read_prestador(find(body, "dadosPrestador"))
    assert prestador is not None
    return [
        CancelQuery(
            prestador=prestador,
            guide_number=text(node, "numeroGuiaPrestador") or "",
            operator_number=text(node, "numeroGuiaOperadora"),
        )
        for node in children(find(body, "tipoCancelamento"), "tipoCancelamentoGuia")
    ]
