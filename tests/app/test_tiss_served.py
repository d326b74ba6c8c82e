"""The whole counter flow against the local TISS operator of a real `frontdesk serve`, over a
loopback socket, as the program builds it from a TISS profile (`resolve`, `connector_for`):
the demo exports written by `frontdesk tiss demo-files`, the simulator reached through the
served backend (F2 for the app's code, F6 the SAC, F7 its clock), Pilot at the keys."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree
from textual.widgets import Input

from frontdesk.app.app import FrontdeskApp
from frontdesk.app.connector import connector_for
from frontdesk.config.connection import resolve
from frontdesk.counter.guides import TissGuide
from frontdesk.tiss.hashing import message_hash, same_hash
from frontdesk.tiss.message import text
from frontdesk.tiss.schema import errors_of
from support.isolation import SERVED_KEY, Home
from support.served_tiss import ServedBackend, served_backend_in, tiss_profile
from support.tiss_files import compact, given_hash, independent_hash, padrao

from .desk_harness import FakeMonotonic, press, screen_name, settle, text_of, top_part

pytestmark = pytest.mark.served

ANA = "0064800034567812"
CARLOS_END = "8123"
LUIZA_END = "1234"
MARIA = "0064 8000 1234 5678"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedBackend]:
    with served_backend_in(tmp_path_factory.mktemp("tiss-served")) as backend:
        yield backend


@dataclass
class Counter:
    app: FrontdeskApp
    folder: Path


@pytest.fixture
def counter(
    home: Home, served: ServedBackend, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Counter:
    home.write_config(
        "# the clinic's TISS operator (here: frontdesk serve on this machine)\n"
        'default = "demo-tiss"\n\n'
        + tiss_profile("demo-tiss", served, tmp_path, status_check_minutes=1)
    )
    monkeypatch.setenv("FRONTDESK_TISS_PASSWORD", SERVED_KEY)
    connection = resolve()
    app = FrontdeskApp(
        connector=connector_for(connection),
        connection=connection,
        monotonic=FakeMonotonic(),
        cursor_blink=False,
        show_simulator=True,
        simulator_poll=3600.0,
    )
    return Counter(app, tmp_path)


def guide_of(app: FrontdeskApp, end: str, kind: str | None = None) -> TissGuide:
    for guide in app.screen.guides:  # the lookup's queue
        awaiting = guide.status == "awaiting_token" and (kind is None or guide.type == kind)
        if guide.beneficiary.card.endswith(end) and awaiting:
            assert isinstance(guide, TissGuide)
            return guide
    raise LookupError(end)


def checked(guide: TissGuide) -> etree._Element:
    """The file written back: valid in its export's version, its hash right by every reading."""
    assert guide.tiss.write_state == "written" and guide.tiss.written
    data = Path(guide.tiss.written).read_bytes()
    root = etree.fromstring(data)
    assert errors_of(root, padrao(data)) == ()
    assert same_hash(text(root, "epilogo", "hash") or "", message_hash(root))
    assert compact(data) and independent_hash(data) == given_hash(data)
    return root


async def test_a_denial_with_two_glosas_and_the_import_report(counter: Counter) -> None:
    async with counter.app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app = pilot.app
        numbers = {g.number for g in app.screen.guides}
        assert len(numbers) == 7  # first in this module: no guide released yet
        await press(pilot, "f8")
        report = text_of(app, "#tiss-import-report")
        assert "lote-sadt.xml (lote " in report and ", TISS 4.03.00): 2 guia(s) na fila" in report
        assert ", TISS 4.01.00): 4 guia(s) na fila" in report  # lote-odonto.xml
        assert "CNES" in report and "fora da fila" in report
        await press(pilot, "escape")
        carlos = guide_of(app, CARLOS_END)
        await press(pilot, *carlos.number, "enter", "s", "enter", "enter")
        assert app.screen.guide.status == "denied"
        glosas = text_of(app, "#tiss-result-glosas")
        assert "1407 SERVIÇO SOLICITADO NÃO POSSUI COBERTURA" in glosas
        assert "1438 PROCEDIMENTO SOLICITADO NÃO AUTORIZADO" in glosas
        node = next(iter(checked(app.screen.guide).iter("{*}guiaSP-SADT")))  # NEGADA too
        assert text(node, "dadosAutorizacao", "ausenciaCodValidacao") == "01"
    assert app.bugs == []


async def test_card_then_the_apps_code_from_the_simulator_then_the_senha(counter: Counter) -> None:
    async with counter.app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app = pilot.app
        assert top_part(app, "connection") == "Operadora Demonstração · TISS · ok"
        assert app.local_mode  # the served operator's simulator was found
        others: list[str] = []
        await press(pilot, *ANA)
        await press(pilot, "enter")
        others.append("enter")
        assert screen_name(app) == "TissGuideScreen"
        code = app.sim_state.app_code  # the simulator panel: the patient's app
        assert code is not None and len(code) == 6
        for key in ("e", "enter"):
            await press(pilot, key)
            others.append(key)
        await press(pilot, *code)
        await press(pilot, "enter")
        others.append("enter")
        assert screen_name(app) == "TissResultScreen"
        guide = app.screen.guide
        assert guide.status == "authorized" and guide.authorization is not None
        assert guide.beneficiary.name == "Ana Beatriz Lima"
        assert text_of(app, "#result-auth") == " ".join(guide.authorization.number)
        assert len(others) <= 4
        node = next(iter(checked(guide).iter("{*}guiaSP-SADT")))
        assert text(node, "dadosAutorizacao", "codValidacao") == code
        assert text(node, "dadosAutorizacao", "senha") == guide.authorization.number
        assert Path(guide.tiss.written or "").parent == counter.folder / "retorno"
    assert app.bugs == []


async def test_a_wrong_code_then_the_right_one(counter: Counter) -> None:
    async with counter.app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app = pilot.app
        maria = guide_of(app, MARIA.replace(" ", "")[-4:], "odonto")
        await press(pilot, *maria.number, "enter", "c")
        code = app.sim_state.app_code
        assert code is not None
        wrong = "".join(str((int(c) + 1) % 10) for c in code)
        await press(pilot, *wrong, "enter")
        field = app.screen.query_one("#code-input", Input)
        assert field.selected_text == wrong
        assert "3156 TOKEN INVÁLIDO" in text_of(app, "#code-hint")
        await press(pilot, *code, "enter")
        assert app.screen.guide.status == "authorized"
    assert app.bugs == []


async def test_sem_token_07_under_review_then_authorized_after_a_status_check(
    counter: Counter,
) -> None:
    async with counter.app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app = pilot.app
        luiza = guide_of(app, LUIZA_END, "odonto")
        assert luiza.beneficiary.card == "0064 8000 5678 1234"
        await press(pilot, *luiza.number, "enter", "s", *["down"] * 6, "enter", "enter")
        assert app.screen.guide.status == "under_review"
        assert "Próxima consulta à operadora às" in text_of(app, "#tiss-result-next")
        await press(pilot, "f7")  # the simulator moves the operator's clock 30 minutes
        await press(pilot, "v")
        guide = app.screen.guide
        assert guide.status == "authorized" and guide.authorization is not None
        node = next(iter(checked(guide).iter("{*}guiaOdonto")))
        assert padrao(Path(guide.tiss.written or "").read_bytes()) == "4.01.00"
        assert text(node, "ausenciaCodValidacao") == "07"
        assert text(node, "senhaAutorizacao") == guide.authorization.number
    assert app.bugs == []
