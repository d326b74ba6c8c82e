"""The technician's commands end to end: profiles, login/logout (keyring and key file), audit."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from frontdesk.audit_log import AuditLog
from frontdesk.cli import main
from frontdesk.cli.console import is_yes
from frontdesk.config.credentials import SERVICE, key_file_path, load_key
from frontdesk.config.profile_editing import load_config
from support.console import Terminal
from support.isolation import FailingKeyring, Home, Served, write_config


@pytest.fixture
def terminal() -> Terminal:
    return Terminal()


def out(capsys: pytest.CaptureFixture[str]) -> str:
    captured = capsys.readouterr()
    return captured.out + captured.err


def test_profiles_add_list_set_default_remove(
    home: Home, capsys: pytest.CaptureFixture[str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    assert main(["profiles"]) == 0
    assert "Nenhum perfil" in out(capsys)

    assert main(["profiles", "add", "unimed", "--url", "https://token.unimed.example/v1",
                 "--operator", "Unimed Londrina"]) == 0  # fmt: skip
    text = out(capsys)
    assert '"unimed" adicionado' in text and "(padrão)" in text
    assert "frontdesk login --profile unimed" in text
    ca = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.write_text("pem")
    assert main(["profiles", "add", "lab", "--url", "http://10.1.1.1:8765/v1", "--ca-bundle",
                 str(ca), "--read-timeout", "20", "--default"]) == 0  # fmt: skip
    assert "--insecure" in out(capsys)  # http to the LAN: told it needs --insecure

    assert main(["profiles"]) == 0
    listing = out(capsys).splitlines()
    assert listing[1].split()[:4] == [
        "unimed",
        "Unimed",
        "Londrina",
        "https://token.unimed.example/v1",
    ]
    assert listing[2].startswith("* lab") and f"CA: {ca}" in listing[2]

    home.config.write_text("# kept comment\n" + home.config.read_text())
    assert main(["profiles", "set", "lab", "--ca-bundle", "", "--operator", "Lab"]) == 0
    assert main(["profiles", "default", "unimed"]) == 0
    config = load_config()
    lab = config.get("lab")
    assert lab is not None and (lab.ca_bundle, lab.operator, lab.read_timeout) == (None, "Lab", 20)
    assert config.default == "unimed"

    key_file = key_file_path("lab")
    key_file.parent.mkdir(mode=0o700)
    key_file.write_text("k\n")
    assert main(["profiles", "remove", "lab"]) == 0
    text = out(capsys)
    assert '"lab" removido' in text and str(key_file) in text
    assert not key_file.exists()
    assert load_config().names() == ["unimed"]
    assert "# kept comment" in home.config.read_text()

    assert main(["profiles", "add", "unimed", "--url", "https://x.example/v1"]) == 2
    assert "já existe" in out(capsys)
    assert main(["profiles", "add", "x", "--url", "https://x.example/v1", "--ca-bundle",
                 "/nonexistent/ca.pem"]) == 2  # fmt: skip
    assert "não existe" in out(capsys)


def test_an_address_without_v1_is_said_at_once_with_the_fix_offered(
    home: Home, capsys: pytest.CaptureFixture[str], terminal: Terminal
) -> None:
    """A script is refused (nothing written); on a terminal, a yes takes the /v1 address."""
    terminal.tty = False
    assert main(["profiles", "add", "x", "--url", "https://x.example"], console=terminal) == 2
    text = out(capsys)
    assert "https://x.example não termina em /v1" in text
    assert "nada foi gravado: dê o endereço com /v1, --url https://x.example/v1." in text
    assert not home.config.exists()

    terminal.tty = True
    terminal.answers = ["n"]
    assert main(["profiles", "add", "x", "--url", "https://x.example/"], console=terminal) == 2
    assert terminal.prompts == ["Usar https://x.example/v1? [s/N] "]
    assert not home.config.exists()
    terminal.answers = ["s"]
    assert main(["profiles", "add", "x", "--url", "https://x.example"], console=terminal) == 0
    assert load_config().get("x").url == "https://x.example/v1"  # type: ignore[union-attr]

    terminal.answers = ["s"]
    assert main(["profiles", "set", "x", "--url", "https://y.example/api"], console=terminal) == 0
    assert load_config().get("x").url == "https://y.example/api/v1"  # type: ignore[union-attr]
    assert main(["profiles", "set", "x", "--url", "https://z.example/v1"], console=terminal) == 0
    assert load_config().get("x").url == "https://z.example/v1"  # type: ignore[union-attr]
    assert terminal.answers == []


def test_a_broken_config_is_a_message_not_a_traceback(
    home: Home, capsys: pytest.CaptureFixture[str]
) -> None:
    write_config(home, "[profiles.lab]\nurl = 'https://x.example'\nurl = 'again'\n")
    assert main(["profiles"]) == 2
    text = out(capsys)
    assert text.startswith(f"frontdesk: {home.config}, linha 3")
    assert "Traceback" not in text


def test_login_stores_in_the_keyring_after_checking_the_key(
    home: Home, served_http: Served, terminal: Terminal, capsys: pytest.CaptureFixture[str]
) -> None:
    write_config(home, f'[profiles.lab]\nurl = "{served_http.url}"\n')
    terminal.key = served_http.key
    assert main(["login", "--profile", "lab"], console=terminal) == 0
    text = out(capsys)
    assert "chave aceita pelo backend" in text
    assert "Chave guardada no chaveiro do sistema" in text
    assert served_http.key not in text
    assert terminal.prompts == ["Chave de API (não aparece ao digitar): "]
    assert home.keyring.passwords == {(SERVICE, "lab"): served_http.key}
    assert not key_file_path("lab").exists()

    assert main(["--profile", "lab", "logout"], console=terminal) == 0
    assert "Chave removida de: chaveiro do sistema" in out(capsys)
    assert home.keyring.passwords == {}
    assert [(r.action, r.outcome, r.profile) for r in AuditLog().read()] == [
        ("login", "stored_keyring", "lab"),
        ("logout", "ok", "lab"),
    ]


def test_login_refuses_a_wrong_key_and_stores_nothing(
    home: Home, served_http: Served, terminal: Terminal, capsys: pytest.CaptureFixture[str]
) -> None:
    write_config(home, f'default = "lab"\n[profiles.lab]\nurl = "{served_http.url}"\n')
    terminal.key = "wrong-key"
    assert main(["login"], console=terminal) == 1
    assert "recusou esta chave" in out(capsys)
    assert home.keyring.passwords == {}
    assert [r.outcome for r in AuditLog().read()] == ["refused"]


def test_login_to_an_unreachable_backend_points_to_doctor(
    home: Home, terminal: Terminal, capsys: pytest.CaptureFixture[str]
) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    write_config(home, f'[profiles.lab]\nurl = "http://127.0.0.1:{port}/v1"\n')
    terminal.key = "some-key"
    assert main(["login", "--profile", "lab"], console=terminal) == 1
    assert "frontdesk doctor --profile lab" in out(capsys)
    assert home.keyring.passwords == {}


def test_login_without_a_keyring_offers_the_key_file(
    home: Home, served_http: Served, terminal: Terminal, capsys: pytest.CaptureFixture[str]
) -> None:
    failing = FailingKeyring()  # a machine without a usable keyring, given to each command
    write_config(home, f'default = "lab"\n[profiles.lab]\nurl = "{served_http.url}"\n')
    terminal.key = served_http.key

    terminal.answers = ["n"]
    assert main(["login"], console=terminal, keyring=failing) == 1
    text = out(capsys)
    assert "Não deu para usar o chaveiro" in text and "DBUS" in text
    assert "FRONTDESK_API_KEY" in text
    assert not key_file_path("lab").exists()

    terminal.answers = ["s"]
    assert main(["login"], console=terminal, keyring=failing) == 0
    text = out(capsys)
    path = key_file_path("lab")
    assert f"Chave guardada em {path} (modo 0600)" in text
    assert terminal.prompts[-1].startswith(f"Guardar a chave no arquivo {path}")
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700
    assert load_key("lab").value == served_http.key
    assert served_http.key not in text

    # the technician's green report, without a keyring
    assert main(["doctor"], console=terminal, keyring=failing) == 0
    assert "Resultado: tudo certo" in out(capsys)

    assert main(["logout"], console=terminal, keyring=failing) == 0
    text = out(capsys)
    assert f"Chave removida de: {path}" in text
    assert "Não deu para consultar o chaveiro" in text
    assert not path.exists()
    assert [r.outcome for r in AuditLog().read() if r.action == "login"] == [
        "not_stored",
        "stored_file",
    ]


def test_login_key_file_directly_and_from_a_pipe(
    home: Home, served_http: Served, terminal: Terminal, capsys: pytest.CaptureFixture[str]
) -> None:
    write_config(home, f'default = "lab"\n[profiles.lab]\nurl = "{served_http.url}"\n')
    terminal.tty = False  # piped in, as a script does
    terminal.piped = [served_http.key + "\n"]
    assert main(["login", "--key-file"], console=terminal) == 0
    assert load_key("lab").source == "file"
    assert home.keyring.passwords == {}
    out(capsys)

    # A later keyring login removes the old key file, which would otherwise win.
    terminal.piped = [served_http.key + "\n"]
    assert main(["login"], console=terminal) == 0
    assert "Arquivo de chave antigo removido" in out(capsys)
    assert load_key("lab").source == "keyring"
    assert terminal.prompts == []  # nothing asked: the key came down the pipe


def test_login_refuses_plain_http_off_this_machine_before_asking(
    home: Home, terminal: Terminal, capsys: pytest.CaptureFixture[str]
) -> None:
    write_config(home, '[profiles.lan]\nurl = "http://192.0.2.10/v1"\n')
    assert main(["login", "--profile", "lan"], console=terminal) == 2
    assert "--insecure" in out(capsys)
    assert terminal.prompts == []


def test_login_with_no_profile_says_how_to_add_one(
    home: Home, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["login"]) == 2
    assert "frontdesk profiles add" in out(capsys)


def test_audit_command_prints_a_table(home: Home, capsys: pytest.CaptureFixture[str]) -> None:
    audit = AuditLog(profile="lab")
    audit.record("send", guide="2026112200017", channel="sms", destination="43991231234",
                 outcome="sent")  # fmt: skip
    assert main(["audit", "--since", "2000-01-01"]) == 0
    table = out(capsys).splitlines()
    assert table[0].split()[0] == "quando"
    assert "2026112200017" in table[2] and "(43) *****-1234" in table[2]
    assert main(["audit", "--since", "2999-01-01"]) == 0
    assert "nenhum registro" in out(capsys)
    assert main(["audit", "--since", "ontem"]) == 2
    assert "AAAA-MM-DD" in out(capsys)


def test_audit_table_names_the_web_user_and_address(
    home: Home, capsys: pytest.CaptureFixture[str]
) -> None:
    """A failed web sign-in reads who tried and from where, as its JSON line has them."""
    AuditLog().record("web_login", outcome="failed", user="ana", address="192.168.0.23")
    AuditLog(profile="lab").record("lookup", guide="2026112200017", outcome="found")
    assert main(["audit"]) == 0
    header, _rule, web, desk = out(capsys).splitlines()
    assert header.split() == [
        "quando", "perfil", "usuário", "endereço", "ação", "guia", "canal", "destino",
        "resultado",
    ]  # fmt: skip
    assert web.split()[2:] == ["-", "ana", "192.168.0.23", "web_login", "-", "-", "-", "failed"]
    assert desk.split()[2:] == ["lab", "-", "-", "lookup", "2026112200017", "-", "-", "found"]


def test_the_real_console_reads_a_key_piped_in(home: Home, served_http: Served) -> None:
    """`frontdesk login --key-file` in its own process, the key on standard input."""
    write_config(home, f'default = "lab"\n[profiles.lab]\nurl = "{served_http.url}"\n')
    env = dict(os.environ, PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    done = subprocess.run(
        [sys.executable, "-m", "frontdesk", "login", "--key-file"],
        input=served_http.key + "\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert f"Chave guardada em {key_file_path('lab')} (modo 0600)." in done.stdout
    assert served_http.key not in done.stdout + done.stderr
    assert load_key("lab").source == "file"

    empty = subprocess.run(
        [sys.executable, "-m", "frontdesk", "login"],
        input="",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert empty.returncode == 1
    assert empty.stdout.endswith("\n\nNenhuma chave digitada.\n")  # a new line after the prompt


@pytest.mark.parametrize(
    ("answer", "yes"),
    [("s", True), ("Sim", True), (" y ", True), ("yes", True), ("n", False), ("", False),
     ("talvez", False)],
)  # fmt: skip
def test_only_a_yes_is_a_yes(answer: str, yes: bool) -> None:
    assert is_yes(answer) is yes
