"""The frame every TISS web-service message shares: the operations, the cabeçalho, the hash.

A message is `<ans:xxxWS>` holding `cabecalho`, the operation's body, and `hash` (item 115).
`OPERATIONS` names, for each of the four services frontdesk speaks, its WSDL service name
(the `{operation}` of a URL template), its request and reply elements and their
`tipoTransacao` (tests check them against the shipped WSDLs). `new_message` starts one
with its cabeçalho, `seal` appends the hash, `read_header` reads a cabeçalho back.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from lxml import etree

from frontdesk.tiss import NAMESPACE
from frontdesk.tiss.hashing import message_hash
from frontdesk.tiss.models import DentalTeam, Header, Party, Prestador, Professional
from frontdesk.tiss.tiss_errors import TissInputError

NS: Final = f"{{{NAMESPACE}}}"
NSMAP: Final = {"ans": NAMESPACE}


def _sao_paulo() -> tzinfo:
    """America/Sao_Paulo; where the system has no zone data (Windows without the tzdata
    package), UTC-03:00, which is the same since Brazil ended daylight saving in 2019."""
    try:
        return ZoneInfo("America/Sao_Paulo")
    except ZoneInfoNotFoundError:
        return timezone(timedelta(hours=-3), "-03")


SAO_PAULO: Final = _sao_paulo()


def sao_paulo_now() -> datetime:
    return datetime.now(SAO_PAULO)


def transaction_date_time(moment: datetime) -> tuple[str, str]:
    """(dataRegistroTransacao, horaRegistroTransacao) of `moment`, in São Paulo's time."""
    local = moment.astimezone(SAO_PAULO)
    return local.strftime("%Y-%m-%d"), local.strftime("%H:%M:%S")


@dataclass(frozen=True)
class Operation:
    """One TISS web service: its names in the WSDL and the schema."""

    service: str  # WSDL service name, e.g. tissVerificaElegibilidade
    request: str  # request element, e.g. pedidoElegibilidadeWS
    request_body: str  # its body element, e.g. pedidoElegibilidade
    request_transaction: str  # tipoTransacao of the request
    reply: str
    reply_body: str
    reply_transactions: tuple[str, ...]  # tipoTransacao of the reply (the first is used)


ELIGIBILITY: Final = Operation(
    "tissVerificaElegibilidade",
    "pedidoElegibilidadeWS",
    "pedidoElegibilidade",
    "VERIFICA_ELEGIBILIDADE",
    "respostaElegibilidadeWS",
    "respostaElegibilidade",
    ("SITUACAO_ELEGIBILIDADE",),
)
PROCEDURES: Final = Operation(
    "tissSolicitacaoProcedimento",
    "solicitacaoProcedimentoWS",
    "solicitacaoProcedimento",
    "SOLICITACAO_PROCEDIMENTOS",
    "autorizacaoProcedimentoWS",
    "autorizacaoProcedimento",
    ("RESPOSTA_SOLICITACAO", "AUTORIZACAO_ODONTOLOGIA"),
)
STATUS: Final = Operation(
    "tissSolicitacaoStatusAutorizacao",
    "solicitacaoStatusAutorizacaoWS",
    "solicitacaoStatusAutorizacao",
    "SOLICITA_STATUS_AUTORIZACAO",
    "situacaoAutorizacaoWS",
    "situacaoAutorizacao",
    ("STATUS_AUTORIZACAO",),
)
CANCEL: Final = Operation(
    "tissCancelaGuia",
    "cancelaGuiaWS",
    "cancelaGuia",
    "CANCELA_GUIA",
    "reciboCancelaGuiaWS",
    "reciboCancelaGuia",
    ("CANCELAMENTO_GUIA_RECIBO",),
)
OPERATIONS: Final = {op.service: op for op in (ELIGIBILITY, PROCEDURES, STATUS, CANCEL)}


def q(name: str) -> str:
    """The qualified tag of a TISS element."""
    return NS + name


def local_name(element: etree._Element) -> str:
    return str(element.tag).rpartition("}")[2]


def add(parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
    """Append `<ans:name>text</ans:name>` to `parent`."""
    child = etree.SubElement(parent, q(name))
    if text is not None:
        child.text = text
    return child


def add_optional(parent: etree._Element, name: str, text: str | None) -> None:
    if text is not None:
        add(parent, name, text)


def find(parent: etree._Element, *path: str) -> etree._Element | None:
    """The first element at `path` (TISS names) under `parent`, or None."""
    node: etree._Element | None = parent
    for name in path:
        if node is None:
            return None
        node = node.find(q(name))
    return node


def text(parent: etree._Element, *path: str) -> str | None:
    node = find(parent, *path)
    return None if node is None else (node.text or "")


def children(parent: etree._Element | None, name: str) -> list[etree._Element]:
    return [] if parent is None else parent.findall(q(name))


def add_prestador(parent: etree._Element, prestador: Prestador, *, contratado: bool) -> None:
    """`ct_contratadoDados` (contratado=True) or `ct_prestadorIdentificacao`."""
    names = {
        "codigo": "codigoPrestadorNaOperadora",
        "cnpj": "cnpjContratado" if contratado else "CNPJ",
        "cpf": "cpfContratado" if contratado else "CPF",
    }
    add(parent, names[prestador.kind], prestador.value)


def read_prestador(parent: etree._Element | None) -> Prestador | None:
    """A `ct_contratadoDados` or `ct_prestadorIdentificacao` back into a `Prestador`."""
    if parent is None:
        return None
    for name, kind in (
        ("codigoPrestadorNaOperadora", "codigo"),
        ("cnpjContratado", "cnpj"),
        ("CNPJ", "cnpj"),
        ("cpfContratado", "cpf"),
        ("CPF", "cpf"),
    ):
        value = text(parent, name)
        if value is not None:
            return Prestador(kind, value)  # type: ignore[arg-type]
    return None


def read_professional(parent: etree._Element) -> Professional:
    """The `profissionalSolicitante` of an SP/SADT guide or request (`dadosSolicitante`)."""
    professional = find(parent, "profissionalSolicitante")
    if professional is None:
        raise TissInputError("profissionalSolicitante", "missing")
    return Professional(
        council=text(professional, "conselhoProfissional") or "",
        number=text(professional, "numeroConselhoProfissional") or "",
        uf=text(professional, "UF") or "",
        cbos=text(professional, "CBOS") or "",
        name=text(professional, "nomeProfissional"),
    )


def read_dental_team(parent: etree._Element) -> DentalTeam:
    """The executing dentist (`dadosProfissionaisResponsaveis`) of an odontologia guide or
    request."""
    team = find(parent, "dadosProfissionaisResponsaveis")
    if team is None:
        raise TissInputError("dadosProfissionaisResponsaveis", "missing")
    return DentalTeam(
        code=text(team, "codigoProfExec") or "",
        cro=text(team, "croExec") or "",
        uf=text(team, "ufExec") or "",
        cnes=text(team, "cnesExec") or "",
        cbos=text(team, "cbosExec2") or "",
    )


def _add_party(parent: etree._Element, party: Party) -> None:
    if party.registro_ans is not None:
        add(parent, "registroANS", party.registro_ans)
    else:
        assert party.prestador is not None
        add_prestador(add(parent, "identificacaoPrestador"), party.prestador, contratado=False)


def _read_party(parent: etree._Element | None) -> Party:
    if parent is None:
        raise TissInputError("cabecalho", "origem/destino missing")
    registro = text(parent, "registroANS")
    if registro is not None:
        return Party(registro_ans=registro)
    prestador = read_prestador(find(parent, "identificacaoPrestador"))
    if prestador is None:
        raise TissInputError("cabecalho", "origem/destino without an identification")
    return Party(prestador=prestador)


def new_message(element: str, header: Header) -> etree._Element:
    """`<ans:element>` with its cabeçalho; the caller adds the body, then `seal`s it."""
    message = etree.Element(q(element), nsmap=NSMAP)
    cabecalho = add(message, "cabecalho")
    ident = add(cabecalho, "identificacaoTransacao")
    add(ident, "tipoTransacao", header.transaction)
    add(ident, "sequencialTransacao", header.sequence)
    add(ident, "dataRegistroTransacao", header.date)
    add(ident, "horaRegistroTransacao", header.time)
    add_optional(cabecalho, "falhaNegocio", header.business_failure)
    _add_party(add(cabecalho, "origem"), header.origin)
    _add_party(add(cabecalho, "destino"), header.destination)
    add(cabecalho, "Padrao", header.version)
    if header.login is not None and header.password_digest is not None:
        login = add(cabecalho, "loginSenhaPrestador")
        add(login, "loginPrestador", header.login)
        add(login, "senhaPrestador", header.password_digest)
    return message


def seal(message: etree._Element) -> etree._Element:
    """Append the epílogo `hash` of everything in `message` (item 115); returns `message`.

    Text ISO-8859-1 cannot carry is refused here, before anything is sent.
    """
    try:
        digest = message_hash(message)
    except UnicodeEncodeError:
        raise TissInputError("hash", "text that ISO-8859-1 cannot carry") from None
    add(message, "hash", digest)
    return message


def read_header(message: etree._Element) -> Header:
    """The cabeçalho of a (schema-valid) message."""
    cabecalho = find(message, "cabecalho")
    if cabecalho is None:
        raise TissInputError("cabecalho", "missing")
    ident = find(cabecalho, "identificacaoTransacao")
    if ident is None:
        raise TissInputError("cabecalho", "identificacaoTransacao missing")
    return Header(
        transaction=text(ident, "tipoTransacao") or "",
        sequence=text(ident, "sequencialTransacao") or "",
        date=text(ident, "dataRegistroTransacao") or "",
        time=text(ident, "horaRegistroTransacao") or "",
        origin=_read_party(find(cabecalho, "origem")),
        destination=_read_party(find(cabecalho, "destino")),
        version=text(cabecalho, "Padrao") or "",
        login=text(cabecalho, "loginSenhaPrestador", "loginPrestador"),
        password_digest=text(cabecalho, "loginSenhaPrestador", "senhaPrestador"),
        business_failure=text(cabecalho, "falhaNegocio"),
    )


def element_names(elements: Iterable[etree._Element]) -> list[str]:
    return [local_name(e) for e in elements if isinstance(e.tag, str)]
