"""Masking of contacts as GLOSSARY.md shows them: what the desk may see of a phone or e-mail."""

from __future__ import annotations


def digits_only(value: str) -> str:
    return "".join(ch for ch in value if ch.isascii() and ch.isdigit())


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
    part; the starred runs have a fixed width so they do not reveal lengths.
    """
    name, _, domain = email.strip().partition("@")
    # Never the whole name: two letters of a longer one, one of two, none of one.
    head = name[:2] if len(name) > 2 else name[: len(name) - 1]
    labels = domain.split(".")
    first = labels[0][:1] if labels and labels[0] else "*"
    suffix = "." + ".".join(labels[1:]) if len(labels) > 1 else ""
    return f"{head}****@{first}*****{suffix}"


def mask_destination(channel: str, destination: str | None) -> str | None:
    if destination is None:
        return None
    if channel == "sms":
        return mask_phone(destination)
    if channel == "email":
        return mask_email(destination)
    return None
