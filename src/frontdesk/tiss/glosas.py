"""TUSS table 38 (glosas, negativas and other messages): each code's official description.

The source is the official schema itself: `dm_tipoGlosa` in `tissSimpleTypes` enumerates
the codes and its comment lists them with their descriptions, as ANS publishes table 38
(624 codes in 4.01.00 and 4.02.00, e.g. 1001 NÚMERO DA CARTEIRA INVÁLIDO, 3156 TOKEN
INVÁLIDO; 768 in 4.03.00, which adds 3169–3312). Each version's table is read once, on
first use, from its own schema: a glosa is described by the table of the version of the
message it came in (its `Padrao`).
"""

from __future__ import annotations

import functools
import re

from frontdesk.tiss import VERSION
from frontdesk.tiss.versions import UnknownVersion, get

_TYPE = re.compile(r'<simpleType name="dm_tipoGlosa">(.*?)</simpleType>', re.DOTALL)
_LINE = re.compile(r"^\s*(\d{4})\s+(\S.*?)\s*$", re.MULTILINE)
_VALUE = re.compile(r'<enumeration value="(\d+)"')


@functools.cache
def table_38(version: str = VERSION) -> dict[str, str]:
    """Code -> description (upper case, as published) for every code the schema allows."""
    spoken = get(version)
    text = spoken.folder.joinpath(spoken.simple_types_xsd).read_text("iso-8859-1")
    found = _TYPE.search(text)
    if found is None:  # pragma: no cover - the shipped schema has it
        return {}
    body = found.group(1)
    allowed = set(_VALUE.findall(body))
    comment = body[body.find("<!--") :]
    table: dict[str, str] = {}
    for code, description in _LINE.findall(comment):
        if code in allowed:
            table.setdefault(code, description)
    return table


def describe(code: str, given: str | None = None, version: str = VERSION) -> str:
    """The description to show for a glosa: `version`'s table 38, else the operator's own,
    else "" (also for a version frontdesk has no schemas for).

    An operator may word a code its own way (`descricaoGlosa`); the official description
    comes first so the desk reads the same words for the same code from every operator.
    """
    try:
        table = table_38(version)
    except UnknownVersion:
        table = {}
    return table.get(code) or (given or "").strip()
