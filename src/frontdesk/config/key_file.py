"""API keys in a key file, for sessions without a keyring (SSH): `<config dir>/keys/<profile>.key`.

The directory is 0700 and the file 0600, written atomically; a key file that is a symbolic
link, belongs to another user or that others can read or write is refused, with the command
that fixes it. Those checks are POSIX calls (`os.getuid`, `os.fstat` modes, `os.fchmod`,
`O_NOFOLLOW`, chmod/chown fixes).

On Windows a file's safety is its access-control list, which these calls cannot check; and
Windows always has a keyring (the Credential Manager). So on Windows a key file is neither
written nor read: both refuse with a message that names the keyring (`frontdesk login`) and
FRONTDESK_API_KEY instead. `mypy --platform win32` (in .ci/run) keeps any POSIX-only call
from coming back outside the `sys.platform` guards.
"""

from __future__ import annotations

import errno
import getpass
import os
import shlex
import sys
import tempfile
from pathlib import Path
from typing import Final

from frontdesk.config.paths import ensure_private_dir, keys_dir
from frontdesk.config.reading import PROFILE_NAME
from frontdesk.config.setup_errors import CredentialError, KeyFileInsecure
from frontdesk.core.i18n import t

MAX_KEY_LENGTH: Final = 1024
WINDOWS: Final = sys.platform == "win32"


def _user_name() -> str:
    return getpass.getuser()


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


def windows_refusal(path: Path) -> KeyFileInsecure:
    """Why Windows uses no key file, and what to use instead (the keyring, the variable)."""
    return KeyFileInsecure(
        path, t("setup.key_file.windows", path=path), t("setup.key_file.windows_fix")
    )


def read_key_file(path: Path, *, windows: bool = WINDOWS) -> str:
    """The key in `path`; refused if others can read or write it, or it is not the user's
    (on Windows, refused: its ACL cannot be checked here; the keyring is the way)."""
    if windows:
        raise windows_refusal(path)
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
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
        if sys.platform != "win32":  # (Windows refused above; this guard is for mypy)
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


def write_key_file(profile: str, key: str, *, windows: bool = WINDOWS) -> Path:
    """Store `key` in the profile's key file: directory 0700, file 0600, written atomically
    (on Windows, refused: the Credential Manager keeps keys there)."""
    key = check_key(key, t("setup.key.typed"))
    path = key_file_path(profile)
    if windows:
        raise windows_refusal(path)
    directory = ensure_private_dir(path.parent)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{profile}-", suffix=".tmp")
    try:
        if sys.platform != "win32":  # (Windows refused above; this guard is for mypy)
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
