"""Connection profiles: a TOML file read with tomllib into typed objects, written with tomlkit.

Every problem in the file becomes a `ConfigError` naming the file, the line and the key;
writes keep the user's comments and never leave an invalid file behind. API keys never
go in this file (see `credentials`).

    default = "unimed"          # profile used when none is named
    language = "pt"             # optional: "pt" or "en", for every profile
    theme = "textual-dark"      # optional

    [profiles.unimed]
    operator = "Unimed Londrina"            # label shown on screen
    url = "https://token.unimed.example/v1"
    ca_bundle = "/etc/frontdesk/unimed-ca.pem"  # optional: the operator's private CA
    connect_timeout = 3.0                   # optional, seconds
    read_timeout = 10.0                     # optional, seconds
    language = "en"                         # optional: overrides the top-level one
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlsplit

from frontdesk.config.errors import ConfigError, ProfileNotFound, SetupError
from frontdesk.config.paths import config_file
from frontdesk.core.i18n import LANGUAGES, Language, t

if TYPE_CHECKING:
    import tomllib

PROFILE_ENV = "FRONTDESK_PROFILE"
DEFAULT_CONNECT_TIMEOUT: Final = 3.0
DEFAULT_READ_TIMEOUT: Final = 10.0
MAX_TIMEOUT: Final = 600.0
PROFILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
TOP_KEYS: Final = ("default", "language", "theme", "profiles")
PROFILE_KEYS: Final = (
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

KeyPath = tuple[str, ...]


@dataclass(frozen=True)
class Profile:
    """One operator backend the desk can talk to (its key lives in the keyring, not here)."""

    name: str
    url: str
    operator: str | None = None
    ca_bundle: Path | None = None
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
    read_timeout: float = DEFAULT_READ_TIMEOUT
    language: Language | None = None
    theme: str | None = None

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
        return _line_of(self.lines, keypath) if self.exists else None

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
                key=_key_at(good + "\n", line),
            ) from None
    else:
        text = data
    import tomllib  # only when there is a file: a desk without one never loads the parser

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
        key=_key_at(text, line or 1),
    )


_HEADER = re.compile(r"^\[\[?\s*(?P<key>[^\]]+?)\s*\]?\]?\s*(?:#.*)?$")
_BARE_OR_QUOTED = r'(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|\'[^\']*\')'
_KEY_VALUE = re.compile(
    rf"^(?P<key>{_BARE_OR_QUOTED}(?:\s*\.\s*{_BARE_OR_QUOTED})*)\s*=\s*(?P<value>.*)$"
)
_FIRST_WORD = re.compile(r"^[^\s=#\[\]]+")


def _split_key(key: str) -> KeyPath:
    """`profiles."a b".url` → ("profiles", "a b", "url")."""
    parts: list[str] = []
    current: list[str] = []
    quote: str | None = None
    for ch in key:
        if quote:
            if ch == quote:
                quote = None
            else:
                current.append(ch)
        elif ch in "\"'":
            quote = ch
        elif ch == ".":
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(ch)
    parts.append("".join(current).strip())
    return tuple(parts)


def key_lines(text: str) -> dict[KeyPath, int]:
    """Where each key and table is first written (1-based), by a line scan of the TOML text.

    Good enough to point at a place: multi-line strings are skipped, inline tables are
    reported at the line of their key.
    """
    lines: dict[KeyPath, int] = {}
    table: KeyPath = ()
    closing: str | None = None
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if closing is not None:
            if closing in line:
                closing = None
            continue
        if not line or line.startswith("#"):
            continue
        header = _HEADER.match(line)
        if header and line.startswith("["):
            table = _split_key(header.group("key"))
            for depth in range(1, len(table) + 1):
                lines.setdefault(table[:depth], number)
            continue
        pair = _KEY_VALUE.match(line)
        if pair:
            path = table + _split_key(pair.group("key"))
            for depth in range(len(table) + 1, len(path) + 1):
                lines.setdefault(path[:depth], number)
            value = pair.group("value")
            for delimiter in ('"""', "'''"):
                if value.startswith(delimiter) and value.count(delimiter) == 1:
                    closing = delimiter
    return lines


def _line_of(lines: Mapping[KeyPath, int], keypath: KeyPath) -> int:
    for depth in range(len(keypath), 0, -1):
        if keypath[:depth] in lines:
            return lines[keypath[:depth]]
    return 1


def _key_at(text: str, line: int) -> str:
    """The key written on `line`, with the table it is in, for syntax errors."""
    rows = text.splitlines()
    table: KeyPath = ()
    for row in rows[: max(0, line - 1)]:
        header = _HEADER.match(row.strip())
        if row.strip().startswith("[") and header:
            table = _split_key(header.group("key"))
    if 1 <= line <= len(rows):
        row = rows[line - 1].strip()
        header = _HEADER.match(row)
        if row.startswith("[") and header:
            return ".".join(_split_key(header.group("key")))
        pair = _KEY_VALUE.match(row)
        if pair:
            return ".".join(table + _split_key(pair.group("key")))
        word = _FIRST_WORD.match(row)
        if word:
            return ".".join((*table, word.group(0)))
    return ".".join(table) or t("setup.config.top_of_file")


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


def _looks_secret(key: str) -> bool:
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
            self.path, problem, line=_line_of(self.lines, keypath), key=".".join(keypath)
        )

    def _unknown(self, keypath: KeyPath, known: Iterable[str], profile: str | None) -> None:
        if _looks_secret(keypath[-1]):
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


# -- writing ---------------------------------------------------------------------------------


def _new_file_header() -> str:
    return t("setup.config.new_file_header")


def _check_name(name: str) -> None:
    if not PROFILE_NAME.fullmatch(name):
        raise SetupError(t("setup.profiles.bad_name", name=name))


def _write_atomic(path: Path, text: str) -> None:
    target = path.resolve() if path.is_symlink() else path
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        mode = target.stat().st_mode & 0o777
    except FileNotFoundError:
        mode = 0o600
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".frontdesk-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def edit_config(mutate: Callable[[Any], None], path: Path | None = None) -> Config:
    """Apply `mutate` to the tomlkit document of the file and save it, comments kept.

    A file that is broken now is refused (fix it first: the error says where), and a
    change that would make it invalid is refused before anything is written.
    """
    import tomlkit

    path = path or config_file()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = _new_file_header()
    except (OSError, UnicodeDecodeError):
        load_config(path)  # raises the ConfigError that says what is wrong
        raise
    parse_config(text, path)
    document = tomlkit.parse(text)
    mutate(document)
    new_text = tomlkit.dumps(document)
    config = parse_config(new_text, path)
    _write_atomic(path, new_text)
    return config


def _profiles_table(document: Any, *, create: bool) -> Any:
    import tomlkit

    if "profiles" not in document:
        if not create:
            return None
        document["profiles"] = tomlkit.table(is_super_table=True)
    return document["profiles"]


def _require(document: Any, name: str, path: Path) -> Any:
    table = _profiles_table(document, create=False)
    if table is None or name not in table:
        names = list(table.keys()) if table is not None else []
        raise ProfileNotFound(name, path, [str(n) for n in names])
    return table[name]


def _assign(table: Any, values: Mapping[str, object]) -> None:
    for key, value in values.items():
        if key not in PROFILE_KEYS:
            raise ValueError(f"not a profile setting: {key}")
        if value is None:
            if key in table:
                del table[key]
        else:
            table[key] = str(value) if isinstance(value, Path) else value


def add_profile(
    name: str,
    *,
    url: str,
    operator: str | None = None,
    ca_bundle: str | Path | None = None,
    connect_timeout: float | None = None,
    read_timeout: float | None = None,
    language: Language | None = None,
    theme: str | None = None,
    make_default: bool = False,
    path: Path | None = None,
) -> Config:
    """Add `[profiles.NAME]`; the first profile (or `make_default`) becomes the default."""
    import tomlkit

    _check_name(name)
    where = path or config_file()

    def mutate(document: Any) -> None:
        table = _profiles_table(document, create=True)
        if name in table:
            raise SetupError(t("setup.profiles.exists", name=name, file=where))
        profile = tomlkit.table()
        _assign(
            profile,
            {
                "operator": operator,
                "url": url,
                "ca_bundle": ca_bundle,
                "connect_timeout": connect_timeout,
                "read_timeout": read_timeout,
                "language": language,
                "theme": theme,
            },
        )
        table[name] = profile
        if make_default or "default" not in document:
            document["default"] = name

    return edit_config(mutate, where)


def update_profile(name: str, values: Mapping[str, object], *, path: Path | None = None) -> Config:
    """Change settings of `[profiles.NAME]`: each value is written, or removed when None."""
    where = path or config_file()

    def mutate(document: Any) -> None:
        _assign(_require(document, name, where), values)

    return edit_config(mutate, where)


def remove_profile(name: str, *, path: Path | None = None) -> Config:
    """Remove `[profiles.NAME]` (and `default` if it named it)."""
    where = path or config_file()

    def mutate(document: Any) -> None:
        _require(document, name, where)
        del document["profiles"][name]
        if document.get("default") == name:
            del document["default"]

    return edit_config(mutate, where)


def set_default(name: str, *, path: Path | None = None) -> Config:
    where = path or config_file()

    def mutate(document: Any) -> None:
        _require(document, name, where)
        document["default"] = name

    return edit_config(mutate, where)


def save_settings(
    *,
    language: Language | None,
    theme: str | None,
    profile: str | None = None,
    path: Path | None = None,
) -> Config:
    """Save the settings screen's choices: top-level, or in `[profiles.PROFILE]`.

    None removes the setting (back to the default).
    """
    where = path or config_file()

    def mutate(document: Any) -> None:
        table = document if profile is None else _require(document, profile, where)
        for key, value in (("language", language), ("theme", theme)):
            if value is None:
                if key in table:
                    del table[key]
            else:
                table[key] = value

    return edit_config(mutate, where)


def effective_settings(
    config: Config, profile: Profile | None
) -> tuple[Language | None, str | None]:
    """(language, theme) for `profile`: its own values, else the file's top-level ones."""
    language = (profile.language if profile else None) or config.language
    theme = (profile.theme if profile else None) or config.theme
    return language, theme
