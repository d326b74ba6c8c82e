"""The real program in a real terminal (tmux, 80×24): a whole release, then an idle check."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from frontdesk.backend.local import open_backend
from support.terminal import Terminal, frontdesk_command, private_dirs, tmux_session

pytestmark = [
    pytest.mark.tmux,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[tuple[Terminal, Path]]:
    """The local demonstration (no profile), its audit log in the test's directory."""
    db = tmp_path / "desk.sqlite3"
    command = frontdesk_command(["--db", str(db)], private_dirs(tmp_path))
    with tmux_session(command) as term:
        yield term, db


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
    term.quit()  # quits cleanly: the session ends with the program

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
