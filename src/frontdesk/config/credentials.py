"""API keys: where a profile's key comes from, and storing or forgetting it.

Lookup order: the `FRONTDESK_API_KEY` variable, then the profile's key file
(`key_file`: `<config dir>/keys/<profile>.key`, mode 0600), then the system keyring
(`keyring_store`: service "frontdesk", user = profile, every call bounded by a timeout).
Keys never go in the TOML file, in a message, or in a log. The keyring to use is a
parameter everywhere (`backend`, default: the one the keyring library picks).

The names of `key_file` and `keyring_store` that callers use are importable from here too.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, ClassVar, Final, Literal

import msgspec

from frontdesk.config.frozen import Frozen
from frontdesk.config.key_file import (
    MAX_KEY_LENGTH,
    WINDOWS,
    check_key,
    key_file_path,
    read_key_file,
    write_key_file,
)
from frontdesk.config.keyring_store import (
    KEYRING_TIMEOUT,
    SERVICE,
    KeyringStatus,
    delete_password,
    get_password,
    keyring_status,
    set_password,
)
from frontdesk.config.setup_errors import KeyNotFound, KeyringUnavailable
from frontdesk.core.i18n import t

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

__all__ = [
    "API_KEY_ENV",
    "KEYRING_TIMEOUT",
    "MAX_KEY_LENGTH",
    "SERVICE",
    "ApiKey",
    "KeyringStatus",
    "Removal",
    "check_key",
    "delete_key",
    "fallback_hint",
    "key_file_path",
    "keyring_status",
    "load_key",
    "read_key_file",
    "store_key",
    "write_key_file",
]

API_KEY_ENV: Final = "FRONTDESK_API_KEY"

KeySource = Literal["env", "file", "keyring"]


class ApiKey(Frozen, frozen=True):
    """A key and where it came from; `repr` never shows the key."""

    _not_shown: ClassVar[frozenset[str]] = frozenset({"value"})

    value: str
    source: KeySource
    where: str

    def describe(self) -> str:
        """Where the key came from, for messages (never the key itself)."""
        if self.source == "env":
            return t("setup.key.from_env", name=API_KEY_ENV)
        if self.source == "file":
            return t("setup.key.from_file", path=self.where)
        return t("setup.key.from_keyring", backend=self.where)


def fallback_hint(profile: str, *, windows: bool = WINDOWS) -> str:
    """The documented ways to give a key without a keyring (on Windows, no key file)."""
    if windows:
        return t("setup.key.fallback_hint_windows", profile=profile, env=API_KEY_ENV)
    return t(
        "setup.key.fallback_hint", profile=profile, path=key_file_path(profile), env=API_KEY_ENV
    )


def load_key(
    profile: str,
    *,
    timeout: float = KEYRING_TIMEOUT,
    keyring_problem: KeyringUnavailable | None = None,
    backend: KeyringBackend | None = None,
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
    try:
        if keyring_problem is not None:
            raise keyring_problem
        value, name = get_password(profile, timeout, backend)
    except KeyringUnavailable as problem:
        raise KeyNotFound(
            t("setup.key.not_found", profile=profile, problem=problem, hint=fallback_hint(profile)),
            keyring_problem=problem,
        ) from None
    if value is None:
        raise KeyNotFound(t("setup.key.not_stored", profile=profile))
    return ApiKey(check_key(value, t("setup.key.keyring_word")), "keyring", name)


def store_key(
    profile: str,
    key: str,
    *,
    timeout: float = KEYRING_TIMEOUT,
    backend: KeyringBackend | None = None,
) -> ApiKey:
    """Store `key` in the keyring and read it back; KeyringUnavailable if that cannot be done."""
    key = check_key(key, t("setup.key.typed"))
    name = set_password(profile, key, timeout, backend)
    return ApiKey(key, "keyring", name)


class Removal(msgspec.Struct, frozen=True):
    """What `delete_key` removed, and why the keyring could not be asked, if it could not."""

    removed: tuple[str, ...]
    keyring_problem: KeyringUnavailable | None = None


def delete_key(
    profile: str, *, timeout: float = KEYRING_TIMEOUT, backend: KeyringBackend | None = None
) -> Removal:
    """Forget the profile's key: its key file and its keyring entry."""
    removed: list[str] = []
    path = key_file_path(profile)
    if os.path.lexists(path):
        path.unlink()
        removed.append(str(path))
    try:
        name = delete_password(profile, timeout, backend)
    except KeyringUnavailable as problem:
        return Removal(tuple(removed), problem)
    if name is not None:
        removed.append(t("setup.key.from_keyring", backend=name))
    return Removal(tuple(removed))
