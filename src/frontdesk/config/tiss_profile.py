"""TISS profiles: a `[profiles.NAME]` table with `kind = "tiss"`, read into `TissSettings`.

A small reader of its own until the profile reader (`profiles.py`) learns TISS profiles;
it reads only the named table, with tomllib, and every problem is a `ConfigError` naming
the file, the line and the key. The password never goes in the file: it comes from
FRONTDESK_TISS_PASSWORD (headless use), else the profile's key file or the keyring (the
same store `frontdesk login` uses, `credentials.load_key`).

    [profiles.unimed-tiss]
    kind = "tiss"
    operator = "Unimed Londrina"                                   # optional label
    url = "https://tiss.unimed.example/ws/{operation}/v4.01.00"    # production
    test_url = "https://hml.unimed.example/ws/{operation}/v4.01.00"  # optional
    environment = "production"          # or "test" (uses test_url)
    registro_ans = "123456"             # the operator's ANS registration (6 digits)
    prestador_type = "codigo"           # codigo (code at the operator), cnpj or cpf
    prestador = "000123"                # that code, CNPJ or CPF
    login = "000123"                    # optional: default, the prestador
    cnes = "1234567"                    # optional: the clinic's CNES
    ca_bundle = "/etc/frontdesk/unimed-ca.pem"  # optional: the operator's private CA
    connect_timeout = 5.0               # optional, seconds
    read_timeout = 30.0                 # optional, seconds
    code_length = 6                     # optional: the operator's code length (1–10)

`{operation}` in a URL becomes the WSDL service name (tissVerificaElegibilidade, …);
without it one URL serves every operation.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from frontdesk.config.credentials import load_key
from frontdesk.config.errors import ConfigError, CredentialError, KeyNotFound
from frontdesk.config.paths import config_file, data_dir
from frontdesk.config.toml_places import key_lines
from frontdesk.core.i18n import t
from frontdesk.tiss.settings import TissSettings, TissSettingsError

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

    from frontdesk.tiss.client import TissClient

PASSWORD_ENV: Final = "FRONTDESK_TISS_PASSWORD"  # noqa: S105 (a variable's name)
SEQUENCE_FILE: Final = "tiss-sequence.sqlite3"
TISS_KEYS: Final = (
    "kind",
    "operator",
    "url",
    "test_url",
    "environment",
    "registro_ans",
    "prestador_type",
    "prestador",
    "login",
    "cnes",
    "ca_bundle",
    "connect_timeout",
    "read_timeout",
    "code_length",
)
_TEXT: Final = (
    "operator",
    "url",
    "test_url",
    "environment",
    "registro_ans",
    "prestador_type",
    "prestador",
    "login",
    "cnes",
)
_SECRET_WORDS: Final = ("password", "senha", "secret", "token", "key", "passwd")
# Profile keys -> TissSettings fields, where the names differ.
_FIELD: Final = {"prestador_type": "prestador_kind"}


@dataclass(frozen=True)
class TissProfile:
    """A TISS profile: its name, its settings, and the file it came from."""

    name: str
    settings: TissSettings
    path: Path

    @property
    def label(self) -> str:
        return self.settings.operator or self.name


def load_tiss_profile(name: str, path: Path | None = None) -> TissProfile:
    """The TISS profile `name` of the configuration file (default: the usual one)."""
    path = path or config_file()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            path, t("tiss.config.no_profile", name=name, known=t("tiss.config.none"))
        ) from None
    except (OSError, UnicodeDecodeError) as unreadable:
        reason = getattr(unreadable, "strerror", None) or type(unreadable).__name__
        raise ConfigError(path, t("tiss.config.unreadable", reason=reason)) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as syntax:
        raise ConfigError(path, t("tiss.config.syntax", problem=str(syntax))) from None
    lines = key_lines(text)

    def error(keypath: tuple[str, ...], problem: str) -> ConfigError:
        for depth in range(len(keypath), 0, -1):
            if keypath[:depth] in lines:
                return ConfigError(
                    path, problem, line=lines[keypath[:depth]], key=".".join(keypath)
                )
        return ConfigError(path, problem, key=".".join(keypath))

    profiles = data.get("profiles")
    table = profiles.get(name) if isinstance(profiles, dict) else None
    if not isinstance(table, dict):
        known = sorted(
            key
            for key, value in (profiles or {}).items()
            if isinstance(value, dict) and value.get("kind") == "tiss"
        )
        raise ConfigError(
            path,
            t("tiss.config.no_profile", name=name, known=", ".join(known) or t("tiss.config.none")),
        )
    return TissProfile(name, _settings(name, table, path, error), path)


def _settings(name: str, table: dict[str, Any], path: Path, error: Any) -> TissSettings:
    where = ("profiles", name)
    if table.get("kind") != "tiss":
        raise error((*where, "kind"), t("tiss.config.not_tiss"))
    for key in table:
        if key in TISS_KEYS:
            continue
        if any(word in key.lower() for word in _SECRET_WORDS):
            raise error((*where, key), t("tiss.config.secret", name=name))
        raise error((*where, key), t("tiss.config.unknown_key", known=", ".join(TISS_KEYS)))
    values: dict[str, Any] = {}
    for key in ("url", "registro_ans", "prestador_type", "prestador"):
        if key not in table:
            raise error((*where, key), t("tiss.config.missing", key=key))
    for key in _TEXT:
        if key in table:
            value = table[key]
            if not isinstance(value, str) or not value.strip():
                raise error((*where, key), t("tiss.config.text"))
            values[_FIELD.get(key, key)] = value.strip()
    for key in ("connect_timeout", "read_timeout"):
        if key in table:
            value = table[key]
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise error((*where, key), t("tiss.config.number"))
            values[key] = float(value)
    if "code_length" in table:
        value = table["code_length"]
        if isinstance(value, bool) or not isinstance(value, int):
            raise error((*where, "code_length"), t("tiss.config.integer"))
        values["code_length"] = value
    if "ca_bundle" in table:
        value = table["ca_bundle"]
        if not isinstance(value, str) or not value.strip():
            raise error((*where, "ca_bundle"), t("tiss.config.text"))
        bundle = Path(value.strip()).expanduser()
        values["ca_bundle"] = bundle if bundle.is_absolute() else path.parent / bundle
    try:
        return TissSettings(**values)
    except TissSettingsError as bad:
        key = next((k for k, f in _FIELD.items() if f == bad.setting), bad.setting)
        raise error((*where, key), bad.problem) from None


def tiss_password(profile: str, *, keyring: KeyringBackend | None = None) -> str:
    """The profile's TISS password: FRONTDESK_TISS_PASSWORD, else its key file or `keyring`
    (None: the one the keyring library picks).

    `credentials.load_key` also honours FRONTDESK_API_KEY (before the key file): a shell that
    sets it for another backend should set FRONTDESK_TISS_PASSWORD too.
    """
    given = os.environ.get(PASSWORD_ENV, "")
    if given.strip():
        return given.strip()
    try:
        return load_key(profile, backend=keyring).value
    except KeyNotFound as missing:  # its own words are about API keys: say it for TISS
        why = missing.keyring_problem or t("tiss.password_not_stored")
        raise CredentialError(t("tiss.password_missing", profile=profile, problem=why)) from None


def sequence_path() -> Path:
    """Where sequencialTransacao numbers are kept: `<user data dir>/tiss-sequence.sqlite3`."""
    return data_dir() / SEQUENCE_FILE


def tiss_client(profile: TissProfile, password: str) -> TissClient:
    """A TISS client for `profile` (httpx and lxml load here, not before)."""
    # lazy: the TISS client loads lxml, httpx and the protocol (29 ms, 89 modules after the
    # rest of `frontdesk tiss`); reading a profile and `tiss login` never need them.
    from frontdesk.tiss.client import TissClient
    from frontdesk.tiss.sequence import SequenceFile

    return TissClient(profile.settings, password, sequence=SequenceFile(sequence_path()))
