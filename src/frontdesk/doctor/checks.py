"""`frontdesk doctor`: checks the installation, the profile, the key, the way to the backend
step by step, the clock and the terminal; each check is ok/warn/fail with a one-line fix.

Plain text at 80 columns with no colours (works on a dumb terminal over SSH), or `--json`.
Never prints the API key, only where it came from. Never imports Textual or rich.
"""

from __future__ import annotations

import asyncio
import ipaddress
import locale
import os
import platform
import shutil
import socket
import ssl
import sys
import textwrap
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final, Literal, TypeVar
from urllib.parse import urlsplit

from frontdesk import __version__
from frontdesk.config.credentials import (
    API_KEY_ENV,
    KEYRING_TIMEOUT,
    ApiKey,
    check_key,
    fallback_hint,
    keyring_status,
    load_key,
)
from frontdesk.config.errors import (
    ConfigError,
    CredentialError,
    KeyFileInsecure,
    KeyNotFound,
    ProfileNotFound,
    TransportError,
)
from frontdesk.config.paths import config_file
from frontdesk.config.profiles import (
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_READ_TIMEOUT,
    Config,
    Profile,
    load_config,
    select_profile,
)
from frontdesk.core.i18n import get_language, t
from frontdesk.core.timebox import timeboxed

Status = Literal["ok", "warn", "fail", "skip"]
T = TypeVar("T")

WIDTH: Final = 80
SLOW_HEALTH_MS: Final = 1000.0
CLOCK_TOLERANCE_S: Final = 30.0
CERT_EXPIRY_WARN_DAYS: Final = 14


@dataclass(frozen=True)
class Check:
    """One line of the report: a stable `id` for machines, the rest for people."""

    id: str
    title: str
    status: Status
    detail: str
    fix: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "fix": self.fix,
        }


@dataclass
class Report:
    """The checks in order, and what was checked."""

    config_path: Path
    profile: str | None = None
    mode: Literal["local", "remote"] = "local"
    url: str | None = None
    checks: list[Check] = field(default_factory=list)

    def add(self, check: Check) -> Check:
        self.checks.append(check)
        return check

    def count(self, status: Status) -> int:
        return sum(1 for check in self.checks if check.status == status)

    @property
    def ok(self) -> bool:
        return self.count("fail") == 0

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    def to_json(self) -> dict[str, Any]:
        return {
            "frontdesk": __version__,
            "ok": self.ok,
            "mode": self.mode,
            "profile": self.profile,
            "url": self.url,
            "config": str(self.config_path),
            "checks": [check.to_json() for check in self.checks],
        }

    def render(self, width: int = WIDTH) -> str:
        """Plain text, lines at most `width` columns (long paths may still run over)."""
        labels = {
            "ok": "ok",
            "warn": t("doctor.status.warn"),
            "fail": t("doctor.status.fail"),
            "skip": t("doctor.status.skip"),
        }
        if self.mode == "local":
            what = t("doctor.report.local")
        else:
            what = t("doctor.report.profile", p=self.profile) if self.profile else str(self.url)
        lines = [f"frontdesk doctor: {what}", ""]
        title_width = max(len(check.title) for check in self.checks) if self.checks else 10
        title_width = min(title_width, 16)
        indent = " " * (2 + 6 + 1 + title_width + 2)
        for check in self.checks:
            head = f"  {labels[check.status]:<6} {check.title:<{title_width}}  "
            lines.extend(
                textwrap.wrap(
                    check.detail,
                    width=width,
                    initial_indent=head,
                    subsequent_indent=indent,
                    break_on_hyphens=False,
                )
                or [head.rstrip()]
            )
            if check.fix:
                lines.extend(
                    textwrap.wrap(
                        t("doctor.report.fix") + check.fix,
                        width=width,
                        initial_indent=indent,
                        subsequent_indent=indent + "  ",
                        break_on_hyphens=False,
                        break_long_words=False,
                    )
                )
        lines.append("")
        fails, warns = self.count("fail"), self.count("warn")
        if fails:
            lines.append(t("doctor.report.failures", f=fails, w=warns))
        else:
            lines.append(t("doctor.report.all_good", w=warns))
        return "\n".join(lines)


def _ok(id_: str, title: str, detail: str) -> Check:
    return Check(id_, title, "ok", detail)


def _skip(id_: str, title: str, detail: str | None = None) -> Check:
    return Check(
        id_,
        title,
        "skip",
        detail or t("doctor.skipped"),
    )


# -- the parts ---------------------------------------------------------------------------


def _python_check() -> Check:
    version = platform.python_version()
    detail = f"{version} ({platform.python_implementation()}, {sys.executable})"
    return _ok("python", "Python", detail)


def _config_check(report: Report) -> Config | None:
    title = t("doctor.title.config")
    try:
        config = load_config(report.config_path)
    except ConfigError as error:
        where = (
            t("doctor.config.where", line=error.line, file=error.path)
            if error.line
            else str(error.path)
        )
        report.add(
            Check(
                "config",
                title,
                "fail",
                str(error),
                t("doctor.config.fix", where=where),
            )
        )
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
    report.add(_ok("config", title, detail))
    return config


def _profile_check(report: Report, config: Config, explicit: str | None) -> Profile | None:
    title = t("doctor.title.profile")
    try:
        profile, how = select_profile(config, explicit)
    except ProfileNotFound as error:
        report.add(
            Check(
                "profile",
                title,
                "fail",
                str(error),
                t("doctor.profile.not_found_fix", name=error.name),
            )
        )
        return None
    if profile is None:
        report.add(
            _ok(
                "profile",
                title,
                t("doctor.profile.local"),
            )
        )
        return None
    why = {
        "--profile": "--profile",
        "FRONTDESK_PROFILE": "FRONTDESK_PROFILE",
        "default": t("doctor.profile.from_default"),
    }[how]
    operator = f" ({profile.operator})" if profile.operator else ""
    report.add(_ok("profile", title, f'"{profile.name}"{operator} [{why}]: {profile.url}'))
    return profile


def _key_check(report: Report, profile: Profile | None, status_problem: Any) -> ApiKey | None:
    title = t("doctor.title.api_key")
    try:
        if profile is None:
            value = os.environ.get(API_KEY_ENV, "")
            if not value.strip():
                report.add(
                    Check(
                        "api_key",
                        title,
                        "fail",
                        t("doctor.key.env_unset", env=API_KEY_ENV),
                        t("doctor.key.env_unset_fix", env=API_KEY_ENV),
                    )
                )
                return None
            key = ApiKey(check_key(value, API_KEY_ENV), "env", API_KEY_ENV)
        else:
            key = load_key(profile.name, keyring_problem=status_problem)
    except KeyFileInsecure as error:
        report.add(
            Check("api_key", title, "fail", str(error).removesuffix(error.fix).strip(), error.fix)
        )
        return None
    except KeyNotFound as error:
        name = profile.name if profile else "NOME"
        fix = t("doctor.key.login_fix", name=name)
        detail = str(error)
        if profile is not None and error.keyring_problem is not None:
            from frontdesk.config.credentials import key_file_path

            detail = t("doctor.key.nowhere", env=API_KEY_ENV, path=key_file_path(profile.name))
        report.add(Check("api_key", title, "fail", detail, fix))
        return None
    except CredentialError as error:
        report.add(
            Check(
                "api_key",
                title,
                "fail",
                str(error),
                t("doctor.key.store_again"),
            )
        )
        return None
    report.add(
        _ok(
            "api_key",
            title,
            t("doctor.key.found", where=key.describe()),
        )
    )
    return key


def _keyring_check(report: Report, profile_name: str | None, timeout: float) -> Any:
    title = t("doctor.title.keyring")
    status = keyring_status(timeout, user=profile_name or "probe")
    if status.usable:
        report.add(_ok("keyring", title, t("doctor.keyring.backend", b=status.backend)))
        return None
    needed = profile_name is not None
    report.add(
        Check(
            "keyring",
            title,
            "warn" if needed else "ok",
            str(status.problem) + ("" if needed else t("doctor.keyring.not_needed")),
            fallback_hint(profile_name) if needed and profile_name else None,
        )
    )
    return status.problem


def _transport_check(report: Report, url: str, insecure: bool, profile: Profile | None) -> bool:
    from frontdesk.config.connection import check_transport

    title = t("doctor.title.transport")
    try:
        allowed_insecure = check_transport(url, insecure=insecure)
    except TransportError as error:
        report.add(
            Check(
                "transport",
                title,
                "fail",
                str(error),
                t("doctor.transport.fix", where=f" [profiles.{profile.name}]" if profile else ""),
            )
        )
        return False
    scheme = urlsplit(url).scheme
    if allowed_insecure:
        report.add(
            Check(
                "transport",
                title,
                "warn",
                t("doctor.transport.insecure"),
                t("doctor.transport.insecure_fix"),
            )
        )
    elif scheme == "https":
        report.add(_ok("transport", title, t("doctor.transport.https")))
    else:
        report.add(
            _ok(
                "transport",
                title,
                t("doctor.transport.loopback"),
            )
        )
    return True


def _ca_check(report: Report, config: Config, profile: Profile) -> tuple[bool, Path | None]:
    from frontdesk.config.connection import check_ca_bundle

    if profile.ca_bundle is None:
        return True, None
    title = "ca_bundle"
    try:
        path = check_ca_bundle(config, profile)
    except ConfigError as error:
        report.add(
            Check(
                "ca_bundle",
                title,
                "fail",
                str(error),
                t("doctor.ca.fix", name=profile.name, file=config.path),
            )
        )
        return False, None
    report.add(_ok("ca_bundle", title, t("doctor.ca.ok", p=path)))
    return True, path


def _dns_check(report: Report, host: str, port: int, timeout: float) -> bool:
    title = t("doctor.title.dns")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        report.add(_ok("dns", title, t("doctor.dns.ip", h=host)))
        return True
    try:
        infos = timeboxed(
            lambda: socket.getaddrinfo(host, port, type=socket.SOCK_STREAM), max(timeout, 1.0)
        )
    except (OSError, TimeoutError) as error:
        report.add(
            Check(
                "dns",
                title,
                "fail",
                t("doctor.dns.failed", h=host, e=error),
                t("doctor.dns.fix"),
            )
        )
        return False
    addresses = sorted({str(info[4][0]) for info in infos})
    report.add(_ok("dns", title, f"{host} -> {', '.join(addresses[:4])}"))
    return True


def _tcp_check(report: Report, host: str, port: int, timeout: float) -> bool:
    title = "TCP"
    started = time.perf_counter()
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            peer = sock.getpeername()
    except TimeoutError:
        report.add(
            Check(
                "tcp",
                title,
                "fail",
                t("doctor.tcp.timeout", h=host, p=port, seconds=timeout),
                t("doctor.tcp.timeout_fix"),
            )
        )
        return False
    except OSError as error:
        refused = isinstance(error, ConnectionRefusedError)
        detail = (
            t("doctor.tcp.refused", h=host, p=port)
            if refused
            else t("doctor.tcp.failed", h=host, p=port, e=error.strerror or error)
        )
        report.add(
            Check(
                "tcp",
                title,
                "fail",
                detail,
                t("doctor.tcp.fix"),
            )
        )
        return False
    elapsed = (time.perf_counter() - started) * 1000
    report.add(
        _ok(
            "tcp",
            title,
            t("doctor.tcp.ok", a=peer[0], p=peer[1], ms=elapsed),
        )
    )
    return True


def _tls_context(ca: Path | None) -> ssl.SSLContext:
    if ca is None:
        from frontdesk.core._httpx import httpx

        return httpx.create_ssl_context()  # what the client does with verify=True
    if ca.is_dir():
        return ssl.create_default_context(capath=str(ca))
    return ssl.create_default_context(cafile=str(ca))


def _tls_check(
    report: Report,
    config: Config | None,
    profile: Profile | None,
    host: str,
    port: int,
    ca: Path | None,
    timeout: float,
) -> bool:
    title = "TLS"
    where = (
        t("doctor.tls.where", name=profile.name, file=config.path)
        if profile and config
        else "ca_bundle"
    )
    try:
        context = _tls_context(ca)
        with (
            socket.create_connection((host, port), timeout=timeout) as sock,
            context.wrap_socket(sock, server_hostname=host) as tls,
        ):
            version = tls.version() or "TLS"
            cert = tls.getpeercert() or {}
    except ssl.SSLCertVerificationError as error:
        fix: str | None
        code = error.verify_code
        message = error.verify_message or str(error)
        if code == 62 or "hostname" in message.lower() or "IP address mismatch" in message:
            fix = t("doctor.tls.fix_name")
        elif code == 10:
            fix = t("doctor.tls.fix_expired")
        elif ca is not None:
            fix = t("doctor.tls.fix_wrong_ca", where=where, ca=ca)
        else:
            name = profile.name if profile else "NOME"
            fix = t("doctor.tls.fix_unknown_ca", where=where, name=name)
        report.add(
            Check(
                "tls",
                title,
                "fail",
                t("doctor.tls.refused", m=message),
                fix,
            )
        )
        return False
    except (ssl.SSLError, OSError) as error:
        report.add(
            Check(
                "tls",
                title,
                "fail",
                t("doctor.tls.handshake", e=error),
                t("doctor.tls.handshake_fix"),
            )
        )
        return False
    trust = t("doctor.tls.profile_ca") if ca else t("doctor.tls.system_cas")
    detail = f"{version}, {trust}"
    not_after = cert.get("notAfter")
    status: Status = "ok"
    fix = None
    if isinstance(not_after, str):
        expires = datetime.fromtimestamp(ssl.cert_time_to_seconds(not_after), UTC)
        days = (expires - datetime.now(UTC)).days
        detail += t("doctor.tls.valid_until", d=expires.date().isoformat())
        if days < CERT_EXPIRY_WARN_DAYS:
            status = "warn"
            fix = t("doctor.tls.expires_soon", n=days)
    report.add(Check("tls", title, status, detail, fix))
    return True


async def _http_checks(
    report: Report,
    url: str,
    key: ApiKey | None,
    verify: bool | str,
    connect_timeout: float,
    read_timeout: float,
    profile: Profile | None,
) -> None:
    from frontdesk.client.client import FrontdeskClient
    from frontdesk.client.errors import (
        ApiError,
        BackendUnavailable,
        FrontdeskClientError,
        Unauthorized,
    )

    health_title = "/v1/health"
    auth_title = t("doctor.title.auth")
    clock_title = t("doctor.title.clock")
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
        report.add(Check("health", health_title, "fail", str(error), None))
        report.add(_skip("auth", auth_title))
        report.add(_skip("clock", clock_title))
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
            report.add(Check("health", health_title, "fail", str(error), fix))
            report.add(_skip("auth", auth_title))
            report.add(_skip("clock", clock_title))
            return
        elapsed = (time.perf_counter() - started) * 1000
        after = time.time()
        mode = f", {t('doctor.health.mode')} {health.mode}" if health.mode else ""
        version = t("doctor.health.version")
        detail = f"status {health.status}, {version} {health.version}{mode}, {elapsed:.0f} ms"
        if health.status != "ok":
            report.add(
                Check(
                    "health",
                    health_title,
                    "fail",
                    detail,
                    t("doctor.health.unwell_fix"),
                )
            )
        elif elapsed > SLOW_HEALTH_MS:
            report.add(
                Check(
                    "health",
                    health_title,
                    "warn",
                    detail,
                    t("doctor.health.slow_fix"),
                )
            )
        else:
            report.add(_ok("health", health_title, detail))

        if key is None:
            report.add(_skip("auth", auth_title, t("doctor.auth.no_key")))
        else:
            try:
                guides = await client.list_guides(status="awaiting_token")
            except Unauthorized:
                report.add(
                    Check(
                        "auth",
                        auth_title,
                        "fail",
                        t("doctor.auth.refused", where=key.describe()),
                        t("doctor.auth.env_fix", env=API_KEY_ENV, login=login)
                        if key.source == "env"
                        else login,
                    )
                )
            except (ApiError, FrontdeskClientError) as error:
                report.add(
                    Check(
                        "auth",
                        auth_title,
                        "fail",
                        str(error),
                        t("doctor.auth.error_fix"),
                    )
                )
            else:
                report.add(
                    _ok(
                        "auth",
                        auth_title,
                        t("doctor.auth.ok", n=len(guides)),
                    )
                )
        report.add(_clock_check(clock_title, health.time, (before + after) / 2))


def _clock_check(title: str, server_time: str | None, local: float) -> Check:
    if not server_time:
        return Check(
            "clock",
            title,
            "warn",
            t("doctor.clock.no_time"),
            None,
        )
    try:
        server = datetime.fromisoformat(server_time.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return Check(
            "clock",
            title,
            "warn",
            t("doctor.clock.unreadable", time=server_time),
            None,
        )
    difference = local - server
    detail = t("doctor.clock.offset", d=difference)
    if abs(difference) > CLOCK_TOLERANCE_S:
        return Check(
            "clock",
            title,
            "warn",
            detail,
            t("doctor.clock.fix"),
        )
    return _ok("clock", title, detail)


async def _local_checks(report: Report) -> None:
    from frontdesk.config.embedded import embedded_client

    title = t("doctor.title.local_backend")
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
        report.add(
            Check(
                "local_backend",
                title,
                "fail",
                f"{type(error).__name__}: {error}",
                t("doctor.local.reinstall"),
            )
        )
        return
    elapsed = (time.perf_counter() - started) * 1000
    report.add(
        _ok(
            "local_backend",
            title,
            t("doctor.local.ok", s=health.status, n=len(guides), ms=elapsed),
        )
    )


def _data_check(report: Report) -> None:
    from frontdesk.backend.local import default_db_path

    title = t("doctor.title.data")
    path = default_db_path()
    existing = path if path.exists() else next((p for p in path.parents if p.exists()), path)
    target = existing if existing.is_dir() else existing.parent
    if not os.access(target, os.W_OK):
        report.add(
            Check(
                "data",
                title,
                "fail",
                t("doctor.data.unwritable", p=target),
                t("doctor.data.fix", p=target),
            )
        )
        return
    state = t("doctor.data.exists") if path.exists() else t("doctor.data.will_be_created")
    report.add(_ok("data", title, f"{path} ({state})"))


def _terminal_checks(report: Report, environ: Mapping[str, str]) -> None:
    term = environ.get("TERM", "")
    if not term or term == "dumb":
        report.add(
            Check(
                "term",
                "TERM",
                "warn",
                t("doctor.term.not_a_terminal", term=term or t("doctor.term.unset")),
                "export TERM=xterm-256color",
            )
        )
    else:
        report.add(_ok("term", "TERM", term))

    colorterm = environ.get("COLORTERM", "").lower()
    if "NO_COLOR" in environ:
        colours = t("doctor.colours.no_color")
    elif colorterm in ("truecolor", "24bit"):
        colours = t("doctor.colours.truecolor", c=colorterm)
    elif "256color" in term:
        colours = "256"
    else:
        colours = t("doctor.colours.sixteen")
    report.add(_ok("colours", t("doctor.title.colours"), colours))

    size = shutil.get_terminal_size(fallback=(0, 0))
    title = t("doctor.title.size")
    if size.columns <= 0 or size.lines <= 0:
        report.add(
            _ok(
                "size",
                title,
                t("doctor.size.unknown"),
            )
        )
    elif size.columns < 80 or size.lines < 24:
        report.add(
            Check(
                "size",
                title,
                "warn",
                f"{size.columns}x{size.lines}",
                t("doctor.size.fix"),
            )
        )
    else:
        report.add(_ok("size", title, f"{size.columns}x{size.lines}"))

    ssh = environ.get("SSH_CONNECTION") or environ.get("SSH_TTY")
    if ssh:
        origin = environ.get("SSH_CONNECTION", "").split(" ")[0] or environ.get("SSH_TTY", "")
        detail = t("doctor.ssh.session", o=origin)
    else:
        detail = t("doctor.ssh.local")
    report.add(_ok("ssh", "SSH", detail))

    name = environ.get("LC_ALL") or environ.get("LC_CTYPE") or environ.get("LANG") or "C"
    encoding = locale.getpreferredencoding(False)
    title = "locale"
    detail = t("doctor.locale.detail", n=name, e=encoding, l=get_language())
    if encoding.replace("-", "").lower() != "utf8":
        report.add(
            Check(
                "locale",
                title,
                "warn",
                detail,
                "export LANG=C.UTF-8  " + t("doctor.locale.fix_alternative"),
            )
        )
    else:
        report.add(_ok("locale", title, detail))


# -- the whole run --------------------------------------------------------------------------


def run_doctor(
    *,
    profile: str | None = None,
    url: str | None = None,
    insecure: bool = False,
    keyring_timeout: float = KEYRING_TIMEOUT,
    environ: Mapping[str, str] | None = None,
    config_path: Path | None = None,
) -> Report:
    """Every check, in order; never raises for a failed check (see `Report.exit_code`)."""
    env = os.environ if environ is None else environ
    report = Report(config_path=config_path or config_file())
    report.add(_ok("version", t("doctor.title.version"), f"frontdesk {__version__}"))
    report.add(_python_check())
    config = _config_check(report)

    chosen: Profile | None = None
    if config is not None and not url:
        chosen = _profile_check(report, config, profile)
        if chosen is None and (profile or env.get("FRONTDESK_PROFILE")):
            config = None  # a profile was asked for and is missing: stop here
    elif url:
        report.add(
            _ok(
                "profile",
                t("doctor.title.profile"),
                t("doctor.profile.url", u=url, env=API_KEY_ENV),
            )
        )

    remote_url = url or (chosen.url if chosen else None)
    report.profile = chosen.name if chosen else None
    report.url = remote_url
    report.mode = "remote" if remote_url else "local"
    problem = _keyring_check(report, chosen.name if chosen else None, keyring_timeout)

    if remote_url is None:
        if config is None:
            _skip_all(report, ("local_backend",))
        else:
            asyncio.run(_local_checks(report))
            _data_check(report)
        _terminal_checks(report, env)
        return report

    key = _key_check(report, chosen, problem)
    connect_timeout = chosen.connect_timeout if chosen else DEFAULT_CONNECT_TIMEOUT
    read_timeout = chosen.read_timeout if chosen else DEFAULT_READ_TIMEOUT
    steps_left = ["dns", "tcp", "tls", "health", "auth", "clock"]
    if not _transport_check(report, remote_url, insecure, chosen):
        _skip_all(report, steps_left)
        _terminal_checks(report, env)
        return report
    ca: Path | None = None
    if chosen is not None and config is not None:
        ok, ca = _ca_check(report, config, chosen)
        if not ok:
            _skip_all(report, steps_left)
            _terminal_checks(report, env)
            return report
    parts = urlsplit(remote_url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    if not _dns_check(report, host, port, connect_timeout):
        _skip_all(report, steps_left[1:])
    elif not _tcp_check(report, host, port, connect_timeout):
        _skip_all(report, steps_left[2:])
    else:
        if parts.scheme == "https":
            tls_ok = _tls_check(report, config, chosen, host, port, ca, connect_timeout)
        else:
            from frontdesk.core.net import is_loopback

            if is_loopback(host):
                detail = t("doctor.tls.loopback")
                report.add(_ok("tls", "TLS", detail))
            else:
                detail = t("doctor.tls.no_tls")
                report.add(Check("tls", "TLS", "warn", detail, None))
            tls_ok = True
        if not tls_ok:
            _skip_all(report, steps_left[3:])
        else:
            verify: bool | str = str(ca) if ca else True
            asyncio.run(
                _http_checks(report, remote_url, key, verify, connect_timeout, read_timeout, chosen)
            )
    _terminal_checks(report, env)
    return report


# The titles of the checks that `_skip_all` may skip, by id.
_TITLE_KEYS: Final = {
    "dns": "doctor.title.dns",
    "tcp": "doctor.title.tcp",
    "tls": "doctor.title.tls",
    "health": "doctor.title.health",
    "auth": "doctor.title.auth",
    "clock": "doctor.title.clock",
    "local_backend": "doctor.title.local_backend",
}


def _skip_all(report: Report, ids: list[str] | tuple[str, ...]) -> None:
    for id_ in ids:
        report.add(_skip(id_, t(_TITLE_KEYS[id_])))
