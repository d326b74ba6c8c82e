"""TISS profiles for the technician's commands: a profile of the one file, as `TissProfile`.

The profile reader (`reading`, with `tiss_reading` for `kind = "tiss"`) reads TISS and
contract profiles alike; this module is the thin adapter `frontdesk tiss …` uses: the named
profile, refused unless it is a TISS profile, its password and its client. The password
never goes in the file: it comes from FRONTDESK_TISS_PASSWORD (headless use), else the
profile's key file or the keyring (the same store `frontdesk login` uses). The keys are
described in `frontdesk.config.profile_schema` and docs/setup.md.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

from frontdesk.config.credentials import load_key
from frontdesk.config.paths import data_dir
from frontdesk.config.profile_schema import TISS_KEYS
from frontdesk.config.setup_errors import ConfigError, CredentialError, KeyNotFound
from frontdesk.config.tiss_reading import TissProfileData
from frontdesk.core.i18n import t
from frontdesk.tiss.tiss_settings import TissSettings

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

    from frontdesk.tiss.client import TissClient

__all__ = [
    "PASSWORD_ENV",
    "SEQUENCE_FILE",
    "TISS_KEYS",
    "TissProfile",
    "load_tiss_profile",
    "sequence_path",
    "tiss_client",
    "tiss_password",
]

PASSWORD_ENV: Final = "FRONTDESK_TISS_PASSWORD"  # noqa: S105 (a variable's name)
SEQUENCE_FILE: Final = "tiss-sequence.sqlite3"


@dataclass(frozen=True)
class TissProfile:
    """A TISS profile: its name, its settings (and the counter's), and the file it came from."""

    name: str
    settings: TissSettings
    path: Path
    data: TissProfileData | None = None

    @property
    def label(self) -> str:
        return self.settings.operator or self.name


def load_tiss_profile(name: str, path: Path | None = None) -> TissProfile:
    """The TISS profile `name` of the configuration file (default: the usual one)."""
    from frontdesk.config.reading import load_config

    config = load_config(path)
    profile = config.get(name)
    if profile is None:
        known = [p.name for p in config.profiles if p.kind == "tiss"]
        raise ConfigError(
            config.path,
            t("tiss.config.no_profile", name=name, known=", ".join(known) or t("tiss.config.none")),
        )
    if profile.kind != "tiss" or profile.tiss is None:
        raise config.error(("profiles", name, "kind"), t("tiss.config.not_tiss"))
    return TissProfile(name, profile.tiss.settings, config.path, profile.tiss)


def tiss_password(profile: str, *, keyring: KeyringBackend | None = None) -> str:
    """The profile's TISS password: FRONTDESK_TISS_PASSWORD, else its key file or `keyring`
    (None: the one the keyring library picks).

    `credentials.load_key` also honours FRONTDESK_API_KEY (before the key file): a shell that
    sets it for another backend should set FRONTDESK_TISS_PASSWORD too.
    """
    given = os.environ.get(PASSWORD_ENV, "")
    if given.strip():
        return given.strip()
    try:
        return load_key(profile, backend=keyring).value
    except KeyNotFound as missing:  # its own words are about API keys: say it for TISS
        why = missing.keyring_problem or t("tiss.password_not_stored")
        raise CredentialError(t("tiss.password_missing", profile=profile, problem=why)) from None


def sequence_path() -> Path:
    """Where sequencialTransacao numbers are kept: `<user data dir>/tiss-sequence.sqlite3`."""
    return data_dir() / SEQUENCE_FILE


def tiss_client(profile: TissProfile, password: str) -> TissClient:
    """A TISS client for `profile` (httpx and lxml load here, not before)."""
    # lazy: the TISS client loads lxml, httpx and the protocol (docs/performance.md, "Lazy
    # imports"); reading a profile and `tiss login` never need them.
    from frontdesk.tiss.client import TissClient
    from frontdesk.tiss.sequence import SequenceFile

    return TissClient(profile.settings, password, sequence=SequenceFile(sequence_path()))
