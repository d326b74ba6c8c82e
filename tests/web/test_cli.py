"""`frontdesk web` and `frontdesk web users …` as the technician runs them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest

from frontdesk.cli import main
from frontdesk.web.guard import LoginGuard
from frontdesk.web.users import UserStore
from support.isolation import STARTED, Home
from web.conftest import OTHER_PASSWORD, PASSWORD, SERVING, frontdesk


def test_users_are_added_from_stdin_listed_removed_and_unlocked(home: Home) -> None:
    added = frontdesk("web", "users", "add", "ana", stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    assert "Usuário ana cadastrado em" in added.stdout
    assert PASSWORD not in added.stdout + added.stderr
    store = UserStore()
    assert store.active_names() == ["ana"]
    listed = frontdesk("web", "users", "list")
    header = listed.stdout.splitlines()[0].split()
    assert header == ["usuário", "situação", "senha", "trocada", "em"]
    assert listed.stdout.splitlines()[1].split()[:2] == ["ana", "ativo"]
    assert frontdesk("web", "users", "unlock", "ana").returncode == 0
    removed = frontdesk("web", "users", "remove", "ana")
    assert removed.returncode == 0 and "desativado" in removed.stdout
    assert frontdesk("web", "users", "list").stdout.splitlines()[1].split()[:2] == [
        "ana",
        "inativo",
    ]


async def test_a_blocked_user_is_listed_as_blocked_until_when(
    home: Home, capsys: pytest.CaptureFixture[str]
) -> None:
    store = UserStore()
    store.add("ana", PASSWORD)
    store.add("bia", OTHER_PASSWORD)
    guard = LoginGuard(store)  # the server's, on the real clock
    for _ in range(5):
        await guard.attempt("ana", "Errada#2026", "192.168.0.23")
    ana = store.get("ana")
    assert ana is not None
    until = guard.locked_until(ana)
    assert until is not None
    assert main(["web", "users", "list"]) == 0
    _header, ana_line, bia_line = capsys.readouterr().out.splitlines()
    assert ana_line.split()[:3] == ["ana", "bloqueado", "até"]
    assert f"{until.astimezone():%H:%M}" in ana_line
    assert bia_line.split()[:2] == ["bia", "ativo"]


@pytest.mark.parametrize(
    ("args", "stdin", "says"),
    [
        (("add", "ana"), "curta1#\n", "pelo menos 8 caracteres"),
        (("add", "ana"), "semsimbolo1A\n", "faltou: símbolo"),
        (("add", "ana"), "", "Nenhuma senha recebida"),
        (("add", "Ana Maria"), PASSWORD + "\n", "nome de usuário inválido"),
        (("remove", "bia"), "", "Não há usuário bia"),
    ],
)
def test_bad_user_commands_say_why_and_change_nothing(
    home: Home, args: tuple[str, ...], stdin: str, says: str
) -> None:
    done = frontdesk("web", "users", *args, stdin=stdin)
    assert done.returncode == 2  # bad input, as for every other command
    assert says in done.stderr
    assert "Traceback" not in done.stderr
    assert UserStore().users() == {}


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--host", "0.0.0.0"], "0.0.0.0 não é este computador"),
        (["--host", "192.168.0.10", "--tls-cert", "c.pem"], "--tls-cert e --tls-key juntos"),
        (["--idle-minutes", "31"], "no máximo 30"),
        (["--idle-minutes", "0"], "maior que 0"),
        (["--max-sessions", "0"], "--max-sessions deve ser de 1 a 256"),
        (["--port", "70000"], "não está entre 0 e 65535"),
        (["--name", "web a\n"], "--name 'web a\\n' não serve como nome de servidor"),
        ([], "nenhum usuário cadastrado"),
        (["--profile", "nenhum"], 'o perfil "nenhum" não existe'),
    ],
)
def test_the_server_refuses_to_start_unsafely_or_without_users(
    home: Home, capsys: pytest.CaptureFixture[str], args: list[str], says: str
) -> None:
    assert main(["web", *args]) == 2
    assert says in capsys.readouterr().err


def test_a_port_in_use_is_said_in_portuguese(
    home: Home, capsys: pytest.CaptureFixture[str]
) -> None:
    import socket

    UserStore().add("ana", PASSWORD)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["web", "--port", str(port)]) == 1
    err = capsys.readouterr().err
    assert f"não foi possível escutar em 127.0.0.1:{port}: o endereço já está em uso" in err
    assert "Address already in use" not in err


def test_a_bad_certificate_is_said(
    home: Home, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    UserStore().add("ana", PASSWORD)
    bad = tmp_path / "bad.pem"
    bad.write_text("not a certificate\n")
    assert main(["web", "--tls-cert", str(bad), "--tls-key", str(bad)]) == 1
    assert "não pôde ser usado" in capsys.readouterr().err


async def test_the_real_server_starts_says_where_refuses_strangers_and_stops(
    home: Home, tmp_path: Path
) -> None:
    UserStore().add("ana", PASSWORD)
    process = subprocess.Popen(
        [sys.executable, "-m", "frontdesk", "web", "--port", "0", "--db", str(tmp_path / "d.db")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    STARTED.append(process)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        found = SERVING.search(line)
        assert found, (line, process.stderr.read() if process.poll() is not None else "")
        url = found.group(1)
        assert "até 24 sessões" in line
        async with aiohttp.ClientSession() as client:
            async with client.get(url + "login") as response:
                assert response.status == 200
            with pytest.raises(aiohttp.WSServerHandshakeError) as caught:
                await client.ws_connect(url + "ws", headers={"Origin": url.rstrip("/")})
            assert caught.value.status == 401
    finally:
        process.terminate()
        out, err = process.communicate(timeout=30)
    if os.name == "posix":
        assert process.returncode == 0, err
        assert "parado" in out
