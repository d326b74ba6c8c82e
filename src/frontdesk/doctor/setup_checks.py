"""The doctor's checks of this installation's setup: Python, the configuration file, the
profile in use, the system keyring and the API key (where it comes from, never its value).
"""

from __future__ import annotations

import os
import platform
import sys
from typing import TYPE_CHECKING

from frontdesk.config.credentials import (
    API_KEY_ENV,
    ApiKey,
    check_key,
    fallback_hint,
    key_file_path,
    keyring_status,
    load_key,
)
from frontdesk.config.key_file import WINDOWS
from frontdesk.config.reading import Config, Profile, load_config, select_profile
from frontdesk.config.setup_errors import (
    ConfigError,
    CredentialError,
    KeyFileInsecure,
    KeyNotFound,
    KeyringUnavailable,
    ProfileNotFound,
)
from frontdesk.config.tiss_profile import PASSWORD_ENV
from frontdesk.core.i18n import t
from frontdesk.doctor.report import Check, Report, check, ok

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend


def python_check() -> Check:
    version = platform.python_version()
    return ok("python", f"{version} ({platform.python_implementation()}, {sys.executable})")


def config_check(report: Report) -> Config | None:
    """The configuration file, validated; None (and a failure) when it cannot be used."""
    try:
        config = load_config(report.config_path)
    except ConfigError as error:
        where = (
            t("doctor.config.where", line=error.line, file=error.path)
            if error.line
            else str(error.path)
        )
        report.add(check("config", "fail", str(error), t("doctor.config.fix", where=where)))
        return None
    if not config.exists:
        detail = t("doctor.config.missing", file=config.path)
    else:
        detail = t(
            "doctor.config.valid",
            file=config.path,
            names=", ".join(config.names()) or t("doctor.none"),
            default=config.default or t("doctor.none"),
        )
    report.add(ok("config", detail))
    return config


def profile_check(report: Report, config: Config, explicit: str | None) -> Profile | None:
    """The profile chosen (and why); None for local mode or a profile that does not exist."""
    try:
        profile, how = select_profile(config, explicit)
    except ProfileNotFound as error:
        fix = t("doctor.profile.not_found_fix", name=error.name)
        report.add(check("profile", "fail", str(error), fix))
        return None
    if profile is None:
        report.add(ok("profile", t("doctor.profile.local")))
        return None
    why = {
        "--profile": "--profile",
        "FRONTDESK_PROFILE": "FRONTDESK_PROFILE",
        "default": t("doctor.profile.from_default"),
    }[how]
    operator = f" ({profile.operator})" if profile.operator else ""
    report.add(ok("profile", f'"{profile.name}"{operator} [{why}]: {profile.url}'))
    return profile


def url_profile_check(url: str) -> Check:
    """`--url` instead of a profile: the key comes from the environment."""
    return ok("profile", t("doctor.profile.url", u=url, env=API_KEY_ENV))


def keyring_check(
    report: Report,
    profile: Profile | None,
    timeout: float,
    backend: KeyringBackend | None = None,
) -> KeyringUnavailable | None:
    """Whether the keyring answers; its problem, if any. A warning only when the profile
    needs it: not in local mode, nor when its key (a TISS profile: its password) is already
    in the environment or its key file; then the hint names the profile's own secret."""
    status = keyring_status(timeout, user=profile.name if profile else "probe", backend=backend)
    if status.usable:
        report.add(ok("keyring", t("doctor.keyring.backend", b=status.backend)))
        return None
    problem = str(status.problem)
    if profile is None:
        report.add(ok("keyring", problem + t("doctor.keyring.not_needed")))
        return status.problem
    tiss = profile.kind == "tiss"
    elsewhere = _stored_elsewhere(profile.name, PASSWORD_ENV if tiss else API_KEY_ENV)
    if elsewhere is not None:
        key = "doctor.keyring.password_elsewhere" if tiss else "doctor.keyring.key_elsewhere"
        report.add(ok("keyring", problem + t(key, where=elsewhere)))
    else:
        hint = _password_hint(profile.name) if tiss else fallback_hint(profile.name)
        report.add(check("keyring", "warn", problem, hint))
    return status.problem


def _stored_elsewhere(name: str, env: str) -> str | None:
    """Where the profile's secret is kept without the keyring (the variable, the key file)."""
    if os.environ.get(env, "").strip():
        return env
    path = key_file_path(name)
    if not WINDOWS and os.path.lexists(path):  # Windows reads no key file
        return str(path)
    return None


def _password_hint(name: str) -> str:
    """`fallback_hint` in a TISS password's words (its variable is FRONTDESK_TISS_PASSWORD)."""
    if WINDOWS:
        return t("doctor.keyring.password_hint_windows", profile=name, env=PASSWORD_ENV)
    return t(
        "doctor.keyring.password_hint", profile=name, path=key_file_path(name), env=PASSWORD_ENV
    )


def key_check(
    report: Report,
    profile: Profile | None,
    keyring_problem: KeyringUnavailable | None,
    backend: KeyringBackend | None = None,
    *,
    id_: str = "api_key",
    missing: str | None = None,
    fix: str | None = None,
) -> ApiKey | None:
    """The API key to use (FRONTDESK_API_KEY with --url; the profile's otherwise), or None.

    A TISS profile's password is stored the same way: `id_`, and the words for a missing or
    unusable one (`missing`, `fix`), are its own (doctor/tiss_checks.py)."""
    try:
        if profile is None:
            value = os.environ.get(API_KEY_ENV, "")
            if not value.strip():
                report.add(
                    check(
                        "api_key",
                        "fail",
                        t("doctor.key.env_unset", env=API_KEY_ENV),
                        t("doctor.key.env_unset_fix", env=API_KEY_ENV),
                    )
                )
                return None
            key = ApiKey(check_key(value, API_KEY_ENV), "env", API_KEY_ENV)
        else:
            key = load_key(profile.name, keyring_problem=keyring_problem, backend=backend)
    except KeyFileInsecure as error:
        detail = str(error).removesuffix(error.fix).strip()
        report.add(check(id_, "fail", detail, error.fix))
        return None
    except KeyNotFound as error:
        detail = str(error)
        if missing is not None:
            detail = missing
        elif profile is not None and error.keyring_problem is not None:
            detail = t("doctor.key.nowhere", env=API_KEY_ENV, path=key_file_path(profile.name))
        login_fix = t("doctor.key.login_fix", name=profile.name if profile else "NOME")
        report.add(check(id_, "fail", detail, fix or login_fix))
        return None
    except CredentialError as error:
        report.add(check(id_, "fail", str(error), fix or t("doctor.key.store_again")))
        return None
    report.add(ok(id_, t("doctor.key.found", where=key.describe())))
    return key
