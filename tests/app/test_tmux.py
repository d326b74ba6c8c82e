"""The real program in a real terminal (tmux, 80×24): a whole release, then an idle check."""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from frontdesk.backend.local import open_backend
from support.terminal import Terminal

pytestmark = [
    pytest.mark.tmux,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

WAIT = 20.0  # seconds a screen may take to appear on a busy machine


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[tuple[Terminal, Path]]:
    db = tmp_path / "desk.sqlite3"
    session = f"fd-test-{uuid.uuid4().hex[:8]}"
    # Set in the command itself: a tmux server that is already running would not pass
    # the caller's environment on to a new session.
    settings = {
        "SSH_CONNECTION": "10.0.0.2 50000 10.0.0.1 22",  # as over SSH: no blinking cursor
        "TERM": "xterm-256color",
        "LANG": "pt_BR.UTF-8",
        "LC_ALL": "",
        "TZ": "America/Sao_Paulo",
        # Never the real user's configuration, keys or audit log: no profile, so the local
        # demonstration, and the audit log in the test's directory.
        "FRONTDESK_CONFIG": str(tmp_path / "config" / "config.toml"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
    }
    assignments = " ".join(f"{name}={shlex.quote(value)}" for name, value in settings.items())
    unset = "-u FRONTDESK_CURSOR_BLINK -u NO_COLOR -u FRONTDESK_PROFILE -u FRONTDESK_API_KEY"
    command = (
        f"env {unset} -u FRONTDESK_THEME {assignments} "
        f"{shlex.quote(sys.executable)} -m frontdesk --db {shlex.quote(str(db))}"
    )
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", session, "-x", "80", "-y", "24", command],
        check=True,
    )
    try:
        yield Terminal(session, wait=WAIT), db
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)


def _latest_code(db: Path, guide: str) -> str:
    backend = open_backend(db)
    try:
        messages = backend.sim_outbox()["messages"]
    finally:
        backend.close()
    return str(next(m["code"] for m in messages if m["guide"] == guide))


def _status(db: Path, guide: str) -> str:
    backend = open_backend(db)
    try:
        return str(backend.get_guide(guide)["status"])
    finally:
        backend.close()


def test_whole_release_by_sms_in_a_real_terminal(terminal: tuple[Terminal, Path]) -> None:
    term, db = terminal
    first = term.wait_for(
        "MODO DEMONSTRAÇÃO LOCAL", "Fila de atendimento", "AGUARDANDO TOKEN", "F2 Simulador"
    )
    number = next(word for line in first.splitlines() for word in line.split() if len(word) == 13)
    assert number.isdigit()

    # Idle: with the cursor not blinking, nothing is written to the terminal. (The first
    # second after the screen is complete is left out: the last paint may still be going.)
    time.sleep(1.0)
    out = db.parent / "idle.bin"
    term.tmux("pipe-pane", "-t", term.session, "-o", f"cat >> {out}")
    time.sleep(1.5)
    term.tmux("pipe-pane", "-t", term.session)
    idle = out.read_bytes() if out.exists() else b""
    assert idle == b"", idle[:3000]

    term.type(number)
    term.keys("Enter")  # as a scanner: digits, then Enter
    term.wait_for(f"Guia {number}", "AGUARDANDO TOKEN", "Enviar Token")
    term.keys("e")
    term.wait_for("Para onde enviar o código?")
    term.keys("Enter")
    term.wait_for("Código (6 dígitos)", "expira em")
    code = _latest_code(db, number)
    term.type(code)
    term.keys("Enter")
    screen = term.wait_for("GUIA AUTORIZADA", "Senha de autorização", "Válida até")
    assert "Traceback" not in screen
    assert _status(db, number) == "authorized"
    term.keys("Enter")
    term.wait_for("Fila de atendimento", "Número da guia")
    assert number not in term.screen().splitlines()[2]  # the field is empty again
    term.keys("C-q")  # quits cleanly: the session ends with the program
    deadline = time.monotonic() + WAIT
    while term.alive():
        assert time.monotonic() < deadline, "the program did not quit"
        time.sleep(0.1)

    # The real program kept its audit log, with the actions and without the code.
    audit = (db.parent / "state" / "frontdesk" / "log" / "audit.jsonl").read_text("utf-8")
    actions = [json.loads(line)["action"] for line in audit.splitlines()]
    assert actions == ["lookup", "send", "validate"]
    assert '"profile":"local"' in audit and code not in audit


def test_esc_then_a_digit_at_once_is_esc_and_the_digit(terminal: tuple[Terminal, Path]) -> None:
    """Issue 18 (P6): `send-keys Escape 2` typed "™" into the field (and lost the Esc)."""
    term, _ = terminal
    term.wait_for("Fila de atendimento (13)")
    term.type("123")
    term.wait_for("│  123")
    term.keys("Escape", "2")  # one write: ESC and "2" reach the program together
    screen = term.wait_for("│  2 ")
    assert "™" not in screen and "123" not in screen.splitlines()[2]
    term.type("026")
    assert "│  2026 " in term.wait_for("│  2026 ")
