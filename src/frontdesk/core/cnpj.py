"""The CNPJ, numeric or alphanumeric: its check digits, checking, normal form and display.

One rule for every place a CNPJ is typed or read (a profile, `profiles add --prestador`, a
TISS message). Since July 2026 the Receita Federal issues CNPJs whose first 12 characters
are letters (A–Z) or digits; the last 2 are always check digits. Each character counts as
its ASCII code minus 48 (`0`–`9` are 0–9, `A` is 17 … `Z` is 42), weighted 2–9 from the
right and cycling, modulo 11: a remainder below 2 gives 0, else 11 minus it. A numeric
CNPJ is the same rule. `12ABC34501DE` gets `35`; `11222333000181` is numeric and valid.
The rule does not see every typo: a character changed by 11, 22 or 33 in value (`6`/`A`,
`A`/`L`/`W`) keeps both check digits, and so may any change when they are `00` (remainders
0 and 1 both give 0); tests/core/test_cnpj.py states both.

Typed forms are accepted with or without the punctuation (`12.ABC.345/01DE-35`) and in
lower case; the normal form is the 14 characters, upper case, as TISS carries it.
"""

from __future__ import annotations

import re
from itertools import cycle
from typing import Final, Literal

from frontdesk.core.i18n import t

LENGTH: Final = 14
_SHAPE: Final = re.compile(r"[0-9A-Z]{12}[0-9]{2}")
_BASE_CHARACTERS: Final = re.compile(r"[0-9A-Z]{12}")
_PUNCTUATION: Final = frozenset(".-/ \t")

Reason = Literal["length", "characters", "check_letters", "check_digits"]


class CnpjError(ValueError):
    """A CNPJ refused, in the user's language; `reason` says why and `value` is what was
    typed (a CNPJ is a company's public number, not a secret).

    - `length`: not 14 letters or digits once the punctuation is taken out;
    - `characters`: something else than A–Z and 0–9 in the first 12;
    - `check_letters`: the last 2 (the check digits) are not digits;
    - `check_digits`: the check digits do not match the first 12 (a typo somewhere).
    """

    def __init__(self, reason: Reason, value: str) -> None:
        self.reason = reason
        self.value = value
        super().__init__(t(f"tiss.cnpj.{reason}", cnpj=value))


def normalize(text: str) -> str:
    """`text` without its punctuation (`.`, `/`, `-`, spaces), ASCII letters upper-cased.

    Not checked: `parse` checks it too.
    """
    kept = (c for c in text.strip() if c not in _PUNCTUATION)
    return "".join(c.upper() if "a" <= c <= "z" else c for c in kept)


def check_digits(base: str) -> str:
    """The 2 check digits of `base`, the first 12 characters (upper case letters or digits)."""
    if not _BASE_CHARACTERS.fullmatch(base):
        raise CnpjError("characters" if len(base) == 12 else "length", base)
    first = _digit(base)
    return f"{first}{_digit(base + str(first))}"


def _digit(characters: str) -> int:
    total = sum(
        (ord(c) - 48) * weight for c, weight in zip(reversed(characters), cycle(range(2, 10)))
    )
    remainder = total % 11
    return 0 if remainder < 2 else 11 - remainder


def parse(text: str) -> str:
    """The CNPJ in `text` in its normal form (14 characters); `CnpjError` says what is wrong."""
    cnpj = normalize(text)
    if len(cnpj) != LENGTH:
        raise CnpjError("length", text.strip())
    if not _BASE_CHARACTERS.fullmatch(cnpj[:12]):
        raise CnpjError("characters", text.strip())
    if not _SHAPE.fullmatch(cnpj):
        raise CnpjError("check_letters", text.strip())
    if check_digits(cnpj[:12]) != cnpj[12:]:
        raise CnpjError("check_digits", formatted(cnpj))
    return cnpj


def is_valid(text: str) -> bool:
    """Whether `text` is a CNPJ (punctuation and lower case allowed)."""
    try:
        parse(text)
    except CnpjError:
        return False
    return True


def formatted(cnpj: str) -> str:
    """`12.ABC.345/01DE-35`: how a CNPJ is shown; anything not 14 characters, as it is."""
    c = normalize(cnpj)
    if len(c) != LENGTH:
        return cnpj
    return f"{c[:2]}.{c[2:5]}.{c[5:8]}/{c[8:12]}-{c[12:]}"
