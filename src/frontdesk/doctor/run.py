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
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from frontdesk import __version__
from frontdesk.config.credentials import KEYRING_TIMEOUT
from frontdesk.config.paths import config_file
from frontdesk.config.reading import DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT, Profile
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
    config = setup_checks.config_check(report)

    chosen: Profile | None = None
    if config is not None and not url:
        chosen = setup_checks.profile_check(report, config, profile)
        if chosen is None and (profile or env.get("FRONTDESK_PROFILE")):
            config = None  # a profile was asked for and is missing: stop here
    elif url:
        report.add(setup_checks.url_profile_check(url))

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
        return

    if remote_url is None:
        if config is None:
            report.skip(("local_backend",))
        else:
            asyncio.run(backend_checks.local_checks(report))
            backend_checks.data_check(report)
        return

    key = setup_checks.key_check(report, chosen, problem, keyring_backend)
    connect_timeout = chosen.connect_timeout if chosen else DEFAULT_CONNECT_TIMEOUT
    read_timeout = chosen.read_timeout if chosen else DEFAULT_READ_TIMEOUT
    if not network_checks.transport_check(report, remote_url, insecure, chosen):
        report.skip(REMOTE_STEPS)
        return
    ca: Path | None = None
    if chosen is not None and config is not None:
        usable, ca = network_checks.ca_check(report, config, chosen)
        if not usable:
            report.skip(REMOTE_STEPS)
            return
    parts = urlsplit(remote_url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    if not network_checks.dns_check(report, host, port, connect_timeout):
        report.skip(REMOTE_STEPS[1:])
        return
    if not network_checks.tcp_check(report, host, port, connect_timeout):
        report.skip(REMOTE_STEPS[2:])
        return
    if parts.scheme != "https":
        network_checks.plain_http_tls_check(report, host)
    elif not network_checks.tls_check(report, config, chosen, host, port, ca, connect_timeout):
        report.skip(REMOTE_STEPS[3:])
        return
    verify: bool | str = str(ca) if ca else True
    asyncio.run(
        backend_checks.http_checks(
            report, remote_url, key, verify, connect_timeout, read_timeout, chosen
        )
    )
