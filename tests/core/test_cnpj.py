"""The CNPJ rule (Receita Federal, alphanumeric from July 2026): the published vectors, the
typed forms accepted, every way a CNPJ is refused (in Portuguese), and, by property, that a
valid CNPJ with one character changed is refused unless the rule itself cannot see it."""

from __future__ import annotations

import string

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from frontdesk.core import cnpj, i18n
from frontdesk.core.cnpj import CnpjError

BASE_CHARACTERS = string.digits + string.ascii_uppercase


@pytest.fixture(autouse=True)
def portuguese() -> None:
    i18n.set_language("pt")


@pytest.mark.parametrize(
    ("base", "digits"),
    [("12ABC34501DE", "35"), ("112223330001", "81"), ("000000000001", "91")],
)  # the Receita's two examples; the third by hand: 1×2 = 2 -> 9, then 1×3 + 9×2 = 21 -> 1
def test_the_check_digits_of_the_vectors(base: str, digits: str) -> None:
    assert cnpj.check_digits(base) == digits
    assert cnpj.is_valid(base + digits)


@pytest.mark.parametrize(
    "typed",
    ["12ABC34501DE35", "12.ABC.345/01DE-35", "12.abc.345/01de-35", " 12abc34501de35 ",
     "12 ABC 345 01DE 35"],
)  # fmt: skip
def test_typed_forms_with_or_without_punctuation_or_in_lower_case(typed: str) -> None:
    assert cnpj.parse(typed) == "12ABC34501DE35"
    assert cnpj.formatted(typed) == "12.ABC.345/01DE-35"


def test_a_numeric_cnpj_is_the_same_rule() -> None:
    assert cnpj.parse("11.222.333/0001-81") == "11222333000181"
    assert cnpj.formatted("11222333000181") == "11.222.333/0001-81"


@pytest.mark.parametrize(
    ("typed", "reason", "words"),
    [
        ("12.ABC.345/01DE-36", "check_digits", "dígitos verificadores do CNPJ 12.ABC.345/01DE-36"),
        ("11.222.333/0001-80", "check_digits", "não conferem"),
        ("12ABC34501DE3", "length", "deve ter 14 letras ou dígitos"),
        ("12ABC34501DE355", "length", "deve ter 14 letras ou dígitos"),
        ("", "length", "deve ter 14"),
        ("12ABC34501DEA5", "check_letters", "os 2 últimos são os dígitos verificadores"),
        ("12ABC34501D3E5", "check_letters", "sempre números"),
        ("12ÁBC34501DE35", "characters", "só pode ter letras de A a Z e dígitos"),
        ("12_BC34501DE35", "characters", "só pode ter letras de A a Z"),
    ],
)
def test_refused_ones_say_why_in_portuguese(typed: str, reason: str, words: str) -> None:
    assert not cnpj.is_valid(typed)
    with pytest.raises(CnpjError) as refused:
        cnpj.parse(typed)
    assert refused.value.reason == reason
    assert words in str(refused.value)


def test_the_messages_in_english() -> None:
    i18n.set_language("en")
    with pytest.raises(CnpjError) as refused:
        cnpj.parse("12ABC34501DE36")
    assert str(refused.value).startswith("The check digits of CNPJ 12.ABC.345/01DE-36 do not")


valid_cnpjs = st.text(BASE_CHARACTERS, min_size=12, max_size=12).map(
    lambda base: base + cnpj.check_digits(base)
)


@given(valid_cnpjs, st.integers(0, 13), st.sampled_from(BASE_CHARACTERS))
def test_one_character_changed_is_refused_unless_the_rule_cannot_see_it(
    valid: str, at: int, new: str
) -> None:
    assert cnpj.parse(valid) == valid
    changed = valid[:at] + new + valid[at + 1 :]
    assume(changed != valid)
    if at >= 12:  # a check digit changed
        assert not cnpj.is_valid(changed)
        return
    # Values 0–9 and 17–42, weights 2–9, modulo 11: a change by 11, 22 or 33 (6 <-> A,
    # A <-> L <-> W …) moves neither sum. Any other change moves both remainders, which
    # the check digits show unless both were 0 (remainders 0 and 1 both give 0).
    if (ord(new) - ord(valid[at])) % 11 == 0:
        assert cnpj.is_valid(changed)
    elif valid[12:] != "00":
        assert not cnpj.is_valid(changed)
    else:
        assert cnpj.is_valid(changed) == (cnpj.check_digits(changed[:12]) == "00")


def test_what_the_rule_itself_cannot_see() -> None:
    # The Receita's rule, not frontdesk's: said so the property above is not a puzzle.
    assert cnpj.is_valid("12ABC34501DE35")
    assert cnpj.is_valid("12ABN34501DE35")  # C (19) -> N (30)
    assert cnpj.is_valid("12ABC345019E35")  # D (20) -> 9 (9)
    assert cnpj.is_valid("9S11DUTE519W00")  # found by the property: remainders 0 and 1 give 0
    assert cnpj.is_valid("0S11DUTE519W00")  # 9 -> 0
