"""The doctor's checks of a backend itself: a remote one over HTTP (/v1/health, the key's
authentication, the clock against the backend's), or the embedded local one and its data
directory.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Final

from frontdesk.backend.local import default_db_path
from frontdesk.client.client import FrontdeskClient
from frontdesk.client.client_errors import (
    ApiError,
    BackendUnavailable,
    FrontdeskClientError,
    Unauthorized,
)
from frontdesk.config.credentials import API_KEY_ENV, ApiKey
from frontdesk.config.reading import Profile
from frontdesk.core.i18n import t
from frontdesk.doctor.report import Check, Report, check, ok, skipped
from frontdesk.local.embedded_client import embedded_client

SLOW_HEALTH_MS: Final = 1000.0
CLOCK_TOLERANCE_S: Final = 30.0
WINDOWS: Final = sys.platform == "win32"  # the fixes are then Windows commands


async def http_checks(
    report: Report,
    url: str,
    key: ApiKey | None,
    verify: bool | str,
    connect_timeout: float,
    read_timeout: float,
    profile: Profile | None,
) -> None:
    """/v1/health, then the key against a guarded endpoint, then the backend's clock."""
    login = t("doctor.key.login_fix", name=profile.name if profile else "NOME")
    try:
        client = FrontdeskClient(
            url,
            api_key=key.value if key else None,
            verify=verify,
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            retries=0,
        )
    except FrontdeskClientError as error:
        report.add(check("health", "fail", str(error)))
        report.skip(("auth", "clock"))
        return
    async with client:
        before = time.time()
        started = time.perf_counter()
        try:
            health = await client.health()
        except FrontdeskClientError as error:
            if isinstance(error, BackendUnavailable):
                fix = t("doctor.health.unavailable_fix")
            else:
                fix = t("doctor.health.not_a_backend_fix")
            report.add(check("health", "fail", str(error), fix))
            report.skip(("auth", "clock"))
            return
        elapsed = (time.perf_counter() - started) * 1000
        after = time.time()
        mode = f", {t('doctor.health.mode')} {health.mode}" if health.mode else ""
        version = t("doctor.health.version")
        detail = f"status {health.status}, {version} {health.version}{mode}, {elapsed:.0f} ms"
        if health.status != "ok":
            report.add(check("health", "fail", detail, t("doctor.health.unwell_fix")))
        elif elapsed > SLOW_HEALTH_MS:
            report.add(check("health", "warn", detail, t("doctor.health.slow_fix")))
        else:
            report.add(ok("health", detail))

        if key is None:
            report.add(skipped("auth", t("doctor.auth.no_key")))
        else:
            try:
                guides = await client.list_guides(status="awaiting_token")
            except Unauthorized:
                fix = (
                    t("doctor.auth.env_fix", env=API_KEY_ENV, login=login)
                    if key.source == "env"
                    else login
                )
                detail = t("doctor.auth.refused", where=key.describe())
                report.add(check("auth", "fail", detail, fix))
            except (ApiError, FrontdeskClientError) as error:
                report.add(check("auth", "fail", str(error), t("doctor.auth.error_fix")))
            else:
                report.add(ok("auth", t("doctor.auth.ok", n=len(guides))))
        report.add(clock_check(health.time, (before + after) / 2))


def clock_check(server_time: str | None, local: float, *, windows: bool = WINDOWS) -> Check:
    """This computer's clock against the backend's `time` (seen at `local`)."""
    if not server_time:
        return check("clock", "warn", t("doctor.clock.no_time"))
    try:
        server = datetime.fromisoformat(server_time.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return check("clock", "warn", t("doctor.clock.unreadable", time=server_time))
    difference = local - server
    detail = t("doctor.clock.offset", d=difference)
    if abs(difference) > CLOCK_TOLERANCE_S:
        fix = t("doctor.clock.fix_windows" if windows else "doctor.clock.fix")
        return check("clock", "warn", detail, fix)
    return ok("clock", detail)


async def local_checks(report: Report) -> None:
    """The embedded backend answers, in this process, on a fresh in-memory database."""
    started = time.perf_counter()
    try:
        client, backend = embedded_client(":memory:")
        try:
            async with client:
                health = await client.health()
                guides = await client.list_guides(status="awaiting_token")
        finally:
            backend.close()
    except Exception as error:  # anything: report it, never a traceback
        detail = f"{type(error).__name__}: {error}"
        report.add(check("local_backend", "fail", detail, t("doctor.local.reinstall")))
        return
    elapsed = (time.perf_counter() - started) * 1000
    detail = t("doctor.local.ok", s=health.status, n=len(guides), ms=elapsed)
    report.add(ok("local_backend", detail))


def _writable(path: Path) -> bool:
    return os.access(path, os.W_OK)


def data_check(
    report: Report, *, windows: bool = WINDOWS, writable: Callable[[Path], bool] = _writable
) -> None:
    """The local backend's database can be written where it lives (or will be created)."""
    path = default_db_path()
    existing = path if path.exists() else next((p for p in path.parents if p.exists()), path)
    target = existing if existing.is_dir() else existing.parent
    if not writable(target):
        detail = t("doctor.data.unwritable", p=target)
        fix = t("doctor.data.fix_windows" if windows else "doctor.data.fix", p=target)
        report.add(check("data", "fail", detail, fix))
        return
    state = t("doctor.data.exists") if path.exists() else t("doctor.data.will_be_created")
    report.add(ok("data", f"{path} ({state})"))
