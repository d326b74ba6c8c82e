"""The configuration file read: TOML parsed with tomllib and validated into typed objects.

Every problem in the file becomes a `ConfigError` naming the file, the line and the key
(`toml_places` finds them). The file's format is described in `frontdesk.config.profile_editing`,
where callers import these names from.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal
from urllib.parse import urlsplit

from frontdesk.config.paths import config_file
from frontdesk.config.setup_errors import ConfigError, ProfileNotFound
from frontdesk.config.toml_places import KeyPath, key_at, key_lines, line_of
from frontdesk.core.i18n import LANGUAGES, Language, t

if TYPE_CHECKING:
    import tomllib

    from frontdesk.config.tiss_reading import TissProfileData

ProfileKind = Literal["contract", "tiss"]
KINDS: Final[tuple[ProfileKind, ...]] = ("contract", "tiss")

PROFILE_ENV = "FRONTDESK_PROFILE"
DEFAULT_CONNECT_TIMEOUT: Final = 3.0
DEFAULT_READ_TIMEOUT: Final = 10.0
MAX_TIMEOUT: Final = 600.0
PROFILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
TOP_KEYS: Final = ("default", "language", "theme", "profiles")
PROFILE_KEYS: Final = (
    "kind",
    "url",
    "operator",
    "ca_bundle",
    "connect_timeout",
    "read_timeout",
    "language",
    "theme",
)
# An unknown key with one of these words in its name is taken for a secret put in the wrong place.
_SECRET_WORDS: Final = ("key", "token", "secret", "password", "passwd", "senha")


@dataclass(frozen=True)
class Profile:
    """One operator backend the desk can talk to (its key lives in the keyring, not here).

    `kind` "contract": a token backend of docs/api.md at `url`; "tiss": an operator's TISS
    web services, `url` its URL template and `tiss` the rest (`tiss_reading`).
    """

    name: str
    url: str
    operator: str | None = None
    ca_bundle: Path | None = None
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
    read_timeout: float = DEFAULT_READ_TIMEOUT
    language: Language | None = None
    theme: str | None = None
    kind: ProfileKind = "contract"
    tiss: TissProfileData | None = field(default=None, compare=False)

    @property
    def label(self) -> str:
        """What the screen calls it: the operator's label, else the profile name."""
        return self.operator or self.name


@dataclass(frozen=True)
class Config:
    """The whole configuration file, validated. A missing file is an empty configuration."""

    path: Path
    exists: bool = False
    default: str | None = None
    language: Language | None = None
    theme: str | None = None
    profiles: tuple[Profile, ...] = ()
    lines: Mapping[KeyPath, int] = field(default_factory=dict, compare=False, repr=False)

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
    # loads the parser (1.4 ms, 4 modules after Textual).
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


class _Reader:
    """Turns tomllib's dict into a `Config`, raising at the first problem with its place."""

    def __init__(self, path: Path, lines: dict[KeyPath, int]) -> None:
        self.path = path
        self.lines = lines

    def error(self, keypath: KeyPath, problem: str) -> ConfigError:
        return ConfigError(
            self.path, problem, line=line_of(self.lines, keypath), key=".".join(keypath)
        )

    def _unknown(self, keypath: KeyPath, known: Iterable[str], profile: str | None) -> None:
        if looks_secret(keypath[-1]):
            raise self.error(keypath, secret_refusal(profile))
        raise self.error(
            keypath,
            t("setup.config.unknown_key", known=", ".join(known)),
        )

    def _wrong(self, keypath: KeyPath, expected: str, value: object) -> ConfigError:
        return self.error(
            keypath,
            t("setup.config.wrong_type", expected=expected, got=_kind(value)),
        )

    def text(self, keypath: KeyPath, value: object) -> str:
        if not isinstance(value, str):
            raise self._wrong(keypath, t("setup.config.expected.quoted_string"), value)
        if not value.strip():
            raise self.error(keypath, t("setup.config.empty"))
        return value.strip()

    def language(self, keypath: KeyPath, value: object) -> Language:
        text = self.text(keypath, value)
        for lang in LANGUAGES:
            if text == lang:
                return lang
        raise self.error(
            keypath,
            t("setup.config.bad_language", got=text[:20]),
        )

    def timeout(self, keypath: KeyPath, value: object) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self._wrong(keypath, t("setup.config.expected.seconds"), value)
        seconds = float(value)
        if not 0 < seconds <= MAX_TIMEOUT:
            raise self.error(
                keypath,
                t("setup.config.timeout_range", max=MAX_TIMEOUT),
            )
        return seconds

    def url(self, keypath: KeyPath, value: object) -> str:
        text = self.text(keypath, value)
        try:
            parts = urlsplit(text)
            host = parts.hostname
            parts.port  # noqa: B018 (raises ValueError on a bad port)
        except ValueError:
            host = None
            parts = urlsplit("")
        if parts.scheme not in ("http", "https") or not host:
            raise self.error(
                keypath,
                t("setup.config.bad_url"),
            )
        if parts.username is not None or parts.password is not None:
            raise self.error(
                keypath,
                t("setup.config.url_credentials"),
            )
        if parts.query or parts.fragment:
            raise self.error(
                keypath,
                t("setup.config.url_query"),
            )
        return text.rstrip("/")

    def ca_bundle(self, keypath: KeyPath, value: object) -> Path:
        path = Path(self.text(keypath, value)).expanduser()
        return path if path.is_absolute() else (self.path.parent / path)

    def profile(self, name: str, raw: object) -> Profile:
        where: KeyPath = ("profiles", name)
        if not PROFILE_NAME.fullmatch(name):
            raise self.error(
                where,
                t("setup.config.bad_profile_name"),
            )
        if not isinstance(raw, dict):
            raise self._wrong(where, t("setup.config.expected.profile_table"), raw)
        if "kind" in raw:
            kind = self.text((*where, "kind"), raw["kind"])
            if kind not in KINDS:
                raise self.error((*where, "kind"), t("setup.config.bad_kind", got=kind[:20]))
            if kind == "tiss":
                from frontdesk.config.tiss_reading import read_tiss_profile

                return read_tiss_profile(self, name, raw)
        for key in raw:
            if key not in PROFILE_KEYS:
                self._unknown((*where, key), PROFILE_KEYS, name)
        if "url" not in raw:
            raise self.error(
                (*where, "url"),
                t("setup.config.url_missing"),
            )
        values: dict[str, Any] = {"name": name, "url": self.url((*where, "url"), raw["url"])}
        if "operator" in raw:
            values["operator"] = self.text((*where, "operator"), raw["operator"])
        if "ca_bundle" in raw:
            values["ca_bundle"] = self.ca_bundle((*where, "ca_bundle"), raw["ca_bundle"])
        for key in ("connect_timeout", "read_timeout"):
            if key in raw:
                values[key] = self.timeout((*where, key), raw[key])
        if "language" in raw:
            values["language"] = self.language((*where, "language"), raw["language"])
        if "theme" in raw:
            values["theme"] = self.text((*where, "theme"), raw["theme"])
        return Profile(**values)

    def config(self, raw: dict[str, Any]) -> Config:
        for key in raw:
            if key not in TOP_KEYS:
                self._unknown((key,), TOP_KEYS, None)
        profiles: list[Profile] = []
        if "profiles" in raw:
            table = raw["profiles"]
            if not isinstance(table, dict):
                raise self._wrong(("profiles",), t("setup.config.kind.table"), table)
            profiles = [self.profile(name, value) for name, value in table.items()]
        default: str | None = None
        if "default" in raw:
            default = self.text(("default",), raw["default"])
            if default not in {p.name for p in profiles}:
                known = ", ".join(p.name for p in profiles) or t("setup.none")
                raise self.error(
                    ("default",),
                    t("setup.config.unknown_default", name=default, known=known),
                )
        return Config(
            path=self.path,
            exists=True,
            default=default,
            language=self.language(("language",), raw["language"]) if "language" in raw else None,
            theme=self.text(("theme",), raw["theme"]) if "theme" in raw else None,
            profiles=tuple(profiles),
            lines=self.lines,
        )


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
