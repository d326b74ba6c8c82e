"""The counter on the local TISS operator (in this process), driven by Pilot: the release by the
app's code from a scanned card, a wrong code then the right one, Sem token 07 then a status
check, a denial with two glosas, the import's report, a guide started by hand, and the
errors a receptionist can act on. Keys are counted as the receptionist presses them."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widgets import DataTable, Input
from textual.widgets.data_table import ColumnKey

from frontdesk.app.connector import Connector
from frontdesk.app.screens.tiss.result import write_text
from frontdesk.app.widgets.key_bar import KeyBar
from frontdesk.config.connection import Connection, ConnectionOptions, resolve
from frontdesk.counter.guides import TissGuide
from frontdesk.counter.manual import GuideForm
from frontdesk.tiss import VERSION as LOCAL_VERSION  # the local operator's
from frontdesk.tiss import versions
from frontdesk.tiss.message import find, text
from frontdesk.tiss.transport import HttpReply
from frontdesk.tiss.versions import numbers
from support.isolation import Home
from support.tiss_counter import Switch, written_back
from support.tiss_files import rewrite_version

from .desk_harness import press, running, screen_name, settle, text_of, top_part
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
        node = next(iter(written_back(guide).iter("{*}guiaSP-SADT")))
        assert text(node, "dadosAutorizacao", "codValidacao") == code
        assert text(node, "dadosAutorizacao", "senha") == guide.authorization.number
        await press(pilot, "enter")
        assert screen_name(pilot.app) == "TissLookupScreen"


@pytest.mark.parametrize("version", numbers())
async def test_an_export_in_each_version_is_released_and_written_back_in_it(
    counter: TissCounter, version: str
) -> None:
    rewrite_version(counter.folder / "entrada" / "lote-sadt.xml", version)
    async with running(counter) as pilot:
        await press(pilot, "f8")
        report = text_of(pilot.app, "#tiss-import-report")
        assert f"lote-sadt.xml (lote 202611181, TISS {version}): 2 guia(s) na fila" in report
        await press(pilot, "escape", *ANA.replace(" ", ""), "enter", "e", "enter")
        await press(pilot, *await counter.app_code(ANA), "enter")
        assert screen_name(pilot.app) == "TissResultScreen"
        guide = pilot.app.screen.guide
        assert guide.status == "authorized" and guide.authorization is not None
        node = next(iter(written_back(guide, version).iter("{*}guiaSP-SADT")))
        assert text(node, "dadosAutorizacao", "senha") == guide.authorization.number


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
        node = next(iter(written_back(guide, "4.01.00").iter("{*}guiaOdonto")))
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
        # written back too: the practice system learns the reason was spent on a denial
        guide = pilot.app.screen.guide
        file = f"lote-sadt.{carlos.number}.retorno.xml"
        assert (
            text_of(pilot.app, "#tiss-result-write") == f"Devolvido ao sistema da clínica: {file}"
        )
        node = next(iter(written_back(guide).iter("{*}guiaSP-SADT")))
        assert text(node, "dadosAutorizacao", "ausenciaCodValidacao") == "01"
        assert find(node, "dadosAutorizacao", "senha") is None


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
        assert "lote-sadt.xml (lote 202611181, TISS 4.03.00): 2 guia(s) na fila" in report
        assert "lote-odonto.xml (lote 202611182, TISS 4.01.00): 4 guia(s) na fila" in report
        assert "✗ guia 2026111800024, fora da fila:" in report
        assert "    CNES: 8 dígitos, o máximo é 7 (linha " in report
        assert "Element" not in report and "facet" not in report
        keys = pilot.app.screen.query_one(KeyBar).render().plain  # type: ignore[union-attr]
        assert "Esc Voltar" in keys and "Cancelar" not in keys  # a report answers nothing
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
        node = next(iter(written_back(guide).iter("{*}guiaConsulta")))
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
        (
            "VersaoInvalida",
            [
                f"recusou a versão TISS {LOCAL_VERSION} deste perfil (VersaoInvalida)",
                "Chame o técnico: frontdesk profiles set tiss-demo tiss_version 4.0",
            ],
        ),
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


class AnotherVersion:
    """An operator answering in `speaks`: the local operator's answer, its Padrao changed."""

    def __init__(self, inner: Any, speaks: str) -> None:
        self.inner, self.speaks = inner, speaks

    async def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> HttpReply:
        reply: HttpReply = await self.inner.post(url, body, headers)
        padrao = f"<ans:Padrao>{LOCAL_VERSION}</ans:Padrao>".encode()
        assert padrao in reply.body
        changed = reply.body.replace(padrao, f"<ans:Padrao>{self.speaks}</ans:Padrao>".encode())
        return HttpReply(reply.status, reply.content_type, changed)

    async def aclose(self) -> None:
        await self.inner.aclose()


@pytest.mark.parametrize("speaks", [v for v in versions.numbers() if v != LOCAL_VERSION])
async def test_an_answer_in_another_version_names_both_and_the_fix(
    counter: TissCounter, speaks: str
) -> None:
    maria = await counter.guide_of(MARIA, "odonto")
    async with running(counter) as pilot:
        await press(pilot, *maria.number, "enter", "c", *"123456")
        counter.desk.client._transport = AnotherVersion(switch_of(counter), speaks)
        await press(pilot, "enter")
        banner = text_of(pilot.app, "#banner")
        assert f"fala TISS {speaks}, e este perfil envia TISS {LOCAL_VERSION}" in banner
        assert f"frontdesk profiles set tiss-demo tiss_version {speaks}" in banner
        assert pilot.app.bugs == []
    assert (await counter.desk.get_guide(maria.number)).status == "awaiting_token"


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
        assert guide.procedures[0].description == "Glicose - pesquisa e/ou dosagem"  # its export's
        await press(pilot, "e", "enter", *await counter.app_code(ANA), "enter")
        result = pilot.app.screen.guide
        assert result.status == "authorized"
        assert "registre a senha no sistema da clínica" in text_of(pilot.app, "#tiss-result-write")


async def test_a_patient_who_comes_back_is_named_before_the_operator_answers(
    counter: TissCounter,
) -> None:
    guides = [g for g in await counter.desk.list_guides() if g.beneficiary.card == MARIA]
    first, second = guides[0], guides[1]
    async with running(counter) as pilot:
        await press(pilot, *second.number, "enter")
        assert "Carteira 0064 8000 1234 5678" in text_of(pilot.app, "#guide-details")
        await press(pilot, "escape", *first.number, "enter", "c", *await counter.app_code(MARIA))
        await press(pilot, "enter")
        assert pilot.app.screen.guide.status == "authorized"
        name = pilot.app.screen.guide.beneficiary.name
        await press(pilot, "escape", "escape")
        await press(pilot, *second.number, "enter")
        details = text_of(pilot.app, "#guide-details")
        assert f"{name} (nome da última resposta da operadora)" in details
        assert "0064 8000 1234 5678" in details  # the card stays beside it


async def test_the_queue_marks_a_learned_name_short_and_says_why_in_its_header(
    counter: TissCounter,
) -> None:
    """At 80 columns the marker "(nome da última resposta da operadora)" was cut in the
    queue ("Maria Aparecida Souza (nome da ú"): the queue says it with an asterisk, which
    its header explains; the guide screen keeps the words."""
    guides = [g for g in await counter.desk.list_guides() if g.beneficiary.card == MARIA]
    first, second = guides[0], guides[1]
    async with running(counter, size=(80, 24)) as pilot:
        table = pilot.app.screen.query_one("#queue", DataTable)
        header = str(table.columns[ColumnKey("beneficiary")].label)
        assert header == "Beneficiário"
        await press(pilot, *first.number, "enter", "c", *await counter.app_code(MARIA))
        await press(pilot, "enter")
        name = pilot.app.screen.guide.beneficiary.name
        await press(pilot, "enter")  # next patient: the queue
        table = pilot.app.screen.query_one("#queue", DataTable)
        row = table.get_row(second.number)
        assert str(row[2]) == f"{name} *"
        column = table.columns[ColumnKey("beneficiary")]
        assert str(column.label) == "Beneficiário (* última resposta)"
        assert column.width >= len(str(column.label))  # the header whole, not cut
        widths = sum(c.get_render_width(table) for c in table.columns.values())
        assert widths <= table.size.width  # nothing cut or pushed off at 80 columns
        assert str(table.get_row(first.number)[2]) == name  # answered: no marker


async def test_pasted_typographic_punctuation_is_carried_and_an_error_selects_nothing(
    counter: TissCounter,
) -> None:
    async with running(counter) as pilot:
        await press(pilot, *"0064800034567812", "f4", *"40301630", "tab")  # no name known
        description = pilot.app.screen.query_one("#tiss-new-description", Input)
        assert description.value == ""
        assert pilot.app.focused is description
        description.post_message(events.Paste("Raio-X 🦷 “panorâmico” — urgente…"))
        await pilot.pause()
        await press(pilot, "tab", "enter")  # saved from the quantity field
        hint = text_of(pilot.app, "#tiss-new-hint")
        assert hint.startswith("Descrição: a TISS não aceita 🦷")
        assert "descricaoProcedimento" not in hint and "ISO-8859-1" not in hint
        assert pilot.app.focused is description and description.selected_text == ""
        await press(pilot, "end", "e")  # the next key adds, never replaces
        assert description.value == "Raio-X 🦷 “panorâmico” — urgente…e"
        description.value = "Raio-X “panorâmico” — urgente…"
        await press(pilot, "enter")
        assert screen_name(pilot.app) == "TissGuideScreen"
        procedure = pilot.app.screen.guide.procedures[0]
        assert procedure.description == 'Raio-X "panorâmico" - urgente...'


async def test_the_sacs_code_releases_a_guide_started_by_hand_for_a_patient_without_the_app(
    counter: TissCounter,
) -> None:
    async with running(counter, (120, 40)) as pilot:
        await press(pilot, "f2", *LUIZA.replace(" ", ""), "f4", *"40302040", "enter")
        assert screen_name(pilot.app) == "TissGuideScreen"
        number = pilot.app.screen.guide.number
        assert number.startswith("9") and pilot.app.sim_state.has_app is False
        await press(pilot, "f6")
        sac = pilot.app.sim_state.sac_code
        assert sac is not None and len(sac) == 6 and pilot.app.sim_state.guide == number
        await press(pilot, "e", "enter", *sac, "enter")
        guide = pilot.app.screen.guide
        assert guide.number == number and guide.status == "authorized"
        assert guide.authorization is not None and pilot.app.bugs == []


async def test_the_sacs_code_releases_a_cards_eligibility_check(counter: TissCounter) -> None:
    async with running(counter, (120, 40)) as pilot:
        # Francisca's only guide had the CNES typo: her card alone is an eligibility check.
        await press(pilot, "f2", *"0064800067812345", "enter", "f6")
        assert pilot.app.screen.guide.number == "E0064800067812345"
        sac = pilot.app.sim_state.sac_code
        assert sac is not None and len(sac) == 6
        await press(pilot, "e", "enter", *sac, "enter")
        guide = pilot.app.screen.guide
        assert guide.status == "authorized" and guide.tiss.eligibility


def typed_at_once(pilot: Pilot[Any], *keys: str) -> None:
    """Keys as a fast typist, a paste or `tmux send-keys` deliver them: all queued before
    the app handles the first (Pilot's `press` waits for each)."""
    for key in keys:
        pilot.app.post_message(events.Key(key, key if len(key) == 1 else None))


async def test_a_dental_guide_by_hand_in_two_keys_besides_the_card_and_the_code(
    counter: TissCounter,
) -> None:
    async with running(counter) as pilot:
        keys = Keys(pilot)
        await keys.type(LUIZA.replace(" ", ""))
        await keys.key("f4")
        await keys.type("81000065")  # 8xxxxxxx: a dental procedure; the clinic's price is known
        await keys.key("enter")
        assert screen_name(pilot.app) == "TissGuideScreen"
        assert keys.others == ["f4", "enter"]
    (guide,) = counter.desk.ledger.manual
    assert guide.kind == "odonto" and guide.card == "0064800056781234"
    assert guide.plan == "Odonto Master"  # her other guide's plan
    (procedure,) = guide.procedures
    assert procedure.description == "Consulta odontológica inicial"
    assert (procedure.value, procedure.quantity, procedure.tooth) == ("80.00", 1, None)


async def test_the_form_typed_at_once_puts_every_value_in_its_field(
    counter: TissCounter,
) -> None:
    async with running(counter) as pilot:
        card = LUIZA.replace(" ", "")
        typed_at_once(pilot, "f4", "down", "tab", *card, "tab", *"81000066", "backspace", "5")
        typed_at_once(pilot, "tab", "tab", "tab", "tab", *"16", "shift+tab", "end", "enter")
        await settle(pilot)
        assert screen_name(pilot.app) == "TissGuideScreen"
        assert pilot.app.screen.guide.beneficiary.card == LUIZA
    (guide,) = counter.desk.ledger.manual
    (procedure,) = guide.procedures
    assert (guide.kind, guide.card) == ("odonto", card)
    assert (procedure.code, procedure.tooth, procedure.quantity) == ("81000065", "16", 1)
    assert (procedure.value, procedure.description) == ("80.00", "Consulta odontológica inicial")


async def test_a_field_of_the_form_runs_its_own_keys_as_remapped(counter: TissCounter) -> None:
    """The form's fields run their bindings themselves (so they act in the order typed),
    still following the app's keymap."""
    counter.app.set_keymap({"counter-new-save": "ctrl+s"})
    async with running(counter) as pilot:
        await press(pilot, *"0064800034567812", "f4", *"40302040", "enter")
        assert screen_name(pilot.app) == "NewGuideModal"  # Enter no longer saves
        await press(pilot, "ctrl+s")
        assert screen_name(pilot.app) == "TissGuideScreen"


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
    connection = resolve(options=ConnectionOptions(profile="demo-tiss"))
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


async def test_enter_on_the_empty_field_asks_for_the_number(counter: TissCounter) -> None:
    """Nothing typed: no digit is "missing" (it said "Falta 1 dígito")."""
    async with running(counter) as pilot:
        await press(pilot, "enter")
        assert screen_name(pilot.app) == "TissLookupScreen"
        assert text_of(pilot.app, "#lookup-hint") == "Digite ou leia o número da guia"
        assert pilot.app.screen.query_one("#lookup-hint").has_class("-error")


async def test_a_denied_guide_started_by_hand_asks_for_no_senha(counter: TissCounter) -> None:
    """A denial is written back when it came from an export; a guide started by hand has
    no file, and no senha to record either: the result says nothing about the clinic's
    system (it said 'registre a senha' once denials went through the write-back)."""
    form = GuideForm(kind="sp_sadt", card=CARLOS.replace(" ", ""), code="40901122")
    started = await counter.desk.start_guide(form)
    guide = await counter.desk.absence(started.number, "01")
    assert isinstance(guide, TissGuide)
    assert guide.status == "denied" and guide.tiss.write_state == "not_exported"
    assert write_text(guide) == ""


async def test_f7_moves_the_operators_clock_without_the_panel_and_v_says_nothing_changed(
    counter: TissCounter,
) -> None:
    """Issue 18 C6: F7 (and F6) acted only while the F2 panel was open, which nothing said;
    V on EM ANÁLISE gave no sign that it had asked when nothing had changed."""
    luiza = await counter.guide_of(LUIZA)
    async with running(counter, (120, 40)) as pilot:
        assert not pilot.app.simulator_visible
        await press(pilot, *luiza.number, "enter", "s", *["down"] * 6, "enter", "enter")
        assert pilot.app.screen.guide.status == "under_review"
        counter.clock.advance(60)
        await press(pilot, "v")  # the operator has not concluded yet: say it was asked
        assert pilot.app.screen.guide.status == "under_review"
        assert text_of(pilot.app, "#tiss-result-next").startswith(
            "Ainda em análise (consultado às 08:07); próxima consulta às 08:08"
        )
        before = counter.clock.now()
        await press(pilot, "f7")  # the panel is hidden: the key works all the same
        assert counter.clock.now() == before + 30 * 60
        assert not pilot.app.simulator_visible
        await press(pilot, "v")
        assert pilot.app.screen.guide.status == "authorized"


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
