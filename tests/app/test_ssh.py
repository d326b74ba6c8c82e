"""The real program over a real OpenSSH connection (issue 12): a private `sshd` on loopback,
`ssh -tt` inside tmux at 80×24, a whole release by SMS with the code read from the
simulator panel, and the bytes the app writes while idle: none on the lookup, at most
50 B/s on code entry (the slow link's budget).

The server is this test's child: its own configuration, host key and user key in a
temporary directory, on a free loopback port, in the foreground (`-D`), stopped at the end.
Without `sshd` (Debian's openssh-server, which .ci/run installs) or when it cannot start,
the test is skipped and says why.
"""

from __future__ import annotations

import getpass
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import frontdesk
from support.isolation import stop_process
from support.terminal import private_dirs, tmux_session, unset_and_set

pytestmark = [
    pytest.mark.tmux,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

WAIT = 30.0  # seconds a screen may take to appear over SSH on a busy machine
IDLE_CODE_ENTRY_BPS = 50.0
ROW = re.compile(r"(\d{13})\s+AGUARDANDO TOKEN")
CODE = re.compile(r"é[\s│|]*(\d{4,10})\b")


def _sshd_binary() -> str | None:
    return shutil.which("sshd") or next(
        (p for p in ("/usr/sbin/sshd", "/usr/local/sbin/sshd") if os.access(p, os.X_OK)), None
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            return sock.recv(4).startswith(b"SSH-")
    except OSError:
        return False


@dataclass
class Sshd:
    """A private sshd: where to reach it and with which key."""

    port: int
    key: Path
    known_hosts: Path
    user: str

    def command(self, remote: list[str]) -> list[str]:
        return [
            "ssh", "-tt", "-p", str(self.port), "-i", str(self.key),
            "-o", "StrictHostKeyChecking=no", "-o", f"UserKnownHostsFile={self.known_hosts}",
            "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-o", "LogLevel=ERROR",
            f"{self.user}@127.0.0.1", shlex.join(remote),
        ]  # fmt: skip


@pytest.fixture
def sshd(tmp_path: Path) -> Iterator[Sshd]:
    binary = _sshd_binary()
    if binary is None or shutil.which("ssh") is None or shutil.which("ssh-keygen") is None:
        pytest.skip("OpenSSH is not installed (Debian: apt-get install openssh-server)")
    assert binary is not None
    where = tmp_path / "sshd"
    where.mkdir()
    for name in ("host_key", "user_key"):
        subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(where / name)],
            check=True,
            capture_output=True,
        )
    (where / "authorized_keys").write_text((where / "user_key.pub").read_text())
    user = getpass.getuser()
    port = _free_port()
    config = where / "sshd_config"
    config.write_text(
        f"ListenAddress 127.0.0.1\nPort {port}\nHostKey {where / 'host_key'}\n"
        f"PidFile {where / 'sshd.pid'}\nAuthorizedKeysFile {where / 'authorized_keys'}\n"
        "StrictModes no\nUsePAM no\nPubkeyAuthentication yes\nPasswordAuthentication no\n"
        "KbdInteractiveAuthentication no\nPermitRootLogin prohibit-password\n"
        f"AllowUsers {user}\nPrintMotd no\nPrintLastLog no\nLogLevel ERROR\n"
    )
    log = where / "sshd.log"
    server = subprocess.Popen(
        [binary, "-D", "-e", "-f", str(config)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=log.open("wb"),
    )
    try:
        deadline = time.monotonic() + 10
        while not _listening(port):
            if server.poll() is not None or time.monotonic() > deadline:
                reason = log.read_text(errors="replace").strip() or f"exit {server.poll()}"
                pytest.skip(f"sshd could not start: {reason}")
            time.sleep(0.1)
        yield Sshd(port, where / "user_key", where / "known_hosts", user)
    finally:
        stop_process(server, grace=10)


def _code_in_panel(screen: str) -> str | None:
    """The code of the newest message in the simulator panel (the right-hand column)."""
    lines = screen.splitlines()
    column = next((line.find("Simulador") for line in lines if "Simulador do" in line), -1)
    panel = "\n".join(line[max(0, column - 4) :] for line in lines) if column >= 0 else ""
    found = CODE.search(panel)
    return found.group(1) if found else None


def test_a_release_by_sms_over_real_ssh_and_what_an_idle_screen_costs(
    sshd: Sshd, tmp_path: Path
) -> None:
    # The same frontdesk and python as this test, with a private home on the other side.
    source = Path(frontdesk.__file__).parents[1]
    settings = {
        "PYTHONPATH": str(source),
        "LANG": "pt_BR.UTF-8",
        "TZ": "America/Sao_Paulo",
        **private_dirs(tmp_path),
    }
    remote = [
        "env",
        *unset_and_set(settings),
        sys.executable,
        "-m",
        "frontdesk",
        "--db",
        ":memory:",
    ]
    with tmux_session(shlex.join(sshd.command(remote)), name="fd-ssh", wait=WAIT) as term:
        first = term.wait_for("Fila de atendimento", "AGUARDANDO TOKEN", "F2 Simulador")
        rows = ROW.findall(first)
        assert rows, first
        number = rows[0]

        # Idle on the lookup: over SSH the cursor does not blink, so nothing at all.
        time.sleep(1.0)  # the last paint of the complete screen
        assert term.written(tmp_path / "idle-lookup.bin", 2.0) == 0

        term.type(number)
        term.keys("Enter")
        term.wait_for(f"Guia {number}", "AGUARDANDO TOKEN")
        term.keys("e")
        term.wait_for("Para onde enviar o código?")
        term.keys("Enter")
        term.wait_for("Código (6 dígitos)", "expira em")
        # The delivery follows without a key (issue 12, item 8).
        term.wait_for("entrega: entregue")

        # Idle on code entry: the countdowns change once a minute, the resend wait every
        # ten seconds; a slow link's budget is 50 B/s.
        seconds = 10.0
        written = term.written(tmp_path / "idle-code.bin", seconds)
        assert written / seconds <= IDLE_CODE_ENTRY_BPS, f"{written} B in {seconds} s"

        term.keys("F2")
        screen = term.wait_for("Simulador do paciente")
        deadline = time.monotonic() + WAIT
        while (code := _code_in_panel(screen)) is None:
            assert time.monotonic() < deadline, f"no code in the simulator:\n{screen}"
            time.sleep(0.2)
            screen = term.screen()
        term.keys("F2")
        term.type(code)
        term.keys("Enter")
        done = term.wait_for("GUIA AUTORIZADA", "Senha de autorização")
        assert "Traceback" not in done
        term.keys("Enter")
        term.wait_for("Fila de atendimento")
        term.quit()
