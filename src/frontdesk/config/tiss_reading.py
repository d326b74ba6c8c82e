"""A `[profiles.NAME]` table with `kind = "tiss"`, read into a `Profile` with its TISS part.

Called by the profile reader (`reading`) for TISS profiles, so one file holds contract and
TISS profiles side by side and every problem names the file, the line and the key.
`frontdesk.tiss.tiss_settings` loads only when a file has a TISS profile. The keys:

    [profiles.unimed-tiss]
    kind = "tiss"
    operator = "Unimed Londrina"                                   # label (optional)
    url = "https://tiss.unimed.example/ws/{operation}V{version}.apw"  # production (required)
    test_url = "https://hml.unimed.example/ws/{operation}V{version}.apw"  # optional
    tiss_version = "4.03.00"            # optional: the default, the version in force
    environment = "production"          # or "test" (uses test_url)
    registro_ans = "123456"             # the operator's ANS registration (required)
    prestador_type = "codigo"           # codigo, cnpj or cpf (required)
    prestador = "000123"                # that code, CNPJ or CPF (required); a CNPJ may have
                                        # letters (12.ABC.345/01DE-35) from TISS 4.03.00
    login = "000123"                    # optional: default, the prestador
    cnes = "1234567"                    # the clinic's CNES (optional)
    ca_bundle = "/etc/frontdesk/unimed-ca.pem"  # optional
    connect_timeout = 5.0               # optional, seconds
    read_timeout = 30.0                 # optional, seconds
    code_length = 6                     # optional: the operator's code length (1–10)
    # the counter (all optional):
    code_chars = "digits"               # or "letters": codes with letters and digits
    app_name = "Unimed Cliente"         # the operator's app, where "Gerar token" is
    sac_phones = ["0800 123 4567"]      # the operator's SAC
    portal = "https://beneficiario.unimed.example"  # where the operator sends SMS from
    import_folder = "/srv/clinica/tiss/saida"       # the practice system's exports
    export_folder = "/srv/clinica/tiss/retorno"     # guides written back with the token
    status_check_minutes = 5            # background status check of guides EM ANÁLISE
    clinic_name = "Clínica Sorriso"     # nomeContratadoSolicitante (guides started by hand)
    professional_name = "Dra. Helena Prado"
    professional_council = "06"         # conselho (TISS domain: 06 CRM, 08 CRO …)
    professional_number = "123456"
    professional_uf = "41"              # UF as TISS codes it (41 Paraná)
    professional_cbo = "225125"         # CBO-S
    dentist_code = "D0042"              # the dentist's code at the operator (odonto)
    dentist_cro = "12345"
    dentist_uf = "41"
    dentist_cbo = "223208"
    language = "pt"
    theme = "textual-dark"
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal, Protocol

from frontdesk.config.reading import looks_secret
from frontdesk.config.setup_errors import ConfigError
from frontdesk.config.toml_places import KeyPath
from frontdesk.core.i18n import Language, t

if TYPE_CHECKING:
    from frontdesk.config.reading import Profile
    from frontdesk.tiss.tiss_settings import TissSettings

CodeChars = Literal["digits", "letters"]

SETTINGS_KEYS: Final = (
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
    "tiss_version",
)
"""The keys of the TISS connection itself (what `frontdesk tiss elegibilidade` needs)."""
CLINIC_KEYS: Final = (
    "clinic_name",
    "professional_name",
    "professional_council",
    "professional_number",
    "professional_uf",
    "professional_cbo",
    "dentist_code",
    "dentist_cro",
    "dentist_uf",
    "dentist_cbo",
)
COUNTER_KEYS: Final = (
    "code_chars",
    "app_name",
    "sac_phones",
    "portal",
    "import_folder",
    "export_folder",
    "status_check_minutes",
    "sequence_database",
    *CLINIC_KEYS,
)
TISS_KEYS: Final = (*SETTINGS_KEYS, *COUNTER_KEYS, "language", "theme")
"""Every key a TISS profile may hold."""
FOLDER_KEYS: Final = ("import_folder", "export_folder")
EDITABLE_KEYS: Final = (*FOLDER_KEYS, *CLINIC_KEYS)
"""What the counter's settings (F10) change in a TISS profile."""

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
    "tiss_version",
)
_COUNTER_TEXT: Final = ("app_name", "portal", *CLINIC_KEYS)
_FIELD: Final = {  # profile key -> TissSettings field
    "prestador_type": "prestador_kind",
    "tiss_version": "version",
}
_PATTERNS: Final = {
    "professional_council": (r"\d{2}", "tiss.config.two_digits"),
    "professional_uf": (r"\d{2}", "tiss.config.two_digits"),
    "dentist_uf": (r"\d{2}", "tiss.config.two_digits"),
    "professional_cbo": (r"\d{6}", "tiss.config.cbo"),
    "dentist_cbo": (r"\d{6}", "tiss.config.cbo"),
}
DEFAULT_STATUS_MINUTES: Final = 5.0


@dataclass(frozen=True)
class Clinic:
    """The clinic's fixed data for a request started by hand (SP/SADT or odonto)."""

    name: str | None = None  # nomeContratadoSolicitante
    professional_name: str | None = None
    professional_council: str | None = None  # conselhoProfissional: 06 CRM, 08 CRO …
    professional_number: str | None = None
    professional_uf: str | None = None
    professional_cbo: str | None = None
    dentist_code: str | None = None
    dentist_cro: str | None = None
    dentist_uf: str | None = None
    dentist_cbo: str | None = None

    def missing_for(self, kind: Literal["sp_sadt", "odonto"]) -> tuple[str, ...]:
        """The profile keys a request of `kind` started by hand still needs."""
        needed: tuple[str, ...]
        if kind == "sp_sadt":
            needed = ("clinic_name", "professional_council", "professional_number")
            needed += ("professional_uf", "professional_cbo")
        else:
            needed = ("dentist_code", "dentist_cro", "dentist_uf")
        values = {
            "clinic_name": self.name,
            **{key: getattr(self, key) for key in CLINIC_KEYS if key != "clinic_name"},
        }
        return tuple(key for key in needed if not values.get(key))


@dataclass(frozen=True)
class CounterSettings:
    """How the counter works with this operator: where the patient gets the code, where the
    practice system's guides come from and go back to, the clinic's fixed data."""

    code_chars: CodeChars = "digits"
    app_name: str | None = None
    sac_phones: tuple[str, ...] = ()
    portal: str | None = None
    import_folder: Path | None = None
    export_folder: Path | None = None
    status_check_minutes: float = DEFAULT_STATUS_MINUTES
    clinic: Clinic = field(default_factory=Clinic)
    # A PostgreSQL URL: every desk of the clinic draws sequencialTransacao from one counter
    # there; None: a file on this machine (tiss/sequence.py).
    sequence_database: str | None = None


@dataclass(frozen=True)
class TissProfileData:
    """A TISS profile's own part: the connection's settings and the counter's."""

    settings: TissSettings
    counter: CounterSettings = field(default_factory=CounterSettings)


class Reader(Protocol):
    """What this module needs of the profile reader (`reading._Reader`)."""

    path: Path

    def error(self, keypath: KeyPath, problem: str) -> ConfigError: ...
    def language(self, keypath: KeyPath, value: object) -> Language: ...
    def text(self, keypath: KeyPath, value: object) -> str: ...


def read_tiss_profile(reader: Reader, name: str, raw: dict[str, Any]) -> Profile:
    """The TISS profile `name` (its table `raw`), checked key by key."""
    from frontdesk.config.reading import Profile
    from frontdesk.tiss.tiss_settings import CnpjVersionError, TissSettings, TissSettingsError

    where: KeyPath = ("profiles", name)
    for key in raw:
        if key in TISS_KEYS:
            continue
        if looks_secret(key):
            raise reader.error((*where, key), t("tiss.config.secret", name=name))
        raise reader.error((*where, key), t("tiss.config.unknown_key", known=", ".join(TISS_KEYS)))
    for key in ("url", "registro_ans", "prestador_type", "prestador"):
        if key not in raw:
            raise reader.error((*where, key), t("tiss.config.missing", key=key))
    values: dict[str, Any] = {}
    for key in _TEXT:
        if key in raw:
            values[_FIELD.get(key, key)] = _text(reader, (*where, key), raw[key])
    for key in ("connect_timeout", "read_timeout"):
        if key in raw:
            value = raw[key]
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise reader.error((*where, key), t("tiss.config.number"))
            values[key] = float(value)
    if "code_length" in raw:
        value = raw["code_length"]
        if isinstance(value, bool) or not isinstance(value, int):
            raise reader.error((*where, "code_length"), t("tiss.config.integer"))
        values["code_length"] = value
    if "ca_bundle" in raw:
        values["ca_bundle"] = _path(reader, (*where, "ca_bundle"), raw["ca_bundle"])
    if "version" in values:
        _check_version(reader, (*where, "tiss_version"), values["version"])
    try:
        settings = TissSettings(**values)
    except TissSettingsError as bad:
        key = next((k for k, f in _FIELD.items() if f == bad.setting), bad.setting)
        problem = bad.problem_for(name) if isinstance(bad, CnpjVersionError) else bad.problem
        raise reader.error((*where, key), problem) from None
    counter = _counter(reader, where, raw)
    return Profile(
        name=name,
        url=settings.template,
        operator=settings.operator,
        ca_bundle=settings.ca_bundle,
        connect_timeout=settings.connect_timeout,
        read_timeout=settings.read_timeout,
        language=reader.language((*where, "language"), raw["language"])
        if "language" in raw
        else None,
        theme=reader.text((*where, "theme"), raw["theme"]) if "theme" in raw else None,
        kind="tiss",
        tiss=TissProfileData(settings, counter),
    )


def _check_version(reader: Reader, keypath: KeyPath, version: str) -> None:
    """A version frontdesk has schemas for; else the known ones, newest first."""
    from frontdesk.tiss import versions

    if version not in versions.numbers():
        known = ", ".join(versions.numbers())
        raise reader.error(keypath, t("tiss.config.version", version=version, known=known))


def _text(reader: Reader, keypath: KeyPath, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise reader.error(keypath, t("tiss.config.text"))
    return value.strip()


def _path(reader: Reader, keypath: KeyPath, value: object) -> Path:
    """A path; relative ones are relative to the configuration file's folder."""
    path = Path(_text(reader, keypath, value)).expanduser()
    return path if path.is_absolute() else reader.path.parent / path


def _counter(reader: Reader, where: KeyPath, raw: dict[str, Any]) -> CounterSettings:
    values: dict[str, Any] = {}
    texts = {key: _text(reader, (*where, key), raw[key]) for key in _COUNTER_TEXT if key in raw}
    for key, (pattern, message) in _PATTERNS.items():
        if key in texts and not re.fullmatch(pattern, texts[key]):
            raise reader.error((*where, key), t(message))
    if "code_chars" in raw:
        chars = _text(reader, (*where, "code_chars"), raw["code_chars"])
        if chars not in ("digits", "letters"):
            raise reader.error((*where, "code_chars"), t("tiss.config.code_chars"))
        values["code_chars"] = chars
    if "sac_phones" in raw:
        phones = raw["sac_phones"]
        if isinstance(phones, str):
            phones = [phones]
        if not isinstance(phones, list) or not all(
            isinstance(p, str) and p.strip() for p in phones
        ):
            raise reader.error((*where, "sac_phones"), t("tiss.config.phones"))
        values["sac_phones"] = tuple(p.strip() for p in phones)
    if "portal" in texts:
        portal = texts["portal"]
        if not re.match(r"https?://[^\s/]+", portal):
            raise reader.error((*where, "portal"), t("tiss.config.portal"))
        values["portal"] = portal
    if "app_name" in texts:
        values["app_name"] = texts["app_name"]
    for key in FOLDER_KEYS:
        if key in raw:
            values[key] = _path(reader, (*where, key), raw[key])
    if "status_check_minutes" in raw:
        minutes = raw["status_check_minutes"]
        if isinstance(minutes, bool) or not isinstance(minutes, int | float):
            raise reader.error((*where, "status_check_minutes"), t("tiss.config.number"))
        if not 1 <= minutes <= 120:
            raise reader.error((*where, "status_check_minutes"), t("tiss.config.minutes"))
        values["status_check_minutes"] = float(minutes)
    if "sequence_database" in raw:
        values["sequence_database"] = _sequence_database(reader, where, raw["sequence_database"])
    clinic = Clinic(
        name=texts.get("clinic_name"),
        **{key: texts.get(key) for key in CLINIC_KEYS if key != "clinic_name"},
    )
    return CounterSettings(clinic=clinic, **values)


def _sequence_database(reader: Reader, where: KeyPath, value: object) -> str:
    """A `postgresql://` URL without a password (PGPASSWORD or ~/.pgpass gives it)."""
    from frontdesk.backend.database import POSTGRESQL, DatabaseUrlError, parse_database_url

    keypath = (*where, "sequence_database")
    url = _text(reader, keypath, value)
    try:
        database = parse_database_url(url)
    except DatabaseUrlError as error:
        if error.reason == "password_in_url":
            raise reader.error(keypath, t("tiss.config.sequence_password")) from None
        database = None
    if database is None or database.kind != POSTGRESQL:
        raise reader.error(keypath, t("tiss.config.sequence_database"))
    return database.url
