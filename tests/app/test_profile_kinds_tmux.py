"""F9 in the real program, in a real terminal (tmux, 80×24): a contract profile and a TISS
profile on one `frontdesk serve`, and the local demonstration; every direction between the
three kinds, and a guide released after each switch (issue 18, B1)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from frontdesk.backend.local import open_backend
from frontdesk.config.key_file import write_key_file
from support.isolation import SERVED_KEY, Home, served_app_code
from support.served_tiss import ServedBackend, served_backend_in
from support.terminal import Terminal, frontdesk_command, tmux_session

from .test_profile_kinds import OPTION, write_profiles

pytestmark = [
    pytest.mark.tmux,
    pytest.mark.served,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

TOP = {
    "contract": "contrato (Operadora Contrato)",
    "tiss": "Operadora Demonstração · TISS",
    "local": "local · ",
}
# Patients with the operator's app: Ana Beatriz (one guide: the card opens it), Maria
# Aparecida (three: the card lists them, Enter opens the first).
CARDS = iter([("0064800034567812", 1), ("0064800012345678", 3)])


@dataclass
class Desk:
    term: Terminal
    served: ServedBackend
    local_db: Path


@pytest.fixture
def desk(home: Home, tmp_path: Path) -> Iterator[Desk]:
    with served_backend_in(tmp_path / "serve") as served:
        write_profiles(home, served, tmp_path)
        write_key_file("contrato", SERVED_KEY)
        write_key_file("tiss", SERVED_KEY)  # the TISS password, where `login` keeps it
        local_db = tmp_path / "local.sqlite3"
        settings = {
            "HOME": str(home.root),
            "FRONTDESK_CONFIG": str(home.config),
            "XDG_CONFIG_HOME": str(home.root / ".config"),
            "XDG_DATA_HOME": str(home.data),
            "XDG_STATE_HOME": str(home.state),
            "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",  # as over SSH
        }
        command = frontdesk_command(["--db", str(local_db)], settings)
        with tmux_session(command, name="fd-kinds") as term:
            yield Desk(term, served, local_db)


def served_get(desk: Desk, path: str, **params: str) -> dict[str, object]:
    answer = httpx.get(
        f"{desk.served.url}{path}",
        params=params,
        headers={"Authorization": f"Bearer {SERVED_KEY}"},
    )
    answer.raise_for_status()
    found: dict[str, object] = answer.json()
    return found


def sent_code(desk: Desk, kind: str, guide: str) -> str:
    """The code the patient's phone or mailbox got for `guide` (the simulator's outbox)."""
    if kind == "local":
        backend = open_backend(desk.local_db)
        try:
            messages = backend.sim_outbox()["messages"]
        finally:
            backend.close()
    else:
        messages = served_get(desk, "/_local/outbox")["messages"]  # type: ignore[assignment]
    return str(next(m["code"] for m in messages if m["guide"] == guide))


def reachable_guide(queue: str) -> str:
    """The first guide in the queue awaiting its token whose patient has a phone or an
    e-mail (Carlos Eduardo has neither: only the SAC)."""
    for line in queue.splitlines():
        words = line.split()
        if "AGUARDANDO TOKEN" in line and "Carlos Eduardo" not in line:
            return words[0]
    raise AssertionError(f"no guide to release in the queue:\n{queue}")


def release(desk: Desk, kind: str) -> None:
    """Release one guide on the desk's current profile, as a receptionist would."""
    term = desk.term
    if kind == "tiss":
        card, guides = next(CARDS)
        term.type(card)
        term.keys("Enter")  # as a scanner: the card, then Enter
        if guides > 1:
            term.wait_for(f"Guias da carteirinha 0064 8000 1234 5678 ({guides})")
            term.keys("Enter")
        term.wait_for("AGUARDANDO TOKEN", "E mostra como o paciente")
        term.keys("e")
        term.wait_for("Gerar token")
        term.keys("Enter")
        term.wait_for("Código (6 dígitos)")
        code = served_app_code(desk.served.url, card)
    else:
        number = reachable_guide(term.screen())
        term.type(number)
        term.keys("Enter")  # as a scanner: the guide's number, then Enter
        term.wait_for(f"Guia {number}", "AGUARDANDO TOKEN", "E Enviar Token")
        term.keys("e")
        term.wait_for("Para onde enviar o código?")
        term.keys("Home", "Enter")  # the first phone or e-mail (the last used may be the SAC)
        term.wait_for("Código (6 dígitos)")
        code = sent_code(desk, kind, number)
    term.type(code)
    term.keys("Enter")
    screen = term.wait_for("GUIA AUTORIZADA", "Senha de autorização")
    assert "Traceback" not in screen
    term.keys("Enter")  # the next patient
    term.wait_for("Fila de atendimento (")


def switch(desk: Desk, kind: str) -> None:
    term = desk.term
    term.keys("F9")
    term.wait_for("Trocar de perfil", "Demonstração local")
    term.keys("Home", *["Down"] * OPTION[kind], "Enter")
    term.wait_for(TOP[kind], "Fila de atendimento (", gone=("Trocar de perfil",))


def test_every_switch_between_the_three_kinds_then_a_release(desk: Desk) -> None:
    term = desk.term
    term.wait_for(TOP["contract"], "Fila de atendimento (")
    release(desk, "contract")
    # contract → TISS → local → contract → local → TISS → contract: every direction once
    for kind in ("tiss", "local", "contract", "local", "tiss", "contract"):
        switch(desk, kind)
        release(desk, kind)
    assert term.alive()
    term.quit()  # quits cleanly: the session ends with the program
