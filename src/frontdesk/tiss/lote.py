"""A practice-management system's TISS export, read guide by guide (`writeback` puts the
operator's answer into one of its guides).

Clinics' systems export the guides they will bill as a `mensagemTISS` whose
`prestadorParaOperadora/loteGuias` holds guias de consulta, SP/SADT, odontológicas (or
honorários, resumos de internação), in ISO-8859-1. `read_export` reads one such file from
the disk (with the hardened parser: no DTD, no entities), validates it against the official
schemas of the version its `Padrao` names (any version frontdesk has schemas for:
`versions.py`; an export in another version is read as no guides, and `Export.known_version`
says why) and gives every guide its own list of problems (libxml2's errors are placed in the
guide whose lines hold them), so one bad guide does not hide the good ones; the file's own
problems (not TISS, not a lote, a hash that does not match) are listed apart. Each good
guide carries the request the counter sends for it (`SpSadtRequest`, `OdontoRequest`; a
consulta is checked with VerificaElegibilidade), without a code yet.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Final, Literal

from lxml import etree

from frontdesk.core.tuss import PROCEDURE_NAMES
from frontdesk.tiss.checker import IN_PROCESS, SchemaChecker
from frontdesk.tiss.hashing import matches
from frontdesk.tiss.message import (
    children,
    find,
    local_name,
    q,
    read_dental_team,
    read_professional,
    text,
)
from frontdesk.tiss.models import (
    OdontoRequest,
    Procedure,
    SpSadtRequest,
)
from frontdesk.tiss.safexml import parse_untrusted
from frontdesk.tiss.tiss_errors import TissInputError, UnsafeXml
from frontdesk.tiss.versions import numbers

GuideKind = Literal["consulta", "sp_sadt", "odonto", "honorarios", "internacao"]
KIND_OF_ELEMENT: Final[dict[str, GuideKind]] = {
    "guiaConsulta": "consulta",
    "guiaSP-SADT": "sp_sadt",
    "guiaOdonto": "odonto",
    "guiaHonorarios": "honorarios",
    "guiaResumoInternacao": "internacao",
}
WITHOUT_CODE: Final = frozenset({"honorarios", "internacao"})
"""Guides whose schema has no field for the validation code."""
MAX_PROBLEMS: Final = 8


@dataclass(frozen=True)
class ExportedGuide:
    """One guide of an export: what the counter needs, and what is wrong with it.

    `request`: the SolicitacaoProcedimento to send (without a code yet) for an SP/SADT or
    odonto guide without problems; None otherwise.
    """

    index: int
    kind: GuideKind
    number: str
    card: str
    procedures: tuple[Procedure, ...] = ()
    problems: tuple[str, ...] = ()
    request: SpSadtRequest | OdontoRequest | None = None
    date: str | None = None  # the earliest execution or request date, if any

    @property
    def valid(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class Export:
    """An export file read: its lote, its guides, and the file's own problems.

    `version`: the `Padrao` the file is written in (what its write-back keeps).
    """

    lote: str
    registro_ans: str
    guides: tuple[ExportedGuide, ...]
    problems: tuple[str, ...] = ()
    version: str = ""

    @property
    def known_version(self) -> bool:
        """Whether frontdesk has the schemas of the file's version (else it has no guides)."""
        return self.version in numbers()


# -- reading ------------------------------------------------------------------------------------


def read_export(data: bytes, checker: SchemaChecker = IN_PROCESS) -> Export:
    """The export in `data`; every problem is listed, nothing raises for bad content
    (`SchemaCheckFailed` when `checker` cannot consult the schemas)."""
    try:
        root = parse_untrusted(data)
    except UnsafeXml as unsafe:
        return Export("", "", (), (f"XML: {unsafe}",))
    if root.tag != q("mensagemTISS"):
        return Export("", "", (), (f"{local_name(root)} is not a mensagemTISS",))
    lote = find(root, "prestadorParaOperadora", "loteGuias")
    holder = find(lote, "guiasTISS") if lote is not None else None
    if lote is None or holder is None:
        return Export("", "", (), ("the mensagemTISS holds no loteGuias",))
    number = text(lote, "numeroLote") or ""
    registro = text(root, "cabecalho", "destino", "registroANS") or ""
    version = text(root, "cabecalho", "Padrao") or ""
    if version not in numbers():
        return Export(number, registro, (), version=version)
    nodes = [n for n in holder if isinstance(n.tag, str)]
    errors = schema_errors(root, version, checker)
    own, problems = _placed(root, nodes, errors, version, checker)
    given = text(root, "epilogo", "hash") or ""
    if not errors and not matches(given, root):
        problems.append("the epílogo hash does not match the contents (item 115)")
    guides = tuple(
        _guide(index, node, tuple(own[index][:MAX_PROBLEMS])) for index, node in enumerate(nodes)
    )
    return Export(number, registro, guides, tuple(problems[:MAX_PROBLEMS]), version)


def schema_errors(
    root: etree._Element, version: str, checker: SchemaChecker = IN_PROCESS
) -> list[tuple[int, str]]:
    """libxml2's (line, message) for a whole `mensagemTISS` against `version`'s schemas.

    `schema(version)` is the version's web-services set, whose XSD includes
    `tissV4_0X_00.xsd` (`TissVersion.lote_xsd`, where `mensagemTISS` is declared): one
    compiled schema per version serves the web-service messages and the exports alike;
    `checker` says where it is compiled (`checker.py`).
    """
    return checker.errors(root, version)


def _placed(
    root: etree._Element,
    nodes: Sequence[etree._Element],
    errors: list[tuple[int, str]],
    version: str,
    checker: SchemaChecker,
) -> tuple[list[list[str]], list[str]]:
    """Each guide's problems, and the file's own. By line when each guide starts on a line
    of its own; otherwise (a file on one line) each guide is validated alone."""
    own: list[list[str]] = [[] for _ in nodes]
    problems: list[str] = []
    if not errors:
        return own, problems
    starts = [n.sourceline or 0 for n in nodes]
    if len(set(starts)) == len(starts):
        spans = _spans(nodes)
        for line, message in errors:
            index = next((i for i, (a, b) in enumerate(spans) if a <= line < b), None)
            (own[index] if index is not None else problems).append(short(message, line))
        return own, problems
    for index in range(len(nodes)):
        alone = copy.deepcopy(root)
        holder = find(alone, "prestadorParaOperadora", "loteGuias", "guiasTISS")
        assert holder is not None
        for position, node in enumerate([n for n in holder if isinstance(n.tag, str)]):
            if position != index:
                holder.remove(node)
        own[index] = [short(m, n) for n, m in schema_errors(alone, version, checker)]
    if not any(own):
        problems = [short(m, n) for n, m in errors]
    return own, problems


def _spans(nodes: Sequence[etree._Element]) -> list[tuple[int, int]]:
    """Each guide's lines: from its start tag to the next guide's (the last one: to the end)."""
    starts = [n.sourceline or 0 for n in nodes]
    ends = [*starts[1:], 10**9]
    last = nodes[-1] if nodes else None
    if last is not None:  # the last guide ends where its last descendant starts, plus a bit
        deepest = max((d.sourceline or 0 for d in last.iter()), default=starts[-1])
        ends[-1] = deepest + 2
    return list(zip(starts, ends, strict=True))


def short(message: str, line: int) -> str:
    """libxml2's message without the namespace in element names."""
    cleaned = message.replace("{http://www.ans.gov.br/padroes/tiss/schemas}", "")
    return f"linha {line}: {cleaned}"


def _guide(index: int, node: etree._Element, problems: tuple[str, ...]) -> ExportedGuide:
    kind = KIND_OF_ELEMENT.get(local_name(node))
    if kind is None:  # pragma: no cover - the schema's choice allows no other
        return ExportedGuide(index, "sp_sadt", "", "", problems=(f"{local_name(node)}?",))
    number = guide_number_of(node, kind)
    card = (
        text(node, "beneficiario", "numeroCarteira")
        if kind == "honorarios"
        else text(node, "dadosBeneficiario", "numeroCarteira")
    ) or ""
    procedures, dates = _procedures(node, kind)
    request: SpSadtRequest | OdontoRequest | None = None
    if not problems and kind in ("sp_sadt", "odonto"):
        try:
            if kind == "sp_sadt":
                request = _sp_sadt(node, number, card, procedures)
            else:
                request = _odonto(node, number, card, procedures)
        except (TissInputError, ValueError) as wrong:
            problems = (str(wrong),)
    return ExportedGuide(
        index=index,
        kind=kind,
        number=number,
        card=card,
        procedures=procedures,
        problems=problems,
        request=request if not problems else None,
        date=min(dates) if dates else None,
    )


def guide_number_of(node: etree._Element, kind: GuideKind) -> str:
    if kind == "consulta":
        return text(node, "cabecalhoConsulta", "numeroGuiaPrestador") or ""
    if kind == "odonto":
        return text(node, "numeroGuiaPrestador") or ""
    return text(node, "cabecalhoGuia", "numeroGuiaPrestador") or ""


def _int(value: str | None) -> int:
    try:
        return max(1, int(value or "1"))
    except ValueError:
        return 1


def named(code: str) -> str:
    """A procedure's description where the export gives none (a guiaConsulta carries only
    the code): its name in TUSS table 22 when known, else "-"."""
    return PROCEDURE_NAMES.get(code, "-")


def _procedures(node: etree._Element, kind: GuideKind) -> tuple[tuple[Procedure, ...], list[str]]:
    """The guide's procedures (description as given) and the dates they carry."""
    found: list[Procedure] = []
    dates: list[str] = []

    def data(item: etree._Element | None, **extra: object) -> None:
        if item is None:
            return
        try:
            code = text(item, "codigoProcedimento") or ""
            found.append(
                Procedure(
                    code=code,
                    description=text(item, "descricaoProcedimento") or named(code),
                    table=text(item, "codigoTabela") or "22",
                    **extra,  # type: ignore[arg-type]
                )
            )
        except TissInputError:
            return  # reported by the schema already

    if kind == "sp_sadt":
        for item in children(find(node, "procedimentosExecutados"), "procedimentoExecutado"):
            data(
                find(item, "procedimento"),
                quantity=min(99, _int(text(item, "quantidadeExecutada"))),
            )
            dates.append(text(item, "dataExecucao") or "")
        dates.append(text(node, "dadosSolicitacao", "dataSolicitacao") or "")
    elif kind == "odonto":
        for item in children(node, "procedimentosExecutados"):
            quantity = min(99, _int(text(item, "qtdProc")))
            try:
                total = Decimal(text(item, "valorProc") or "0")
            except InvalidOperation:
                total = Decimal(0)
            data(
                find(item, "procSolic"),
                quantity=quantity,
                value=(total / quantity).quantize(Decimal("0.01")),
                tooth=text(item, "denteRegiao", "codDente"),
                region=text(item, "denteRegiao", "codRegiao"),
                faces=text(item, "denteFace"),
            )
            dates.append(text(item, "dataRealizacao") or "")
    elif kind == "consulta":
        data(find(node, "dadosAtendimento", "procedimento"))
        dates.append(text(node, "dadosAtendimento", "dataAtendimento") or "")
    return tuple(found), [d for d in dates if d]


def _sp_sadt(
    node: etree._Element, number: str, card: str, procedures: tuple[Procedure, ...]
) -> SpSadtRequest:
    requester = find(node, "dadosSolicitante")
    if requester is None:  # pragma: no cover - schema-valid
        raise TissInputError("dadosSolicitante", "missing")
    return SpSadtRequest(
        guide_number=number,
        card=card,
        proof=None,
        procedures=procedures,
        requester_name=text(node, "dadosSolicitante", "nomeContratadoSolicitante") or "",
        professional=read_professional(requester),
        character="2" if text(node, "dadosSolicitacao", "caraterAtendimento") == "2" else "1",
        requested_on=text(node, "dadosSolicitacao", "dataSolicitacao"),
        clinical_indication=text(node, "dadosSolicitacao", "indicacaoClinica"),
        newborn=text(node, "dadosBeneficiario", "atendimentoRN") == "S",
        identification=text(node, "dadosBeneficiario", "tipoIdent"),
    )


def _odonto(
    node: etree._Element, number: str, card: str, procedures: tuple[Procedure, ...]
) -> OdontoRequest:
    return OdontoRequest(
        guide_number=number,
        card=card,
        proof=None,
        procedures=procedures,
        plan=text(node, "planoBeneficiario") or "",
        team=read_dental_team(node),
        care_type=text(node, "tipoAtendimento") or "1",
        newborn=text(node, "dadosBeneficiario", "atendimentoRN") == "S",
        identification=text(node, "dadosBeneficiario", "tipoIdent"),
    )
