"""API keys in the system keyring (service "frontdesk", user = profile), every call bounded.

A keyring without a desktop session (SSH) can hang instead of failing, so each call runs in
a daemon thread with a timeout, and every failure becomes `KeyringUnavailable` with a plain
message. The keyring to use is a parameter (default: the one the keyring library picks),
so tests hand theirs in instead of changing the library's. The library itself is imported
on first use (`_library`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final, NamedTuple, TypeVar

import msgspec

from frontdesk.config.setup_errors import KeyringUnavailable
from frontdesk.core.i18n import t
from frontdesk.core.timebox import timeboxed

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend
    from keyring.backends.chainer import ChainerBackend

SERVICE: Final = "frontdesk"
KEYRING_TIMEOUT: Final = 3.0

T = TypeVar("T")


class _Library(NamedTuple):
    """What this module uses of the keyring library."""

    get_keyring: Callable[[], KeyringBackend]
    chainer: type[ChainerBackend]
    unusable: tuple[type[KeyringBackend], ...]  # the fail and null keyrings: nothing kept
    locked: type[Exception]
    no_keyring: type[Exception]


@functools.cache
def _library() -> _Library:
    # lazy: the keyring library is heavy (docs/performance.md, "Lazy imports"); the desk in
    # local mode, or with its key in FRONTDESK_API_KEY or a key file, never asks the keyring.
    import keyring
    from keyring.backends import chainer, fail, null
    from keyring.errors import KeyringLocked, NoKeyringError

    return _Library(
        get_keyring=keyring.get_keyring,
        chainer=chainer.ChainerBackend,
        unusable=(fail.Keyring, null.Keyring),
        locked=KeyringLocked,
        no_keyring=NoKeyringError,
    )


class KeyringStatus(msgspec.Struct, frozen=True):
    """The keyring backend in use and whether it can be used now."""

    backend: str
    problem: KeyringUnavailable | None = None

    @property
    def usable(self) -> bool:
        return self.problem is None


def bounded(call: Callable[[], T], timeout: float) -> T:
    """`call()` time-boxed; KeyringUnavailable("timeout") if it does not return in time.

    A thread still stuck in the keyring is left behind (a daemon: it does not keep the
    program from exiting). Any other keyring failure becomes KeyringUnavailable too.
    """
    try:
        return timeboxed(call, timeout, name="frontdesk-keyring")
    except TimeoutError:
        raise KeyringUnavailable("timeout", t("setup.keyring.timeout", seconds=timeout)) from None
    except BaseException as error:
        raise _translate(error) from None


def _translate(error: BaseException) -> BaseException:
    """A keyring exception as `KeyringUnavailable` with a plain message."""
    if isinstance(error, KeyringUnavailable):
        return error
    if not isinstance(error, Exception):
        return error
    library = _library()
    if isinstance(error, library.locked):
        return KeyringUnavailable("locked", t("setup.keyring.locked"))
    if isinstance(error, library.no_keyring):
        return _no_backend(t("setup.none"))
    detail = str(error).strip().splitlines()[0] if str(error).strip() else ""
    detail = f"{type(error).__name__}: {detail}" if detail else type(error).__name__
    return KeyringUnavailable("error", t("setup.keyring.failed", detail=detail[:200]))


def _no_backend(backend: str) -> KeyringUnavailable:
    return KeyringUnavailable("no_backend", t("setup.keyring.no_backend", backend=backend))


def describe(backend: object) -> str:
    """The backend's name for messages, e.g. `SecretService.Keyring`, a chainer with its parts."""
    if isinstance(backend, _library().chainer):
        inner = backend.backends
        return f"chainer.ChainerBackend({', '.join(describe(b) for b in inner)})"
    cls = type(backend)
    return f"{cls.__module__}.{cls.__name__}".removeprefix("keyring.backends.")


def _chosen(backend: KeyringBackend | None) -> KeyringBackend:
    if backend is not None:
        return backend
    return _library().get_keyring()


def usable(backend: KeyringBackend | None = None) -> tuple[Any, str]:
    """The keyring backend (`backend`, else the library's) and its name.

    KeyringUnavailable when it cannot store anything (the fail or null keyring, or a chainer
    with nothing to chain).
    """
    library = _library()
    chosen = _chosen(backend)
    name = describe(chosen)
    if isinstance(chosen, library.unusable):
        raise _no_backend(name)
    if isinstance(chosen, library.chainer) and not chosen.backends:
        raise _no_backend(name)
    return chosen, name


def keyring_status(
    timeout: float = KEYRING_TIMEOUT,
    *,
    user: str = "probe",
    backend: KeyringBackend | None = None,
) -> KeyringStatus:
    """Which keyring backend is configured and whether it answers now (bounded by `timeout`).

    Asks the backend for `user`'s entry (a read, which changes nothing), so a keyring that
    fails or is locked only when used is found out too.
    """

    def probe() -> tuple[str, KeyringUnavailable | None]:
        name = describe(_chosen(backend))
        try:
            found, _ = usable(backend)
            found.get_password(SERVICE, user)
        except Exception as error:
            problem = _translate(error)
            if isinstance(problem, KeyringUnavailable):
                return name, problem
            raise
        return name, None

    try:
        name, problem = bounded(probe, timeout)
    except KeyringUnavailable as stuck:
        return KeyringStatus(backend="?", problem=stuck)
    return KeyringStatus(backend=name, problem=problem)


def get_password(
    profile: str, timeout: float = KEYRING_TIMEOUT, backend: KeyringBackend | None = None
) -> tuple[str | None, str]:
    """(the profile's key in the keyring or None, the backend's name); KeyringUnavailable."""

    def lookup() -> tuple[str | None, str]:
        found, name = usable(backend)
        value = found.get_password(SERVICE, profile)
        return (value if isinstance(value, str) else None), name

    return bounded(lookup, timeout)


def set_password(
    profile: str, key: str, timeout: float = KEYRING_TIMEOUT, backend: KeyringBackend | None = None
) -> str:
    """Store `key` and read it back; the backend's name. KeyringUnavailable if it is not kept."""

    def store() -> str:
        found, name = usable(backend)
        found.set_password(SERVICE, profile, key)
        if found.get_password(SERVICE, profile) != key:
            raise KeyringUnavailable("error", t("setup.keyring.not_kept"))
        return name

    return bounded(store, timeout)


def delete_password(
    profile: str, timeout: float = KEYRING_TIMEOUT, backend: KeyringBackend | None = None
) -> str | None:
    """Delete the profile's entry; the backend's name, or None if there was none."""

    def forget() -> str | None:
        found, name = usable(backend)
        if found.get_password(SERVICE, profile) is None:
            return None
        found.delete_password(SERVICE, profile)
        return name

    return bounded(forget, timeout)
