"""A beneficiary's contacts: what a mobile number or an e-mail must look like, and the masked
form the desk may see (docs/glossary.md, "Masking"). One set of rules for the backend, the app
and the audit log.
"""

from __future__ import annotations

import re
from typing import Final

MAX_EMAIL: Final = 254
MAX_TYPED_PHONE: Final = 40

_EMAIL: Final = re.compile(
    r"^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*\.[A-Za-z]{2,63}$"
)
_PHONE_CHARACTERS: Final = re.compile(r"^[0-9()+\-.\s]*$")


def digits_only(value: str) -> str:
    """The ASCII digits of `value`, in order (`(43) 99123-1234` → `43991231234`)."""
    return "".join(ch for ch in value if ch.isascii() and ch.isdigit())


def valid_email(value: str) -> bool:
    """An address the operator can send to: `name@domain.tld`, at most 254 characters."""
    text = value.strip()
    return len(text) <= MAX_EMAIL and _EMAIL.match(text) is not None


def mobile_digits(value: str) -> str | None:
    """The 11 digits of a Brazilian mobile `(DD) 9XXXX-XXXX`, or None when it is not one.

    Accepts the usual punctuation and an optional +55 country code; the DDD is 11–99 without
    a zero, and the number has nine digits starting with 9.
    """
    if len(value) > MAX_TYPED_PHONE or not _PHONE_CHARACTERS.match(value):
        return None
    digits = digits_only(value)
    if len(digits) == 13 and digits.startswith("55"):
        digits = digits[2:]
    if len(digits) != 11:
        return None
    ddd, number = digits[:2], digits[2:]
    if ddd[0] == "0" or ddd[1] == "0" or number[0] != "9":
        return None
    return digits


def mask_phone(phone: str) -> str:
    """`43991231234` → `(43) *****-1234`: the DDD and the last four digits only."""
    digits = digits_only(phone)
    if len(digits) > 11 and digits.startswith("55"):
        digits = digits[2:]
    if len(digits) < 10:
        return "(**) *****-" + digits[-4:].rjust(4, "*")
    return f"({digits[:2]}) *****-{digits[-4:]}"


def mask_email(email: str) -> str:
    """`maria.souza@email.com` → `ma****@e*****.com`.

    The first two letters of the name, the first letter of the domain and its top-level
    part; the starred runs have a fixed width so they do not reveal lengths. Idempotent: a
    masked address masks to itself.
    """
    name, _, domain = email.strip().partition("@")
    # Never the whole name: two letters of a longer one, one of two, none of one.
    head = name[:2] if len(name) > 2 else name[: len(name) - 1]
    labels = domain.split(".")
    first = labels[0][:1] if labels and labels[0] else "*"
    suffix = "." + ".".join(labels[1:]) if len(labels) > 1 else ""
    return f"{head}****@{first}*****{suffix}"


def mask_destination(channel: str, destination: str | None) -> str | None:
    """A destination as the desk may see it: masked for sms and email, None otherwise."""
    if destination is None:
        return None
    if channel == "sms":
        return mask_phone(destination)
    if channel == "email":
        return mask_email(destination)
    return None
