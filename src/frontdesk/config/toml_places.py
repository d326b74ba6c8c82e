"""Where things are in a TOML text, for messages that name the line and the key.

tomllib gives values without positions, so a line scan finds where each key and table is
first written (`key_lines`), the nearest line for a key path (`line_of`), and the key
written on a given line (`key_at`, for syntax errors).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from frontdesk.core.i18n import t

KeyPath = tuple[str, ...]


_HEADER = re.compile(r"^\[\[?\s*(?P<key>[^\]]+?)\s*\]?\]?\s*(?:#.*)?$")
_BARE_OR_QUOTED = r'(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|\'[^\']*\')'
_KEY_VALUE = re.compile(
    rf"^(?P<key>{_BARE_OR_QUOTED}(?:\s*\.\s*{_BARE_OR_QUOTED})*)\s*=\s*(?P<value>.*)$"
)
_FIRST_WORD = re.compile(r"^[^\s=#\[\]]+")


def _split_key(key: str) -> KeyPath:
    """`profiles."a b".url` → ("profiles", "a b", "url")."""
    parts: list[str] = []
    current: list[str] = []
    quote: str | None = None
    for ch in key:
        if quote:
            if ch == quote:
                quote = None
            else:
                current.append(ch)
        elif ch in "\"'":
            quote = ch
        elif ch == ".":
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(ch)
    parts.append("".join(current).strip())
    return tuple(parts)


def key_lines(text: str) -> dict[KeyPath, int]:
    """Where each key and table is first written (1-based), by a line scan of the TOML text.

    Good enough to point at a place: multi-line strings are skipped, inline tables are
    reported at the line of their key.
    """
    lines: dict[KeyPath, int] = {}
    table: KeyPath = ()
    closing: str | None = None
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if closing is not None:
            if closing in line:
                closing = None
            continue
        if not line or line.startswith("#"):
            continue
        header = _HEADER.match(line)
        if header and line.startswith("["):
            table = _split_key(header.group("key"))
            for depth in range(1, len(table) + 1):
                lines.setdefault(table[:depth], number)
            continue
        pair = _KEY_VALUE.match(line)
        if pair:
            path = table + _split_key(pair.group("key"))
            for depth in range(len(table) + 1, len(path) + 1):
                lines.setdefault(path[:depth], number)
            value = pair.group("value")
            for delimiter in ('"""', "'''"):
                if value.startswith(delimiter) and value.count(delimiter) == 1:
                    closing = delimiter
    return lines


def line_of(lines: Mapping[KeyPath, int], keypath: KeyPath) -> int:
    for depth in range(len(keypath), 0, -1):
        if keypath[:depth] in lines:
            return lines[keypath[:depth]]
    return 1


def key_at(text: str, line: int) -> str:
    """The key written on `line`, with the table it is in, for syntax errors."""
    rows = text.splitlines()
    table: KeyPath = ()
    for row in rows[: max(0, line - 1)]:
        header = _HEADER.match(row.strip())
        if row.strip().startswith("[") and header:
            table = _split_key(header.group("key"))
    if 1 <= line <= len(rows):
        row = rows[line - 1].strip()
        header = _HEADER.match(row)
        if row.startswith("[") and header:
            return ".".join(_split_key(header.group("key")))
        pair = _KEY_VALUE.match(row)
        if pair:
            return ".".join(table + _split_key(pair.group("key")))
        word = _FIRST_WORD.match(row)
        if word:
            return ".".join((*table, word.group(0)))
    return ".".join(table) or t("setup.config.top_of_file")
