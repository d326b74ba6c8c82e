"""The configuration file's schema: every key it may hold, declared once, as msgspec Structs.

The readers (`reading`, `tiss_reading`) check each key of a table against its field here
(msgspec: the TOML type, and the constraints written beside it), then build the Struct;
every other list of keys (`PROFILE_KEYS`, `TISS_KEYS`, the counter's, the clinic's…) is
read off these fields, in their order, which is also the order keys are written in.

A field's `Meta(extra={"problem": KEY})` names the catalog text (core/i18n) said when a
value of the right TOML type breaks its constraint (an empty text, a timeout out of range,
a CBO without 6 digits…); a value of another type is said as such by the reader.

A TISS profile, every key written (docs/setup.md says each):

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
    sequence_database = "postgresql://clinic@db.clinic.example/frontdesk"  # one counter of
                                        # sequencialTransacao for every desk (no password)
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

# No `from __future__ import annotations`: msgspec would evaluate every field's annotation
# from its text at import, where real objects cost nothing.
import functools
from collections.abc import Mapping
from typing import Annotated, Any, Final, Literal, Protocol, TypeVar

import msgspec
import msgspec.inspect as schema_types
from msgspec import Meta

from frontdesk.config.reading import DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT, MAX_TIMEOUT
from frontdesk.core.i18n import t

DEFAULT_STATUS_MINUTES: Final = 5.0

Text = Annotated[str, Meta(pattern=r"\S", extra={"problem": "setup.config.empty"})]
"""A quoted string with something in it (readers strip it)."""
Seconds = Annotated[
    float, Meta(gt=0, le=MAX_TIMEOUT, extra={"problem": "setup.config.timeout_range"})
]
TwoDigits = Annotated[str, Meta(pattern=r"^\d{2}$", extra={"problem": "tiss.config.two_digits"})]
Cbo = Annotated[str, Meta(pattern=r"^\d{6}$", extra={"problem": "tiss.config.cbo"})]
CodeChars = Literal["digits", "letters"]
Phones = Annotated[list[Text] | Text, Meta(extra={"problem": "tiss.config.phones"})]
Portal = Annotated[str, Meta(pattern=r"^https?://[^\s/]+", extra={"problem": "tiss.config.portal"})]
Minutes = Annotated[float, Meta(ge=1, le=120, extra={"problem": "tiss.config.minutes"})]


class TomlTable(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, frozen=True):
    """A TOML table: its keys are the fields; any other key is refused (each subclass says
    so again, and `kw_only` and `frozen`: msgspec and mypy do not inherit them)."""


class FileTable(TomlTable, kw_only=True, forbid_unknown_fields=True, frozen=True):
    """The file's top level."""

    default: Text | None = None
    language: Text | None = None
    theme: Text | None = None
    profiles: dict[str, Any] = {}


class ProfileTable(TomlTable, kw_only=True, forbid_unknown_fields=True, frozen=True):
    """`[profiles.NAME]` of a token backend (docs/api.md): `kind = "contract"`, the default.
    Its keys start every profile's table."""

    kind: Text = "contract"
    url: Text
    operator: Text | None = None
    ca_bundle: Text | None = None
    connect_timeout: Seconds = DEFAULT_CONNECT_TIMEOUT
    read_timeout: Seconds = DEFAULT_READ_TIMEOUT
    language: Text | None = None
    theme: Text | None = None


class TissConnectionTable(ProfileTable, kw_only=True, forbid_unknown_fields=True, frozen=True):
    """A TISS profile's keys for the connection itself (what `tiss elegibilidade` needs)."""

    test_url: Text | None = None
    environment: Text | None = None
    registro_ans: Text
    prestador_type: Text
    prestador: Text
    login: Text | None = None
    cnes: Text | None = None
    code_length: int | None = None
    tiss_version: Text | None = None


class TissCounterTable(TissConnectionTable, kw_only=True, forbid_unknown_fields=True, frozen=True):
    """…and how the counter works with the operator."""

    code_chars: Annotated[CodeChars, Meta(extra={"problem": "tiss.config.code_chars"})] = "digits"
    app_name: Text | None = None
    sac_phones: Phones | None = None
    portal: Portal | None = None
    import_folder: Text | None = None
    export_folder: Text | None = None
    status_check_minutes: Minutes = DEFAULT_STATUS_MINUTES
    sequence_database: Text | None = None  # postgresql://… shared by the clinic's desks


class TissTable(TissCounterTable, kw_only=True, forbid_unknown_fields=True, frozen=True):
    """`[profiles.NAME]` with `kind = "tiss"`: …and the clinic's fixed data for a request
    started by hand (TISS codes: council 06 CRM, 08 CRO…; UF 41 Paraná; CBO-S)."""

    clinic_name: Text | None = None  # nomeContratadoSolicitante
    professional_name: Text | None = None
    professional_council: TwoDigits | None = None
    professional_number: Text | None = None
    professional_uf: TwoDigits | None = None
    professional_cbo: Cbo | None = None
    dentist_code: Text | None = None
    dentist_cro: Text | None = None
    dentist_uf: TwoDigits | None = None
    dentist_cbo: Cbo | None = None


def keys(table: type[TomlTable]) -> tuple[str, ...]:
    """A table's keys, in their declared order."""
    return table.__struct_fields__


def keys_added(table: type[TomlTable], base: type[TomlTable]) -> tuple[str, ...]:
    """The keys `table` declares beyond its `base`'s."""
    return keys(table)[len(keys(base)) :]


TOP_KEYS: Final = keys(FileTable)
PROFILE_KEYS: Final = keys(ProfileTable)
TISS_KEYS: Final = keys(TissTable)
"""Every key a TISS profile may hold."""
TISS_ONLY_KEYS: Final = keys_added(TissTable, ProfileTable)
"""The keys only a TISS profile takes."""
COUNTER_KEYS: Final = keys_added(TissTable, TissConnectionTable)
CLINIC_KEYS: Final = keys_added(TissTable, TissCounterTable)
FOLDER_KEYS: Final = ("import_folder", "export_folder")
EDITABLE_KEYS: Final = (*FOLDER_KEYS, *CLINIC_KEYS)
"""What the counter's settings (F10) change in a TISS profile."""


TableT = TypeVar("TableT", bound=TomlTable)


class KeyProblem(Exception):
    """`key` of a table cannot be used: `problem` says why, in the user's language."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"{key}: {problem}")
        self.key = key
        self.problem = problem


class Words(Protocol):
    """How a reader says a key's problems (contract and TISS profiles say them apart)."""

    def unknown(self, key: str) -> str: ...
    def missing(self, key: str) -> str: ...
    def wrong_type(self, expected: type, value: object) -> str:
        """`value` is not of the TOML type `expected` (str, float, int, dict…)."""
        ...


def check(table: type[TableT], raw: Mapping[str, object], words: Words) -> TableT:
    """`raw` (a table as tomllib read it) as `table`, checked key by key in the file's order:
    `KeyProblem` names the first key refused."""
    fields = _fields(table)
    for key, value in raw.items():
        field = fields.get(key)
        if field is None:
            raise KeyProblem(key, words.unknown(key))
        _check_value(key, field.type, value, words)
    for field in fields.values():
        if field.required and field.name not in raw:
            raise KeyProblem(field.name, words.missing(field.name))
    return msgspec.convert(raw, table, strict=True)


@functools.cache
def _fields(table: type[TomlTable]) -> dict[str, msgspec.structs.FieldInfo]:
    return {field.name: field for field in msgspec.structs.fields(table)}


_PYTHON_TYPES: Final[dict[type[schema_types.Type], type]] = {
    schema_types.StrType: str,
    schema_types.FloatType: float,
    schema_types.IntType: int,
    schema_types.DictType: dict,
}


def _check_value(key: str, field_type: Any, value: object, words: Words) -> None:
    try:
        msgspec.convert(value, field_type, strict=True)
    except msgspec.ValidationError:
        expected, problem = _expected(field_type)
        if problem and _is_a(expected, value):
            raise KeyProblem(key, t(problem, max=MAX_TIMEOUT)) from None
        raise KeyProblem(key, words.wrong_type(expected, value)) from None


def _expected(field_type: Any) -> tuple[type, str | None]:
    """The TOML type a field holds (`object` for choices and lists) and its problem text."""
    info = schema_types.type_info(field_type)
    if isinstance(info, schema_types.UnionType):  # X | None: the file never holds a None
        info = next(kind for kind in info.types if not isinstance(kind, schema_types.NoneType))
    problem = None
    if isinstance(info, schema_types.Metadata):
        problem = (info.extra or {}).get("problem")
        info = info.type
    return _PYTHON_TYPES.get(type(info), object), problem


def _is_a(expected: type, value: object) -> bool:
    """Whether `value` is of the TOML type `expected` (an integer is a number of seconds)."""
    if isinstance(value, bool):
        return expected in (bool, object)
    if expected is float:
        return isinstance(value, int | float)
    return isinstance(value, expected)
