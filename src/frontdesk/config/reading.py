"""The configuration file read: TOML parsed with tomllib and validated into typed objects.

The keys and their types are declared once, in `profile_schema` (msgspec Structs), which
checks each key; this module adds what a type cannot say (an address the desk can use, a
language it speaks, a default that names a profile) and builds the `Config`. Every problem
in the file becomes a `ConfigError` naming the file, the line and the key (`toml_places`
finds them). The file's format is described in `frontdesk.config.profile_editing`,
where callers import these names from.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Final, Literal, TypeVar
from urllib.parse import urlsplit

import msgspec

from frontdesk.config.frozen import Frozen
from frontdesk.config.paths import config_file
from frontdesk.config.setup_errors import ConfigError, ProfileNotFound
from frontdesk.config.toml_places import KeyPath, key_at, key_lines, line_of
from frontdesk.core.i18n import LANGUAGES, Language, t

if TYPE_CHECKING:
    import tomllib

    from frontdesk.config.profile_schema import TomlTable, Words
    from frontdesk.config.tiss_reading import TissProfileData

T = TypeVar("T", bound="TomlTable")
ProfileKind = Literal["contract", "tiss"]
KINDS: Final[tuple[ProfileKind, ...]] = ("contract", "tiss")

PROFILE_ENV = "FRONTDESK_PROFILE"
DEFAULT_CONNECT_TIMEOUT: Final = 3.0
DEFAULT_READ_TIMEOUT: Final = 10.0
MAX_TIMEOUT: Final = 600.0
PROFILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
# An unknown key with one of these words in its name is taken for a secret put in the wrong place.
_SECRET_WORDS: Final = ("key", "token", "secret", "password", "passwd", "senha")


class Profile(Frozen, frozen=True):
    """One operator backend the desk can talk to (its key lives in the keyring, not here).

    `kind` "contract": a token backend of docs/api.md at `url`; "tiss": an operator's TISS
    web services, `url` its URL template and `tiss` the rest (`tiss_reading`).
    """

    _not_compared: ClassVar[frozenset[str]] = frozenset({"tiss"})

    name: str
    url: str
    operator: str | None = None
    ca_bundle: Path | None = None
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
    read_timeout: float = DEFAULT_READ_TIMEOUT
    language: Language | None = None
    theme: str | None = None
    kind: ProfileKind = "contract"
    tiss: TissProfileData | None = None

    @property
    def label(self) -> str:
        """What the screen calls it: the operator's label, else the profile name."""
        return self.operator or self.name


class Config(Frozen, frozen=True):
    """The whole configuration file, validated. A missing file is an empty configuration."""

    _not_compared: ClassVar[frozenset[str]] = frozenset({"lines"})
    _not_shown: ClassVar[frozenset[str]] = frozenset({"lines"})

    path: Path
    exists: bool = False
    default: str | None = None
    language: Language | None = None
    theme: str | None = None
    profiles: tuple[Profile, ...] = ()
    lines: Mapping[KeyPath, int] = msgspec.field(default_factory=dict)

    def get(self, name: str) -> Profile | None:
        for profile in self.profiles:
            if profile.name == name:
                return profile
        return None

    def names(self) -> list[str]:
        return [profile.name for profile in self.profiles]

    def line_of(self, *keypath: str) -> int | None:
        """The line where `keypath` (or its nearest enclosing table) is written."""
        return line_of(self.lines, keypath) if self.exists else None

    def error(self, keypath: KeyPath, problem: str) -> ConfigError:
        """A `ConfigError` about a value of this file found to be wrong after loading."""
        return ConfigError(self.path, problem, line=self.line_of(*keypath), key=".".join(keypath))


# -- reading ---------------------------------------------------------------------------------


def load_config(path: Path | None = None) -> Config:
    """The configuration at `path` (default: `FRONTDESK_CONFIG`, else the user config dir)."""
    path = path or config_file()
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return Config(path=path)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ConfigError(
            path,
            t("setup.config.unreadable", reason=reason),
        ) from None
    return parse_config(data, path)


def parse_config(data: bytes | str, path: Path) -> Config:
    """Validate a configuration's text; `path` is only used in messages."""
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            good = data[: exc.start].decode("utf-8", "replace")
            raise ConfigError(
                path,
                t("setup.config.not_utf8"),
                line=line,
                key=key_at(good + "\n", line),
            ) from None
    else:
        text = data
    # lazy: only when there is a file: the local demonstration's start, without one, never
    # loads the parser.
    import tomllib

    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _syntax_error(exc, text, path) from None
    return _Reader(path, key_lines(text)).config(raw)


_AT_LINE = re.compile(r"\s*\(at line (\d+), column (\d+)\)")
_AT_END = re.compile(r"\s*\(at end of document\)")


def _syntax_error(exc: tomllib.TOMLDecodeError, text: str, path: Path) -> ConfigError:
    message = str(exc)
    line: int | None = getattr(exc, "lineno", None)
    found = _AT_LINE.search(message)
    if found:
        line = int(found.group(1))
    elif _AT_END.search(message):
        line = max(1, len(text.splitlines()))
    problem = _AT_END.sub("", _AT_LINE.sub("", message)).strip()
    return ConfigError(
        path,
        t("setup.config.syntax", problem=problem),
        line=line or 1,
        key=key_at(text, line or 1),
    )


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return t("setup.config.kind.boolean")
    if isinstance(value, int):
        return t("setup.config.kind.integer")
    if isinstance(value, float):
        return t("setup.config.kind.number")
    if isinstance(value, str):
        return t("setup.config.kind.string")
    if isinstance(value, dict):
        return t("setup.config.kind.table")
    if isinstance(value, list):
        return t("setup.config.kind.array")
    return t("setup.config.kind.datetime")


def looks_secret(key: str) -> bool:
    """Whether a key's name says it holds a secret (which never goes in the file)."""
    lowered = key.lower()
    return any(word in lowered for word in _SECRET_WORDS)


def secret_refusal(profile: str | None) -> str:
    """Why a key in the file is refused, and where keys go instead."""
    who = profile or "NOME"
    return t("setup.config.secret_refused", who=who)


_EXPECTED: Final = {
    str: "setup.config.expected.quoted_string",
    float: "setup.config.expected.seconds",
    dict: "setup.config.kind.table",
}


class _Words(msgspec.Struct, frozen=True):
    """How the file's top level and a contract profile say a key's problems."""

    profile: str | None  # None: the top level

    def unknown(self, key: str) -> str:
        if looks_secret(key):
            return secret_refusal(self.profile)
        from frontdesk.config.profile_schema import PROFILE_KEYS, TOP_KEYS

        known = TOP_KEYS if self.profile is None else PROFILE_KEYS
        return t("setup.config.unknown_key", known=", ".join(known))

    def missing(self, key: str) -> str:
        return t("setup.config.url_missing")

    def wrong_type(self, expected: type, value: object) -> str:
        wanted = t(_EXPECTED.get(expected, "setup.config.expected.quoted_string"))
        return t("setup.config.wrong_type", expected=wanted, got=_kind(value))


class _Reader:
    """Turns tomllib's dict into a `Config`, raising at the first problem with its place."""

    def __init__(self, path: Path, lines: dict[KeyPath, int]) -> None:
        self.path = path
        self.lines = lines

    def error(self, keypath: KeyPath, problem: str) -> ConfigError:
        return ConfigError(
            self.path, problem, line=line_of(self.lines, keypath), key=".".join(keypath)
        )

    def table(self, where: KeyPath, raw: Mapping[str, object], table: type[T], words: Words) -> T:
        """`raw` checked against `table` (`profile_schema`), every problem with its place."""
        from frontdesk.config.profile_schema import KeyProblem, check

        try:
            return check(table, raw, words)
        except KeyProblem as problem:
            raise self.error((*where, problem.key), problem.problem) from None

    def language(self, keypath: KeyPath, value: str) -> Language:
        for lang in LANGUAGES:
            if value.strip() == lang:
                return lang
        raise self.error(keypath, t("setup.config.bad_language", got=value.strip()[:20]))

    def url(self, keypath: KeyPath, value: str) -> str:
        text = value.strip()
        problem = _url_problem(text)
        if problem:
            raise self.error(keypath, t(problem))
        return text.rstrip("/")

    def path_of(self, value: str) -> Path:
        """A path of the file; relative ones are relative to the file's folder."""
        path = Path(value.strip()).expanduser()
        return path if path.is_absolute() else (self.path.parent / path)

    def profile(self, name: str, raw: object) -> Profile:
        where: KeyPath = ("profiles", name)
        if not PROFILE_NAME.fullmatch(name):
            raise self.error(where, t("setup.config.bad_profile_name"))
        if not isinstance(raw, dict):
            raise self.error(
                where,
                t(
                    "setup.config.wrong_type",
                    expected=t("setup.config.expected.profile_table"),
                    got=_kind(raw),
                ),
            )
        kind = raw.get("kind", "contract")
        if isinstance(kind, str) and kind.strip() == "tiss":
            from frontdesk.config.tiss_reading import read_tiss_profile

            return read_tiss_profile(self, name, raw)
        if isinstance(kind, str) and kind.strip() not in KINDS:
            raise self.error((*where, "kind"), t("setup.config.bad_kind", got=kind.strip()[:20]))
        from frontdesk.config.profile_schema import ProfileTable

        table = self.table(where, raw, ProfileTable, _Words(name))
        return Profile(
            name=name,
            url=self.url((*where, "url"), table.url),
            operator=_stripped(table.operator),
            ca_bundle=self.path_of(table.ca_bundle) if table.ca_bundle else None,
            connect_timeout=table.connect_timeout,
            read_timeout=table.read_timeout,
            language=self.language((*where, "language"), table.language)
            if table.language
            else None,
            theme=_stripped(table.theme),
        )

    def config(self, raw: dict[str, Any]) -> Config:
        from frontdesk.config.profile_schema import FileTable

        top = self.table((), raw, FileTable, _Words(None))
        profiles = tuple(self.profile(name, value) for name, value in top.profiles.items())
        default = _stripped(top.default)
        if default is not None and default not in {p.name for p in profiles}:
            known = ", ".join(p.name for p in profiles) or t("setup.none")
            raise self.error(
                ("default",), t("setup.config.unknown_default", name=default, known=known)
            )
        return Config(
            path=self.path,
            exists=True,
            default=default,
            language=self.language(("language",), top.language) if top.language else None,
            theme=_stripped(top.theme),
            profiles=profiles,
            lines=self.lines,
        )


def _stripped(text: str | None) -> str | None:
    return None if text is None else text.strip()


def _url_problem(text: str) -> str | None:
    """The catalog key of what is wrong with a backend's address, if anything."""
    try:
        parts = urlsplit(text)
        host = parts.hostname
        parts.port  # noqa: B018 (raises ValueError on a bad port)
    except ValueError:
        return "setup.config.bad_url"
    if parts.scheme not in ("http", "https") or not host:
        return "setup.config.bad_url"
    if parts.username is not None or parts.password is not None:
        return "setup.config.url_credentials"
    if parts.query or parts.fragment:
        return "setup.config.url_query"
    return None


def select_profile(
    config: Config, explicit: str | None = None, environ: Mapping[str, str] | None = None
) -> tuple[Profile | None, str]:
    """The profile to use and why: `--profile`, else FRONTDESK_PROFILE, else `default`.

    Returns `(profile, how)` with `how` one of "--profile", "FRONTDESK_PROFILE", "default",
    "none" (no profile: the embedded local backend). Raises `ProfileNotFound`.
    """
    env = os.environ if environ is None else environ
    for name, how in ((explicit, "--profile"), (env.get(PROFILE_ENV, "").strip(), PROFILE_ENV)):
        if name:
            profile = config.get(name)
            if profile is None:
                raise ProfileNotFound(name, config.path, config.names())
            return profile, how
    if config.default:
        return config.get(config.default), "default"
    return None, "none"


def effective_settings(
    config: Config, profile: Profile | None
) -> tuple[Language | None, str | None]:
    """(language, theme) for `profile`: its own values, else the file's top-level ones."""
    language = (profile.language if profile else None) or config.language
    theme = (profile.theme if profile else None) or config.theme
    return language, theme
