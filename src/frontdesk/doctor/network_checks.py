"""The doctor's checks of the way to a remote backend, step by step: the transport (https, or
http only to this machine), the profile's CA bundle, DNS, TCP and the TLS handshake.

Each returns whether the next step can run; a failure names the setting to change.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Final
from urllib.parse import urlsplit

from frontdesk.config.connection import check_ca_bundle, check_transport
from frontdesk.config.reading import Config, Profile
from frontdesk.config.setup_errors import ConfigError, TransportError
from frontdesk.core._httpx import httpx
from frontdesk.core.i18n import t
from frontdesk.core.net import is_loopback
from frontdesk.core.timebox import timeboxed
from frontdesk.doctor.report import Report, Status, check, ok

CERT_EXPIRY_WARN_DAYS: Final = 14


def transport_check(report: Report, url: str, insecure: bool, profile: Profile | None) -> bool:
    try:
        allowed_insecure = check_transport(url, insecure=insecure)
    except TransportError as error:
        where = f" [profiles.{profile.name}]" if profile else ""
        report.add(check("transport", "fail", str(error), t("doctor.transport.fix", where=where)))
        return False
    if allowed_insecure:
        report.add(
            check(
                "transport",
                "warn",
                t("doctor.transport.insecure"),
                t("doctor.transport.insecure_fix"),
            )
        )
    elif urlsplit(url).scheme == "https":
        report.add(ok("transport", t("doctor.transport.https")))
    else:
        report.add(ok("transport", t("doctor.transport.loopback")))
    return True


def ca_check(report: Report, config: Config, profile: Profile) -> tuple[bool, Path | None]:
    """(whether to go on, the CA bundle to trust); no check at all when the profile has none."""
    if profile.ca_bundle is None:
        return True, None
    try:
        path = check_ca_bundle(config, profile)
    except ConfigError as error:
        fix = t("doctor.ca.fix", name=profile.name, file=config.path)
        report.add(check("ca_bundle", "fail", str(error), fix))
        return False, None
    report.add(ok("ca_bundle", t("doctor.ca.ok", p=path)))
    return True, path


def dns_check(report: Report, host: str, port: int, timeout: float) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        report.add(ok("dns", t("doctor.dns.ip", h=host)))
        return True
    try:
        infos = timeboxed(
            lambda: socket.getaddrinfo(host, port, type=socket.SOCK_STREAM), max(timeout, 1.0)
        )
    except (OSError, TimeoutError) as error:
        detail = t("doctor.dns.failed", h=host, e=error)
        report.add(check("dns", "fail", detail, t("doctor.dns.fix")))
        return False
    addresses = sorted({str(info[4][0]) for info in infos})
    report.add(ok("dns", f"{host} -> {', '.join(addresses[:4])}"))
    return True


def tcp_check(report: Report, host: str, port: int, timeout: float) -> bool:
    started = time.perf_counter()
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            peer = sock.getpeername()
    except TimeoutError:
        detail = t("doctor.tcp.timeout", h=host, p=port, seconds=timeout)
        report.add(check("tcp", "fail", detail, t("doctor.tcp.timeout_fix")))
        return False
    except OSError as error:
        if isinstance(error, ConnectionRefusedError):
            detail = t("doctor.tcp.refused", h=host, p=port)
        else:
            detail = t("doctor.tcp.failed", h=host, p=port, e=error.strerror or error)
        report.add(check("tcp", "fail", detail, t("doctor.tcp.fix")))
        return False
    elapsed = (time.perf_counter() - started) * 1000
    report.add(ok("tcp", t("doctor.tcp.ok", a=peer[0], p=peer[1], ms=elapsed)))
    return True


def plain_http_tls_check(report: Report, host: str) -> None:
    """No TLS to check: fine on this machine, a warning elsewhere (--insecure)."""
    if is_loopback(host):
        report.add(ok("tls", t("doctor.tls.loopback")))
    else:
        report.add(check("tls", "warn", t("doctor.tls.no_tls")))


def _tls_context(ca: Path | None) -> ssl.SSLContext:
    if ca is None:
        return httpx.create_ssl_context()  # what the client does with verify=True
    if ca.is_dir():
        return ssl.create_default_context(capath=str(ca))
    return ssl.create_default_context(cafile=str(ca))


def _refused_fix(
    error: ssl.SSLCertVerificationError,
    message: str,
    where: str,
    profile: Profile | None,
    ca: Path | None,
) -> str:
    """What to do about a certificate this machine refused, by the reason it gave."""
    code = error.verify_code
    if code == 62 or "hostname" in message.lower() or "IP address mismatch" in message:
        return t("doctor.tls.fix_name")
    if code == 10:
        return t("doctor.tls.fix_expired")
    if ca is not None:
        return t("doctor.tls.fix_wrong_ca", where=where, ca=ca)
    return t("doctor.tls.fix_unknown_ca", where=where, name=profile.name if profile else "NOME")


def tls_check(
    report: Report,
    config: Config | None,
    profile: Profile | None,
    host: str,
    port: int,
    ca: Path | None,
    timeout: float,
) -> bool:
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
        message = error.verify_message or str(error)
        fix = _refused_fix(error, message, where, profile, ca)
        report.add(check("tls", "fail", t("doctor.tls.refused", m=message), fix))
        return False
    except (ssl.SSLError, OSError) as error:
        detail = t("doctor.tls.handshake", e=error)
        report.add(check("tls", "fail", detail, t("doctor.tls.handshake_fix")))
        return False
    trust = t("doctor.tls.profile_ca") if ca else t("doctor.tls.system_cas")
    detail = f"{version}, {trust}"
    not_after = cert.get("notAfter")
    status: Status = "ok"
    expiry_fix: str | None = None
    if isinstance(not_after, str):
        expires = datetime.fromtimestamp(ssl.cert_time_to_seconds(not_after), UTC)
        days = (expires - datetime.now(UTC)).days
        detail += t("doctor.tls.valid_until", d=expires.date().isoformat())
        if days < CERT_EXPIRY_WARN_DAYS:
            status = "warn"
            expiry_fix = t("doctor.tls.expires_soon", n=days)
    report.add(check("tls", status, detail, expiry_fix))
    return True
