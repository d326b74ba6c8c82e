"""TUSS table 38 (glosas, negativas and other messages): each code's official description.

The source is the official schema itself: `dm_tipoGlosa` in `tissSimpleTypes` enumerates
the codes and its comment lists them with their descriptions, as ANS publishes table 38
(624 codes in 4.01.00, e.g. 1001 NÚMERO DA CARTEIRA INVÁLIDO, 3156 TOKEN INVÁLIDO). Read
once, on first use; a new TISS version brings its own table with its schemas.
"""

from __future__ import annotations

import functools
import re

from frontdesk.tiss import VERSION
from frontdesk.tiss.versions import get

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
    """The description to show for a glosa: table 38's, else the operator's own, else "".

    An operator may word a code its own way (`descricaoGlosa`); the official description
    comes first so the desk reads the same words for the same code from every operator.
    """
    return table_38(version).get(code) or (given or "").strip()
