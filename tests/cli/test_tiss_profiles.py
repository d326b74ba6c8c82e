"""`frontdesk profiles add --tiss` and `profiles set` on a TISS profile, end to end: what the
file holds afterwards, what the app makes of it, and what a refused value leaves (nothing)."""

from __future__ import annotations

import sys
import tomllib
from dataclasses import fields
from pathlib import Path

import pytest

from frontdesk.audit_log import AuditLog
from frontdesk.cli import main
from frontdesk.config.connection import ConnectionOptions, resolve
from frontdesk.config.profile_editing import add_tiss_profile, load_config, parse_config
from frontdesk.config.setup_errors import ConfigError, SetupError
from frontdesk.tiss.models import Prestador
from frontdesk.tiss.tiss_settings import TissSettings
from frontdesk.tiss.versions import get
from support.console import Terminal
from support.isolation import FailingKeyring, Home

EXISTING = """\
# the clinic's operators: kept through every command
default = "unimed"

[profiles.unimed]
operator = "Unimed Londrina"   # the token backend
url = "https://token.unimed.example/v1"
"""

URL = "https://tiss.unimed.example/ws/{operation}/v4.01.00"
REQUIRED = ["--url", URL, "--registro-ans", "123456", "--prestador-type", "codigo",
            "--prestador", "000123"]  # fmt: skip


COMMENTS = ("# the clinic's operators: kept through every command\n",
            'operator = "Unimed Londrina"   # the token backend\n')  # fmt: skip


def out(capsys: pytest.CaptureFixture[str]) -> str:
    captured = capsys.readouterr()
    return captured.out + captured.err


def table(home: Home, name: str) -> dict[str, object]:
    profiles = tomllib.loads(home.config.read_text(encoding="utf-8"))["profiles"]
    assert isinstance(profiles, dict)
    found = profiles[name]
    assert isinstance(found, dict)
    return found


def test_add_tiss_writes_a_profile_the_app_reads_as_tiss(
    home: Home,
    capsys: pytest.CaptureFixture[str],
    tls_files: dict[str, Path],
) -> None:
    home.write_config(EXISTING)
    ca = tls_files["ca"]  # a real PEM: the connection loads it
    assert main(["profiles", "add", "unimed-tiss", "--tiss", *REQUIRED,
                 "--operator", "Unimed Londrina (TISS)",
                 "--test-url", "https://hml.unimed.example/ws/{operation}",
                 "--environment", "test", "--login", "clinica", "--cnes", "1234567",
                 "--ca-bundle", str(ca), "--connect-timeout", "4", "--read-timeout", "40",
                 "--code-length", "6", "--code-chars", "letters", "--app-name", "Unimed Cliente",
                 "--sac-phone", "0800 123 4567", "--sac-phone", "(43) 3333-4444",
                 "--portal", "https://beneficiario.unimed.example",
                 "--import-folder", "tiss/entrada", "--export-folder", "/srv/tiss/retorno",
                 "--default"]) == 0  # fmt: skip
    text = out(capsys)
    assert 'Perfil "unimed-tiss" adicionado' in text and "(padrão)" in text
    assert "Agora guarde a senha TISS: frontdesk login --profile unimed-tiss" in text
    assert "frontdesk tiss elegibilidade --profile unimed-tiss" in text

    written = home.config.read_text(encoding="utf-8")
    assert all(comment in written for comment in COMMENTS)
    assert table(home, "unimed-tiss") == {
        "kind": "tiss",
        "operator": "Unimed Londrina (TISS)",
        "url": URL,
        "test_url": "https://hml.unimed.example/ws/{operation}",
        "environment": "test",
        "registro_ans": "123456",
        "prestador_type": "codigo",
        "prestador": "000123",
        "login": "clinica",
        "cnes": "1234567",
        "ca_bundle": str(ca),
        "connect_timeout": 4.0,
        "read_timeout": 40.0,
        "code_length": 6,
        "code_chars": "letters",
        "app_name": "Unimed Cliente",
        "sac_phones": ["0800 123 4567", "(43) 3333-4444"],
        "portal": "https://beneficiario.unimed.example",
        "import_folder": str(Path.cwd() / "tiss" / "entrada"),  # the technician's, not the file's
        "export_folder": "/srv/tiss/retorno",
    }
    assert '[profiles.unimed-tiss]\nkind = "tiss"\n' in written  # kind first

    connection = resolve(options=ConnectionOptions(profile="unimed-tiss"), need_key=False)
    assert connection.kind == "tiss" and connection.tiss is not None
    settings = connection.tiss.settings
    assert (settings.registro_ans, settings.prestador_kind, settings.prestador) == (
        "123456",
        "codigo",
        "000123",
    )
    assert connection.url == "https://hml.unimed.example/ws/{operation}"  # environment test
    assert connection.tiss.counter.sac_phones == ("0800 123 4567", "(43) 3333-4444")
    assert load_config().default == "unimed-tiss"

    assert main(["profiles"]) == 0
    listing = out(capsys).splitlines()
    assert listing[1].split()[:2] == ["unimed", "Unimed"] and "TISS" not in listing[1]
    assert listing[2].startswith("* unimed-tiss  Unimed Londrina (TISS)")
    assert listing[2].endswith("[TISS 4.03.00, registro ANS 123456]")  # the default version


def test_the_required_keys_alone_make_a_profile(
    home: Home, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--lang", "en", "profiles", "add", "op", "--tiss", *REQUIRED]) == 0
    text = out(capsys)
    assert "Now store its TISS password: frontdesk login --profile op" in text
    assert "Then check it: frontdesk tiss elegibilidade --profile op" in text
    assert table(home, "op") == {
        "kind": "tiss",
        "url": URL,
        "registro_ans": "123456",
        "prestador_type": "codigo",
        "prestador": "000123",
    }
    assert resolve(options=ConnectionOptions(profile="op"), need_key=False).kind == "tiss"


def _reader_says(home: Home, line: str) -> str:
    """What the app's reader says of a hand-written profile holding `line`."""
    toml = (
        f'[profiles.x]\nkind = "tiss"\nurl = "{URL}"\nregistro_ans = "123456"\n'
        f'prestador_type = "codigo"\nprestador = "000123"\n'
    )
    key = line.split(" = ")[0]
    toml = "\n".join(row for row in toml.splitlines() if not row.startswith(f"{key} = "))
    with pytest.raises(ConfigError) as refused:
        parse_config(toml + "\n" + line + "\n", home.config)
    return refused.value.problem.rstrip(".")


@pytest.mark.parametrize(
    ("options", "option", "line"),
    [
        (["--registro-ans", "12345"], "--registro-ans", 'registro_ans = "12345"'),
        (["--url", "http://192.0.2.10/ws"], "--url", 'url = "http://192.0.2.10/ws"'),
        (["--cnes", "12"], "--cnes", 'cnes = "12"'),
        (["--environment", "test"], "--test-url", 'environment = "test"'),
        (["--portal", "ftp://x"], "--portal", 'portal = "ftp://x"'),
        (["--code-length", "11"], "--code-length", "code_length = 11"),
    ],
)
def test_a_value_the_reader_refuses_leaves_the_file_as_it_was(
    home: Home, capsys: pytest.CaptureFixture[str], options: list[str], option: str, line: str
) -> None:
    home.write_config(EXISTING)
    before = home.config.read_bytes()
    problem = _reader_says(home, line)
    assert main(["profiles", "add", "x", "--tiss", *REQUIRED, *options]) == 2
    text = out(capsys)
    assert f"{option}: {problem}. Nada foi gravado em {home.config}." in text
    assert "Traceback" not in text
    assert home.config.read_bytes() == before


@pytest.mark.parametrize(
    ("lang", "left_out", "message"),
    [
        ("pt", ["--prestador"], "um perfil TISS precisa de --prestador."),
        ("en", ["--prestador"], "a TISS profile needs --prestador."),
        (
            "pt",
            ["--registro-ans", "--prestador"],
            "um perfil TISS precisa de --registro-ans, --prestador.",
        ),
    ],
)
def test_a_missing_required_option_is_named(
    home: Home, capsys: pytest.CaptureFixture[str], lang: str, left_out: list[str], message: str
) -> None:
    options = list(REQUIRED)
    for name in left_out:
        at = options.index(name)
        del options[at : at + 2]
    assert main(["--lang", lang, "profiles", "add", "x", "--tiss", *options]) == 2
    text = out(capsys)
    assert f"frontdesk: {message}" in text and "Traceback" not in text
    assert not home.config.exists()


def test_tiss_options_need_tiss(home: Home, capsys: pytest.CaptureFixture[str]) -> None:
    home.write_config(EXISTING)
    before = home.config.read_bytes()
    assert main(["profiles", "add", "x", "--url", "https://x.example/v1", "--registro-ans",
                 "123456", "--sac-phone", "0800"]) == 2  # fmt: skip
    text = out(capsys)
    assert "--registro-ans, --sac-phone: só para um perfil TISS (acrescente --tiss)." in text
    assert main(["profiles", "set", "unimed", "--portal", "https://p.example"]) == 2
    text = out(capsys)
    assert '--portal: só para um perfil TISS, e "unimed" é um perfil de backend de token.' in text
    assert home.config.read_bytes() == before
    # the contract profile's own settings still change as before
    assert main(["profiles", "set", "unimed", "--operator", "Unimed", "--read-timeout", "20"]) == 0
    unimed = load_config().get("unimed")
    assert unimed is not None and (unimed.operator, unimed.read_timeout) == ("Unimed", 20.0)


def test_set_changes_a_tiss_profile_and_refuses_what_the_reader_refuses(
    home: Home, capsys: pytest.CaptureFixture[str]
) -> None:
    home.write_config(EXISTING)
    assert main(["profiles", "add", "op", "--tiss", *REQUIRED, "--sac-phone", "0800 1",
                 "--app-name", "Velho"]) == 0  # fmt: skip
    with home.config.open("a", encoding="utf-8") as file:
        file.write("# a note at the end\n")
    assert main(["profiles", "set", "op", "--test-url", "https://hml.example/ws",
                 "--environment", "test", "--app-name", "Novo", "--sac-phone", "",
                 "--read-timeout", "45", "--operator", "Operadora"]) == 0  # fmt: skip
    assert 'Perfil "op" atualizado' in out(capsys)
    written = table(home, "op")
    assert written["environment"] == "test" and written["app_name"] == "Novo"
    assert "sac_phones" not in written
    connection = resolve(options=ConnectionOptions(profile="op"), need_key=False)
    assert connection.kind == "tiss" and connection.url == "https://hml.example/ws"
    assert connection.read_timeout == 45.0 and connection.display_name == "Operadora"
    text = home.config.read_text(encoding="utf-8")
    assert text.startswith(EXISTING) and "# a note at the end" in text  # no --default

    before = home.config.read_bytes()
    assert main(["profiles", "set", "op", "--test-url", ""]) == 2  # environment test needs it
    assert "--test-url: " in out(capsys)
    assert main(["profiles", "set", "op", "--url", "http://192.0.2.10/ws"]) == 2
    assert "--url: must be https://" in out(capsys)
    assert home.config.read_bytes() == before

    assert main(["profiles", "set", "op", "--environment", "", "--test-url", ""]) == 0
    assert resolve(options=ConnectionOptions(profile="op"), need_key=False).url == URL


def test_the_writer_shares_the_name_and_exists_checks(home: Home) -> None:
    home.write_config(EXISTING)
    before = home.config.read_bytes()
    values = {"url": URL, "registro_ans": "123456", "prestador_type": "cpf",
              "prestador": "12345678909"}  # fmt: skip
    with pytest.raises(SetupError, match="já existe"):
        add_tiss_profile("unimed", values)
    with pytest.raises(SetupError, match="nome de perfil"):
        add_tiss_profile("../etc", values)
    with pytest.raises(ValueError, match="password"):
        add_tiss_profile("x", {**values, "password": "s3cret"})
    with pytest.raises(ValueError, match="kind"):
        add_tiss_profile("x", {**values, "kind": "contract"})
    assert home.config.read_bytes() == before
    config = add_tiss_profile("x", values)
    assert config.default == "unimed"  # not asked to: the default stays
    profile = config.get("x")
    assert profile is not None and profile.tiss is not None
    assert profile.tiss.settings.prestador_kind == "cpf"


# -- issue 10's form: --tiss URL_TEMPLATE, the prestador's code, `frontdesk login` ------------


def test_the_issue_form_takes_the_url_after_tiss_and_a_code_at_the_operator(
    home: Home, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["profiles", "add", "op", "--tiss", URL, "--registro-ans", "123456",
                 "--prestador", "000123", "--login", "clinica"]) == 0  # fmt: skip
    assert table(home, "op") == {
        "kind": "tiss",
        "url": URL,
        "registro_ans": "123456",
        "prestador_type": "codigo",
        "prestador": "000123",
        "login": "clinica",
    }
    connection = resolve(options=ConnectionOptions(profile="op"), need_key=False)
    assert connection.kind == "tiss"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--tiss", URL, "--url", "https://other.example/ws"], "dois endereços (--tiss "),
        (["--tiss"], "falta o endereço: --url URL."),
    ],
)
def test_one_address_exactly(
    home: Home, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert main(["profiles", "add", "op", *argv, "--registro-ans", "123456",
                 "--prestador", "000123"]) == 2  # fmt: skip
    text = out(capsys)
    assert message in text and "Traceback" not in text
    assert not home.config.exists()


class PipedTerminal:
    """A console whose standard input is a pipe holding one line (a script's password)."""

    def __init__(self, line: str) -> None:
        self.lines = [line]

    def say(self, text: str = "") -> None:
        print(text)

    def complain(self, text: str) -> None:
        print(text, file=sys.stderr)

    def interactive(self) -> bool:
        return False

    def ask_secret(self, prompt: str) -> str:
        raise AssertionError("a pipe is read, not prompted")

    def read_line(self) -> str:
        return self.lines.pop(0) if self.lines else ""

    def ask_yes(self, question: str) -> bool:
        raise AssertionError("nothing to confirm")


def test_login_on_a_tiss_profile_stores_its_password_like_a_key(
    home: Home, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["profiles", "add", "op", "--tiss", URL, "--registro-ans", "123456",
                 "--prestador", "000123"]) == 0  # fmt: skip
    out(capsys)
    terminal = PipedTerminal("Senha#2026")
    assert main(["login", "--profile", "op"], console=terminal) == 0
    assert home.keyring.passwords == {("frontdesk", "op"): "Senha#2026"}
    text = out(capsys)
    assert "Senha guardada" in text and "Senha#2026" not in text
    assert "backend" not in text  # no contract health check against a TISS address


CNPJ_REQUIRED = ["--url", URL, "--registro-ans", "123456", "--prestador-type", "cnpj"]
TISS_DEFAULT = next(f.default for f in fields(TissSettings) if f.name == "version")
"""The version of a profile that names none (the reader's default)."""


def test_a_cnpj_typed_with_punctuation_is_written_in_its_normal_form(
    home: Home, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["profiles", "add", "op", "--tiss", *CNPJ_REQUIRED,
                 "--prestador", "11.222.333/0001-81"]) == 0  # fmt: skip
    assert table(home, "op")["prestador"] == "11222333000181"
    settings = resolve(options=ConnectionOptions(profile="op"), need_key=False).tiss
    assert settings is not None and settings.settings.identity == Prestador(
        "cnpj", "11222333000181"
    )
    assert main(["profiles", "set", "op", "--prestador", "22.333.444/0001-81"]) == 0
    assert table(home, "op")["prestador"] == "22333444000181"
    before = home.config.read_bytes()
    assert main(["profiles", "set", "op", "--prestador", "22.333.444/0001-00"]) == 2
    assert "--prestador: Os dígitos verificadores do CNPJ 22.333.444/0001-00" in out(capsys)
    assert home.config.read_bytes() == before


def test_a_cnpj_with_wrong_check_digits_is_refused_in_portuguese(
    home: Home, capsys: pytest.CaptureFixture[str]
) -> None:
    home.write_config(EXISTING)
    before = home.config.read_bytes()
    assert main(["profiles", "add", "op", "--tiss", *CNPJ_REQUIRED,
                 "--prestador", "11.222.333/0001-80"]) == 2  # fmt: skip
    text = out(capsys)
    assert (
        "--prestador: Os dígitos verificadores do CNPJ 11.222.333/0001-80 não conferem: confira "
        "o número no cartão CNPJ da clínica. Nada foi gravado" in text
    )
    assert "Traceback" not in text and home.config.read_bytes() == before


def test_an_alphanumeric_cnpj_in_a_profile_follows_the_profiles_version(
    home: Home, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["profiles", "add", "op", "--tiss", *CNPJ_REQUIRED,
                 "--prestador", "12.abc.345/01de-35"])  # fmt: skip
    text = out(capsys)
    if get(TISS_DEFAULT).carries_cnpj("12ABC34501DE35"):  # 4.03.00 (the default from issue 17)
        assert code == 0 and table(home, "op")["prestador"] == "12ABC34501DE35"
        settings = resolve(options=ConnectionOptions(profile="op"), need_key=False).tiss
        assert settings is not None and settings.settings.prestador == "12ABC34501DE35"
    else:  # a default before 4.03.00 cannot carry it: said with the fix, nothing written
        assert code == 2 and not home.config.exists()
        assert (
            f"--prestador: A versão {TISS_DEFAULT} do TISS não aceita CNPJ com letras; use "
            "4.03.00 (frontdesk profiles set op tiss_version 4.03.00). Nada foi gravado"
        ) in text


# -- issue 17: the TISS version a profile speaks ----------------------------------------------


def test_a_profile_speaks_the_version_given_and_set_changes_it(
    home: Home, capsys: pytest.CaptureFixture[str]
) -> None:
    home.write_config(EXISTING)
    template = "https://ws.operadora.example/tiss/{operation}V{version}.apw"
    assert main(["profiles", "add", "op", "--tiss", template, "--registro-ans", "123456",
                 "--prestador", "000123", "--tiss-version", "4.02.00"]) == 0  # fmt: skip
    assert table(home, "op")["tiss_version"] == "4.02.00"
    settings = resolve(options=ConnectionOptions(profile="op"), need_key=False).tiss.settings  # type: ignore[union-attr]
    assert settings.version == "4.02.00"
    assert settings.url_for("tissVerificaElegibilidade").endswith(
        "/tissVerificaElegibilidadeV4_02_00.apw"
    )
    out(capsys)

    # the issue's form: the key and its value, as the file names them
    assert main(["profiles", "set", "op", "tiss_version", "4.03.00"]) == 0
    assert 'Perfil "op" atualizado' in out(capsys)
    assert table(home, "op")["tiss_version"] == "4.03.00"
    assert main(["profiles"]) == 0
    assert "[TISS 4.03.00, registro ANS 123456]" in out(capsys)

    # '' removes it: back to the default, the version in force
    assert main(["profiles", "set", "op", "--tiss-version", "4.01.00"]) == 0
    assert table(home, "op")["tiss_version"] == "4.01.00"
    assert main(["profiles", "set", "op", "tiss_version", ""]) == 0
    assert "tiss_version" not in table(home, "op")
    assert load_config().get("op").tiss.settings.version == "4.03.00"  # type: ignore[union-attr]


def test_an_unknown_version_is_refused_with_the_known_ones_and_nothing_written(
    home: Home, capsys: pytest.CaptureFixture[str]
) -> None:
    home.write_config(EXISTING)
    before = home.config.read_bytes()
    assert main(["profiles", "add", "op", "--tiss", *REQUIRED, "--tiss-version", "4.04.00"]) == 2
    said = out(capsys)
    assert "--tiss-version: o frontdesk não conhece a versão TISS 4.04.00" in said
    assert "use uma destas: 4.03.00, 4.02.00, 4.01.00" in said
    assert home.config.read_bytes() == before

    assert main(["profiles", "add", "op", "--tiss", *REQUIRED]) == 0
    before = home.config.read_bytes()
    assert main(["--lang", "en", "profiles", "set", "op", "tiss_version", "4.1"]) == 2
    said = out(capsys)
    assert "--tiss-version: frontdesk does not know TISS version 4.1" in said
    assert "use one of: 4.03.00, 4.02.00, 4.01.00" in said
    assert home.config.read_bytes() == before


@pytest.mark.parametrize(
    ("pairs", "said"),
    [
        (["tiss_version"], 'falta o valor de "tiss_version"'),
        (["versao", "4.02.00"], '"versao" não é uma configuração de perfil'),
        (["code_length", "seis"], '"code_length" deve ser um número; veio "seis"'),
        (["tiss_version", "4.02.00", "--tiss-version", "4.02.00"], "foi dado duas vezes"),
    ],
)
def test_a_pair_that_cannot_be_a_setting_is_said_and_nothing_written(
    home: Home, capsys: pytest.CaptureFixture[str], pairs: list[str], said: str
) -> None:
    home.write_config(EXISTING)
    assert main(["profiles", "add", "op", "--tiss", *REQUIRED]) == 0
    out(capsys)
    before = home.config.read_bytes()
    assert main(["profiles", "set", "op", *pairs]) == 2
    assert said in out(capsys)
    assert home.config.read_bytes() == before


def test_pairs_take_numbers_and_lists_like_their_options(home: Home) -> None:
    home.write_config(EXISTING)
    assert main(["profiles", "add", "op", "--tiss", *REQUIRED]) == 0
    assert main(["profiles", "set", "op", "code_length", "6", "read_timeout", "45",
                 "sac_phones", "0800 1", "operator", "Operadora"]) == 0  # fmt: skip
    written = table(home, "op")
    assert (written["code_length"], written["read_timeout"]) == (6, 45.0)
    assert (written["sac_phones"], written["operator"]) == (["0800 1"], "Operadora")


def test_the_version_is_a_tiss_only_setting(home: Home, capsys: pytest.CaptureFixture[str]) -> None:
    home.write_config(EXISTING)
    assert main(["profiles", "set", "unimed", "tiss_version", "4.02.00"]) == 2
    assert "--tiss-version" in out(capsys)
    assert "tiss_version" not in home.config.read_text(encoding="utf-8")


@pytest.mark.parametrize("command", [["login"], ["tiss", "login"]])
def test_a_tiss_password_without_a_keyring_is_offered_the_key_file_like_a_key(
    home: Home, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    """Over SSH: what was typed is kept (asked where to store it), not thrown away with an
    exit 2 telling to type it again with --key-file."""
    assert main(["profiles", "add", "op", "--tiss", *REQUIRED]) == 0
    out(capsys)
    terminal = Terminal()
    terminal.key = "Senha#2026"
    failing = FailingKeyring()
    key_file = home.keys / "op.key"

    terminal.answers = ["n"]
    assert main([*command, "--profile", "op"], console=terminal, keyring=failing) == 1
    text = out(capsys)
    assert "Senha não guardada" in text and "FRONTDESK_TISS_PASSWORD" in text
    assert "FRONTDESK_API_KEY" not in text and not key_file.exists()

    terminal.answers = ["s"]
    assert main([*command, "--profile", "op"], console=terminal, keyring=failing) == 0
    assert terminal.prompts[-2:] == [
        "Senha TISS do perfil op (não aparece ao digitar): ",
        f"Guardar a senha no arquivo {key_file} (modo 0600: só o seu usuário lê)? [s/N] ",
    ]
    assert key_file.read_text(encoding="utf-8").strip() == "Senha#2026"
    text = out(capsys)
    assert f"Senha guardada em {key_file} (modo 0600)." in text and "Senha#2026" not in text
    assert [(r.action, r.outcome) for r in AuditLog().read()] == [
        ("login", "not_stored"),
        ("login", "stored_file"),
    ]


@pytest.mark.parametrize("command", ["add", "set"])
def test_every_tiss_option_writes_a_key_of_the_one_schema(command: str) -> None:
    """The options are the command line's; the keys are `profile_schema`'s. An option that
    wrote a key the reader does not know (or a key renamed in the schema alone) fails here."""
    import argparse

    from frontdesk.cli import build_parser
    from frontdesk.config.profile_schema import TISS_ONLY_KEYS

    def subparser(parser: argparse.ArgumentParser, name: str) -> argparse.ArgumentParser:
        actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        return actions[0].choices[name]

    profiles = subparser(subparser(build_parser(), "profiles"), command)
    group = next(
        g for g in profiles._action_groups if "registro_ans" in {a.dest for a in g._group_actions}
    )
    written = {"sac_phone": "sac_phones"}
    keys = [written.get(action.dest, action.dest) for action in group._group_actions]
    assert keys and set(keys) <= set(TISS_ONLY_KEYS)
    assert {"registro_ans", "prestador_type", "prestador", "tiss_version"} <= set(keys)
