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
from frontdesk.core.i18n import get_language, tr
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
            "warn": tr("aviso", "warn"),
            "fail": tr("FALHA", "FAIL"),
            "skip": tr("--", "--"),
        }
        if self.mode == "local":
            what = tr("backend local embutido", "embedded local backend")
        else:
            what = (
                tr('perfil "{p}"', 'profile "{p}"', p=self.profile)
                if self.profile
                else str(self.url)
            )
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
                        tr("correção: ", "fix: ") + check.fix,
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
            lines.append(
                tr(
                    "Resultado: {f} falha(s), {w} aviso(s). Corrija as FALHAS de cima para baixo.",
                    "Result: {f} failure(s), {w} warning(s). Fix the FAILs from the top down.",
                    f=fails,
                    w=warns,
                )
            )
        else:
            lines.append(
                tr(
                    "Resultado: tudo certo ({w} aviso(s)).",
                    "Result: all good ({w} warning(s)).",
                    w=warns,
                )
            )
        return "\n".join(lines)


def _ok(id_: str, title: str, detail: str) -> Check:
    return Check(id_, title, "ok", detail)


def _skip(id_: str, title: str, detail: str | None = None) -> Check:
    return Check(
        id_,
        title,
        "skip",
        detail
        or tr("não verificado: um passo anterior falhou.", "not checked: an earlier step failed."),
    )


# -- the parts ---------------------------------------------------------------------------


def _python_check() -> Check:
    version = platform.python_version()
    detail = f"{version} ({platform.python_implementation()}, {sys.executable})"
    return _ok("python", "Python", detail)


def _config_check(report: Report) -> Config | None:
    title = tr("configuração", "configuration")
    try:
        config = load_config(report.config_path)
    except ConfigError as error:
        where = (
            tr("linha {line} de {file}", "line {line} of {file}", line=error.line, file=error.path)
            if error.line
            else str(error.path)
        )
        report.add(
            Check(
                "config",
                title,
                "fail",
                str(error),
                tr("corrija {where} e rode de novo.", "fix {where} and run again.", where=where),
            )
        )
        return None
    if not config.exists:
        detail = tr(
            "{file} (não existe: sem perfis)",
            "{file} (does not exist: no profiles)",
            file=config.path,
        )
    else:
        detail = tr(
            "{file}: válida; perfis: {names}; padrão: {default}",
            "{file}: valid; profiles: {names}; default: {default}",
            file=config.path,
            names=", ".join(config.names()) or tr("nenhum", "none"),
            default=config.default or tr("nenhum", "none"),
        )
    report.add(_ok("config", title, detail))
    return config


def _profile_check(report: Report, config: Config, explicit: str | None) -> Profile | None:
    title = tr("perfil", "profile")
    try:
        profile, how = select_profile(config, explicit)
    except ProfileNotFound as error:
        report.add(
            Check(
                "profile",
                title,
                "fail",
                str(error),
                tr(
                    "veja os perfis com `frontdesk profiles` ou crie um com `frontdesk profiles "
                    "add {name} --url https://...`.",
                    "list profiles with `frontdesk profiles` or add one with `frontdesk profiles "
                    "add {name} --url https://...`.",
                    name=error.name,
                ),
            )
        )
        return None
    if profile is None:
        report.add(
            _ok(
                "profile",
                title,
                tr(
                    "nenhum perfil configurado: verificando o backend local embutido (no próprio "
                    "processo, dados de demonstração).",
                    "no profile configured: checking the embedded local backend (in this "
                    "process, demo data).",
                ),
            )
        )
        return None
    why = {
        "--profile": "--profile",
        "FRONTDESK_PROFILE": "FRONTDESK_PROFILE",
        "default": tr("padrão do arquivo", "the file's default"),
    }[how]
    operator = f" ({profile.operator})" if profile.operator else ""
    report.add(_ok("profile", title, f'"{profile.name}"{operator} [{why}]: {profile.url}'))
    return profile


def _key_check(report: Report, profile: Profile | None, status_problem: Any) -> ApiKey | None:
    title = tr("chave de API", "API key")
    try:
        if profile is None:
            value = os.environ.get(API_KEY_ENV, "")
            if not value.strip():
                report.add(
                    Check(
                        "api_key",
                        title,
                        "fail",
                        tr("{env} não está definida.", "{env} is not set.", env=API_KEY_ENV),
                        tr(
                            "com --url, defina {env}; ou crie um perfil e use frontdesk login.",
                            "with --url, set {env}; or add a profile and use frontdesk login.",
                            env=API_KEY_ENV,
                        ),
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
        fix = tr(
            "rode: frontdesk login --profile {name}",
            "run: frontdesk login --profile {name}",
            name=name,
        )
        detail = str(error)
        if profile is not None and error.keyring_problem is not None:
            from frontdesk.config.credentials import key_file_path

            detail = tr(
                "nenhuma chave: {env} não definida, {path} não existe e o chaveiro não pode "
                "ser usado (acima).",
                "no key: {env} is not set, {path} does not exist and the keyring cannot be "
                "used (above).",
                env=API_KEY_ENV,
                path=key_file_path(profile.name),
            )
        report.add(Check("api_key", title, "fail", detail, fix))
        return None
    except CredentialError as error:
        report.add(
            Check(
                "api_key",
                title,
                "fail",
                str(error),
                tr(
                    "guarde a chave de novo com frontdesk login.",
                    "store the key again with frontdesk login.",
                ),
            )
        )
        return None
    report.add(
        _ok(
            "api_key",
            title,
            tr(
                "encontrada ({where}); não é exibida.",
                "found ({where}); not shown.",
                where=key.describe(),
            ),
        )
    )
    return key


def _keyring_check(report: Report, profile_name: str | None, timeout: float) -> Any:
    title = tr("chaveiro", "keyring")
    status = keyring_status(timeout, user=profile_name or "probe")
    if status.usable:
        report.add(_ok("keyring", title, tr("backend {b}", "backend {b}", b=status.backend)))
        return None
    needed = profile_name is not None
    report.add(
        Check(
            "keyring",
            title,
            "warn" if needed else "ok",
            str(status.problem)
            + ("" if needed else tr(" Não é preciso no modo local.", " Not needed in local mode.")),
            fallback_hint(profile_name) if needed and profile_name else None,
        )
    )
    return status.problem


def _transport_check(report: Report, url: str, insecure: bool, profile: Profile | None) -> bool:
    from frontdesk.config.connection import check_transport

    title = tr("transporte", "transport")
    try:
        allowed_insecure = check_transport(url, insecure=insecure)
    except TransportError as error:
        report.add(
            Check(
                "transport",
                title,
                "fail",
                str(error),
                tr(
                    "troque a url{where} para https://, ou rode com --insecure.",
                    "change the url{where} to https://, or run with --insecure.",
                    where=f" [profiles.{profile.name}]" if profile else "",
                ),
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
                tr(
                    "http:// sem criptografia para outra máquina, permitido por --insecure; o app "
                    "mostra isso na tela.",
                    "unencrypted http:// to another machine, allowed by --insecure; the app "
                    "shows it on screen.",
                ),
                tr(
                    "peça à operadora um endereço https://.",
                    "ask the operator for an https:// address.",
                ),
            )
        )
    elif scheme == "https":
        report.add(_ok("transport", title, tr("https (TLS verificado)", "https (TLS verified)")))
    else:
        report.add(
            _ok(
                "transport",
                title,
                tr("http neste computador (loopback)", "http on this machine (loopback)"),
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
                tr(
                    "corrija ca_bundle em [profiles.{name}] de {file}: "
                    "frontdesk profiles set {name} --ca-bundle /caminho/ca.pem",
                    "fix ca_bundle in [profiles.{name}] of {file}: "
                    "frontdesk profiles set {name} --ca-bundle /path/ca.pem",
                    name=profile.name,
                    file=config.path,
                ),
            )
        )
        return False, None
    report.add(_ok("ca_bundle", title, tr("CA do perfil: {p}", "profile's CA: {p}", p=path)))
    return True, path


def _dns_check(report: Report, host: str, port: int, timeout: float) -> bool:
    title = tr("nome (DNS)", "name (DNS)")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        report.add(_ok("dns", title, tr("{h} é um endereço IP", "{h} is an IP address", h=host)))
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
                tr(
                    "não foi possível resolver {h}: {e}", "cannot resolve {h}: {e}", h=host, e=error
                ),
                tr(
                    "confira o nome na url do perfil e o DNS desta máquina (/etc/resolv.conf).",
                    "check the host name in the profile's url and this machine's DNS "
                    "(/etc/resolv.conf).",
                ),
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
                tr(
                    "{h}:{p} não respondeu em {t:g} s.",
                    "{h}:{p} did not answer within {t:g} s.",
                    h=host,
                    p=port,
                    t=timeout,
                ),
                tr(
                    "um firewall, VPN ou proxy está no caminho; confira a rede com a TI.",
                    "a firewall, VPN or proxy is in the way; check the network with IT.",
                ),
            )
        )
        return False
    except OSError as error:
        refused = isinstance(error, ConnectionRefusedError)
        detail = (
            tr(
                "nada escutando em {h}:{p} (conexão recusada).",
                "nothing listening on {h}:{p} (connection refused).",
                h=host,
                p=port,
            )
            if refused
            else tr(
                "não conectou em {h}:{p}: {e}",
                "cannot connect to {h}:{p}: {e}",
                h=host,
                p=port,
                e=error.strerror or error,
            )
        )
        report.add(
            Check(
                "tcp",
                title,
                "fail",
                detail,
                tr(
                    "confira se o backend está no ar e se a porta da url está certa.",
                    "check that the backend is running and the port in the url is right.",
                ),
            )
        )
        return False
    elapsed = (time.perf_counter() - started) * 1000
    report.add(
        _ok(
            "tcp",
            title,
            tr(
                "conectado a {a}:{p} em {ms:.0f} ms",
                "connected to {a}:{p} in {ms:.0f} ms",
                a=peer[0],
                p=peer[1],
                ms=elapsed,
            ),
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
        tr(
            "ca_bundle em [profiles.{name}] de {file}",
            "ca_bundle in [profiles.{name}] of {file}",
            name=profile.name,
            file=config.path,
        )
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
            fix = tr(
                "use na url o nome (ou IP) que o certificado do servidor traz.",
                "use the name (or IP) the server's certificate names in the url.",
            )
        elif code == 10:
            fix = tr(
                "o certificado do servidor venceu: avise a operadora (e confira o relógio daqui).",
                "the server's certificate has expired: tell the operator (and check this clock).",
            )
        elif ca is not None:
            fix = tr(
                "o {where} ({ca}) não assina este certificado: peça à operadora o arquivo certo.",
                "the {where} ({ca}) does not sign this certificate: ask the operator for the "
                "right file.",
                where=where,
                ca=ca,
            )
        else:
            name = profile.name if profile else "NOME"
            fix = tr(
                "o certificado não é de uma CA que esta máquina conhece: peça à operadora o "
                "certificado da CA dela e configure o {where}: frontdesk profiles set {name} "
                "--ca-bundle /caminho/ca.pem",
                "the certificate is not from a CA this machine knows: ask the operator for its "
                "CA certificate and set the {where}: frontdesk profiles set {name} --ca-bundle "
                "/path/ca.pem",
                where=where,
                name=name,
            )
        report.add(
            Check(
                "tls",
                title,
                "fail",
                tr("certificado recusado: {m}", "certificate refused: {m}", m=message),
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
                tr("o aperto de mão TLS falhou: {e}", "the TLS handshake failed: {e}", e=error),
                tr(
                    "confira se o servidor fala https nessa porta.",
                    "check that the server speaks https on that port.",
                ),
            )
        )
        return False
    trust = tr("CA do perfil", "profile's CA") if ca else tr("CAs do sistema", "system CAs")
    detail = f"{version}, {trust}"
    not_after = cert.get("notAfter")
    status: Status = "ok"
    fix = None
    if isinstance(not_after, str):
        expires = datetime.fromtimestamp(ssl.cert_time_to_seconds(not_after), UTC)
        days = (expires - datetime.now(UTC)).days
        detail += tr(
            ", certificado válido até {d}",
            ", certificate valid until {d}",
            d=expires.date().isoformat(),
        )
        if days < CERT_EXPIRY_WARN_DAYS:
            status = "warn"
            fix = tr(
                "o certificado vence em {n} dia(s): avise a operadora.",
                "the certificate expires in {n} day(s): tell the operator.",
                n=days,
            )
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
    auth_title = tr("autenticação", "authentication")
    clock_title = tr("relógio", "clock")
    login = tr(
        "rode: frontdesk login --profile {p}",
        "run: frontdesk login --profile {p}",
        p=profile.name if profile else "NOME",
    )
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
                fix = tr(
                    "o backend não respondeu: confira se ele está no ar (e os tempos "
                    "connect_timeout/read_timeout do perfil).",
                    "the backend did not answer: check that it is up (and the profile's "
                    "connect_timeout/read_timeout).",
                )
            else:
                fix = tr(
                    "o endereço não parece ser de um backend de tokens: confira a url "
                    "(termina em /v1).",
                    "the address does not look like a token backend: check the url (it "
                    "ends in /v1).",
                )
            report.add(Check("health", health_title, "fail", str(error), fix))
            report.add(_skip("auth", auth_title))
            report.add(_skip("clock", clock_title))
            return
        elapsed = (time.perf_counter() - started) * 1000
        after = time.time()
        mode = f", {tr('modo', 'mode')} {health.mode}" if health.mode else ""
        version = tr("versão", "version")
        detail = f"status {health.status}, {version} {health.version}{mode}, {elapsed:.0f} ms"
        if health.status != "ok":
            report.add(
                Check(
                    "health",
                    health_title,
                    "fail",
                    detail,
                    tr(
                        "o backend diz que não está bem: avise a operadora.",
                        "the backend says it is not well: tell the operator.",
                    ),
                )
            )
        elif elapsed > SLOW_HEALTH_MS:
            report.add(
                Check(
                    "health",
                    health_title,
                    "warn",
                    detail,
                    tr(
                        "a rede está lenta até o backend; confira a conexão.",
                        "the network to the backend is slow; check the connection.",
                    ),
                )
            )
        else:
            report.add(_ok("health", health_title, detail))

        if key is None:
            report.add(_skip("auth", auth_title, tr("sem chave de API.", "no API key.")))
        else:
            try:
                guides = await client.list_guides(status="awaiting_token")
            except Unauthorized:
                report.add(
                    Check(
                        "auth",
                        auth_title,
                        "fail",
                        tr(
                            "o backend recusou a chave ({where}).",
                            "the backend refused the key ({where}).",
                            where=key.describe(),
                        ),
                        tr(
                            "corrija {env}, ou {login}",
                            "fix {env}, or {login}",
                            env=API_KEY_ENV,
                            login=login,
                        )
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
                        tr(
                            "rode de novo; se persistir, avise a operadora.",
                            "run again; if it persists, tell the operator.",
                        ),
                    )
                )
            else:
                report.add(
                    _ok(
                        "auth",
                        auth_title,
                        tr(
                            "chave aceita; {n} guia(s) aguardando token",
                            "key accepted; {n} guide(s) awaiting a token",
                            n=len(guides),
                        ),
                    )
                )
        report.add(_clock_check(clock_title, health.time, (before + after) / 2))


def _clock_check(title: str, server_time: str | None, local: float) -> Check:
    if not server_time:
        return Check(
            "clock",
            title,
            "warn",
            tr("o backend não informou a hora.", "the backend did not send its time."),
            None,
        )
    try:
        server = datetime.fromisoformat(server_time.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return Check(
            "clock",
            title,
            "warn",
            tr("hora do backend ilegível: {t}", "unreadable backend time: {t}", t=server_time),
            None,
        )
    difference = local - server
    detail = tr(
        "este computador está {d:+.0f} s em relação ao backend",
        "this computer is {d:+.0f} s off the backend",
        d=difference,
    )
    if abs(difference) > CLOCK_TOLERANCE_S:
        return Check(
            "clock",
            title,
            "warn",
            detail,
            tr(
                "acerte o relógio (timedatectl set-ntp true); as contagens usam os segundos do "
                "backend e continuam certas.",
                "set the clock right (timedatectl set-ntp true); countdowns use the backend's "
                "seconds and stay right.",
            ),
        )
    return _ok("clock", title, detail)


async def _local_checks(report: Report) -> None:
    from frontdesk.config.embedded import embedded_client

    title = tr("backend local", "local backend")
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
                tr(
                    "reinstale o frontdesk (pip install --force-reinstall frontdesk).",
                    "reinstall frontdesk (pip install --force-reinstall frontdesk).",
                ),
            )
        )
        return
    elapsed = (time.perf_counter() - started) * 1000
    report.add(
        _ok(
            "local_backend",
            title,
            tr(
                "embutido, no próprio processo: status {s}, {n} guia(s) de demonstração "
                "aguardando token, {ms:.0f} ms",
                "embedded, in this process: status {s}, {n} demo guide(s) awaiting a token, "
                "{ms:.0f} ms",
                s=health.status,
                n=len(guides),
                ms=elapsed,
            ),
        )
    )


def _data_check(report: Report) -> None:
    from frontdesk.backend.local import default_db_path

    title = tr("dados locais", "local data")
    path = default_db_path()
    existing = path if path.exists() else next((p for p in path.parents if p.exists()), path)
    target = existing if existing.is_dir() else existing.parent
    if not os.access(target, os.W_OK):
        report.add(
            Check(
                "data",
                title,
                "fail",
                tr("sem permissão de escrita em {p}", "no write permission on {p}", p=target),
                tr(
                    "dê permissão ao usuário: chown -R $USER {p}",
                    "give the user access: chown -R $USER {p}",
                    p=target,
                ),
            )
        )
        return
    state = tr("existe", "exists") if path.exists() else tr("será criado", "will be created")
    report.add(_ok("data", title, f"{path} ({state})"))


def _terminal_checks(report: Report, environ: Mapping[str, str]) -> None:
    term = environ.get("TERM", "")
    if not term or term == "dumb":
        report.add(
            Check(
                "term",
                "TERM",
                "warn",
                tr(
                    "TERM={t}: o app precisa de um terminal de verdade.",
                    "TERM={t}: the app needs a real terminal.",
                    t=term or tr("(vazio)", "(unset)"),
                ),
                "export TERM=xterm-256color",
            )
        )
    else:
        report.add(_ok("term", "TERM", term))

    colorterm = environ.get("COLORTERM", "").lower()
    if "NO_COLOR" in environ:
        colours = tr(
            "NO_COLOR definido: sem cores (o app funciona assim)",
            "NO_COLOR set: no colours (the app works that way)",
        )
    elif colorterm in ("truecolor", "24bit"):
        colours = tr("16 milhões (COLORTERM={c})", "16 million (COLORTERM={c})", c=colorterm)
    elif "256color" in term:
        colours = "256"
    else:
        colours = tr("16 (o app funciona com 16 cores)", "16 (the app works with 16 colours)")
    report.add(_ok("colours", tr("cores", "colours"), colours))

    size = shutil.get_terminal_size(fallback=(0, 0))
    title = tr("tamanho", "size")
    if size.columns <= 0 or size.lines <= 0:
        report.add(
            _ok(
                "size",
                title,
                tr(
                    "desconhecido (a saída não é um terminal)", "unknown (output is not a terminal)"
                ),
            )
        )
    elif size.columns < 80 or size.lines < 24:
        report.add(
            Check(
                "size",
                title,
                "warn",
                f"{size.columns}x{size.lines}",
                tr("aumente a janela para pelo menos 80x24.", "make the window at least 80x24."),
            )
        )
    else:
        report.add(_ok("size", title, f"{size.columns}x{size.lines}"))

    ssh = environ.get("SSH_CONNECTION") or environ.get("SSH_TTY")
    if ssh:
        origin = environ.get("SSH_CONNECTION", "").split(" ")[0] or environ.get("SSH_TTY", "")
        detail = tr(
            "sessão SSH (de {o}); a senha copiada vai por OSC 52 para o seu terminal",
            "SSH session (from {o}); copied authorizations travel by OSC 52 to your terminal",
            o=origin,
        )
    else:
        detail = tr("sessão local (sem SSH)", "local session (no SSH)")
    report.add(_ok("ssh", "SSH", detail))

    name = environ.get("LC_ALL") or environ.get("LC_CTYPE") or environ.get("LANG") or "C"
    encoding = locale.getpreferredencoding(False)
    title = "locale"
    detail = tr(
        "{n} ({e}); idioma: {l}", "{n} ({e}); language: {l}", n=name, e=encoding, l=get_language()
    )
    if encoding.replace("-", "").lower() != "utf8":
        report.add(
            Check(
                "locale",
                title,
                "warn",
                detail,
                "export LANG=C.UTF-8  " + tr("(ou pt_BR.UTF-8)", "(or pt_BR.UTF-8)"),
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
    report.add(_ok("version", tr("versão", "version"), f"frontdesk {__version__}"))
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
                tr("perfil", "profile"),
                tr(
                    "nenhum: --url {u} (chave de {env})",
                    "none: --url {u} (key from {env})",
                    u=url,
                    env=API_KEY_ENV,
                ),
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
                detail = tr(
                    "não se aplica: http neste computador (loopback).",
                    "not needed: http on this machine (loopback).",
                )
                report.add(_ok("tls", "TLS", detail))
            else:
                detail = tr("sem TLS (--insecure).", "no TLS (--insecure).")
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


_TITLES: Final = {
    "dns": ("nome (DNS)", "name (DNS)"),
    "tcp": ("TCP", "TCP"),
    "tls": ("TLS", "TLS"),
    "health": ("/v1/health", "/v1/health"),
    "auth": ("autenticação", "authentication"),
    "clock": ("relógio", "clock"),
    "local_backend": ("backend local", "local backend"),
}


def _skip_all(report: Report, ids: list[str] | tuple[str, ...]) -> None:
    for id_ in ids:
        pt, en = _TITLES[id_]
        report.add(_skip(id_, tr(pt, en)))
