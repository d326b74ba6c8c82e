"""The operator's four replies, read into typed results and built (for the local operator).

`read_*` take a schema-valid reply element and return `Eligibility`, `Authorization` or
`Cancellation`, with every glosa described from TUSS table 38 of the reply's own version
(its `Padrao`: 4.03.00 knows codes 4.01.00 does not). A refusal in the reply's
own error branch (`codigoGlosa` / `mensagemErro`) is a result too, not an exception:
eligibility "not eligible", authorization and cancellation "refused". `build_*` make the
same replies for the local operator; tests validate both directions against the schemas.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Literal

from lxml import etree

from frontdesk.tiss.glosas import describe
from frontdesk.tiss.message import (
    CANCEL,
    ELIGIBILITY,
    PROCEDURES,
    STATUS,
    Operation,
    add,
    add_optional,
    add_prestador,
    children,
    find,
    local_name,
    new_message,
    seal,
    text,
)
from frontdesk.tiss.models import (
    CANCEL_OF_CODE,
    CODE_OF_CANCEL,
    CODE_OF_STATUS,
    STATUS_OF_CODE,
    Authorization,
    Cancellation,
    CancelStatus,
    Eligibility,
    Glosa,
    Header,
    Prestador,
    Procedure,
)
from frontdesk.tiss.versions import DEFAULT


def glosa(code: str, operator_description: str | None = None, *, version: str = DEFAULT) -> Glosa:
    """A glosa with `version`'s table 38 description (the operator's own wording kept
    beside it)."""
    given = (operator_description or "").strip()
    return Glosa(code=code, description=describe(code, given, version), operator_description=given)


def _read_motivo(node: etree._Element, version: str) -> Glosa:
    """A `ct_motivoGlosa` (code and optional description)."""
    return glosa(text(node, "codigoGlosa") or "", text(node, "descricaoGlosa"), version=version)


def _version(message: etree._Element) -> str:
    """The reply's `Padrao`: the version whose table 38 describes its glosas."""
    return text(message, "cabecalho", "Padrao") or DEFAULT


def _add_motivo(parent: etree._Element, name: str, item: Glosa) -> None:
    node = add(parent, name)
    add(node, "codigoGlosa", item.code)
    detail = item.operator_description or item.description
    add_optional(node, "descricaoGlosa", detail[:500] if detail else None)


def _sequence(message: etree._Element) -> str:
    return text(message, "cabecalho", "identificacaoTransacao", "sequencialTransacao") or ""


# -- elegibilidade ----------------------------------------------------------------------------


def read_eligibility_reply(message: etree._Element) -> Eligibility:
    body = find(message, ELIGIBILITY.reply_body)
    assert body is not None  # schema-valid
    sequence, version = _sequence(message), _version(message)
    refusal = find(body, "codigoGlosa")
    if refusal is not None:
        return Eligibility(
            eligible=False, card="", glosas=(_read_motivo(refusal, version),), sequence=sequence
        )
    receipt = find(body, "reciboElegibilidade")
    assert receipt is not None
    reasons = children(find(receipt, "motivosNegativa"), "motivoNegativa")
    return Eligibility(
        eligible=text(receipt, "respostaSolicitacao") == "S",
        card=text(receipt, "numeroCarteira") or "",
        beneficiary_name=text(receipt, "nomeBeneficiario"),
        social_name=text(receipt, "nomeSocialBeneficiario"),
        glosas=tuple(_read_motivo(node, version) for node in reasons),
        sequence=sequence,
    )


def build_eligibility_reply(
    header: Header, registro_ans: str, result: Eligibility, *, reason: str | None = None
) -> etree._Element:
    """The receipt, or (no beneficiary name: the card is unknown) the `codigoGlosa` branch.

    `reason`: the absence reason the request carried, echoed; a code is never echoed.
    """
    message = new_message(ELIGIBILITY.reply, header)
    body = add(message, ELIGIBILITY.reply_body)
    if result.beneficiary_name is None:
        _add_motivo(body, "codigoGlosa", result.glosas[0])
        return seal(message)
    receipt = add(body, "reciboElegibilidade")
    add(receipt, "registroANS", registro_ans)
    add(receipt, "numeroCarteira", result.card)
    add_optional(receipt, "ausenciaCodValidacao", reason)
    add(receipt, "nomeBeneficiario", result.beneficiary_name[:70])
    add_optional(receipt, "nomeSocialBeneficiario", result.social_name)
    add(receipt, "respostaSolicitacao", "S" if result.eligible else "N")
    if result.glosas:
        reasons = add(receipt, "motivosNegativa")
        for item in result.glosas:
            _add_motivo(reasons, "motivoNegativa", item)
    return seal(message)


# -- autorização (SolicitacaoProcedimento and SolicitacaoStatusAutorizacao) -------------------

_AUTHORIZATIONS = (
    "autorizacaoServico",
    "autorizacaoServicoOdonto",
    "autorizacaoInternacao",
    "autorizacaoProrrogacao",
)


def read_authorization_reply(message: etree._Element, operation: Operation) -> Authorization:
    """An `autorizacaoProcedimentoWS` or `situacaoAutorizacaoWS` as an `Authorization`."""
    body = find(message, operation.reply_body)
    assert body is not None
    sequence, version = _sequence(message), _version(message)
    error = find(body, "mensagemErro")
    if error is not None:
        return Authorization(
            status="refused",
            guide_number="",
            glosas=(_read_motivo(error, version),),
            sequence=sequence,
        )
    node = next(n for n in body if isinstance(n.tag, str) and local_name(n) in _AUTHORIZATIONS)
    data = find(node, "dadosAutorizacao")
    assert data is not None
    codes = children(find(node, "motivosNegativa"), "codigoGlosa")
    motivos = children(find(node, "motivosNegativa"), "motivoNegativa")
    return Authorization(
        status=STATUS_OF_CODE.get(text(node, "statusSolicitacao") or "", "under_review"),
        guide_number=text(data, "numeroGuiaPrestador") or "",
        operator_number=text(data, "numeroGuiaOperadora"),
        senha=text(data, "senha"),
        valid_until=text(data, "dataValidadeSenha"),
        authorized_on=text(data, "dataAutorizacao"),
        beneficiary_name=text(node, "nomeBeneficiario"),
        glosas=tuple(glosa(c.text or "", version=version) for c in codes)
        + tuple(_read_motivo(m, version) for m in motivos),
        sequence=sequence,
        social_name=text(node, "nomeSocialBeneficiario"),
    )


def build_authorization_reply(
    operation: Operation,
    header: Header,
    result: Authorization,
    *,
    kind: Literal["sp_sadt", "odonto"],
    card: str,
    procedures: Sequence[Procedure] = (),
) -> etree._Element:
    """An authorization (or refusal: status "refused") for a SolicitacaoProcedimento or a
    status query. Authorized procedures are echoed with their quantities."""
    assert operation in (PROCEDURES, STATUS)
    message = new_message(operation.reply, header)
    body = add(message, operation.reply_body)
    if result.status == "refused":
        _add_motivo(body, "mensagemErro", result.glosas[0])
        return seal(message)
    granted = result.status in ("authorized", "partially_authorized")
    if kind == "odonto":
        node = add(body, "autorizacaoServicoOdonto")
        _add_authorization_data(node, result)
        add(node, "numeroCarteira", card)
        add(node, "nomeBeneficiario", (result.beneficiary_name or "-")[:70])
        add_optional(node, "nomeSocialBeneficiario", _social(result))
        add(node, "statusSolicitacao", CODE_OF_STATUS[result.status])
        for index, procedure in enumerate(procedures if granted else (), 1):
            item = add(node, "procedimentosAutorizados")
            add(item, "sequencialItem", str(index))
            _add_procedure(item, "procSolic", procedure)
            add(item, "qtdProc", str(procedure.quantity))
            add(item, "valorProc", str((procedure.value or Decimal(0)).quantize(Decimal("0.01"))))
            add(item, "aut", "S")
        _add_codes(node, result)
    else:
        node = add(body, "autorizacaoServico")
        _add_authorization_data(node, result)
        add(node, "tipoEtapaAutorizacao", "1")
        beneficiary = add(node, "dadosBeneficiario")
        add(beneficiary, "numeroCarteira", card)
        add(beneficiary, "atendimentoRN", "N")
        add(node, "nomeBeneficiario", (result.beneficiary_name or "-")[:70])
        add_optional(node, "nomeSocialBeneficiario", _social(result))
        add(node, "statusSolicitacao", CODE_OF_STATUS[result.status])
        _add_codes(node, result)
        if granted and procedures:
            services = add(node, "servicosAutorizados")
            for index, procedure in enumerate(procedures, 1):
                item = add(services, "servicoAutorizado")
                add(item, "sequencialItem", str(index))
                _add_procedure(item, "procedimento", procedure)
                add(item, "quantidadeSolicitada", str(procedure.quantity))
                add(item, "quantidadeAutorizada", str(procedure.quantity))
    return seal(message)


def _social(result: Authorization) -> str | None:
    return result.social_name[:70] if result.social_name else None


def _add_authorization_data(node: etree._Element, result: Authorization) -> None:
    data = add(node, "dadosAutorizacao")
    add(data, "numeroGuiaPrestador", result.guide_number)
    add_optional(data, "numeroGuiaOperadora", result.operator_number)
    add_optional(data, "dataAutorizacao", result.authorized_on)
    add_optional(data, "senha", result.senha)
    add_optional(data, "dataValidadeSenha", result.valid_until)


def _add_codes(node: etree._Element, result: Authorization) -> None:
    if result.glosas:
        reasons = add(node, "motivosNegativa")
        for item in result.glosas:
            add(reasons, "codigoGlosa", item.code)


def _add_procedure(parent: etree._Element, name: str, procedure: Procedure) -> None:
    node = add(parent, name)
    add(node, "codigoTabela", procedure.table)
    add(node, "codigoProcedimento", procedure.code)
    add(node, "descricaoProcedimento", procedure.description)


# -- cancelamento -----------------------------------------------------------------------------


def read_cancel_reply(message: etree._Element, guide_number: str | None = None) -> Cancellation:
    """The receipt of a CancelaGuia, for `guide_number` (default: the first guide listed)."""
    body = find(message, CANCEL.reply_body)
    assert body is not None
    sequence = _sequence(message)
    error = find(body, "mensagemErro")
    if error is not None:
        glosas = (_read_motivo(error, _version(message)),)
        return Cancellation(status="refused", glosas=glosas, sequence=sequence)
    guides = children(
        find(body, "reciboCancelaGuia", "retornoStatus", "guiasCanceladas"), "dadosGuia"
    )
    for node in guides:
        number = text(node, "numeroGuiaPrestador") or ""
        if guide_number is None or number == guide_number:
            status: CancelStatus = CANCEL_OF_CODE.get(
                text(node, "statusCancelamento") or "", "not_cancelled"
            )
            return Cancellation(status=status, guide_number=number, sequence=sequence)
    lot = find(body, "reciboCancelaGuia", "retornoStatus", "loteCancelado")
    if lot is not None:
        status = CANCEL_OF_CODE.get(text(lot, "statusCancelamento") or "", "not_cancelled")
        return Cancellation(status=status, sequence=sequence)
    return Cancellation(status="not_found", guide_number=guide_number, sequence=sequence)


def build_cancel_reply(
    header: Header,
    registro_ans: str,
    prestador: Prestador,
    results: Sequence[tuple[str, str | None, CancelStatus]],
) -> etree._Element:
    """The receipt: for each (numeroGuiaPrestador, numeroGuiaOperadora, status)."""
    message = new_message(CANCEL.reply, header)
    body = add(message, CANCEL.reply_body)
    receipt = add(body, "reciboCancelaGuia")
    add(receipt, "registroANS", registro_ans)
    add_prestador(add(receipt, "dadosPrestador"), prestador, contratado=True)
    guides = add(add(receipt, "retornoStatus"), "guiasCanceladas")
    for number, operator_number, status in results:
        node = add(guides, "dadosGuia")
        add(node, "tipoGuia", "1")
        add(node, "numeroGuiaPrestador", number)
        add_optional(node, "numeroGuiaOperadora", operator_number)
        add(node, "statusCancelamento", CODE_OF_CANCEL[status])
    return seal(message)


# -- refusals of any operation ----------------------------------------------------------------


def build_refusal(operation: Operation, header: Header, item: Glosa) -> etree._Element:
    """The reply's own error branch (`codigoGlosa` / `mensagemErro`) with one glosa."""
    message = new_message(operation.reply, header)
    body = add(message, operation.reply_body)
    _add_motivo(body, "codigoGlosa" if operation is ELIGIBILITY else "mensagemErro", item)
    return seal(message)
