"""`run_doctor`: every check in order, each step skipped once the one it needs has failed.

Local mode (no profile): the embedded backend and its data. A remote profile (or `--url`):
the key, then the way to the backend (transport, CA, DNS, TCP, TLS), then the backend itself
(health, authentication, clock). A TISS profile: its password, the way to the operator's
web services, and one eligibility call that says whether the login is accepted
(`tiss_checks`). The terminal is checked last, always.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from frontdesk import __version__
from frontdesk.config.credentials import KEYRING_TIMEOUT, ApiKey
from frontdesk.config.paths import config_file
from frontdesk.config.reading import (
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_READ_TIMEOUT,
    Config,
    Profile,
)
from frontdesk.doctor import backend_checks, network_checks, setup_checks, tiss_checks
from frontdesk.doctor.report import Report, ok
from frontdesk.doctor.terminal_checks import terminal_checks

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

REMOTE_STEPS = ("dns", "tcp", "tls", "health", "auth", "clock")


def run_doctor(
    *,
    profile: str | None = None,
    url: str | None = None,
    insecure: bool = False,
    keyring_timeout: float = KEYRING_TIMEOUT,
    keyring_backend: KeyringBackend | None = None,
    environ: Mapping[str, str] | None = None,
    config_path: Path | None = None,
    encoding: str | None = None,
    terminal_size: tuple[int, int] | None = None,
) -> Report:
    """Every check, in order; never raises for a failed check (see `Report.exit_code`).

    `keyring_backend` (default: the keyring library's choice), `environ`, `encoding` and
    `terminal_size` (default: this process's) are what the checks look at.
    """
    env = os.environ if environ is None else environ
    report = Report(config_path=config_path or config_file())
    _remote_or_local(report, profile, url, insecure, keyring_timeout, keyring_backend, env)
    for check in terminal_checks(env, encoding=encoding, size=terminal_size):
        report.add(check)
    return report


def _remote_or_local(
    report: Report,
    profile: str | None,
    url: str | None,
    insecure: bool,
    keyring_timeout: float,
    keyring_backend: KeyringBackend | None,
    env: Mapping[str, str],
) -> None:
    report.add(ok("version", f"frontdesk {__version__}"))
    report.add(setup_checks.python_check())
    config, chosen = _config_and_profile(report, profile, url, env)
    remote_url = url or (chosen.url if chosen else None)
    report.profile = chosen.name if chosen else None
    report.url = remote_url
    report.mode = "remote" if remote_url else "local"
    problem = setup_checks.keyring_check(report, chosen, keyring_timeout, keyring_backend)

    if chosen is not None and chosen.kind == "tiss" and config is not None:
        tiss_checks.tiss_checks(
            report,
            config,
            chosen,
            insecure=insecure,
            keyring_problem=problem,
            keyring_backend=keyring_backend,
        )
    elif remote_url is None:
        _local_checks(report, config)
    else:
        key = setup_checks.key_check(report, chosen, problem, keyring_backend)
        _remote_checks(report, _Remote(remote_url, key, insecure, config, chosen))


def _config_and_profile(
    report: Report, profile: str | None, url: str | None, env: Mapping[str, str]
) -> tuple[Config | None, Profile | None]:
    """The configuration (None: unusable, or a profile asked for is missing) and the profile
    chosen (None: local mode, `--url`, or none found)."""
    config = setup_checks.config_check(report)
    if url:
        report.add(setup_checks.url_profile_check(url))
        return config, None
    if config is None:
        return None, None
    chosen = setup_checks.profile_check(report, config, profile)
    if chosen is None and (profile or env.get("FRONTDESK_PROFILE")):
        return None, None  # a profile was asked for and is missing: stop here
    return config, chosen


def _local_checks(report: Report, config: Config | None) -> None:
    if config is None:
        report.skip(("local_backend",))
        return
    asyncio.run(backend_checks.local_checks(report))
    backend_checks.data_check(report)


@dataclass(frozen=True)
class _Remote:
    """What the remote checks look at."""

    url: str
    key: ApiKey | None
    insecure: bool
    config: Config | None
    profile: Profile | None

    @property
    def connect_timeout(self) -> float:
        return self.profile.connect_timeout if self.profile else DEFAULT_CONNECT_TIMEOUT

    @property
    def read_timeout(self) -> float:
        return self.profile.read_timeout if self.profile else DEFAULT_READ_TIMEOUT


def _remote_checks(report: Report, remote: _Remote) -> None:
    """The way to the backend, then the backend; once a step fails, every remote step not
    checked yet is reported skipped (`Report.skip_unchecked`: by id, not by position)."""
    reachable, ca = _way_there(report, remote)
    if not reachable:
        report.skip_unchecked(REMOTE_STEPS)
        return
    verify: bool | str = str(ca) if ca else True
    asyncio.run(
        backend_checks.http_checks(
            report,
            remote.url,
            remote.key,
            verify,
            remote.connect_timeout,
            remote.read_timeout,
            remote.profile,
        )
    )


def _way_there(report: Report, remote: _Remote) -> tuple[bool, Path | None]:
    """Transport, CA bundle, DNS, TCP and TLS, each only if the one before passed:
    (whether the backend can be reached, the CA bundle to trust)."""
    config, profile = remote.config, remote.profile
    if not network_checks.transport_check(report, remote.url, remote.insecure, profile):
        return False, None
    usable, ca = _trusted_ca(report, remote)
    if not usable:
        return False, None
    parts = urlsplit(remote.url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    timeout = remote.connect_timeout
    if not (
        network_checks.dns_check(report, host, port, timeout)
        and network_checks.tcp_check(report, host, port, timeout)
    ):
        return False, ca
    if parts.scheme != "https":
        network_checks.plain_http_tls_check(report, host)
        return True, ca
    return network_checks.tls_check(report, config, profile, host, port, ca, timeout), ca


def _trusted_ca(report: Report, remote: _Remote) -> tuple[bool, Path | None]:
    """(whether to go on, the profile's CA bundle); no check without a profile."""
    if remote.profile is None or remote.config is None:
        return True, None
    return network_checks.ca_check(report, remote.config, remote.profile)
