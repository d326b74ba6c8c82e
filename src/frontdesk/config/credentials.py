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
from frontdesk.core.i18n import tr
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
            return tr("variável {name}", "variable {name}", name=API_KEY_ENV)
        if self.source == "file":
            return tr("arquivo {path}", "file {path}", path=self.where)
        return tr(
            "chaveiro do sistema ({backend})", "system keyring ({backend})", backend=self.where
        )


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
            tr(
                "o chaveiro do sistema não respondeu em {seconds:g} s (comum em SSH, sem "
                "sessão gráfica ou D-Bus).",
                "the system keyring did not answer within {seconds:g} s (common over SSH, "
                "without a desktop session or D-Bus).",
                seconds=timeout,
            ),
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
            tr(
                "o chaveiro do sistema está bloqueado; desbloqueie-o na sessão gráfica.",
                "the system keyring is locked; unlock it in the desktop session.",
            ),
        )
    if isinstance(error, NoKeyringError):
        return _no_backend(tr("nenhum", "none"))
    detail = str(error).strip().splitlines()[0] if str(error).strip() else ""
    detail = f"{type(error).__name__}: {detail}" if detail else type(error).__name__
    return KeyringUnavailable(
        "error",
        tr(
            "o chaveiro do sistema falhou ({detail}).",
            "the system keyring failed ({detail}).",
            detail=detail[:200],
        ),
    )


def _no_backend(backend: str) -> KeyringUnavailable:
    return KeyringUnavailable(
        "no_backend",
        tr(
            "não há chaveiro (keyring) utilizável nesta sessão (backend: {backend}); é o normal "
            "em SSH ou numa máquina sem área de trabalho.",
            "there is no usable keyring in this session (backend: {backend}); that is normal "
            "over SSH or on a machine without a desktop.",
            backend=backend,
        ),
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
    return tr(
        "Sem chaveiro, use: `frontdesk login --profile {profile} --key-file` (guarda a chave em "
        "{path}, modo 0600), ou a variável de ambiente {env}.",
        "Without a keyring, use: `frontdesk login --profile {profile} --key-file` (stores the key "
        "in {path}, mode 0600), or the {env} environment variable.",
        profile=profile,
        path=key_file_path(profile),
        env=API_KEY_ENV,
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
        raise CredentialError(
            tr("a chave em {where} está vazia.", "the key in {where} is empty.", where=where)
        )
    if len(key) > MAX_KEY_LENGTH or not (key.isascii() and key.isprintable()) or " " in key:
        raise CredentialError(
            tr(
                "a chave em {where} não é válida (só caracteres ASCII visíveis, sem espaços).",
                "the key in {where} is not valid (visible ASCII characters only, no spaces).",
                where=where,
            )
        )
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
                tr(
                    "o arquivo de chave {path} é um link simbólico; foi recusado.",
                    "the key file {path} is a symbolic link; it was refused.",
                    path=path,
                ),
                tr(
                    "Ponha a chave num arquivo comum: frontdesk login --key-file",
                    "Put the key in a regular file: frontdesk login --key-file",
                ),
            ) from None
        raise CredentialError(
            tr(
                "não foi possível ler o arquivo de chave {path} ({reason}).",
                "cannot read the key file {path} ({reason}).",
                path=path,
                reason=exc.strerror or type(exc).__name__,
            )
        ) from None
    with os.fdopen(fd, "rb") as handle:
        if os.name == "posix":
            stat = os.fstat(handle.fileno())
            if stat.st_uid != os.getuid():
                raise KeyFileInsecure(
                    path,
                    tr(
                        "o arquivo de chave {path} pertence a outro usuário; foi recusado.",
                        "the key file {path} belongs to another user; it was refused.",
                        path=path,
                    ),
                    tr(
                        "Corrija com: sudo chown {user} {path}",
                        "Fix it with: sudo chown {user} {path}",
                        user=_user_name(),
                        path=quoted,
                    ),
                )
            mode = stat.st_mode & 0o777
            if mode & 0o077:
                raise KeyFileInsecure(
                    path,
                    tr(
                        "o arquivo de chave {path} pode ser lido por outros usuários (modo "
                        "{mode:04o}); foi recusado.",
                        "the key file {path} can be read by other users (mode {mode:04o}); "
                        "it was refused.",
                        path=path,
                        mode=mode,
                    ),
                    tr(
                        "Corrija com: chmod 600 {path}",
                        "Fix it with: chmod 600 {path}",
                        path=quoted,
                    ),
                )
        data = handle.read(MAX_KEY_LENGTH + 64)
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError:
        text = "\x00"
    return check_key(text, str(path))


def write_key_file(profile: str, key: str) -> Path:
    """Store `key` in the profile's key file: directory 0700, file 0600, written atomically."""
    key = check_key(key, tr("digitada", "typed"))
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
            tr(
                'nenhuma chave de API para o perfil "{profile}": {problem} {hint}',
                'no API key for profile "{profile}": {problem} {hint}',
                profile=profile,
                problem=problem,
                hint=fallback_hint(profile),
            ),
            keyring_problem=problem,
        ) from None
    if value is None:
        raise KeyNotFound(
            tr(
                'nenhuma chave de API guardada para o perfil "{profile}". Rode: frontdesk login '
                "--profile {profile}",
                'no API key stored for profile "{profile}". Run: frontdesk login --profile '
                "{profile}",
                profile=profile,
            )
        )
    return ApiKey(check_key(value, tr("chaveiro", "keyring")), "keyring", backend)


def store_key(profile: str, key: str, *, timeout: float = KEYRING_TIMEOUT) -> ApiKey:
    """Store `key` in the keyring and read it back; KeyringUnavailable if that cannot be done."""
    key = check_key(key, tr("digitada", "typed"))

    def store() -> str:
        backend, name = _keyring()
        backend.set_password(SERVICE, profile, key)
        if backend.get_password(SERVICE, profile) != key:
            raise KeyringUnavailable(
                "error",
                tr(
                    "o chaveiro do sistema não guardou a chave.",
                    "the system keyring did not keep the key.",
                ),
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
        removed.append(
            tr("chaveiro do sistema ({backend})", "system keyring ({backend})", backend=name)
        )
    return Removal(tuple(removed))
