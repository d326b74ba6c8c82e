"""The schemas' complaints about an export in the receptionist's words: each kind of libxml2
message, produced by the real TISS schemas from the demo SP/SADT export with one mistake."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from frontdesk.core.i18n import set_language
from frontdesk.counter.schema_words import in_words
from frontdesk.local.embedded_operator import demo_exports_into, embedded_operator
from frontdesk.tiss.lote import read_export


@pytest.fixture(scope="module")
def sadt(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("exports")
    operator = embedded_operator(":memory:")
    try:
        demo_exports_into(operator.backend, folder)
    finally:
        operator.backend.close()
    text = (folder / "lote-sadt.xml").read_text(encoding="iso-8859-1")
    # The demo's own typo (a CNES of 8 digits) fixed: one mistake at a time below.
    yield re.sub(r"<ans:CNES>(\d{7})\d</ans:CNES>", r"<ans:CNES>\1</ans:CNES>", text)


def problems_with(sadt: str, pattern: str, replacement: str) -> list[str]:
    changed = re.sub(pattern, replacement, sadt, count=1)
    assert changed != sadt
    export = read_export(changed.encode("iso-8859-1"))
    return [p for g in export.guides for p in g.problems] + list(export.problems)


@pytest.fixture(autouse=True)
def portuguese() -> Iterator[None]:
    set_language("pt")
    yield
    set_language(None)


CASES = [
    (r"<ans:CNES>\d+<", "<ans:CNES>12345678<", "CNES: 8 dígitos, o máximo é 7"),
    (
        r"<ans:codigoProcedimento>[^<]*<",
        "<ans:codigoProcedimento><",
        "Código do procedimento (codigoProcedimento): vazio; preencha o campo",
    ),
    (
        r"<ans:caraterAtendimento>[^<]*<",
        "<ans:caraterAtendimento>9<",
        "Caráter do atendimento (caraterAtendimento): '9' não é um dos valores aceitos (1, 2)",
    ),
    (
        r"<ans:dataSolicitacao>[^<]*<",
        "<ans:dataSolicitacao>2026-13-45<",
        "Data da solicitação (dataSolicitacao): '2026-13-45' não é uma data (use AAAA-MM-DD)",
    ),
    (
        r"<ans:numeroCarteira>[^<]*</ans:numeroCarteira>",
        "",
        "Atendimento a RN (atendimentoRN): campo fora do lugar ou a mais; aqui deveria vir "
        "numeroCarteira",
    ),
    (
        r"<ans:atendimentoRN>",
        "<ans:bogus>1</ans:bogus><ans:atendimentoRN>",
        "bogus: campo fora do lugar ou a mais; aqui deveria vir atendimentoRN",
    ),
]


@pytest.mark.parametrize(("pattern", "replacement", "said"), CASES)
def test_each_complaint_names_the_field_and_what_to_fix(
    sadt: str, pattern: str, replacement: str, said: str
) -> None:
    problems = problems_with(sadt, pattern, replacement)
    assert len(problems) == 1
    words = in_words(problems[0])
    assert re.fullmatch(re.escape(said) + r" \(linha \d+\)\.", words), words
    assert "Element" not in words and "facet" not in words


def test_a_long_list_of_accepted_values_is_cut() -> None:
    values = ", ".join(f"'{n}'" for n in range(100, 120))
    message = (
        "Element 'CBOS': [facet 'enumeration'] The value '1' is not an element of the set "
        f"{{{values}}}."
    )
    assert in_words(message) == (
        "CBO (CBOS): '1' não é um dos valores aceitos (100, 101, 102, 103, 104, 105, 106, 107, …)."
    )


def test_missing_children_and_an_unknown_message_keep_what_the_technician_needs() -> None:
    missing = (
        "linha 9: Element 'dadosBeneficiario': Missing child element(s). "
        "Expected is ( numeroCarteira )."
    )
    assert in_words(missing) == "dadosBeneficiario: falta o campo numeroCarteira (linha 9)."
    other = "linha 9: Element 'ans:x': The attribute 'y' is required but missing."
    assert in_words(other) == (
        "ans:x: não segue o padrão TISS (The attribute 'y' is required but missing.) (linha 9)."
    )
    assert in_words("the mensagemTISS holds no loteGuias") == "the mensagemTISS holds no loteGuias"


def test_in_english() -> None:
    set_language("en")
    message = (
        "linha 194: Element 'CNES': [facet 'maxLength'] The value has a length of '8'; "
        "this exceeds the allowed maximum length of '7'."
    )
    assert in_words(message) == "CNES: 8 digits, at most 7 (line 194)."
