"""`frontdesk doctor` against real loopback backends: HTTP, dead port, wrong key, real TLS."""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path
from typing import Any

import pytest

from frontdesk.cli import main
from frontdesk.config.credentials import store_key, write_key_file
from frontdesk.doctor.report import Report
from frontdesk.doctor.report import check as report_check
from frontdesk.doctor.run import run_doctor as doctor
from support.isolation import (
    SERVED_KEY,
    FailingKeyring,
    Home,
    Served,
    write_config,
)

REMOTE_STEPS = ["dns", "tcp", "tls", "health", "auth", "clock"]
TERMINAL = ["term", "colours", "size", "ssh", "locale"]
ORDER = ["version", "python", "config", "profile", "keyring", "api_key", "transport"]


@pytest.fixture(autouse=True)
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """An 80x24 xterm, whatever runs the tests (`run_doctor` below is given a UTF-8 locale)."""
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.delenv("COLORTERM", raising=False)
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("LINES", "24")


def run_doctor(**options: Any) -> Report:
    """The doctor with what its terminal checks read given: a UTF-8 locale, 80x24."""
    options.setdefault("encoding", "UTF-8")
    options.setdefault("terminal_size", (80, 24))
    return doctor(**options)


def profile(home: Home, url: str, *, ca: Path | None = None, name: str = "lab") -> None:
    extra = f'ca_bundle = "{ca}"\n' if ca else ""
    write_config(
        home,
        f'# test\ndefault = "{name}"\n\n[profiles.{name}]\noperator = "Lab"\nurl = "{url}"\n'
        f"connect_timeout = 5\n{extra}",
    )


def statuses(report: Report) -> dict[str, str]:
    return {check.id: check.status for check in report.checks}


def check(report: Report, id_: str) -> tuple[str, str, str | None]:
    found = next(c for c in report.checks if c.id == id_)
    return found.status, found.detail, found.fix


def assert_readable(output: str) -> None:
    for line in output.splitlines():
        if "/" not in line:  # a long tmp path may run over; words wrap at 80
            assert len(line) <= 80, line
    assert "\x1b" not in output  # no colours, no escape sequences
    assert SERVED_KEY not in output


def test_green_against_the_local_backend_served_on_loopback(
    home: Home, served_http: Served, capsys: pytest.CaptureFixture[str]
) -> None:
    profile(home, served_http.url)
    store_key("lab", served_http.key)
    report = run_doctor()
    assert [c.id for c in report.checks] == ORDER + REMOTE_STEPS + TERMINAL
    assert set(statuses(report).values()) == {"ok"}, report.render()
    assert report.mode == "remote" and report.profile == "lab"
    assert "guia(s) aguardando token" in check(report, "auth")[1]
    assert "modo local" in check(report, "health")[1]

    assert main(["doctor"]) == 0
    output = capsys.readouterr().out
    assert_readable(output)
    assert 'frontdesk doctor: perfil "lab"' in output
    assert "Resultado: tudo certo" in output
    assert "MemoryKeyring" in output  # where the key came from, never the key


def test_a_dead_port_fails_at_tcp_with_a_fix(
    home: Home, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    profile(home, f"http://127.0.0.1:{port}/v1")
    store_key("lab", "any-key")
    report = run_doctor()
    found = statuses(report)
    assert found["tcp"] == "fail"
    assert [found[s] for s in ("tls", "health", "auth", "clock")] == ["skip"] * 4
    _, detail, fix = check(report, "tcp")
    assert "conexão recusada" in detail and f"127.0.0.1:{port}" in detail
    assert fix and "porta" in fix
    assert report.exit_code == 1

    assert main(["doctor"]) == 1
    output = capsys.readouterr().out
    assert_readable(output)
    assert "FALHA  TCP" in output
    assert "correção: confira se o backend está no ar" in output


def test_a_wrong_key_fails_authentication(home: Home, served_http: Served) -> None:
    profile(home, served_http.url)
    store_key("lab", "not-the-right-key")
    report = run_doctor()
    found = statuses(report)
    assert (found["health"], found["auth"], found["clock"]) == ("ok", "fail", "ok")
    _, detail, fix = check(report, "auth")
    assert "recusou a chave" in detail
    assert fix == "rode: frontdesk login --profile lab"
    assert report.exit_code == 1


def test_real_tls_without_the_ca_bundle_fails_naming_the_setting(
    home: Home, served_https: Served
) -> None:
    assert served_https.url.startswith("https://127.0.0.1:")
    profile(home, served_https.url)
    store_key("lab", served_https.key)
    report = run_doctor()
    found = statuses(report)
    assert found["tls"] == "fail"
    assert [found[s] for s in ("health", "auth", "clock")] == ["skip"] * 3
    _, detail, fix = check(report, "tls")
    assert "certificado recusado" in detail
    assert fix is not None
    assert f"ca_bundle em [profiles.lab] de {home.config}" in fix
    assert "frontdesk profiles set lab --ca-bundle" in fix
    assert report.exit_code == 1


def test_real_tls_with_the_ca_bundle_is_green(
    home: Home, served_https: Served, capsys: pytest.CaptureFixture[str]
) -> None:
    assert served_https.ca is not None
    port = served_https.url.rsplit(":", 1)[1]
    profile(home, f"https://localhost:{port}", ca=served_https.ca)
    store_key("lab", served_https.key)
    report = run_doctor()
    assert set(statuses(report).values()) == {"ok"}, report.render()
    assert "localhost ->" in check(report, "dns")[1]
    _, detail, _ = check(report, "tls")
    assert "TLSv1." in detail and "CA do perfil" in detail
    assert "CA do perfil" in check(report, "ca_bundle")[1]

    assert main(["--lang", "en", "doctor", "--json"]) == 0
    output = capsys.readouterr().out
    data = json.loads(output)
    assert data["ok"] is True and data["profile"] == "lab" and data["mode"] == "remote"
    assert {c["status"] for c in data["checks"]} == {"ok"}
    assert next(c for c in data["checks"] if c["id"] == "tls")["detail"].startswith("TLSv1.")
    assert SERVED_KEY not in output


def test_a_ca_bundle_that_does_not_sign_the_server_is_named(
    home: Home, served_https: Served, tls_files: dict[str, Path], tmp_path: Path
) -> None:
    other = tmp_path / "other-ca.pem"
    other.write_text(tls_files["cert"].read_text())  # a valid PEM, but not the issuer
    profile(home, served_https.url, ca=other)
    store_key("lab", served_https.key)
    report = run_doctor()
    status, _, fix = check(report, "tls")
    assert status == "fail"
    assert fix is not None and str(other) in fix and "ca_bundle" in fix


def test_no_profile_checks_the_embedded_local_backend(
    home: Home, capsys: pytest.CaptureFixture[str]
) -> None:
    failing = FailingKeyring()  # not needed in local mode: not a failure
    report = run_doctor(keyring_backend=failing)
    assert report.mode == "local"
    assert [c.id for c in report.checks] == [
        "version", "python", "config", "profile", "keyring", "local_backend", "data", *TERMINAL,
    ]  # fmt: skip
    assert set(statuses(report).values()) == {"ok"}, report.render()
    assert "backend local embutido" in check(report, "profile")[1]
    assert "aguardando token" in check(report, "local_backend")[1]
    assert main(["doctor"], keyring=failing) == 0  # the command, as the technician runs it
    assert "frontdesk doctor: backend local embutido" in capsys.readouterr().out


def test_a_broken_config_fails_with_its_line(home: Home) -> None:
    write_config(home, '[profiles.lab]\nurl = "https://x.example"\ntimeout = 3\n')
    report = run_doctor()
    status, detail, fix = check(report, "config")
    assert status == "fail"
    assert 'linha 3, chave "profiles.lab.timeout"' in detail
    assert fix == f"corrija linha 3 de {home.config} e rode de novo."
    assert report.exit_code == 1


def test_an_unknown_profile_fails(home: Home, capsys: pytest.CaptureFixture[str]) -> None:
    profile(home, "https://x.example/v1")
    assert main(["--profile", "nope", "doctor"]) == 1
    output = capsys.readouterr().out
    assert 'o perfil "nope" não existe' in output
    assert "frontdesk profiles add nope" in output


def test_no_keyring_and_no_key_says_what_to_do(home: Home, served_http: Served) -> None:
    failing = FailingKeyring()
    profile(home, served_http.url)
    report = run_doctor(keyring_backend=failing)
    status, detail, fix = check(report, "keyring")
    assert status == "warn" and "DBUS" in detail
    assert fix is not None and "--key-file" in fix and "FRONTDESK_API_KEY" in fix
    status, detail, fix = check(report, "api_key")
    assert status == "fail" and fix == "rode: frontdesk login --profile lab"
    assert check(report, "auth")[0] == "skip"
    assert report.exit_code == 1

    path = write_key_file("lab", served_http.key)  # the documented fallback: green again
    report = run_doctor(keyring_backend=failing)
    status, detail, fix = check(report, "keyring")  # nothing to do: the key is in its file
    assert status == "ok" and detail.endswith(f"Não é preciso: a chave está em {path}.")
    assert fix is None
    assert set(statuses(report).values()) <= {"ok", "skip"}
    assert "arquivo" in check(report, "api_key")[1]


def test_no_keyring_and_the_key_in_the_environment_is_no_warning(
    home: Home, served_http: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    profile(home, served_http.url)
    monkeypatch.setenv("FRONTDESK_API_KEY", served_http.key)
    status, detail, fix = check(run_doctor(keyring_backend=FailingKeyring()), "keyring")
    assert (status, fix) == ("ok", None)
    assert detail.endswith("Não é preciso: a chave está em FRONTDESK_API_KEY.")


def test_a_wrapped_path_keeps_its_comma(home: Home) -> None:
    """At 80 columns a long path is not cut (its end and a lone "," on the next line): it
    runs over on a line of its own, its comma with it."""
    report = Report(config_path=home.config, mode="local")
    path = "/home/recepcao/.config/frontdesk/keys/" + "k" * 65 + ".key"
    report.add(report_check("keyring", "warn", f"nenhuma chave: {path}, modo 0600 e mais."))
    lines = [line.strip() for line in report.render(width=80).splitlines()]
    assert [line for line in lines if line[:1] in {",", ".", ":", ";", ")"}] == []
    assert f"{path}," in lines, lines


def test_a_key_file_others_can_read_fails_with_chmod(home: Home, served_http: Served) -> None:
    profile(home, served_http.url)
    path = write_key_file("lab", served_http.key)
    os.chmod(path, 0o644)
    status, _, fix = check(run_doctor(), "api_key")
    assert status == "fail" and fix == f"Corrija com: chmod 600 {path}"


def test_plain_http_off_this_machine_is_refused(home: Home) -> None:
    profile(home, "http://192.0.2.10:8765/v1")
    store_key("lab", "k")
    report = run_doctor()
    status, _, fix = check(report, "transport")
    assert status == "fail" and fix is not None and "--insecure" in fix
    assert [statuses(report)[s] for s in REMOTE_STEPS] == ["skip"] * 6


def test_terminal_checks(home: Home, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERM", "dumb")
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.7 50000 10.0.0.1 22")
    monkeypatch.setenv("NO_COLOR", "1")
    report = run_doctor(encoding="ANSI_X3.4-1968", terminal_size=(60, 24))
    assert (check(report, "term")[0], check(report, "term")[2]) == (
        "warn",
        "export TERM=xterm-256color",
    )
    assert check(report, "size")[:2] == ("warn", "60x24")
    assert "10.0.0.7" in check(report, "ssh")[1]
    assert "NO_COLOR" in check(report, "colours")[1]
    status, _, fix = check(report, "locale")
    assert status == "warn" and fix is not None and "LANG=C.UTF-8" in fix
    assert report.exit_code == 0  # warnings are not failures


def test_terminal_checks_look_only_at_what_they_are_given() -> None:
    from frontdesk.doctor.terminal_checks import terminal_checks

    environ = {"TERM": "xterm-256color", "COLORTERM": "truecolor", "LC_ALL": "pt_BR.UTF-8"}
    checks = terminal_checks(environ, encoding="utf-8", size=(0, 0), language="en")
    assert [(c.id, c.status) for c in checks] == [(id_, "ok") for id_ in TERMINAL]
    found = {c.id: c.detail for c in checks}
    assert found["colours"] == "16 milhões (COLORTERM=truecolor)"
    assert found["size"] == "desconhecido (a saída não é um terminal)"
    assert found["ssh"] == "sessão local (sem SSH)"
    assert found["locale"] == "pt_BR.UTF-8 (utf-8); idioma: en"

    small = terminal_checks({"TERM": "xterm", "SSH_TTY": "/dev/pts/3"}, encoding="latin-1",
                            size=(100, 20))  # fmt: skip
    status = {c.id: (c.status, c.detail, c.fix) for c in small}
    assert status["size"] == ("warn", "100x20", "aumente a janela para pelo menos 80x24.")
    assert status["ssh"][1].startswith("sessão SSH (de /dev/pts/3)")
    assert status["colours"][1] == "16 (o app funciona com 16 cores)"
    assert status["locale"][0] == "warn" and status["locale"][2] == (
        "export LANG=C.UTF-8  (ou pt_BR.UTF-8)"
    )


def test_on_windows_the_fixes_are_windows_commands(home: Home) -> None:
    """Issue 12: no `export`, `chown` or `timedatectl` for a Windows counter."""
    from frontdesk.doctor.backend_checks import clock_check, data_check
    from frontdesk.doctor.report import Report
    from frontdesk.doctor.terminal_checks import terminal_checks

    classic = {c.id: c for c in terminal_checks({}, encoding="cp1252", size=(120, 30),
                                                windows=True)}  # fmt: skip
    assert classic["term"].status == "warn"
    assert "console clássico" in classic["term"].detail
    assert (
        classic["term"].fix == "use o Windows Terminal (winget install Microsoft.WindowsTerminal)."
    )
    assert classic["locale"].status == "warn"
    assert classic["locale"].fix is not None and "setx PYTHONUTF8 1" in classic["locale"].fix
    assert "export" not in " ".join(c.fix or "" for c in classic.values())
    terminal = terminal_checks({"WT_SESSION": "1"}, encoding="utf-8", size=(120, 30),
                               windows=True)  # fmt: skip
    assert (terminal[0].status, terminal[0].detail) == ("ok", "Windows Terminal")

    skewed = clock_check("2026-11-18T11:06:40Z", 1_795_000_000.0 + 120, windows=True)
    assert skewed.fix is not None and "w32tm /resync" in skewed.fix
    assert "timedatectl" not in skewed.fix
    linux = clock_check("2026-11-18T11:06:40Z", 1_795_000_000.0 + 120, windows=False)
    assert linux.fix is not None and "timedatectl" in linux.fix

    report = Report(config_path=home.config)
    data_check(report, windows=True, writable=lambda path: False)
    found = report.checks[-1]
    assert found.status == "fail"
    assert found.fix is not None and "icacls" in found.fix and "chown" not in found.fix


def test_after_a_failed_step_only_the_steps_not_checked_yet_are_skipped(tmp_path: Path) -> None:
    """`skip_unchecked` reads what ran from the report, whatever the order of the ids given."""
    report = Report(config_path=tmp_path / "config.toml")
    report.add(report_check("dns", "ok", "127.0.0.1"))
    report.add(report_check("tcp", "fail", "conexão recusada"))
    report.skip_unchecked(["clock", "tcp", "health", "dns", "tls", "auth"])
    assert [(c.id, c.status) for c in report.checks] == [
        ("dns", "ok"),
        ("tcp", "fail"),
        ("clock", "skip"),
        ("health", "skip"),
        ("tls", "skip"),
        ("auth", "skip"),
    ]
