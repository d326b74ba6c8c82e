"""How values look on screen: GLOSSARY status names, mm:ss countdowns, dd/mm/aaaa dates."""

from __future__ import annotations

from datetime import UTC, date, datetime

from frontdesk.core.i18n import get_language, t

GUIDE_NUMBER_LENGTH = 13
DEFAULT_CODE_LENGTH = 6


def status_label(status: str) -> str:
    """The GLOSSARY's on-screen words for a guide status (`awaiting_token` → AGUARDANDO TOKEN)."""
    label = t(f"status.{status}")
    return status.upper() if label.startswith("status.") else label


def type_label(guide_type: str) -> str:
    label = t(f"type.{guide_type}")
    return guide_type if label.startswith("type.") else label


def type_short(guide_type: str) -> str:
    """The type without its parenthetical (`Odonto (GTO)` → `Odonto`), for narrow tables."""
    return type_label(guide_type).split(" (", 1)[0]


def channel_label(channel: str | None) -> str:
    if channel is None:
        return ""
    label = t(f"channel.{channel}")
    return channel if label.startswith("channel.") else label


def delivery_label(delivery: str | None) -> str:
    if delivery is None:
        return ""
    label = t(f"delivery.{delivery}")
    return delivery if label.startswith("delivery.") else label


def reason_label(code: str) -> str:
    label = t(f"reason.{code}")
    return code if label.startswith("reason.") else label


def event_label(kind: str) -> str:
    label = t(f"event.{kind}")
    return kind if label.startswith("event.") else label


def mmss(seconds: float) -> str:
    """A countdown: `29:41`, or `1:02:03` past an hour; never negative."""
    whole = max(0, int(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes:02d}:{secs:02d}"


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


def guide_number_problem(value: str) -> str | None:
    """Why `value` is not yet a guide number (in words), or None when it is one."""
    if not value:
        return t("lookup.missing", n=GUIDE_NUMBER_LENGTH)
    if not (value.isascii() and value.isdigit()):
        return t("lookup.only_digits")
    missing = GUIDE_NUMBER_LENGTH - len(value)
    if missing == 1:
        return t("lookup.missing_one")
    if missing > 0:
        return t("lookup.missing", n=missing)
    if missing < 0:
        return t("lookup.extra", length=GUIDE_NUMBER_LENGTH, n=-missing)
    return None


def code_problem(value: str, length: int) -> str | None:
    """Why `value` is not yet a code of `length` digits, or None when it is one."""
    if value and (not value.isascii() or not value.isdigit()):
        return t("lookup.only_digits")
    missing = length - len(value)
    if missing == 1:
        return t("code.missing_one")
    if missing > 0:
        return t("code.missing", n=missing)
    if missing < 0:
        return t("code.extra", length=length)
    return None
