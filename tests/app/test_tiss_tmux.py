"""The real program on a TISS profile, in a real terminal (tmux, 80×24), against the local TISS
operator of a real `frontdesk serve`: a scanned card, the app's code, AUTORIZADA with the
senha, and the guide written back for the clinic's system."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree

from frontdesk.tiss.hashing import message_hash, same_hash
from frontdesk.tiss.message import text
from frontdesk.tiss.schema import errors_of
from support.isolation import SERVED_KEY, served_app_code
from support.served_tiss import served_backend_in, tiss_profile
from support.terminal import Terminal, frontdesk_command, private_dirs, tmux_session
from support.tiss_files import compact, given_hash, independent_hash, padrao

pytestmark = [
    pytest.mark.tmux,
    pytest.mark.served,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

ANA = "0064800034567812"


@pytest.fixture
def tiss_terminal(tmp_path: Path) -> Iterator[tuple[Terminal, str, Path]]:
    with served_backend_in(tmp_path / "serve") as served:
        config = Path(private_dirs(tmp_path)["FRONTDESK_CONFIG"])
        config.parent.mkdir(parents=True)
        dentist = {"dentist_code": "D0042", "dentist_cro": "12345", "dentist_uf": "41"}
        config.write_text(tiss_profile("demo-tiss", served, tmp_path, **dentist), "utf-8")
        settings = {**private_dirs(tmp_path), "FRONTDESK_TISS_PASSWORD": SERVED_KEY}
        command = frontdesk_command(["--profile", "demo-tiss"], settings)
        with tmux_session(command, name="fd-tiss") as term:
            yield term, served.url, tmp_path


def test_a_release_by_the_apps_code_in_a_real_terminal(
    tiss_terminal: tuple[Terminal, str, Path],
) -> None:
    term, url, tmp = tiss_terminal
    term.wait_for("Operadora Demonstração · TISS", "Fila de atendimento (7)", "F8")
    term.type(ANA)
    term.keys("Enter")  # as a scanner: the card's digits, then Enter
    term.wait_for("Guia 2026", "AGUARDANDO TOKEN", "E mostra como o paciente")
    term.keys("e")
    term.wait_for("o paciente gera o código", "Gerar token")
    term.keys("Enter")
    term.wait_for("Código (6 dígitos)")
    code = served_app_code(url, ANA)
    term.type(code)
    term.keys("Enter")
    screen = term.wait_for("GUIA AUTORIZADA", "Senha de autorização", "Devolvido ao sistema")
    assert "Traceback" not in screen
    written = sorted((tmp / "retorno").glob("*.retorno.xml"))
    assert len(written) == 1
    data = written[0].read_bytes()
    root = etree.fromstring(data)
    assert padrao(data) == "4.03.00" and errors_of(root, "4.03.00") == ()
    assert same_hash(text(root, "epilogo", "hash") or "", message_hash(root))
    assert compact(data) and independent_hash(data) == given_hash(data)
    senha = next(iter(root.iter("{*}senha"))).text or ""
    assert " ".join(senha) in screen
    assert next(iter(root.iter("{*}codValidacao"))).text == code
    term.keys("Enter")
    term.wait_for("Fila de atendimento", "AUTORIZADA")
    term.quit()
    audit = (tmp / "state" / "frontdesk" / "log" / "audit.jsonl").read_text("utf-8")
    lines = [json.loads(line) for line in audit.splitlines()]
    assert [line["action"] for line in lines] == ["lookup", "send", "validate"]
    assert lines[-1]["outcome"] == "authorized" and code not in audit


def test_a_guide_by_hand_typed_at_once_lands_in_its_fields(
    tiss_terminal: tuple[Terminal, str, Path],
) -> None:
    """F4 and the whole form in one burst (as tmux, a paste or a fast typist sends it): the
    kind, the card, the code and the tooth each in its field, the rest filled by the code."""
    term, _url, _tmp = tiss_terminal
    term.wait_for("Operadora Demonstração · TISS", "Fila de atendimento (7)", "F8")
    luiza = "0064800056781234"
    term.keys("F4", "Down", "Tab", luiza, "Tab", "81000065", "Tab", "Tab", "Tab", "Tab", "16")
    term.keys("Enter")
    screen = term.wait_for("Guia 9", "AGUARDANDO TOKEN", "Consulta odontológica inicial")
    assert "0064 8000 5678 1234" in screen and "Odonto (GTO)" in screen
    assert "Traceback" not in screen
