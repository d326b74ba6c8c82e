"""`frontdesk doctor` on a TISS profile, against `frontdesk serve`'s local TISS operator (a
real process on loopback): its password, the way there, and one eligibility call that says
whether the operator accepts the login."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest

from frontdesk.cli import main
from frontdesk.doctor.report import Report
from frontdesk.doctor.run import run_doctor as doctor
from frontdesk.tiss import VERSION as LOCAL_VERSION  # the local operator's
from support.isolation import SERVED_KEY, Home, start_serve, stop_serve
from support.tiss_versions import VersionedOperator, served_operator

pytestmark = pytest.mark.served

TISS_STEPS = ["tiss_password", "transport", "dns", "tcp", "tls", "tiss_login"]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    process, url = start_serve(tmp_path_factory.mktemp("tiss-doctor"))
    try:
        yield url
    finally:
        stop_serve(process)


@pytest.fixture(autouse=True)
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.delenv("FRONTDESK_TISS_PASSWORD", raising=False)


def tiss_profile(home: Home, base: str) -> None:
    home.write_config(
        'default = "demo-tiss"\n\n[profiles.demo-tiss]\nkind = "tiss"\n'
        f'url = "{base}/tiss/v{LOCAL_VERSION}/{{operation}}"\nregistro_ans = "999999"\n'
        f'prestador_type = "codigo"\nprestador = "123456"\ntiss_version = "{LOCAL_VERSION}"\n'
    )


def run_doctor(**options: Any) -> Report:
    return doctor(encoding="UTF-8", terminal_size=(80, 24), **options)


def statuses(report: Report) -> dict[str, str]:
    return {check.id: check.status for check in report.checks}


def detail(report: Report, id_: str) -> tuple[str, str | None]:
    found = next(c for c in report.checks if c.id == id_)
    return found.detail, found.fix


def test_the_right_password_is_a_login_the_operator_accepts(
    home: Home, served: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    tiss_profile(home, served)
    monkeypatch.setenv("FRONTDESK_TISS_PASSWORD", SERVED_KEY)
    report = run_doctor()
    found = statuses(report)
    assert [found[s] for s in TISS_STEPS if s != "tls"] == ["ok"] * 5
    assert "api_key" not in found and "health" not in found  # the contract's steps are not run
    text, _ = detail(report, "tiss_login")
    assert 'login "123456" aceito pela operadora (registro ANS 999999): respondeu em TISS ' in text
    assert f"respondeu em TISS {LOCAL_VERSION}" in text
    version, _ = detail(report, "tiss_version")
    assert found["tiss_version"] == "ok" and f"as mensagens saem em TISS {LOCAL_VERSION}" in version
    assert report.exit_code == 0
    records = [r for r in home.audit_lines() if r.get("action") == "tiss_doctor"]
    assert [r["outcome"] for r in records] == ["login_accepted"]
    assert SERVED_KEY not in home.audit_file.read_text(encoding="utf-8")

    assert main(["doctor", "--profile", "demo-tiss"]) == 0
    output = capsys.readouterr().out
    assert "login TISS" in output and SERVED_KEY not in output


def test_a_wrong_password_is_refused_with_the_command_that_stores_one(
    home: Home, served: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    tiss_profile(home, served)
    monkeypatch.setenv("FRONTDESK_TISS_PASSWORD", "not-the-password")
    report = run_doctor()
    assert statuses(report)["tiss_login"] == "fail"
    text, fix = detail(report, "tiss_login")
    assert "recusou o login" in text and "LoginInvalido" in text
    assert fix and "frontdesk login --profile demo-tiss" in fix
    assert report.exit_code == 1


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ("", "as mensagens saem em TISS 4.03.00 (a versão em vigor)"),
        ('tiss_version = "4.02.00"\n', "TISS 4.02.00 (a versão anterior, que operadoras ainda"),
        ('tiss_version = "4.01.00"\n', "TISS 4.01.00 (versão substituída)"),
    ],
)
def test_doctor_says_which_version_the_profile_speaks(home: Home, line: str, said: str) -> None:
    home.write_config(
        '[profiles.op]\nkind = "tiss"\nurl = "http://127.0.0.1:9/{operation}V{version}"\n'
        f'registro_ans = "123456"\nprestador_type = "codigo"\nprestador = "1"\n{line}'
    )
    report = run_doctor(profile="op")
    text, _ = detail(report, "tiss_version")
    assert said in text and "frontdesk profiles set NOME tiss_version VERSÃO" in text
    assert [c.id for c in report.checks].index("tiss_version") < [
        c.id for c in report.checks
    ].index("tiss_password")


def test_no_password_fails_first_and_the_call_is_not_made(home: Home, served: str) -> None:
    tiss_profile(home, served)
    report = run_doctor(profile="demo-tiss")
    found = statuses(report)
    assert found["tiss_password"] == "fail"
    assert [found[s] for s in ("transport", "dns", "tcp")] == ["ok"] * 3
    assert found["tiss_login"] == "skip"
    _, fix = detail(report, "tiss_password")
    assert fix and "frontdesk login --profile demo-tiss" in fix
    assert not home.audit_file.exists()  # no call, so nothing to record


def test_a_dead_port_fails_at_tcp_and_skips_what_needs_it(
    home: Home, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    tiss_profile(home, f"http://127.0.0.1:{port}/v1")
    monkeypatch.setenv("FRONTDESK_TISS_PASSWORD", SERVED_KEY)
    report = run_doctor()
    found = statuses(report)
    assert found["tcp"] == "fail"
    assert [found["tls"], found["tiss_login"]] == ["skip", "skip"]
    assert report.exit_code == 1


@pytest.mark.parametrize(("sent", "speaks"), [("4.03.00", "4.02.00"), ("4.02.00", "4.03.00")])
def test_the_login_check_names_both_versions_and_the_fix(
    home: Home, monkeypatch: pytest.MonkeyPatch, sent: str, speaks: str
) -> None:
    monkeypatch.setenv("FRONTDESK_TISS_PASSWORD", "senha")
    with served_operator(VersionedOperator(speaks)) as url:
        home.write_config(
            f'[profiles.op]\nkind = "tiss"\nurl = "{url}/{{operation}}V{{version}}"\n'
            f'registro_ans = "999999"\nprestador_type = "codigo"\nprestador = "123456"\n'
            f'tiss_version = "{sent}"\n'
        )
        report = run_doctor(profile="op")
    assert statuses(report)["tiss_login"] == "fail"
    text, fix = detail(report, "tiss_login")
    assert f"A operadora fala TISS {speaks}, e o perfil envia TISS {sent}." in text
    assert fix == (
        f"Mude a versão do perfil: `frontdesk profiles set op tiss_version {speaks}`, e rode "
        "o doctor de novo."
    )
    assert report.exit_code == 1
    records = [r for r in home.audit_lines() if r.get("action") == "tiss_doctor"]
    assert [r["outcome"] for r in records] == ["error:version_mismatch"]
