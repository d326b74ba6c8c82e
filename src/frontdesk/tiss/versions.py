"""The TISS versions frontdesk speaks, as data: one entry per version, one folder of schemas.

Each version's official files live in `schemas/<number>/` as ANS publishes them, with the
folder's `SHA256SUMS` (tests/tiss/test_versions.py checks them). Everything else about a
version is derived from its number (`4.03.00` -> file names `…V4_03_00.xsd`) or read from
its own files (a WSDL's namespace), so adding 4.04.00 is its folder plus one line in
`VERSIONS`.

Pure data and a little parsing of trusted package files with the standard library: no lxml.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Final, Literal

Status = Literal["in force", "accepted", "superseded"]

SERVICES: Final = (
    "tissVerificaElegibilidade",
    "tissSolicitacaoProcedimento",
    "tissSolicitacaoStatusAutorizacao",
    "tissCancelaGuia",
)
"""The web services a front desk calls (WSDL service names), in the order of a release."""

_TARGET_NAMESPACE = re.compile(rb'targetNamespace="([^"]+)"')
_CNPJ_PATTERN = re.compile(
    rb'<simpleType name="st_CNPJ">\s*<restriction base="string">\s*<pattern value="([^"]+)"'
)


class UnknownVersion(ValueError):
    """A version number frontdesk has no schemas for; `version` is what was asked."""

    def __init__(self, version: str) -> None:
        self.version = version
        super().__init__(f"no schemas for TISS {version}; known: {', '.join(numbers())}")


@dataclass(frozen=True)
class TissVersion:
    """One version of the Componente de Comunicação and where its files are."""

    number: str  # "4.03.00": the `Padrao` of every message in this version
    status: Status
    wsdl_folder: str = ""  # a subfolder of the version's folder holding its WSDLs

    @property
    def tag(self) -> str:
        """`4_03_00`: how file names and operators' URLs write the version."""
        return self.number.replace(".", "_")

    @property
    def folder(self) -> Traversable:
        """The package folder holding the version's XSDs (and its WSDLs, or their folder)."""
        return files("frontdesk.tiss").joinpath("schemas", self.number)

    @property
    def web_services_xsd(self) -> str:
        """The XSD that includes every web-service message (and, through it, the rest)."""
        return f"tissWebServicesV{self.tag}.xsd"

    @property
    def simple_types_xsd(self) -> str:
        """The XSD holding the domain tables (`dm_tipoGlosa`: TUSS table 38, …)."""
        return f"tissSimpleTypesV{self.tag}.xsd"

    @property
    def lote_xsd(self) -> str:
        """The XSD of a whole `mensagemTISS` (a practice system's loteGuias export)."""
        return f"tissV{self.tag}.xsd"

    def wsdl(self, service: str) -> Traversable:
        """The WSDL file of `service` (`tissVerificaElegibilidade`, …)."""
        name = f"{service}V{self.tag}.wsdl"
        folder = self.folder.joinpath(self.wsdl_folder) if self.wsdl_folder else self.folder
        return folder.joinpath(name)

    def wsdl_namespace(self, service: str) -> str:
        """The WSDL's target namespace (`…/tissverificaelegibilidade/v40300`), from its file."""
        return _wsdl_namespace(self.number, service)

    @property
    def cnpj_pattern(self) -> str:
        """`st_CNPJ`'s pattern in this version's own schema: `[0-9]{14}` until 4.02.00,
        `[A-Z0-9]{12}[0-9]{2}` (the alphanumeric CNPJ) from 4.03.00."""
        return _cnpj_pattern(self.number)

    def carries_cnpj(self, cnpj: str) -> bool:
        """Whether this version's messages can carry `cnpj` (14 characters, normal form)."""
        return re.fullmatch(self.cnpj_pattern, cnpj) is not None


VERSIONS: Final = (
    TissVersion("4.03.00", "in force"),
    TissVersion("4.02.00", "accepted", wsdl_folder="derived-wsdl"),
    TissVersion("4.01.00", "superseded"),
)
"""Newest first. 4.02.00's WSDLs are 4.03.00's with the version strings replaced (ANS's
4.02.00 WSDLs were not found published; see the folder's SHA256SUMS and shared/tiss)."""

DEFAULT: Final = VERSIONS[0].number
"""The version a profile speaks unless it names another: the version in force."""

_BY_NUMBER: Final = {v.number: v for v in VERSIONS}


def numbers() -> tuple[str, ...]:
    """Every version frontdesk has schemas for, newest first."""
    return tuple(_BY_NUMBER)


def get(number: str) -> TissVersion:
    """The version `number` (`4.03.00`); `UnknownVersion` if frontdesk has no schemas for it."""
    try:
        return _BY_NUMBER[number]
    except KeyError:
        raise UnknownVersion(number) from None


def from_tag(tag: str) -> TissVersion:
    """The version written `4_03_00` or `4.03.00` (a URL's or a file name's spelling)."""
    return get(tag.replace("_", "."))


def version_for_cnpj(number: str, cnpj: str) -> str | None:
    """None when TISS `number` can carry `cnpj` (14 characters, normal form), else the newest
    version that can (4.03.00 for an alphanumeric CNPJ before it). A version frontdesk has
    no schemas for is not judged here (None): it is refused where it is read."""
    try:
        if get(number).carries_cnpj(cnpj):
            return None
    except UnknownVersion:
        return None
    return next((v.number for v in VERSIONS if v.carries_cnpj(cnpj)), None)


@functools.cache
def _wsdl_namespace(number: str, service: str) -> str:
    found = _TARGET_NAMESPACE.search(get(number).wsdl(service).read_bytes())
    if found is None:  # pragma: no cover - every shipped WSDL has one
        raise UnknownVersion(number)
    return found.group(1).decode("ascii")


@functools.cache
def _cnpj_pattern(number: str) -> str:
    version = get(number)
    found = _CNPJ_PATTERN.search(version.folder.joinpath(version.simple_types_xsd).read_bytes())
    if found is None:  # pragma: no cover - every shipped version defines st_CNPJ
        raise UnknownVersion(number)
    return found.group(1).decode("ascii")
