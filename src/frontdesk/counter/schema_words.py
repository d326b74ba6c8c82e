"""The schemas' complaints about an export, in the receptionist's words.

libxml2 says what is wrong with a guide in English and in the schema's terms (`Element
'CNES': [facet 'maxLength'] The value has a length of '8'; this exceeds the allowed maximum
length of '7'.`). `in_words` says the same in the current language, the field first by the
name the TISS guide prints beside it, then what to fix ("CNES: 8 dígitos, o máximo é 7
(linha 194)."): the facets (length, pattern, enumeration, digits, bounds), a value of the
wrong type, a field missing or out of place. Any other message keeps libxml2's words after
the field's name, so nothing the clinic's technician needs is lost.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final

from frontdesk.core.i18n import t

FIELD_NAMES: Final = {
    "numeroCarteira": "Número da carteira",
    "codigoProcedimento": "Código do procedimento",
    "descricaoProcedimento": "Descrição do procedimento",
    "quantidadeSolicitada": "Quantidade solicitada",
    "codigoTabela": "Tabela",
    "numeroGuiaPrestador": "Número da guia no prestador",
    "numeroGuiaOperadora": "Número da guia na operadora",
    "registroANS": "Registro ANS",
    "codigoPrestadorNaOperadora": "Código do prestador na operadora",
    "cnpjContratado": "CNPJ do contratado",
    "cpfContratado": "CPF do contratado",
    "nomeContratado": "Nome do contratado",
    "nomeContratadoSolicitante": "Nome do contratado solicitante",
    "nomeProfissional": "Nome do profissional",
    "conselhoProfissional": "Conselho profissional",
    "numeroConselhoProfissional": "Número no conselho",
    "UF": "UF do conselho",
    "CBOS": "CBO",
    "dataSolicitacao": "Data da solicitação",
    "dataAtendimento": "Data do atendimento",
    "caraterAtendimento": "Caráter do atendimento",
    "indicacaoClinica": "Indicação clínica",
    "tipoConsulta": "Tipo de consulta",
    "atendimentoRN": "Atendimento a RN",
    "valorProc": "Valor do procedimento",
    "valorUnitario": "Valor unitário",
    "planoBeneficiario": "Plano do beneficiário",
    "numeroLote": "Número do lote",
    "sequencialTransacao": "Sequencial da transação",
    "tipoTransacao": "Tipo de transação",
    "Padrao": "Versão TISS (Padrao)",
    "hash": "Hash do epílogo",
}
"""Portuguese names of the elements a clinic's export most often gets wrong (the label the
guide prints); any other element is named as the schema names it."""

DIGIT_FIELDS: Final = frozenset(
    {"CNES", "registroANS", "cnpjContratado", "cpfContratado", "CBOS", "UF", "numeroCarteira"}
)
"""Fields made of digits: their lengths are counted in digits, not characters."""

MAX_LISTED: Final = 8
LENGTHS: Final = ("max", "min", "exact")
"""The length facets said in words (`counter.schema.<kind>_length`)."""

_ELEMENT = re.compile(r"^(?:linha (\d+): )?Element '([^']+)'(?:, attribute '[^']+')?: (.*)$", re.S)
_EXPECTED = re.compile(r"Expected is (?:one of )?\( ?(.*?) ?\)")


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


def field_name(element: str) -> str:
    """ "Número da carteira (numeroCarteira)"; "CNES" where the guide prints the element's name."""
    local = _local(element)
    name = FIELD_NAMES.get(local)
    return f"{name} ({local})" if name and name != local else local


def _listed(items: list[str]) -> str:
    shown = [_local(i.strip().strip("'")) for i in items if i.strip()]
    more = len(shown) > MAX_LISTED
    return ", ".join(shown[:MAX_LISTED]) + (", …" if more else "")


def _expected(rest: str) -> str:
    found = _EXPECTED.search(rest)
    return _listed(found.group(1).split(",")) if found else ""


def _length(kind: str) -> Callable[[str, re.Match[str]], str]:
    def say(element: str, m: re.Match[str]) -> str:
        unit = t(
            "counter.schema.digits" if _local(element) in DIGIT_FIELDS else "counter.schema.chars"
        )
        if kind == "min" and m.group(1) == "0":
            return t("counter.schema.empty")
        return t(f"counter.schema.{kind}_length", n=m.group(1), limit=m.group(2), unit=unit)

    return say


def _enumeration(element: str, m: re.Match[str]) -> str:
    values = _listed(re.findall(r"'([^']*)'", m.group(2)))
    return t("counter.schema.enumeration", value=m.group(1), values=values)


def _atomic(element: str, m: re.Match[str]) -> str:
    value, kind = m.group(1), m.group(2).lower()
    if "date" in kind or "data" in kind:
        return t("counter.schema.not_date", value=value)
    if "decimal" in kind or "valor" in kind or "monetario" in kind:
        return t("counter.schema.not_amount", value=value)
    if "integer" in kind or "numerico" in kind or "int" in kind:
        return t("counter.schema.not_number", value=value)
    return t("counter.schema.bad_value", value=value)


def _unexpected(element: str, m: re.Match[str]) -> str:
    expected = _expected(m.group(0))
    if expected:
        return t("counter.schema.unexpected_instead", expected=expected)
    return t("counter.schema.unexpected")


def _missing(element: str, m: re.Match[str]) -> str:
    expected = _expected(m.group(0))
    return t("counter.schema.missing", expected=expected or "?")


_SAYINGS: Final[tuple[tuple[re.Pattern[str], Callable[[str, re.Match[str]], str]], ...]] = (
    (
        re.compile(r"\[facet 'maxLength'\] The value has a length of '(\d+)'.*?'(\d+)'"),
        _length("max"),
    ),
    (
        re.compile(r"\[facet 'minLength'\] The value has a length of '(\d+)'.*?'(\d+)'"),
        _length("min"),
    ),
    (
        re.compile(r"\[facet 'length'\] The value has a length of '(\d+)'.*?'(\d+)'"),
        _length("exact"),
    ),
    (
        re.compile(r"\[facet 'pattern'\] The value '(.*)' is not accepted by the pattern '(.*)'"),
        lambda e, m: t("counter.schema.pattern", value=m.group(1), pattern=m.group(2)),
    ),
    (
        re.compile(
            r"\[facet 'enumeration'\] The value '(.*)' is not an element of the set \{(.*)\}"
        ),
        _enumeration,
    ),
    (
        re.compile(r"\[facet 'totalDigits'\] The value '(.*)' has more digits than.*?'(\d+)'"),
        lambda e, m: t("counter.schema.total_digits", value=m.group(1), limit=m.group(2)),
    ),
    (
        re.compile(r"\[facet 'fractionDigits'\] The value '(.*)' has more fractional.*?'(\d+)'"),
        lambda e, m: t("counter.schema.fraction_digits", value=m.group(1), limit=m.group(2)),
    ),
    (
        re.compile(r"\[facet 'max(?:In|Ex)clusive'\] The value '(.*)' is greater.*?'(.*)'\)"),
        lambda e, m: t("counter.schema.above", value=m.group(1), limit=m.group(2)),
    ),
    (
        re.compile(r"\[facet 'min(?:In|Ex)clusive'\] The value '(.*)' is less.*?'(.*)'\)"),
        lambda e, m: t("counter.schema.below", value=m.group(1), limit=m.group(2)),
    ),
    (
        re.compile(
            r"^'(.*)' is not a valid value of the (?:local )?(?:atomic|union|list) type '?([^'.]*)"
        ),
        _atomic,
    ),
    (re.compile(r"This element is not expected\.?.*", re.S), _unexpected),
    (re.compile(r"Missing child element\(s\)\.?.*", re.S), _missing),
)


def in_words(problem: str) -> str:
    """`problem` (libxml2's message, maybe after "linha N: ") said for the receptionist;
    any other text unchanged."""
    found = _ELEMENT.match(problem.strip())
    if found is None:
        return problem
    line, element, rest = found.groups()
    said = next((say(element, m) for pattern, say in _SAYINGS if (m := pattern.search(rest))), None)
    text = f"{field_name(element)}: {said or t('counter.schema.other', message=rest.strip())}"
    return t("counter.schema.at_line", text=text, line=line) if line else f"{text}."
