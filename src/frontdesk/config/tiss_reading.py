"""A `[profiles.NAME]` table with `kind = "tiss"`, read into a `Profile` with its TISS part.

Called by the profile reader (`reading`) for TISS profiles, so one file holds contract and
TISS profiles side by side and every problem names the file, the line and the key. The keys
are `profile_schema.TissTable`'s (an example there; docs/setup.md says each). The connection's
settings are checked by `frontdesk.tiss.tiss_settings`, which loads only when a file has a TISS
profile.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal, Protocol

from frontdesk.config.profile_schema import (
    CLINIC_KEYS,
    COUNTER_KEYS,
    DEFAULT_STATUS_MINUTES,
    EDITABLE_KEYS,
    FOLDER_KEYS,
    TISS_KEYS,
    CodeChars,
    TissConnectionTable,
    TissTable,
    Words,
    keys,
)
from frontdesk.config.reading import looks_secret
from frontdesk.config.setup_errors import ConfigError
from frontdesk.config.toml_places import KeyPath
from frontdesk.core.i18n import Language, t

if TYPE_CHECKING:
    from collections.abc import Mapping

    from frontdesk.config.profile_schema import TableT
    from frontdesk.config.reading import Profile
    from frontdesk.tiss.tiss_settings import TissSettings

__all__ = [
    "CLINIC_KEYS",
    "COUNTER_KEYS",
    "DEFAULT_STATUS_MINUTES",
    "EDITABLE_KEYS",
    "FOLDER_KEYS",
    "TISS_KEYS",
    "Clinic",
    "CounterSettings",
    "TissProfileData",
    "read_tiss_profile",
]

_SETTING: Final = {  # profile key -> TissSettings field, where they differ
    "prestador_type": "prestador_kind",
    "tiss_version": "version",
}
_SETTINGS_KEYS: Final = tuple(
    key for key in keys(TissConnectionTable) if key not in ("kind", "language", "theme")
)
"""The keys `TissSettings` takes (the others are the counter's, the kind and the looks)."""
_TYPE_PROBLEM: Final = {float: "tiss.config.number", int: "tiss.config.integer"}


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
    def language(self, keypath: KeyPath, value: str) -> Language: ...
    def path_of(self, value: str) -> Path: ...
    def table(
        self, where: KeyPath, raw: Mapping[str, object], table: type[TableT], words: Words
    ) -> TableT: ...


@dataclass(frozen=True)
class _Words:
    """How a TISS profile says a key's problems."""

    profile: str

    def unknown(self, key: str) -> str:
        if looks_secret(key):
            return t("tiss.config.secret", name=self.profile)
        return t("tiss.config.unknown_key", known=", ".join(TISS_KEYS))

    def missing(self, key: str) -> str:
        return t("tiss.config.missing", key=key)

    def wrong_type(self, expected: type, value: object) -> str:
        return t(_TYPE_PROBLEM.get(expected, "tiss.config.text"))


def read_tiss_profile(reader: Reader, name: str, raw: Mapping[str, object]) -> Profile:
    """The TISS profile `name` (its table `raw`), checked key by key."""
    from frontdesk.config.reading import Profile

    where: KeyPath = ("profiles", name)
    table = reader.table(where, raw, TissTable, _Words(name))
    settings = _settings(reader, where, table, raw)
    return Profile(
        name=name,
        url=settings.template,
        operator=settings.operator,
        ca_bundle=settings.ca_bundle,
        connect_timeout=settings.connect_timeout,
        read_timeout=settings.read_timeout,
        language=reader.language((*where, "language"), table.language) if table.language else None,
        theme=_stripped(table.theme),
        kind="tiss",
        tiss=TissProfileData(settings, _counter(reader, where, table)),
    )


def _settings(
    reader: Reader, where: KeyPath, table: TissTable, raw: Mapping[str, object]
) -> TissSettings:
    """The connection's settings: the keys written (TissSettings has its own defaults)."""
    from frontdesk.tiss.tiss_settings import CnpjVersionError, TissSettings, TissSettingsError

    values: dict[str, Any] = {
        _SETTING.get(key, key): _value(reader, key, getattr(table, key))
        for key in _SETTINGS_KEYS
        if key in raw
    }
    if "version" in values:
        _check_version(reader, (*where, "tiss_version"), values["version"])
    try:
        return TissSettings(**values)
    except TissSettingsError as bad:
        key = next((k for k, f in _SETTING.items() if f == bad.setting), bad.setting)
        problem = bad.problem_for(where[-1]) if isinstance(bad, CnpjVersionError) else bad.problem
        raise reader.error((*where, key), problem) from None


def _value(reader: Reader, key: str, value: object) -> Any:
    """A setting's value as TissSettings takes it: texts stripped, the CA bundle a path."""
    if key == "ca_bundle" and isinstance(value, str):
        return reader.path_of(value)
    return value.strip() if isinstance(value, str) else value


def _check_version(reader: Reader, keypath: KeyPath, version: str) -> None:
    """A version frontdesk has schemas for; else the known ones, newest first."""
    from frontdesk.tiss import versions

    if version not in versions.numbers():
        known = ", ".join(versions.numbers())
        raise reader.error(keypath, t("tiss.config.version", version=version, known=known))


def _stripped(text: str | None) -> str | None:
    return None if text is None else text.strip()


def _counter(reader: Reader, where: KeyPath, table: TissTable) -> CounterSettings:
    phones = [table.sac_phones] if isinstance(table.sac_phones, str) else table.sac_phones or []
    clinic = Clinic(
        name=_stripped(table.clinic_name),
        **{key: _stripped(getattr(table, key)) for key in CLINIC_KEYS if key != "clinic_name"},
    )
    return CounterSettings(
        code_chars=table.code_chars,
        app_name=_stripped(table.app_name),
        sac_phones=tuple(phone.strip() for phone in phones),
        portal=_stripped(table.portal),
        import_folder=reader.path_of(table.import_folder) if table.import_folder else None,
        export_folder=reader.path_of(table.export_folder) if table.export_folder else None,
        status_check_minutes=float(table.status_check_minutes),
        sequence_database=_sequence_database(reader, where, table.sequence_database),
        clinic=clinic,
    )


def _sequence_database(reader: Reader, where: KeyPath, url: str | None) -> str | None:
    """A `postgresql://` URL without a password (PGPASSWORD or ~/.pgpass gives it)."""
    if url is None:
        return None
    from frontdesk.backend.database import POSTGRESQL, DatabaseUrlError, parse_database_url

    keypath = (*where, "sequence_database")
    try:
        database = parse_database_url(url.strip())
    except DatabaseUrlError as error:
        if error.reason == "password_in_url":
            raise reader.error(keypath, t("tiss.config.sequence_password")) from None
        database = None
    if database is None or database.kind != POSTGRESQL:
        raise reader.error(keypath, t("tiss.config.sequence_database"))
    return database.url
