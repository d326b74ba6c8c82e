"""`frontdesk tiss elegibilidade` and `frontdesk tiss login` against `frontdesk serve`'s local
TISS operator (a real process on loopback): the answer in words or JSON, what is refused
before anything is sent, the exit statuses, and no password or code in any log afterwards."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from frontdesk.cli import main
from frontdesk.core import i18n
from frontdesk.tiss import VERSION as LOCAL_VERSION  # the local operator's
from support.console import Terminal
from support.demo import LUIZ, MARIA
from support.isolation import SERVED_KEY, Home, served_app_code, start_serve, stop_serve
from support.tiss_versions import BENEFICIARY, VersionedOperator, served_operator

pytestmark = pytest.mark.served

MARIA_CARD = "0064 8000 1234 5678"
LUIZ_CARD = "0064800056781234"
WRONG = "918273"


@dataclass
class Operator:
    url: str  # the served backend's base, ending in /v1
    process: subprocess.Popen[str]

    def app_code(self, card: str) -> str:
        return served_app_code(self.url, card)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Operator]:
    process, url = start_serve(tmp_path_factory.mktemp("tiss-serve"))
    try:
        yield Operator(url, process)
    finally:
        stop_serve(process)


def profile(home: Home, url: str, **extra: str | int) -> None:
    lines = [
        "[profiles.demo-tiss]",
        'kind = "tiss"',
        'operator = "Operadora Demonstração"',
        f'url = "{url}/tiss/v{LOCAL_VERSION}/{{operation}}"',
        'registro_ans = "999999"',
        'prestador_type = "codigo"',
        'prestador = "123456"',
        f'tiss_version = "{LOCAL_VERSION}"',
    ]
    lines += [f"{key} = {json.dumps(value)}" for key, value in extra.items()]
    home.write_config("\n".join(lines) + "\n")


@pytest.fixture
def ready(home: Home, served: Operator, monkeypatch: pytest.MonkeyPatch) -> Operator:
    profile(home, served.url, code_length=6)
    monkeypatch.setenv("FRONTDESK_TISS_PASSWORD", SERVED_KEY)
    return served


def check(*args: str) -> list[str]:
    return ["tiss", "elegibilidade", "--profile", "demo-tiss", *args]


def test_an_eligible_card_in_portuguese(
    ready: Operator, capsys: pytest.CaptureFixture[str], home: Home
) -> None:
    code = ready.app_code(MARIA_CARD)
    assert main(check("--card", MARIA_CARD, "--token", code)) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Operadora Demonstração (registro ANS 999999): ELEGÍVEL"
    assert lines[1] == f"Beneficiário: {MARIA}"
    assert lines[2].startswith("Transação ") and lines[2].endswith("(produção).")
    (record,) = home.audit_lines()
    assert (record["action"], record["outcome"], record["profile"]) == (
        "tiss_eligibility",
        "eligible",
        "demo-tiss",
    )


def test_a_wrong_code_as_json_with_its_glosa(
    ready: Operator, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(check("--card", MARIA_CARD, "--token", WRONG, "--json")) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["eligible"] is False
    assert answer["beneficiary"] == {"name": MARIA, "social_name": None}
    assert answer["glosas"] == [
        {
            "code": "3156",
            "description": "TOKEN INVÁLIDO",
            "operator_description": "Código de validação não confere",
        }
    ]


def test_a_reason_in_english_with_the_social_name(
    ready: Operator, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--lang", "en", *check("--card", LUIZ_CARD, "--reason", "07")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Operadora Demonstração (ANS registration 999999): ELIGIBLE"
    assert lines[1] == f"Beneficiary: Luíza Ferreira (legal name: {LUIZ})"
    i18n.set_language("pt")


def test_an_unknown_card_prints_glosa_1001(
    ready: Operator, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(check("--card", "0064800099999999", "--reason", "01")) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].endswith("NÃO ELEGÍVEL")
    assert "Glosa 1001: NÚMERO DA CARTEIRA INVÁLIDO" in lines


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--token", "12345678901"), "O código tem 11 caracteres; o TISS aceita de 1 a 10"),
        (("--token", "1234"), "Esta operadora usa códigos de 6 caracteres; este tem 4"),
        (("--token", "12 345"), "só pode ter letras e números"),
        (("--reason", "08"), 'Motivo "08" inválido: use 01 a 07'),
        (("--reason", "7"), 'Motivo "7" inválido'),
    ],
)
def test_bad_codes_and_reasons_are_refused_before_anything_is_sent(
    home: Home,
    capsys: pytest.CaptureFixture[str],
    args: tuple[str, ...],
    message: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Nothing listens on port 9: a message that was sent would be "could not reach" (3).
    profile(home, "http://127.0.0.1:9/v1", code_length=6)
    monkeypatch.setenv("FRONTDESK_TISS_PASSWORD", "whatever")
    assert main(check("--card", MARIA_CARD, *args)) == 2
    err = capsys.readouterr().err
    assert message in err and "Nada foi enviado." in err
    assert not home.audit_file.exists()


@pytest.mark.parametrize("card", ["abc", "0064 8000 1234 567X", "1234567", "1" * 21])
def test_a_bad_card_is_refused_before_anything_is_sent(
    home: Home, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, card: str
) -> None:
    """Like a bad code: not sent to the operator (who would answer glosa 1001, exit 0)."""
    profile(home, "http://127.0.0.1:9/v1", code_length=6)  # nothing listens: sent would be 3
    monkeypatch.setenv("FRONTDESK_TISS_PASSWORD", "whatever")
    assert main(check("--card", card, "--reason", "01")) == 2
    err = capsys.readouterr().err
    assert f'Carteira inválida: "{card}"' in err and "8 a 20 dígitos" in err
    assert "Nada foi enviado." in err
    assert not home.audit_file.exists()


def test_a_code_of_eleven_characters_is_refused_even_without_a_profile(
    home: Home, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(check("--card", MARIA_CARD, "--token", "ABCDEFGHIJK")) == 2
    assert "11 caracteres" in capsys.readouterr().err


def test_an_unreachable_operator_exits_3_with_a_clear_message(
    home: Home, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    profile(home, "http://127.0.0.1:9/v1", connect_timeout=2.0)
    monkeypatch.setenv("FRONTDESK_TISS_PASSWORD", "whatever")
    assert main(check("--card", MARIA_CARD, "--reason", "01")) == 3
    err = capsys.readouterr().err
    assert "Não foi possível falar com a operadora em http://127.0.0.1:9/v1/tiss" in err
    assert "Traceback" not in err
    assert home.audit_lines()[-1]["outcome"] == "error:unreachable"


def test_a_refused_login_exits_3_and_says_how_to_fix_it(
    ready: Operator, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FRONTDESK_TISS_PASSWORD", "not-the-password")
    assert main(check("--card", MARIA_CARD, "--reason", "01")) == 3
    err = capsys.readouterr().err
    assert 'recusou o login "123456"' in err and "LoginInvalido" in err
    assert "frontdesk tiss login --profile demo-tiss" in err


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", 'o perfil "demo-tiss" não existe'),
        ('[profiles.demo-tiss]\nurl = "https://x.example/v1"\n', 'falta kind = "tiss"'),
        (
            '[profiles.demo-tiss]\nkind = "tiss"\nurl = "https://x.example/{operation}"\n'
            'registro_ans = "999999"\nprestador_type = "codigo"\nprestador = "1"\n'
            'senha = "segredo"\n',
            "a senha não pode ficar neste arquivo",
        ),
        (
            '[profiles.demo-tiss]\nkind = "tiss"\nurl = "https://x.example/{operation}"\n'
            'registro_ans = 999999\nprestador_type = "codigo"\nprestador = "1"\n',
            'linha 4, chave "profiles.demo-tiss.registro_ans"',
        ),
        (
            '[profiles.demo-tiss]\nkind = "tiss"\nurl = "http://tiss.example/{operation}"\n'
            'registro_ans = "999999"\nprestador_type = "codigo"\nprestador = "1"\n',
            'linha 3, chave "profiles.demo-tiss.url"',
        ),
    ],
    ids=["no profile", "not tiss", "password in file", "number", "plain http"],
)
def test_profile_problems_name_the_file_line_and_key(
    home: Home, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    home.write_config(text)
    assert main(check("--card", MARIA_CARD, "--reason", "01")) == 2
    assert message in capsys.readouterr().err


def test_without_a_password_it_says_where_to_put_one(
    home: Home, served: Operator, capsys: pytest.CaptureFixture[str]
) -> None:
    profile(home, served.url)
    assert main(check("--card", MARIA_CARD, "--reason", "01")) == 2
    err = capsys.readouterr().err
    assert 'nenhuma senha TISS para o perfil "demo-tiss"' in err
    assert "frontdesk tiss login --profile demo-tiss" in err


def test_login_stores_the_password_in_the_keyring(
    home: Home, served: Operator, capsys: pytest.CaptureFixture[str]
) -> None:
    profile(home, served.url)
    terminal = Terminal()
    terminal.key = SERVED_KEY
    assert main(["tiss", "login", "--profile", "demo-tiss"], console=terminal) == 0
    assert home.keyring.passwords == {("frontdesk", "demo-tiss"): SERVED_KEY}
    assert "Senha guardada" in capsys.readouterr().out
    assert main(check("--card", MARIA_CARD, "--reason", "01")) == 0
    assert "ELEGÍVEL" in capsys.readouterr().out


def test_login_to_a_key_file_from_a_pipe(home: Home, served: Operator) -> None:
    profile(home, served.url)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "frontdesk",
            "tiss",
            "login",
            "--profile",
            "demo-tiss",
            "--key-file",
        ],
        input=SERVED_KEY + "\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    key_file = home.keys / "demo-tiss.key"
    assert key_file.read_text().strip() == SERVED_KEY
    if os.name == "posix":
        assert key_file.stat().st_mode & 0o777 == 0o600
    assert main(check("--card", MARIA_CARD, "--reason", "01")) == 0


def test_no_password_and_no_code_in_any_log_or_audit_file_after_a_flow(
    home: Home,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    caplog.set_level(logging.DEBUG)
    process, url = start_serve(tmp_path / "serve", "--access-log")
    try:
        profile(home, url)
        monkeypatch.setenv("FRONTDESK_TISS_PASSWORD", SERVED_KEY)
        code = Operator(url, process).app_code(MARIA_CARD)
        assert main(check("--card", MARIA_CARD, "--token", code)) == 0
        assert main(check("--card", MARIA_CARD, "--token", WRONG)) == 0
        monkeypatch.setenv("FRONTDESK_TISS_PASSWORD", "a-wrong-password")
        assert main(check("--card", MARIA_CARD, "--token", code)) == 3
    finally:
        process.terminate()
        _, served_log = process.communicate(timeout=15)
    printed = capsys.readouterr()
    assert "tissVerificaElegibilidade eligible 200" in served_log  # the access log was on
    secrets = {
        SERVED_KEY,
        hashlib.md5(SERVED_KEY.encode()).hexdigest(),
        "a-wrong-password",
        hashlib.md5(b"a-wrong-password").hexdigest(),
        code,
        WRONG,
    }
    texts = {"serve's log": served_log, "client logs": caplog.text, "stderr": printed.err}
    for path in home.root.rglob("*"):
        if path.is_file():
            texts[str(path)] = path.read_bytes().decode("latin-1")
    assert home.audit_file.exists() and str(home.audit_file) in texts
    for where, text in texts.items():
        for secret in secrets:
            assert secret not in text, f"{secret!r} found in {where}"


# -- issue 17: an operator in another TISS version --------------------------------------------


@pytest.mark.parametrize(("sent", "speaks"), [("4.03.00", "4.02.00"), ("4.02.00", "4.03.00")])
def test_an_operator_in_another_version_exits_3_naming_both_and_the_fix(
    home: Home,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    sent: str,
    speaks: str,
) -> None:
    operator = VersionedOperator(speaks)
    monkeypatch.setenv("FRONTDESK_TISS_PASSWORD", "senha")
    with served_operator(operator) as url:
        home.write_config(
            '[profiles.demo-tiss]\nkind = "tiss"\n'
            f'url = "{url}/tiss/{{operation}}V{{version}}.apw"\nregistro_ans = "999999"\n'
            f'prestador_type = "codigo"\nprestador = "123456"\ntiss_version = "{sent}"\n'
        )
        assert main(check("--card", MARIA_CARD, "--reason", "01")) == 3
        said = capsys.readouterr().err
        assert f"A operadora fala TISS {speaks}, e o perfil envia TISS {sent}." in said
        assert f"frontdesk profiles set demo-tiss tiss_version {speaks}" in said
        tag = sent.replace(".", "_")
        assert operator.paths == [f"/tiss/tissVerificaElegibilidadeV{tag}.apw"]
        (record,) = home.audit_lines()
        assert record["outcome"] == "error:version_mismatch"

        # the fix it names, then the same check: the operator answers
        assert main(["profiles", "set", "demo-tiss", "tiss_version", speaks]) == 0
        capsys.readouterr()
        assert main(check("--card", MARIA_CARD, "--reason", "01")) == 0
        assert capsys.readouterr().out.splitlines()[1] == f"Beneficiário: {BENEFICIARY}"
    assert operator.received == [sent, speaks]


def test_a_version_mismatch_in_english(
    home: Home, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FRONTDESK_TISS_PASSWORD", "senha")
    with served_operator(VersionedOperator("4.02.00", names_version=False)) as url:
        home.write_config(
            f'[profiles.demo-tiss]\nkind = "tiss"\nurl = "{url}/{{operation}}"\n'
            'registro_ans = "999999"\nprestador_type = "codigo"\nprestador = "123456"\n'
        )
        assert main(["--lang", "en", *check("--card", MARIA_CARD, "--reason", "01")]) == 3
    said = capsys.readouterr().err
    assert "refused the profile's TISS version 4.03.00 (VersaoInvalida)" in said
    assert "it should be 4.02.00" in said
    assert "frontdesk profiles set demo-tiss tiss_version 4.02.00" in said
    i18n.set_language("pt")
