"""The doctor on a TISS profile: the TISS version it speaks, its password, the way to the
operator's web services (transport, CA bundle, then DNS, TCP and TLS once per host of its
operations), and one well-formed VerificaElegibilidade whose answer says whether the
operator accepts the login (and the version).

The probe asks about a card that names nobody (`PROBE_CARD`) and carries no code: any
answer of the operator (eligible or not, with glosas) means the login, the password and
the message were accepted; a `LoginInvalido` fault means the password or the login is
wrong. It is recorded in the audit like `frontdesk tiss elegibilidade`, without the
password. The TISS client (lxml, httpx) is imported only when the probe runs.
"""

from __future__ import annotations

import asyncio
import os
from typing import TYPE_CHECKING, Final
from urllib.parse import urlsplit

from frontdesk.audit_log import AuditLog
from frontdesk.config.tiss_profile import (
    PASSWORD_ENV,
    TissProfile,
    tiss_client,
)
from frontdesk.core.i18n import t
from frontdesk.doctor import network_checks, setup_checks
from frontdesk.doctor.report import Check, Report, check, ok
from frontdesk.tiss.versions import SERVICES

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

    from frontdesk.config.reading import Config, Profile
    from frontdesk.config.setup_errors import KeyringUnavailable

PROBE_CARD: Final = "00000000000000000000"  # 20 digits: schema-valid, names no beneficiary
STEPS: Final = ("transport", "dns", "tcp", "tls", "tiss_login")


def steps_after(step: str) -> tuple[str, ...]:
    """The steps that need `step` (those after it in `STEPS`), named, not sliced by position."""
    return STEPS[STEPS.index(step) + 1 :]


def tiss_checks(
    report: Report,
    config: Config,
    profile: Profile,
    *,
    insecure: bool,
    keyring_problem: KeyringUnavailable | None,
    keyring_backend: KeyringBackend | None,
) -> None:
    """Every check of a TISS profile, in order; a step is skipped once one it needs failed."""
    assert profile.tiss is not None
    settings = profile.tiss.settings
    report.add(version_check(settings.version))
    password = password_check(report, profile, keyring_problem, keyring_backend)
    first = settings.url_for(SERVICES[0])
    if not network_checks.transport_check(report, first, insecure, profile):
        report.skip(steps_after("transport"))
        return
    usable, ca = network_checks.ca_check(report, config, profile)
    if not usable:
        report.skip(steps_after("transport"))
        return
    hosts: list[tuple[str, str, int]] = []  # each operation's host once, in order
    for service in SERVICES:
        parts = urlsplit(settings.url_for(service))
        port = parts.port or (443 if parts.scheme == "https" else 80)
        target = (parts.scheme, parts.hostname or "", port)
        if target not in hosts:
            hosts.append(target)
    timeout = settings.connect_timeout
    for scheme, host, port in hosts:
        if not network_checks.dns_check(report, host, port, timeout):
            report.skip(steps_after("dns"))
            return
        if not network_checks.tcp_check(report, host, port, timeout):
            report.skip(steps_after("tcp"))
            return
        if scheme != "https":
            network_checks.plain_http_tls_check(report, host)
        elif not network_checks.tls_check(report, config, profile, host, port, ca, timeout):
            report.skip(steps_after("tls"))
            return
    if password is None:
        report.skip(("tiss_login",))
        return
    tiss = TissProfile(profile.name, settings, config.path, profile.tiss)
    report.add(asyncio.run(login_check(tiss, password)))


def version_check(number: str) -> Check:
    """Which TISS version the profile's messages go out in, and where it stands at ANS."""
    from frontdesk.tiss import versions

    version = versions.get(number)  # the reader refused any other
    standing = t(_STANDING[version.status])
    return ok("tiss_version", t("doctor.tiss.version", version=number, standing=standing))


_STANDING: Final = {
    "in force": "doctor.tiss.version_in_force",
    "accepted": "doctor.tiss.version_accepted",
    "superseded": "doctor.tiss.version_superseded",
}


def password_check(
    report: Report,
    profile: Profile,
    keyring_problem: KeyringUnavailable | None,
    backend: KeyringBackend | None,
) -> str | None:
    """The profile's TISS password (FRONTDESK_TISS_PASSWORD, else where an API key is kept:
    its key file, the keyring; the API key's check, in the password's words)."""
    given = os.environ.get(PASSWORD_ENV, "").strip()
    if given:
        report.add(ok("tiss_password", t("doctor.tiss.password_env", env=PASSWORD_ENV)))
        return given
    key = setup_checks.key_check(
        report,
        profile,
        keyring_problem,
        backend,
        id_="tiss_password",
        missing=t("doctor.tiss.password_missing"),
        fix=t("doctor.tiss.login_fix", name=profile.name),
    )
    return key.value if key is not None else None


async def login_check(profile: TissProfile, password: str) -> Check:
    """One VerificaElegibilidade for `PROBE_CARD`: the operator's answer, in one check (a
    failure in the words of `frontdesk tiss elegibilidade`, audited the same way)."""
    from frontdesk.tiss.error_wording import describe_error, error_outcome
    from frontdesk.tiss.tiss_errors import LoginInvalido, TissError, TissFault, VersionMismatch

    settings = profile.settings
    audit = AuditLog(profile=profile.name)
    try:
        async with tiss_client(profile, password) as client:
            await client.check_eligibility(PROBE_CARD, None)
    except TissError as error:
        audit.record("tiss_doctor", outcome=f"error:{error_outcome(error)}")
        if isinstance(error, LoginInvalido):
            fix = t("doctor.tiss.login_fix", name=profile.name)
        elif isinstance(error, VersionMismatch):
            fix = t("doctor.tiss.version_fix", name=profile.name, version=error.to_try)
        elif isinstance(error, TissFault):
            fix = t("doctor.tiss.fault_fix")
        else:
            fix = t("doctor.tiss.no_answer_fix")
        return check(
            "tiss_login", "fail", describe_error(error, profile.settings, profile.name), fix
        )
    audit.record("tiss_doctor", outcome="login_accepted")
    return ok(
        "tiss_login",
        t(
            "doctor.tiss.login_accepted",
            login=settings.effective_login,
            registro=settings.registro_ans,
            version=settings.version,
        ),
    )
