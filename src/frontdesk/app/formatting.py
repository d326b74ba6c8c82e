"""How values look on screen: GLOSSARY status names, waits (`29 min`, `50 s`), dd/mm/aaaa
dates, cards in groups of four; and what is wrong with a typed guide number, card or code (a
`DigitsProblem`, which `frontdesk.app.problems` puts in words)."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime
from typing import Literal

import msgspec

from frontdesk.core.contacts import digits_only
from frontdesk.core.i18n import get_language, has_text, t

GUIDE_NUMBER_LENGTH = 13
CARD_MIN_DIGITS = 8
CARD_MAX_DIGITS = 20
DEFAULT_CODE_LENGTH = 6


LabelKind = Literal["status", "type", "channel", "delivery", "reason", "event"]


def label(kind: LabelKind, code: str | None) -> str:
    """A contract value in the user's words, from the catalog's `<kind>.<code>` entry:
    `label("status", "awaiting_token")` → AGUARDANDO TOKEN (the GLOSSARY's words),
    `label("channel", "sms")` → SMS. None → "". A value the catalog does not know is shown
    as it came (a status in capitals, like every status)."""
    if code is None:
        return ""
    key = f"{kind}.{code}"
    if has_text(key):
        return t(key)
    return code.upper() if kind == "status" else code


def type_short(guide_type: str) -> str:
    """The type without its parenthetical (`Odonto (GTO)` → `Odonto`), for narrow tables."""
    return label("type", guide_type).split(" (", 1)[0]


def wait_text(seconds: float) -> str:
    """A countdown as a receptionist reads it, and as a slow link can afford it: whole
    minutes while more than one is left (`29 min`), then tens of seconds (`50 s` … `10 s`).

    It changes once a minute, then every ten seconds: a screen that shows it repaints that
    often, not every second (over SSH each repaint costs bytes; see bench/app.py)."""
    whole = max(0, math.ceil(seconds))
    if whole > 60:
        return f"{math.ceil(whole / 60)} min"
    return f"{max(1, math.ceil(whole / 10)) * 10} s" if whole else "0 s"


def compact(value: str) -> str:
    """What was typed, scanned or pasted, without whitespace anywhere: a code read out as
    `288 955`, a guide number pasted with a tab, a card in groups of four."""
    return "".join(value.split())


def card_text(card: str) -> str:
    """A card number as printed on the card: `0064 8000 1234 5678` (digits in fours)."""
    digits = digits_only(card)
    return " ".join(digits[i : i + 4] for i in range(0, len(digits), 4))


def minutes_ceil(seconds: int) -> int:
    """Whole minutes to wait, rounded up, at least 1."""
    return max(1, -(-seconds // 60))


def _parse_instant(value: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def date_text(value: str) -> str:
    """A calendar date (`2026-12-22`) as pt-BR `22/12/2026` (English: `2026-12-22`)."""
    try:
        day = date.fromisoformat(value[:10])
    except ValueError:
        return value
    if get_language() == "pt":
        return day.strftime("%d/%m/%Y")
    return day.isoformat()


def local_datetime(value: str, *, seconds: bool = False) -> str:
    """An RFC 3339 instant in the desk's local time: `22/11/2026 10:02`."""
    parsed = _parse_instant(value)
    if parsed is None:
        return value
    local = parsed.astimezone()
    clock = "%H:%M:%S" if seconds else "%H:%M"
    if get_language() == "pt":
        return local.strftime(f"%d/%m/%Y {clock}")
    return local.strftime(f"%Y-%m-%d {clock}")


def local_time(value: str) -> str:
    """An RFC 3339 instant as local `HH:MM`."""
    parsed = _parse_instant(value)
    if parsed is None:
        return value
    return parsed.astimezone().strftime("%H:%M")


class DigitsProblem(msgspec.Struct, frozen=True):
    """Why a typed value is not (yet) a number of the right length: not only digits, or
    `typed` digits where `wanted` are needed (at least, for `too_short`; at most, for
    `too_long`). Screens put it in words; a validator only says what is wrong."""

    kind: Literal["not_digits", "too_short", "too_long"]
    typed: int = 0
    wanted: int = 0

    @property
    def missing(self) -> int:
        return self.wanted - self.typed

    @property
    def extra(self) -> int:
        return self.typed - self.wanted


def digits_problem(value: str, wanted: int) -> DigitsProblem | None:
    """Why `value` is not `wanted` digits (an empty value is `too_short`), or None."""
    if value and not (value.isascii() and value.isdigit()):
        return DigitsProblem("not_digits")
    if len(value) < wanted:
        return DigitsProblem("too_short", len(value), wanted)
    if len(value) > wanted:
        return DigitsProblem("too_long", len(value), wanted)
    return None


def guide_number_problem(value: str) -> DigitsProblem | None:
    """Why `value` is not yet a guide number, or None when it is one."""
    return digits_problem(value, GUIDE_NUMBER_LENGTH)


def code_problem(value: str, length: int) -> DigitsProblem | None:
    """Why `value` is not yet a code of `length` digits, or None when it is one."""
    return digits_problem(value, length)


def card_problem(value: str) -> DigitsProblem | None:
    """Why `value` is not yet a card number to search for, or None when it may be one
    (digits, with the spaces, dots and dashes cards are printed with)."""
    if any(not (ch.isdigit() or ch in " .-") or not ch.isascii() for ch in value):
        return DigitsProblem("not_digits")
    digits = digits_only(value)
    if len(digits) < CARD_MIN_DIGITS:
        return DigitsProblem("too_short", len(digits), CARD_MIN_DIGITS)
    if len(digits) > CARD_MAX_DIGITS:
        return DigitsProblem("too_long", len(digits), CARD_MAX_DIGITS)
    return None
