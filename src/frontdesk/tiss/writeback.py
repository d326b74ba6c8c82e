"""One guide of a practice system's export written back with the operator's answer.

`write_back` takes the original file (`lote`) and what the operator answered for one of its
guides, and returns a new `mensagemTISS` holding that guide only, with `codValidacao` (or
`ausenciaCodValidacao`), the `senha`, its dates and the operator's guide number where the
schema puts them (SP/SADT: `dadosAutorizacao`; odonto and consulta: their own fields),
validated against the schemas and re-hashed (item 115), so the clinic's billing
(`LoteGuias`) carries the token the operator expects. Guias de honorários and resumos de
internação have no field for the code: `NoCodeField` says so.

- **Its version is the export's**: the practice system reads the file back, so it keeps the
  export's `Padrao` and is validated against that version's schemas, whatever version the
  profile speaks to the operator.
- **Compact**: no whitespace between tags (nor comments), so every reading of item 115
  gives the same hash: the texts of the leaf elements (`hashing`), or everything between
  the tags of the serialized file (a "strip the tags" reading, which would count
  indentation as content).
- **Its own transaction, the export's lote**: each file written is a new message, so its
  `identificacaoTransacao` is new (a `sequencialTransacao` drawn from the same source as the
  counter's web-service messages, for the export's prestador at its operator; the date and
  time it was written): two files of one lot never carry the same number (an operator
  refuses a number it has seen: glosa 3167 SEQUENCIAL INVÁLIDO). `numeroLote` is kept:
  TISS ties a prestador's guide to the lot it was billed in (`numeroLote` and
  `numeroGuiaPrestador` in the protocolo, the demonstrativo and the cancelamento), the
  file holds a guide of that lot, and the practice system merges the answer back into it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final

from lxml import etree

from frontdesk.tiss.checker import IN_PROCESS, SchemaChecker
from frontdesk.tiss.hashing import message_hash
from frontdesk.tiss.lote import (
    KIND_OF_ELEMENT,
    WITHOUT_CODE,
    GuideKind,
    guide_number_of,
    schema_errors,
    short,
)
from frontdesk.tiss.message import (
    add,
    find,
    local_name,
    q,
    read_prestador,
    text,
    transaction_date_time,
)
from frontdesk.tiss.safexml import parse_untrusted
from frontdesk.tiss.sequence import SequenceSource, scope_of
from frontdesk.tiss.tiss_errors import TissError, TissInputError
from frontdesk.tiss.versions import UnknownVersion, get


class NoCodeField(TissError):
    """The guide's type has no field for the code (honorários, resumo de internação)."""

    def __init__(self, kind: GuideKind) -> None:
        self.kind = kind
        super().__init__(f"a {kind} guide has no field for the validation code")


@dataclass(frozen=True)
class Release:
    """What the operator answered for a guide, as the guide's XML records it."""

    code: str | None = None  # codValidacao
    reason: str | None = None  # ausenciaCodValidacao (TUSS table 74)
    senha: str | None = None
    operator_number: str | None = None  # numeroGuiaOperadora
    authorized_on: str | None = None  # YYYY-MM-DD
    valid_until: str | None = None  # YYYY-MM-DD

    def __post_init__(self) -> None:
        if (self.code is None) == (self.reason is None):
            raise TissInputError("codValidacao", "a code or an absence reason")

    def __repr__(self) -> str:  # the code stays out of logs
        return f"Release(reason={self.reason}, senha={self.senha})"


# -- writing back -------------------------------------------------------------------------------

# Per guide type: the element after which the answer's fields go, and their names in order.
_PLACES: Final[dict[GuideKind, tuple[tuple[str, ...], tuple[str, ...]]]] = {
    "consulta": (
        ("cabecalhoConsulta",),
        ("numeroGuiaOperadora", "ausenciaCodValidacao", "codValidacao"),
    ),
    "odonto": (
        ("numeroGuiaPrincipal", "numeroGuiaPrestador"),
        (
            "dataAutorizacao",
            "senhaAutorizacao",
            "validadeSenha",
            "numeroGuiaOperadora",
            "ausenciaCodValidacao",
            "codValidacao",
        ),
    ),
}
_SADT_FIELDS: Final = (
    "numeroGuiaOperadora",
    "dataAutorizacao",
    "senha",
    "dataValidadeSenha",
    "ausenciaCodValidacao",
    "codValidacao",
)


def write_back(
    data: bytes,
    guide_number: str,
    release: Release,
    *,
    sequence: SequenceSource,
    now: datetime,
    checker: SchemaChecker = IN_PROCESS,
) -> bytes:
    """A new export holding only the guide `guide_number` of `data`, with `release` in it.

    `sequence` gives the new message its `sequencialTransacao`; `now` is when it is
    written (its transaction's date and time, and the authorization date when the
    operator gave none: an SP/SADT guide's `dadosAutorizacao` requires one). Raises
    `TissInputError` when the guide is not in the file, its version is unknown or the result
    would not be valid, `NoCodeField` for guides without a field for the code (and
    `SchemaCheckFailed` when `checker` cannot consult the schemas).
    """
    root = parse_untrusted(data)
    holder = find(root, "prestadorParaOperadora", "loteGuias", "guiasTISS")
    if root.tag != q("mensagemTISS") or holder is None:
        raise TissInputError("loteGuias", "not a TISS export")
    version = text(root, "cabecalho", "Padrao") or ""
    try:
        get(version)
    except UnknownVersion as unknown:
        raise TissInputError("Padrao", str(unknown)) from None
    today, clock = transaction_date_time(now)
    target, kind = _only_guide(holder, guide_number)
    values = {
        "numeroGuiaOperadora": release.operator_number,
        "ausenciaCodValidacao": release.reason,
        "codValidacao": release.code,
        "senha": release.senha,
        "senhaAutorizacao": release.senha,
        "dataAutorizacao": release.authorized_on or (today if release.senha else None),
        "dataValidadeSenha": release.valid_until,
        "validadeSenha": release.valid_until,
    }
    if kind == "sp_sadt":
        _sadt_authorization(target, values, today)
    else:
        after, names = _PLACES[kind]
        _put_after(target, after, names, values)
    for signature in root.findall("{http://www.w3.org/2000/09/xmldsig#}Signature"):
        root.remove(signature)  # the signed contents changed: the clinic's system signs again
    _new_transaction(root, sequence, today, clock)
    _compact(root)
    hash_node = find(root, "epilogo", "hash")
    if hash_node is None:  # pragma: no cover - schema-valid original
        raise TissInputError("epilogo", "missing")
    hash_node.text = ""
    try:
        hash_node.text = message_hash(root)
    except UnicodeEncodeError:
        raise TissInputError("hash", "text that ISO-8859-1 cannot carry") from None
    found = schema_errors(root, version, checker)
    if found:
        raise TissInputError("mensagemTISS", "; ".join(short(m, n) for n, m in found[:3]))
    return etree.tostring(root, encoding="ISO-8859-1", xml_declaration=True)


def _only_guide(holder: etree._Element, guide_number: str) -> tuple[etree._Element, GuideKind]:
    """The guide `guide_number` of `guiasTISS`, the others removed (and its kind)."""
    nodes = [n for n in holder if isinstance(n.tag, str)]
    target = None
    for node in nodes:
        kind = KIND_OF_ELEMENT.get(local_name(node))
        if kind is not None and guide_number_of(node, kind) == guide_number:
            target = node
    if target is None:
        raise TissInputError("numeroGuiaPrestador", f"guide {guide_number} is not in the file")
    kind = KIND_OF_ELEMENT[local_name(target)]
    if kind in WITHOUT_CODE:
        raise NoCodeField(kind)
    for node in nodes:
        if node is not target:
            holder.remove(node)
    return target, kind


def _new_transaction(root: etree._Element, sequence: SequenceSource, date: str, time: str) -> None:
    """The file's own `identificacaoTransacao`: a number for the export's prestador at its
    operator (the counter's scope when the export is the profile's), and now."""
    ident = find(root, "cabecalho", "identificacaoTransacao")
    if ident is None:  # pragma: no cover - schema-valid original
        raise TissInputError("identificacaoTransacao", "missing")
    registro = text(root, "cabecalho", "destino", "registroANS") or ""
    try:
        prestador = read_prestador(find(root, "cabecalho", "origem", "identificacaoPrestador"))
    except (TissInputError, ValueError):
        prestador = None
    scope = scope_of(registro, prestador.kind, prestador.value) if prestador else registro
    for name, value in (
        ("sequencialTransacao", sequence.next(scope)),
        ("dataRegistroTransacao", date),
        ("horaRegistroTransacao", time),
    ):
        node = find(ident, name)
        if node is not None:
            node.text = value


def _compact(root: etree._Element) -> None:
    """No comments, and no whitespace between tags: an element with children holds no text
    of its own in TISS (no mixed content), so only indentation goes; a leaf's text, blank
    or not, is content and stays."""
    etree.strip_elements(root, etree.Comment, with_tail=False)
    for node in root.iter():
        if len(node):
            if node.text is not None and not node.text.strip():
                node.text = None
            for child in node:
                if child.tail is not None and not child.tail.strip():
                    child.tail = None


def _sadt_authorization(guide: etree._Element, values: dict[str, str | None], today: str) -> None:
    existing = find(guide, "dadosAutorizacao")
    kept = {name: text(existing, name) for name in _SADT_FIELDS if existing is not None}
    if existing is not None:
        guide.remove(existing)
    merged = {name: values.get(name) or None for name in _SADT_FIELDS}
    if values.get("codValidacao") is not None:
        merged["ausenciaCodValidacao"] = None
    elif values.get("ausenciaCodValidacao") is not None:
        merged["codValidacao"] = None
    for name in _SADT_FIELDS:
        if merged[name] is None and name not in ("ausenciaCodValidacao", "codValidacao"):
            merged[name] = kept.get(name)
    merged["dataAutorizacao"] = merged["dataAutorizacao"] or today
    node = etree.Element(q("dadosAutorizacao"))
    for name in _SADT_FIELDS:
        if merged[name]:
            add(node, name, merged[name])
    head = find(guide, "cabecalhoGuia")
    assert head is not None  # schema-valid
    head.addnext(node)


def _put_after(
    guide: etree._Element,
    after: tuple[str, ...],
    names: tuple[str, ...],
    values: dict[str, str | None],
) -> None:
    """Replace `names` in `guide` by `values` (kept where no new value), placed in order
    right after the first of `after` found (the schema's sequence)."""
    kept: dict[str, str | None] = {}
    for name in names:
        node = find(guide, name)
        if node is not None:
            kept[name] = node.text
            guide.remove(node)
    if values.get("codValidacao") is not None:
        kept.pop("ausenciaCodValidacao", None)
    elif values.get("ausenciaCodValidacao") is not None:
        kept.pop("codValidacao", None)
    anchor = next((n for n in (find(guide, a) for a in after) if n is not None), None)
    if anchor is None:  # pragma: no cover - schema-valid
        raise TissInputError(after[0], "missing")
    for name in names:
        value = values.get(name) or kept.get(name)
        if value:
            node = etree.Element(q(name))
            node.text = value
            anchor.addnext(node)
            anchor = node


def proof_in(data: bytes, guide_number: str) -> tuple[str | None, str | None]:
    """(codValidacao, ausenciaCodValidacao) already written in the guide `guide_number` of
    `data` (a file written back before), to write it again with a later answer."""
    root = parse_untrusted(data)
    holder = find(root, "prestadorParaOperadora", "loteGuias", "guiasTISS")
    for node in holder if holder is not None else ():
        kind = KIND_OF_ELEMENT.get(local_name(node)) if isinstance(node.tag, str) else None
        if kind is None or guide_number_of(node, kind) != guide_number:
            continue
        place = find(node, "dadosAutorizacao") if kind == "sp_sadt" else node
        if place is None:
            break
        return text(place, "codValidacao"), text(place, "ausenciaCodValidacao")
    return None, None
