"""API keys: the system keyring (service "frontdesk", user = profile), or a headless fallback.

Lookup order: the `FRONTDESK_API_KEY` variable, then the profile's key file
(`<config dir>/keys/<profile>.key`, mode 0600, refused if others can read it), then the
keyring. Keyring calls run in a daemon thread bounded by a timeout, because a keyring
without a desktop session (SSH) can hang instead of failing. Keys never go in the TOML
file, in a message, or in a log.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal, TypeVar

from frontdesk.config.errors import (
    CredentialError,
    KeyFileInsecure,
    KeyNotFound,
    KeyringUnavailable,
)
from frontdesk.config.paths import ensure_private_dir, keys_dir
from frontdesk.config.profiles import PROFILE_NAME
from frontdesk.core.i18n import t
from frontdesk.core.timebox import timeboxed

SERVICE: Final = "frontdesk"
API_KEY_ENV: Final = "FRONTDESK_API_KEY"
KEYRING_TIMEOUT: Final = 3.0
MAX_KEY_LENGTH: Final = 1024

KeySource = Literal["env", "file", "keyring"]
T = TypeVar("T")


@dataclass(frozen=True)
class ApiKey:
    """A key and where it came from; `repr` never shows the key."""

    value: str = field(repr=False)
    source: KeySource
    where: str

    def describe(self) -> str:
        """Where the key came from, for messages (never the key itself)."""
        if self.source == "env":
            return t("setup.key.from_env", name=API_KEY_ENV)
        if self.source == "file":
            return t("setup.key.from_file", path=self.where)
        return t("setup.key.from_keyring", backend=self.where)


@dataclass(frozen=True)
class KeyringStatus:
    """The keyring backend in use and whether it can be used now."""

    backend: str
    problem: KeyringUnavailable | None = None

    @property
    def usable(self) -> bool:
        return self.problem is None


# -- the keyring, bounded ---------------------------------------------------------------------


def _user_name() -> str:
    import getpass  # loaded only to word this rare refusal

    return getpass.getuser()


def _bounded(call: Callable[[], T], timeout: float) -> T:
    """`call()` time-boxed; KeyringUnavailable("timeout") if it does not return in time.

    A thread still stuck in the keyring is left behind (a daemon: it does not keep the
    program from exiting).
    """
    try:
        return timeboxed(call, timeout, name="frontdesk-keyring")
    except TimeoutError:
        raise KeyringUnavailable(
            "timeout",
            t("setup.keyring.timeout", seconds=timeout),
        ) from None
    except BaseException as error:
        raise _translate(error) from None


def _translate(error: BaseException) -> BaseException:
    """A keyring exception as `KeyringUnavailable` with a plain message."""
    if isinstance(error, KeyringUnavailable):
        return error
    if not isinstance(error, Exception):
        return error
    from keyring.errors import KeyringLocked, NoKeyringError

    if isinstance(error, KeyringLocked):
        return KeyringUnavailable(
            "locked",
            t("setup.keyring.locked"),
        )
    if isinstance(error, NoKeyringError):
        return _no_backend(t("setup.none"))
    detail = str(error).strip().splitlines()[0] if str(error).strip() else ""
    detail = f"{type(error).__name__}: {detail}" if detail else type(error).__name__
    return KeyringUnavailable(
        "error",
        t("setup.keyring.failed", detail=detail[:200]),
    )


def _no_backend(backend: str) -> KeyringUnavailable:
    return KeyringUnavailable(
        "no_backend",
        t("setup.keyring.no_backend", backend=backend),
    )


def _describe(backend: object) -> str:
    cls = type(backend)
    name = f"{cls.__module__}.{cls.__name__}".removeprefix("keyring.backends.")
    inner = getattr(backend, "backends", None)
    if name == "chainer.ChainerBackend" and isinstance(inner, list):
        return f"{name}({', '.join(_describe(b) for b in inner)})"
    return name


def _keyring() -> tuple[Any, str]:
    """The keyring backend and its name; KeyringUnavailable when none is usable."""
    import keyring
    from keyring.backends import chainer, fail, null

    backend = keyring.get_keyring()
    name = _describe(backend)
    if isinstance(backend, fail.Keyring | null.Keyring):
        raise _no_backend(name)
    if isinstance(backend, chainer.ChainerBackend) and not backend.backends:
        raise _no_backend(name)
    return backend, name


def keyring_status(timeout: float = KEYRING_TIMEOUT, *, user: str = "probe") -> KeyringStatus:
    """Which keyring backend is configured and whether it answers now (bounded by `timeout`).

    Asks the backend for `user`'s entry (a read, which changes nothing), so a keyring that
    fails or is locked only when used is found out too.
    """

    def probe() -> tuple[str, KeyringUnavailable | None]:
        import keyring

        name = _describe(keyring.get_keyring())
        try:
            backend, _ = _keyring()
            backend.get_password(SERVICE, user)
        except Exception as error:
            problem = _translate(error)
            if isinstance(problem, KeyringUnavailable):
                return name, problem
            raise
        return name, None

    try:
        name, problem = _bounded(probe, timeout)
    except KeyringUnavailable as stuck:
        return KeyringStatus(backend="?", problem=stuck)
    return KeyringStatus(backend=name, problem=problem)


def fallback_hint(profile: str) -> str:
    """The documented ways to give a key without a keyring."""
    return t(
        "setup.key.fallback_hint", profile=profile, path=key_file_path(profile), env=API_KEY_ENV
    )


# -- key files ----------------------------------------------------------------------------------


def key_file_path(profile: str) -> Path:
    """`<config dir>/keys/<profile>.key`."""
    if not PROFILE_NAME.fullmatch(profile):
        raise ValueError(f"invalid profile name: {profile!r}")
    return keys_dir() / f"{profile}.key"


def check_key(value: str, where: str) -> str:
    """The key without surrounding blanks; CredentialError if it cannot be a key."""
    key = value.strip()
    if not key:
        raise CredentialError(t("setup.key.empty", where=where))
    if len(key) > MAX_KEY_LENGTH or not (key.isascii() and key.isprintable()) or " " in key:
        raise CredentialError(t("setup.key.invalid", where=where))
    return key


def read_key_file(path: Path) -> str:
    """The key in `path`; refused if others can read or write it, or it is not the user's."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
    import shlex

    quoted = shlex.quote(str(path))
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise KeyFileInsecure(
                path,
                t("setup.key_file.symlink", path=path),
                t("setup.key_file.symlink_fix"),
            ) from None
        raise CredentialError(
            t("setup.key_file.unreadable", path=path, reason=exc.strerror or type(exc).__name__)
        ) from None
    with os.fdopen(fd, "rb") as handle:
        if os.name == "posix":
            stat = os.fstat(handle.fileno())
            if stat.st_uid != os.getuid():
                raise KeyFileInsecure(
                    path,
                    t("setup.key_file.other_owner", path=path),
                    t("setup.key_file.chown_fix", user=_user_name(), path=quoted),
                )
            mode = stat.st_mode & 0o777
            if mode & 0o077:
                raise KeyFileInsecure(
                    path,
                    t("setup.key_file.open_mode", path=path, mode=mode),
                    t("setup.key_file.chmod_fix", path=quoted),
                )
        data = handle.read(MAX_KEY_LENGTH + 64)
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError:
        text = "\x00"
    return check_key(text, str(path))


def write_key_file(profile: str, key: str) -> Path:
    """Store `key` in the profile's key file: directory 0700, file 0600, written atomically."""
    key = check_key(key, t("setup.key.typed"))
    path = key_file_path(profile)
    directory = ensure_private_dir(path.parent)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{profile}-", suffix=".tmp")
    try:
        if os.name == "posix":
            os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(key + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


# -- the lookup, storing, forgetting --------------------------------------------------------------


def load_key(
    profile: str,
    *,
    timeout: float = KEYRING_TIMEOUT,
    keyring_problem: KeyringUnavailable | None = None,
) -> ApiKey:
    """The profile's key: FRONTDESK_API_KEY, else its key file, else the keyring.

    Raises `KeyNotFound` (with the keyring's problem and the fallbacks in its message),
    `KeyFileInsecure`, or `CredentialError`. A `keyring_problem` already known (from
    `keyring_status`) skips asking the keyring again.
    """
    env = os.environ.get(API_KEY_ENV, "")
    if env.strip():
        return ApiKey(check_key(env, API_KEY_ENV), "env", API_KEY_ENV)
    path = key_file_path(profile)
    if os.path.lexists(path):
        return ApiKey(read_key_file(path), "file", str(path))

    def lookup() -> tuple[str | None, str]:
        backend, name = _keyring()
        value = backend.get_password(SERVICE, profile)
        return (value if isinstance(value, str) else None), name

    try:
        if keyring_problem is not None:
            raise keyring_problem
        value, backend = _bounded(lookup, timeout)
    except KeyringUnavailable as problem:
        raise KeyNotFound(
            t("setup.key.not_found", profile=profile, problem=problem, hint=fallback_hint(profile)),
            keyring_problem=problem,
        ) from None
    if value is None:
        raise KeyNotFound(t("setup.key.not_stored", profile=profile))
    return ApiKey(check_key(value, t("setup.key.keyring_word")), "keyring", backend)


def store_key(profile: str, key: str, *, timeout: float = KEYRING_TIMEOUT) -> ApiKey:
    """Store `key` in the keyring and read it back; KeyringUnavailable if that cannot be done."""
    key = check_key(key, t("setup.key.typed"))

    def store() -> str:
        backend, name = _keyring()
        backend.set_password(SERVICE, profile, key)
        if backend.get_password(SERVICE, profile) != key:
            raise KeyringUnavailable(
                "error",
                t("setup.keyring.not_kept"),
            )
        return name

    name = _bounded(store, timeout)
    return ApiKey(key, "keyring", name)


@dataclass(frozen=True)
class Removal:
    """What `delete_key` removed, and why the keyring could not be asked, if it could not."""

    removed: tuple[str, ...]
    keyring_problem: KeyringUnavailable | None = None


def delete_key(profile: str, *, timeout: float = KEYRING_TIMEOUT) -> Removal:
    """Forget the profile's key: its key file and its keyring entry."""
    removed: list[str] = []
    path = key_file_path(profile)
    if os.path.lexists(path):
        path.unlink()
        removed.append(str(path))

    def forget() -> str | None:
        backend, name = _keyring()
        if backend.get_password(SERVICE, profile) is None:
            return None
        backend.delete_password(SERVICE, profile)
        return name

    try:
        name = _bounded(forget, timeout)
    except KeyringUnavailable as problem:
        return Removal(tuple(removed), problem)
    if name is not None:
        removed.append(t("setup.key.from_keyring", backend=name))
    return Removal(tuple(removed))
