"""The counter on the local TISS operator (in this process), driven by Pilot: the release by the
app's code from a scanned card, a wrong code then the right one, Sem token 07 then a status
check, a denial with two glosas, the import's report, a guide started by hand, and the
errors a receptionist can act on. Keys are counted as the receptionist presses them."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from textual.pilot import Pilot
from textual.widgets import Input

from frontdesk.app.connector import Connector
from frontdesk.config.connection import Connection, resolve
from frontdesk.counter.guides import TissGuide
from frontdesk.tiss.hashing import message_hash, same_hash
from frontdesk.tiss.message import text
from frontdesk.tiss.schema import errors_of
from frontdesk.tiss.soap import fault_envelope
from frontdesk.tiss.transport import HttpReply, TransportFailure
from support.isolation import Home

from .desk_harness import press, running, screen_name, text_of, top_part
from .tiss_harness import ANA, CARLOS, JOAO, LUIZA, MARIA, TissCounter, make_tiss_counter


class Keys:
    """Counts what the receptionist presses: digits (or a scanner's) apart from other keys."""

    def __init__(self, pilot: Pilot[Any]) -> None:
        self.pilot = pilot
        self.digits = 0
        self.others: list[str] = []

    async def type(self, value: str) -> None:
        self.digits += len(value)
        await press(self.pilot, *value)

    async def key(self, *names: str) -> None:
        self.others.extend(names)
        await press(self.pilot, *names)


class Switch:
    """Between the TISS client and the local operator: the network or the operator failing."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.mode = "ok"

    async def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> HttpReply:
        if self.mode == "down":
            raise TransportFailure("connection refused", sent=False)
        if self.mode != "ok":
            return HttpReply(500, "text/xml", fault_envelope(self.mode, "refused"))
        reply: HttpReply = await self.inner.post(url, body, headers)
        return reply

    async def aclose(self) -> None:
        await self.inner.aclose()


@pytest.fixture
def counter(tmp_path: Path) -> Iterator[TissCounter]:
    made = make_tiss_counter(tmp_path)
    switch = Switch(made.desk.client._transport)
    made.desk.client._transport = switch
    yield made
    made.close()


def switch_of(counter: TissCounter) -> Switch:
    switch = counter.desk.client._transport
    assert isinstance(switch, Switch)
    return switch


def written(guide: TissGuide) -> etree._Element:
    """The guide's write-back, checked: valid against the schemas, its hash right."""
    assert guide.tiss.write_state == "written" and guide.tiss.written is not None
    root = etree.fromstring(Path(guide.tiss.written).read_bytes())
    assert errors_of(root) == ()
    assert same_hash(text(root, "epilogo", "hash") or "", message_hash(root))
    return root


async def test_a_scanned_card_and_the_apps_code_release_the_guide_in_four_keys(
    counter: TissCounter,
) -> None:
    async with running(counter) as pilot:
        assert screen_name(pilot.app) == "TissLookupScreen"
        assert top_part(pilot.app, "connection") == "Operadora Demonstração · TISS · ok"
        keys = Keys(pilot)
        await keys.type(ANA.replace(" ", ""))  # the scanner's digits…
        await keys.key("enter")  # …and its Enter: the patient's one guide opens
        assert screen_name(pilot.app) == "TissGuideScreen"
        await keys.key("e")  # Enviar Token: how the patient gets the code
        assert screen_name(pilot.app) == "TissTokenModal"
        steps = text_of(pilot.app, "#tiss-token-steps")
        assert "“App Operadora Demonstração”" in steps and "Gerar token" in steps
        assert "0800 000 0000" in steps and "6 dígitos" in steps
        await keys.key("enter")
        assert screen_name(pilot.app) == "TissCodeEntryScreen"
        code = await counter.app_code(ANA)  # the simulator's app, on the patient's phone
        await keys.type(code)
        await keys.key("enter")
        assert screen_name(pilot.app) == "TissResultScreen"
        guide = pilot.app.screen.guide
        assert isinstance(guide, TissGuide) and guide.status == "authorized"
        assert guide.authorization is not None
        assert text_of(pilot.app, "#result-auth") == " ".join(guide.authorization.number)
        assert "Nº da guia na operadora: 88" in text_of(pilot.app, "#tiss-result-facts")
        assert "lote-sadt.2026111800019.retorno.xml" in text_of(pilot.app, "#tiss-result-write")
        assert keys.others == ["enter", "e", "enter", "enter"]  # 4 keys besides the digits
        node = next(iter(written(guide).iter("{*}guiaSP-SADT")))
        assert text(node, "dadosAutorizacao", "codValidacao") == code
        assert text(node, "dadosAutorizacao", "senha") == guide.authorization.number
        await press(pilot, "enter")
        assert screen_name(pilot.app) == "TissLookupScreen"


async def test_a_wrong_code_stays_selected_then_the_right_one_releases(
    counter: TissCounter,
) -> None:
    maria = await counter.guide_of(MARIA, "odonto")
    async with running(counter) as pilot:
        await press(pilot, *maria.number, "enter", "c")
        assert screen_name(pilot.app) == "TissCodeEntryScreen"
        code = await counter.app_code(MARIA)
        wrong = "".join(str((int(c) + 1) % 10) for c in code)
        await press(pilot, *wrong, "enter")
        field = pilot.app.screen.query_one("#code-input", Input)
        assert field.value == wrong and field.selected_text == wrong
        hint = text_of(pilot.app, "#code-hint")
        assert "3156 TOKEN INVÁLIDO" in hint and "digite de novo" in hint
        await press(pilot, *code, "enter")  # typing replaces the selection
        assert screen_name(pilot.app) == "TissResultScreen"
        assert pilot.app.screen.guide.status == "authorized"


async def test_sem_token_07_is_under_review_then_authorized_after_a_status_check(
    counter: TissCounter,
) -> None:
    luiza = await counter.guide_of(LUIZA)
    async with running(counter, (120, 40)) as pilot:
        await press(pilot, *luiza.number, "enter", "s", *["down"] * 6, "enter", "enter")
        assert screen_name(pilot.app) == "TissResultScreen"
        screen = pilot.app.screen
        assert screen.guide.status == "under_review"
        assert text_of(pilot.app, "#result-status") == "GUIA EM ANÁLISE"
        assert "motivo 07" in text_of(pilot.app, "#tiss-result-facts")
        assert "Próxima consulta à operadora às 08:07" in text_of(pilot.app, "#tiss-result-next")
        await press(pilot, "v")  # the operator has not concluded yet
        assert pilot.app.screen.guide.status == "under_review"
        counter.clock.advance(30 * 60)  # F7 in the simulator: the operator's audit is done
        screen._tick()  # the quiet background check, now due
        await press(pilot)
        guide = pilot.app.screen.guide
        assert guide.status == "authorized" and guide.authorization is not None
        assert text_of(pilot.app, "#result-auth") == " ".join(guide.authorization.number)
        node = next(iter(written(guide).iter("{*}guiaOdonto")))
        assert text(node, "ausenciaCodValidacao") == "07"
        assert text(node, "senhaAutorizacao") == guide.authorization.number


async def test_a_denial_shows_each_glosa(counter: TissCounter) -> None:
    carlos = await counter.guide_of(CARLOS)
    async with running(counter) as pilot:
        await press(pilot, *carlos.number, "enter", "s", "enter", "enter")
        assert text_of(pilot.app, "#result-status") == "GUIA NEGADA"
        glosas = text_of(pilot.app, "#tiss-result-glosas").splitlines()
        assert glosas[0] == "Glosas da operadora:"
        assert glosas[1] == "1407 SERVIÇO SOLICITADO NÃO POSSUI COBERTURA"
        assert glosas[2].startswith("1438 PROCEDIMENTO SOLICITADO NÃO AUTORIZADO")
        assert not pilot.app.screen.query_one("#tiss-result-write").display  # nothing to bill


async def test_the_import_keeps_two_of_three_guides_and_lists_what_is_wrong(
    counter: TissCounter,
) -> None:
    async with running(counter) as pilot:
        numbers = {g.number for g in pilot.app.screen.guides}
        assert {"2026111800019", "2026111800020"} <= numbers
        assert "2026111800024" not in numbers  # the guide with the CNES typo
        title = text_of(pilot.app, "#queue-title")
        assert title == "Fila de atendimento (7) · 1 com problema na importação (F8)"
        await press(pilot, "f8")
        report = text_of(pilot.app, "#tiss-import-report")
        assert "lote-sadt.xml (lote 202611181): 2 guia(s) na fila" in report
        assert "✗ guia 2026111800024, fora da fila:" in report
        assert "Element 'CNES': [facet 'maxLength']" in report
        await press(pilot, "escape")
        assert screen_name(pilot.app) == "TissLookupScreen"


async def test_a_consulta_is_released_by_eligibility_with_the_sacs_code(
    counter: TissCounter,
) -> None:
    joao = await counter.guide_of(JOAO)
    async with running(counter, (120, 40)) as pilot:
        await press(pilot, "f2")  # the simulator: the SAC dictates a code (F6)
        await press(pilot, *joao.number, "enter", "f6")
        sac = pilot.app.sim_state.sac_code
        assert sac is not None and len(sac) == 6
        await press(pilot, "e", "enter", *sac, "enter")
        guide = pilot.app.screen.guide
        assert guide.status == "authorized" and guide.tiss.eligibility
        assert "elegibilidade" in text_of(pilot.app, "#tiss-result-facts")
        node = next(iter(written(guide).iter("{*}guiaConsulta")))
        assert text(node, "codValidacao") == sac


async def test_the_operator_away_keeps_what_was_typed_and_f5_tries_again(
    counter: TissCounter,
) -> None:
    maria = await counter.guide_of(MARIA, "odonto")
    async with running(counter) as pilot:
        await press(pilot, *maria.number, "enter", "c")
        code = await counter.app_code(MARIA)
        switch_of(counter).mode = "down"
        await press(pilot, *code, "enter")
        banner = text_of(pilot.app, "#banner")
        assert "Operadora Demonstração não respondeu" in banner
        assert "F5: tentar de novo" in banner and banner.count("F5") == 1
        assert pilot.app.screen.query_one("#code-input", Input).value == code
        assert top_part(pilot.app, "connection").endswith("SEM CONEXÃO")
        switch_of(counter).mode = "ok"
        await press(pilot, "f5")
        assert screen_name(pilot.app) == "TissResultScreen"
        assert pilot.app.screen.guide.status == "authorized"


@pytest.mark.parametrize(
    ("fault", "words"),
    [
        ("LoginInvalido", ["recusou o login", "frontdesk tiss login --profile tiss-demo"]),
        ("HashInvalido", ["Informe ao suporte: TISS HashInvalido", "sequencial "]),
        ("SchemaInvalido", ["Informe ao suporte: TISS SchemaInvalido", "guia 2026111800017"]),
    ],
)
async def test_a_refused_login_or_message_says_who_to_call(
    counter: TissCounter, fault: str, words: list[str]
) -> None:
    maria = await counter.guide_of(MARIA, "odonto")
    assert maria.number == "2026111800017"
    async with running(counter) as pilot:
        await press(pilot, *maria.number, "enter", "c", *"123456")
        switch_of(counter).mode = fault
        await press(pilot, "enter")
        banner = text_of(pilot.app, "#banner")
        for word in words:
            assert word in banner
        assert "sequencial ?" not in banner
        assert pilot.app.bugs == []  # the receptionist's problem, not a crash


async def test_a_guide_started_by_hand_from_the_card(counter: TissCounter) -> None:
    async with running(counter) as pilot:
        await press(pilot, *"0064800034567812", "f4")
        assert screen_name(pilot.app) == "NewGuideModal"
        assert pilot.app.screen.query_one("#tiss-new-card", Input).value == "0064800034567812"
        await press(pilot, *"4030", "enter")
        assert "8 dígitos" in text_of(pilot.app, "#tiss-new-hint")
        await press(pilot, *"2040", "enter")
        assert screen_name(pilot.app) == "TissGuideScreen"
        guide = pilot.app.screen.guide
        assert guide.number.startswith("920261118") and guide.procedures[0].code == "40302040"
        await press(pilot, "e", "enter", *await counter.app_code(ANA), "enter")
        result = pilot.app.screen.guide
        assert result.status == "authorized"
        assert "registre a senha no sistema da clínica" in text_of(pilot.app, "#tiss-result-write")


async def test_in_english(tmp_path: Path) -> None:
    made = make_tiss_counter(tmp_path, lang="en")
    try:
        async with running(made) as pilot:
            await press(pilot, *ANA.replace(" ", ""), "enter", "e")
            assert "the patient gets the code" in text_of(pilot.app, "#dialog .dialog-question")
            await press(pilot, "enter", *await made.app_code(ANA), "enter")
            assert text_of(pilot.app, "#result-status") == "GUIDE AUTHORIZED"
            assert "Written back for the clinic's system" in text_of(
                pilot.app, "#tiss-result-write"
            )
    finally:
        made.close()


TISS_PROFILE = """# the clinic's TISS operator: kept comment
[profiles.demo-tiss]
kind = "tiss"
operator = "Operadora Demonstração"
url = "http://127.0.0.1:8765/v1/tiss/v4.01.00/{operation}"
registro_ans = "999999"
prestador_type = "codigo"
prestador = "123456"
import_folder = "/srv/tiss/entrada"   # where the practice system exports
"""


async def test_f10_saves_the_folders_and_the_clinics_data_into_the_profile(
    home: Home, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home.write_config(TISS_PROFILE)
    monkeypatch.setenv("FRONTDESK_TISS_PASSWORD", "k")
    connection = resolve(profile="demo-tiss")
    holder: list[TissCounter] = []

    def reconnect(new: Connection) -> Connector:
        return Connector(make=lambda: holder[0].desk, label="demo-tiss")

    made = make_tiss_counter(tmp_path, connection=connection, connector_for=reconnect)
    holder.append(made)
    try:
        async with running(made) as pilot:
            await press(pilot, "f10")
            assert screen_name(pilot.app) == "TissSettingsModal"
            screen = pilot.app.screen
            assert screen.query_one("#tiss-set-import_folder", Input).value == "/srv/tiss/entrada"
            screen.query_one("#tiss-set-export_folder", Input).value = "/srv/tiss/retorno"
            screen.query_one("#tiss-set-professional_uf", Input).value = "PR"  # not a TISS UF
            screen.query_one("#tiss-set-clinic_name", Input).focus()
            await press(pilot, "enter")
            hint = text_of(pilot.app, "#tiss-settings-hint")
            assert "professional_uf" in hint and "2 dígitos" in hint
            assert "retorno" not in home.config.read_text()  # nothing written
            screen.query_one("#tiss-set-professional_uf", Input).value = "41"
            screen.query_one("#tiss-set-clinic_name", Input).value = "Clínica Sorriso"
            await press(pilot, "enter")
            assert screen_name(pilot.app) == "TissLookupScreen"
            text = home.config.read_text()
            assert "# the clinic's TISS operator: kept comment" in text
            assert "# where the practice system exports" in text
            assert 'export_folder = "/srv/tiss/retorno"' in text
            assert 'clinic_name = "Clínica Sorriso"' in text
            data = pilot.app.connection.tiss
            assert data is not None and data.counter.export_folder == Path("/srv/tiss/retorno")
            assert data.counter.clinic.professional_uf == "41"
    finally:
        made.close()


async def test_only_the_card_known_the_code_goes_in_an_eligibility_check(
    counter: TissCounter,
) -> None:
    francisca = "0064800067812345"  # her SP/SADT guide had the CNES typo: not in the queue
    async with running(counter) as pilot:
        keys = Keys(pilot)
        await keys.type(francisca)
        await keys.key("enter")
        assert screen_name(pilot.app) == "TissGuideScreen"
        check = pilot.app.screen.guide
        assert check.number == "E" + francisca and check.type == "consulta"
        await keys.key("e", "enter")
        code = await counter.app_code("0064 8000 6781 2345")
        await keys.type(code)
        await keys.key("enter")
        guide = pilot.app.screen.guide
        assert guide.status == "authorized" and guide.tiss.eligibility
        assert guide.beneficiary.name == "Francisca das Chagas Pereira"
        assert "nada a devolver" in text_of(pilot.app, "#tiss-result-write")
        assert keys.others == ["enter", "e", "enter", "enter"]
        await press(pilot, "enter", *"0064800099999999", "enter", "c", *"123456", "enter")
        hint = text_of(pilot.app, "#code-hint")
        assert "1001 NÚMERO DA CARTEIRA INVÁLIDO" in hint
        assert "Confira o campo Carteira (0064 8000 9999 9999)" in hint
        assert pilot.app.screen.query_one("#code-input", Input).selected_text == "123456"


async def test_a_number_that_is_not_in_the_queue_is_not_taken_for_a_card(
    counter: TissCounter,
) -> None:
    async with running(counter) as pilot:
        await press(pilot, *"2026111800099", "enter")
        assert screen_name(pilot.app) == "TissLookupScreen"
        assert "2026111800099" in text_of(pilot.app, "#lookup-hint")


async def test_ctrl_c_in_the_counters_modals_says_how_to_quit(counter: TissCounter) -> None:
    """Issue 18 (P5): Ctrl+C in the F4 form, the F8 report or the token modal said nothing."""

    def hints() -> int:
        said = [str(n.message) for n in counter.app._notifications]
        return said.count("Para sair, tecle Ctrl+Q.")

    async with running(counter) as pilot:
        for keys, modal in (
            (("f4",), "NewGuideModal"),
            (("f8",), "ImportReportModal"),
            ((*"0064800034567812", "enter", "e"), "TissTokenModal"),
        ):
            before = hints()
            await press(pilot, *keys)
            assert screen_name(pilot.app) == modal
            await press(pilot, "ctrl+c")
            assert hints() == before + 1
            assert screen_name(pilot.app) == modal and pilot.app.is_running
            await press(pilot, "escape")
