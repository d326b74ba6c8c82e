"""Connection profiles: the TOML file, read into typed objects (`reading`), edited with tomlkit.

Every problem in the file becomes a `ConfigError` naming the file, the line and the key;
writes keep the user's comments and never leave an invalid file behind. API keys never
go in this file (see `credentials`). The reading names are importable from here too, but
what only reads (the app's start) imports `reading`: this module loads tomlkit, which
only editing needs. Every edit goes through a `write`
(default: `write_atomic`) that callers may replace, e.g. with one that fails like a full
disk.

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

A TISS profile (`kind = "tiss"`, its keys in `profile_schema.TissTable`) is written by
`add_tiss_profile` and changed by `update_profile` (the connection) or
`update_tiss_profile` (the counter's F10): the same reader checks it before any write.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import tomlkit

from frontdesk.config.paths import config_file
from frontdesk.config.profile_schema import PROFILE_KEYS, TOP_KEYS
from frontdesk.config.reading import (
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_READ_TIMEOUT,
    MAX_TIMEOUT,
    PROFILE_ENV,
    PROFILE_NAME,
    Config,
    Profile,
    effective_settings,
    load_config,
    parse_config,
    secret_refusal,
    select_profile,
)
from frontdesk.config.setup_errors import ChangeRefused, ConfigError, ProfileNotFound, SetupError
from frontdesk.core.i18n import Language, t

__all__ = [
    "DEFAULT_CONNECT_TIMEOUT",
    "DEFAULT_READ_TIMEOUT",
    "MAX_TIMEOUT",
    "PROFILE_ENV",
    "PROFILE_KEYS",
    "PROFILE_NAME",
    "TOP_KEYS",
    "Config",
    "Profile",
    "Write",
    "add_profile",
    "add_tiss_profile",
    "edit_config",
    "effective_settings",
    "load_config",
    "parse_config",
    "remove_profile",
    "save_settings",
    "secret_refusal",
    "select_profile",
    "set_default",
    "update_profile",
    "update_tiss_profile",
    "write_atomic",
]

Write = Callable[[Path, str], None]
"""Writes a whole file's new text: `write_atomic`, or a stand-in (a full disk, in tests)."""


# -- writing ---------------------------------------------------------------------------------


def _new_file_header() -> str:
    return t("setup.config.new_file_header")


def _check_name(name: str) -> None:
    if not PROFILE_NAME.fullmatch(name):
        raise SetupError(t("setup.profiles.bad_name", name=name))


def write_atomic(path: Path, text: str) -> None:
    """Replace `path` with `text` in one step (a temporary file, fsync, rename), keeping
    the file's mode (0600 when new) and following a symbolic link to its target."""
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
        if sys.platform != "win32":  # the file keeps its mode (Windows: its folder's ACL)
            os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def edit_config(
    mutate: Callable[[Any], None], path: Path | None = None, *, write: Write = write_atomic
) -> Config:
    """Apply `mutate` to the tomlkit document of the file and save it with `write`,
    comments kept.

    A file that is broken now is refused (fix it first: the error says where), and a
    change that would make it invalid is refused before anything is written.
    """
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
    try:
        config = parse_config(new_text, path)
    except ConfigError as refused:  # the change, not the file: say so (its line is in new_text)
        raise ChangeRefused(
            refused.path, refused.problem, line=refused.line, key=refused.key
        ) from None
    write(path, new_text)
    return config


def _profiles_table(document: Any, *, create: bool) -> Any:
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


def _keys_of(table: Any) -> tuple[str, ...]:
    """The keys a profile's table may hold: a TISS profile's, or a contract profile's."""
    if table.get("kind") == "tiss":
        from frontdesk.config.profile_schema import TISS_KEYS

        return TISS_KEYS
    return PROFILE_KEYS


def _assign(table: Any, values: Mapping[str, object]) -> None:
    keys = _keys_of(table)
    for key, value in values.items():
        if key not in keys:
            raise ValueError(f"not a profile setting: {key}")
        if value is None:
            if key in table:
                del table[key]
        elif isinstance(value, list | tuple):
            table[key] = [str(item) for item in value]
        else:
            table[key] = str(value) if isinstance(value, Path) else value


def _add(
    name: str,
    values: Mapping[str, object],
    *,
    kind: str | None,
    make_default: bool,
    path: Path | None,
    write: Write,
) -> Config:
    """Add `[profiles.NAME]` holding `values` (after `kind`, if given); the first profile (or
    `make_default`) becomes the default. What every kind of profile shares."""
    _check_name(name)
    where = path or config_file()

    def mutate(document: Any) -> None:
        table = _profiles_table(document, create=True)
        if name in table:
            raise SetupError(t("setup.profiles.exists", name=name, file=where))
        profile = tomlkit.table()
        if kind is not None:
            profile["kind"] = kind
        _assign(profile, values)
        table[name] = profile
        if make_default or "default" not in document:
            document["default"] = name

    return edit_config(mutate, where, write=write)


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
    write: Write = write_atomic,
) -> Config:
    """Add `[profiles.NAME]`; the first profile (or `make_default`) becomes the default."""
    values = {
        "operator": operator,
        "url": url,
        "ca_bundle": ca_bundle,
        "connect_timeout": connect_timeout,
        "read_timeout": read_timeout,
        "language": language,
        "theme": theme,
    }
    return _add(name, values, kind=None, make_default=make_default, path=path, write=write)


def add_tiss_profile(
    name: str,
    values: Mapping[str, object],
    *,
    make_default: bool = False,
    path: Path | None = None,
    write: Write = write_atomic,
) -> Config:
    """Add `[profiles.NAME]` with `kind = "tiss"` and `values` (keys of
    `profile_schema.TissTable`, in its order; None: left out). The TISS reader checks it
    before anything is written: a value it refuses raises `ChangeRefused` naming the key,
    and the file is unchanged."""
    from frontdesk.config.profile_schema import TISS_KEYS

    unknown = [key for key in values if key not in TISS_KEYS or key == "kind"]
    if unknown:
        raise ValueError(f"not a TISS profile setting: {', '.join(unknown)}")
    ordered = {key: values[key] for key in TISS_KEYS if key in values}
    return _add(name, ordered, kind="tiss", make_default=make_default, path=path, write=write)


def update_profile(
    name: str,
    values: Mapping[str, object],
    *,
    path: Path | None = None,
    write: Write = write_atomic,
) -> Config:
    """Change settings of `[profiles.NAME]`: each value is written, or removed when None.

    A TISS profile takes the keys of `profile_schema.TissTable`, a contract profile its own;
    the reader checks the result before anything is written (`ChangeRefused`)."""
    where = path or config_file()

    def mutate(document: Any) -> None:
        _assign(_require(document, name, where), values)

    return edit_config(mutate, where, write=write)


def remove_profile(name: str, *, path: Path | None = None, write: Write = write_atomic) -> Config:
    """Remove `[profiles.NAME]` (and `default` if it named it)."""
    where = path or config_file()

    def mutate(document: Any) -> None:
        _require(document, name, where)
        del document["profiles"][name]
        if document.get("default") == name:
            del document["default"]

    return edit_config(mutate, where, write=write)


def set_default(name: str, *, path: Path | None = None, write: Write = write_atomic) -> Config:
    """Make `[profiles.NAME]` the default profile."""
    where = path or config_file()

    def mutate(document: Any) -> None:
        _require(document, name, where)
        document["default"] = name

    return edit_config(mutate, where, write=write)


def save_settings(
    *,
    language: Language | None,
    theme: str | None,
    profile: str | None = None,
    path: Path | None = None,
    write: Write = write_atomic,
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

    return edit_config(mutate, where, write=write)


def update_tiss_profile(
    name: str,
    values: Mapping[str, str | None],
    *,
    path: Path | None = None,
    write: Write = write_atomic,
) -> Config:
    """Change a TISS profile's counter settings (its folders, the clinic's fixed data): each
    value is written, or removed when None or empty. Comments are kept; a value the reader
    refuses is refused before anything is written (the error names the line and the key)."""
    from frontdesk.config.profile_schema import EDITABLE_KEYS

    where = path or config_file()

    def mutate(document: Any) -> None:
        table = _require(document, name, where)
        if table.get("kind") != "tiss":
            raise SetupError(t("tiss.config.not_tiss"))
        for key, value in values.items():
            if key not in EDITABLE_KEYS:
                raise ValueError(f"not a TISS counter setting: {key}")
            if value is None or not value.strip():
                if key in table:
                    del table[key]
            else:
                table[key] = value.strip()

    return edit_config(mutate, where, write=write)
