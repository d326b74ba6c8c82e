"""Errors of the setup layer: plain-language messages meant to be printed as they are."""

from __future__ import annotations

from pathlib import Path

from frontdesk.core.i18n import t


class SetupError(Exception):
    """Something about the configuration, the credentials or the transport is not right.

    `str(error)` is a complete message for the user (never a traceback, never a key).
    """


class ConfigError(SetupError):
    """A configuration file that cannot be used; names the file, the line and the key."""

    def __init__(
        self, path: Path, problem: str, *, line: int | None = None, key: str | None = None
    ) -> None:
        self.path = path
        self.line = line
        self.key = key
        self.problem = problem
        if line is not None and key:
            where = t("setup.config.where_line_key", file=path, line=line, key=key)
        elif line is not None:
            where = t("setup.config.where_line", file=path, line=line)
        else:
            where = str(path)
        super().__init__(f"{where}: {problem}")


class ChangeRefused(ConfigError):
    """A change to the file that the reader refuses: nothing was written. `key` names the
    setting refused (`profiles.NAME.KEY`); `line` is its line in the text that was refused."""


class ProfileNotFound(SetupError):
    """The profile asked for is not in the configuration file."""

    def __init__(self, name: str, path: Path, known: list[str]) -> None:
        self.name = name
        self.path = path
        if known:
            listed = ", ".join(known)
            message = t("setup.profile.not_found", name=name, file=path, listed=listed)
        else:
            message = t("setup.profile.not_found_no_profiles", name=name, file=path)
        super().__init__(message)


class TransportError(SetupError):
    """A URL the desk must not use as it is (plain HTTP off this machine, a bad scheme)."""


class CredentialError(SetupError):
    """The API key cannot be found, read or stored."""


class KeyringUnavailable(CredentialError):
    """The system keyring cannot be used: none, locked, failing or not answering.

    `reason` is one of "no_backend", "locked", "error", "timeout".
    """

    def __init__(self, reason: str, message: str) -> None:
        self.reason = reason
        super().__init__(message)


class KeyFileInsecure(CredentialError):
    """A key file that other users can read (or that is not the user's own): refused."""

    def __init__(self, path: Path, message: str, fix: str) -> None:
        self.path = path
        self.fix = fix
        super().__init__(f"{message} {fix}")


class KeyNotFound(CredentialError):
    """No key for the profile in the environment, the key file or the keyring."""

    def __init__(self, message: str, *, keyring_problem: KeyringUnavailable | None = None):
        self.keyring_problem = keyring_problem
        super().__init__(message)
