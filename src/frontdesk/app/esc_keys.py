"""Esc then a digit, typed fast, is Esc and then the digit, never a symbol.

A terminal sends Esc as the byte ESC; Textual's key parser waits briefly for more bytes to
tell Esc from a key's escape sequence, and its key table reads ESC followed by a digit as
the character WezTerm on macOS sends for Option and that digit: "\\x1b2" is "™". A
receptionist pressing Esc and then a digit within that wait, or a scanner reading a guide
right after Esc, got "™" in the field and lost the Esc (`123™026`).

`forget_option_digits` takes those ten entries out of Textual's table (its private
`textual._ansi_sequences`, checked against Textual 8.2.8; tests/app/test_esc_keys.py guards
it). The parser then reads ESC + digit as Alt and the digit, exactly what a terminal sends
for Alt+digit; the app (`FrontdeskApp.on_event`, with `digit_after_esc`) does what Esc
does and then types the digit (no desk key uses Alt with a digit). "º", "ª", "£"… typed
on a Brazilian keyboard arrive as themselves and stay what they are.
"""

from __future__ import annotations

from typing import Any, cast

from textual import events

DIGITS = "0123456789"
ESC = "\x1b"


def forget_option_digits() -> None:
    """Take ESC + digit out of Textual's key table (idempotent)."""
    from textual import _ansi_sequences

    table = cast("dict[str, Any]", _ansi_sequences.ANSI_SEQUENCES_KEYS)
    for digit in DIGITS:
        table.pop(ESC + digit, None)


def digit_after_esc(event: events.Key) -> str | None:
    """The digit of Alt+digit (ESC and a digit read together from the terminal), else None."""
    modifier, _, digit = event.key.partition("+")
    if modifier != "alt" or len(digit) != 1 or digit not in DIGITS:
        return None
    return digit
