"""A TISS connection's settings, typed and checked: where, who, how long to wait.

Pure values: the configuration layer reads them from a profile (`config/tiss_profile.py`)
and the password comes separately (keyring, key file or FRONTDESK_TISS_PASSWORD), never
through here. A bad value raises `TissSettingsError` naming the setting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal
from urllib.parse import urlsplit

from frontdesk.core import cnpj
from frontdesk.core.i18n import t
from frontdesk.core.net import is_loopback
from frontdesk.tiss import versions
from frontdesk.tiss.models import MAX_CODE_LENGTH, Prestador, PrestadorKind
from frontdesk.tiss.versions import version_for_cnpj

Environment = Literal["production", "test"]
PRESTADOR_KINDS: Final = ("codigo", "cnpj", "cpf")
PLACEHOLDER: Final = "{operation}"
VERSION_PLACEHOLDER: Final = "{version}"
"""Stands for the version as operators write it in URLs and file names: `4_03_00`."""
_PLACEHOLDERS = re.compile(r"\{[^}]*\}")
MAX_TIMEOUT: Final = 600.0


class TissSettingsError(ValueError):
    """A setting that cannot be used; `setting` names it (the profile key)."""

    def __init__(self, setting: str, problem: str) -> None:
        self.setting = setting
        self.problem = problem
        super().__init__(f"{setting}: {problem}")


class CnpjVersionError(TissSettingsError):
    """An alphanumeric CNPJ in a profile whose TISS version cannot carry it (before 4.03.00).

    Said in the user's language, with the command that fixes it (`problem_for(profile)`).
    """

    def __init__(self, version: str, needed: str) -> None:
        self.version = version
        self.needed = needed
        super().__init__("prestador", self.problem_for(t("tiss.cnpj.profile")))

    def problem_for(self, profile: str) -> str:
        """The problem, with the command for the profile named `profile`."""
        return t("tiss.cnpj.version", version=self.version, needed=self.needed, profile=profile)


def _filled(template: str, operation: str, version: str) -> str:
    return template.replace(PLACEHOLDER, operation).replace(VERSION_PLACEHOLDER, version)


def check_url(url: str, setting: str = "url") -> str:
    """A URL template: http(s), a host, only the `{operation}` and `{version}` placeholders,
    no credentials.

    Plain http only to this machine (the local operator); an operator is always https.
    """
    bare = url.replace(PLACEHOLDER, "").replace(VERSION_PLACEHOLDER, "")
    if _PLACEHOLDERS.sub("", bare) != bare:
        raise TissSettingsError(
            setting, f"the only placeholders allowed are {PLACEHOLDER} and {VERSION_PLACEHOLDER}"
        )
    try:
        parts = urlsplit(_filled(url, "x", "x"))
        host = parts.hostname
        parts.port  # noqa: B018 (raises ValueError on a bad port)
    except ValueError:
        host = None
        parts = urlsplit("")
    if parts.scheme not in ("http", "https") or not host:
        raise TissSettingsError(setting, "must be an https:// address with a host")
    if parts.username is not None or parts.password is not None:
        raise TissSettingsError(setting, "must not carry a user or password")
    if parts.scheme == "http" and not is_loopback(host):
        raise TissSettingsError(setting, "must be https:// (plain http only to this machine)")
    return url


@dataclass(frozen=True)
class TissSettings:
    """Where an operator's TISS web services are and how frontdesk identifies itself there.

    `url` (production) and `test_url` are templates: `{operation}` becomes the WSDL service
    name (`tissVerificaElegibilidade`, …), without it one URL serves every operation;
    `{version}` becomes the version as operators write it (`4_03_00`). `version` is the TISS
    version every message goes out in (its `Padrao` and its schemas).
    """

    url: str
    registro_ans: str  # the operator's registration at ANS: the messages' destino
    prestador_kind: PrestadorKind  # how the operator knows the clinic: codigo, cnpj or cpf
    prestador: str  # the code at the operator, or the CNPJ or CPF: the messages' origem
    login: str | None = None  # loginPrestador (default: the prestador's code)
    test_url: str | None = None
    environment: Environment = "production"
    operator: str | None = None  # a label for messages
    cnes: str | None = None  # the clinic's CNES (7 digits), for SP/SADT requests
    ca_bundle: Path | None = None  # PEM with the operator's CA, when it is private
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    code_length: int | None = None  # the operator's codValidacao length (1–10), if fixed
    retries: int = 2  # extra tries of a read-only call (eligibility, status)
    version: str = versions.DEFAULT

    def __post_init__(self) -> None:
        try:
            versions.get(self.version)
        except versions.UnknownVersion:
            known = ", ".join(versions.numbers())
            raise TissSettingsError("version", f"no TISS {self.version}; known: {known}") from None
        check_url(self.url, "url")
        if self.test_url is not None:
            check_url(self.test_url, "test_url")
        if self.environment not in ("production", "test"):
            raise TissSettingsError("environment", 'must be "production" or "test"')
        if self.environment == "test" and self.test_url is None:
            raise TissSettingsError("test_url", 'environment = "test" needs a test_url')
        if not re.fullmatch(r"\d{6}", self.registro_ans):
            raise TissSettingsError("registro_ans", "must be the operator's 6-digit ANS number")
        if self.prestador_kind not in PRESTADOR_KINDS:
            raise TissSettingsError("prestador_type", "must be codigo, cnpj or cpf")
        self._check_cnpj()
        try:
            Prestador(self.prestador_kind, self.prestador)
        except ValueError as error:
            raise TissSettingsError("prestador", str(error)) from None
        login = self.effective_login
        if not 1 <= len(login) <= 20:
            raise TissSettingsError("login", "must have 1–20 characters")
        if self.cnes is not None and not re.fullmatch(r"\d{7}", self.cnes):
            raise TissSettingsError("cnes", "must be the 7-digit CNES")
        for name in ("connect_timeout", "read_timeout"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise TissSettingsError(name, "must be a number of seconds")
            if not 0 < value <= MAX_TIMEOUT:
                raise TissSettingsError(name, f"must be between 0 and {MAX_TIMEOUT:g} seconds")
        if self.code_length is not None and not 1 <= self.code_length <= MAX_CODE_LENGTH:
            raise TissSettingsError("code_length", f"must be 1–{MAX_CODE_LENGTH}")
        if not 0 <= self.retries <= 5:
            raise TissSettingsError("retries", "must be 0–5")

    def _check_cnpj(self) -> None:
        """A CNPJ prestador in its normal form (punctuation and lower case are accepted),
        and one this profile's TISS version can carry."""
        if self.prestador_kind != "cnpj":
            return
        try:
            value = cnpj.parse(self.prestador)
        except cnpj.CnpjError as wrong:
            raise TissSettingsError("prestador", str(wrong)) from None
        object.__setattr__(self, "prestador", value)
        needed = version_for_cnpj(self.version, value)
        if needed is not None:
            raise CnpjVersionError(self.version, needed)

    @property
    def effective_login(self) -> str:
        return self.login if self.login is not None else self.prestador

    @property
    def identity(self) -> Prestador:
        """The clinic as the operator knows it."""
        return Prestador(self.prestador_kind, self.prestador)

    @property
    def template(self) -> str:
        """The URL template of the chosen environment."""
        if self.environment == "test":
            assert self.test_url is not None
            return self.test_url
        return self.url

    def url_for(self, service: str) -> str:
        """The URL of one operation (`service`: the WSDL service name) in this version."""
        return _filled(self.template, service, versions.get(self.version).tag)
