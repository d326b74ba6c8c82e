"""Validation against the official TISS schemas shipped in `schemas/<version>/`.

The schemas are trusted package data, read through an lxml resolver that serves every
`xs:include`/`xs:import` from the same folder (no file system path, no network: it works
from a wheel or a zip too). They load once per version, on first use.
Each version's `tissWebServicesV4_0X_00.xsd` includes all the others, so one `XMLSchema`
validates every web-service message (`pedidoElegibilidadeWS`, `tissFaultWS`, …) as an element
of any tree; which versions exist and where their files are is `versions.py`.
"""

from __future__ import annotations

import functools
from importlib.resources.abc import Traversable
from typing import TYPE_CHECKING, Any, Final

from lxml import etree

from frontdesk.tiss import VERSION
from frontdesk.tiss.versions import get, numbers

if TYPE_CHECKING:
    from frontdesk.tiss.checker import SchemaChecker

Found = list[tuple[int, str]]
"""libxml2's (line, message) for each error; line 0 when the node has none (a built tree)."""

_SCHEME: Final = "tiss-schema:///"


class SchemaViolation(Exception):
    """A message that the schemas refuse; `errors` lists libxml2's messages (at most 10)."""

    def __init__(self, errors: tuple[str, ...]) -> None:
        self.errors = errors
        super().__init__("; ".join(errors) or "invalid against the TISS schemas")


def versions() -> tuple[str, ...]:
    """The TISS versions whose schemas are shipped, oldest first."""
    return tuple(sorted(numbers()))


def schema_folder(version: str = VERSION) -> Traversable:
    """The package folder holding `version`'s XSDs (`UnknownVersion`, a ValueError, if none)."""
    return get(version).folder


class _FolderResolver(etree.Resolver):
    """Serves `tiss-schema:///NAME` from the version's folder; anything else is refused."""

    def __init__(self, folder: Traversable) -> None:
        super().__init__()
        self.folder = folder

    def resolve(self, system_url: str | None, public_id: str | None, context: Any) -> Any:
        name = (system_url or "").removeprefix(_SCHEME)
        if "/" in name or not name.endswith(".xsd") or not self.folder.joinpath(name).is_file():
            raise ValueError(f"the TISS schemas do not include {system_url!r}")
        data = self.folder.joinpath(name).read_bytes()
        return self.resolve_string(data, context, base_url=_SCHEME + name)


@functools.cache
def schema(version: str = VERSION) -> etree.XMLSchema:
    """The compiled schema of `version`'s web-service messages (loaded once)."""
    folder = schema_folder(version)
    # Trusted data: the XML-DSig schema declares internal entities, which must expand; the
    # parser still never reads a DTD or the network.
    parser = etree.XMLParser(no_network=True, load_dtd=False, resolve_entities=True)
    parser.resolvers.add(_FolderResolver(folder))
    entry = get(version).web_services_xsd
    document = etree.fromstring(
        folder.joinpath(entry).read_bytes(), parser, base_url=_SCHEME + entry
    )
    return etree.XMLSchema(document)


def found_in(element: etree._Element, version: str) -> Found:
    """libxml2's (line, message) for `element` against `version`'s schemas, compiled here."""
    try:
        schema(version).assertValid(element)
    except etree.DocumentInvalid as invalid:
        # The exception's own log: the schema object's `error_log` is shared between calls.
        return [(e.line, e.message) for e in invalid.error_log]
    return []


def errors_of(
    element: etree._Element, version: str = VERSION, checker: SchemaChecker | None = None
) -> tuple[str, ...]:
    """libxml2's messages for `element` against the schemas (empty when it is valid), found
    here or by `checker` (`SchemaCheckFailed` when it cannot)."""
    found = found_in(element, version) if checker is None else checker.errors(element, version)
    return tuple(f"line {line}: {message}" if line else message for line, message in found)[:10]


def validate(
    element: etree._Element, version: str = VERSION, checker: SchemaChecker | None = None
) -> None:
    """Raise `SchemaViolation` unless `element` (a web-service message) is valid."""
    found = errors_of(element, version, checker)
    if found:
        raise SchemaViolation(found)
