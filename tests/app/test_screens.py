"""Guide details, history, help, palette, simulator, language and terminal behaviour."""

from __future__ import annotations

from typing import Any

import pytest
from rich.color import Color
from textual.widgets import DataTable, Input, OptionList

from frontdesk.app.keys import bar_keys, screen_keys
from frontdesk.app.screens.code_entry import CodeEntryScreen
from frontdesk.app.screens.guide import GuideScreen
from frontdesk.app.screens.lookup import LookupScreen

from .desk_harness import latest_code, make_desk, press, running, screen_name, text_of


async def test_guide_shows_social_name_first_card_plan_procedures_and_status() -> None:
    desk = make_desk()
    guide = await desk.guide_of("Luíza Ferreira")
    async with running(desk) as pilot:
        await press(pilot, *guide.number, "enter")
        assert isinstance(pilot.app.screen, GuideScreen)
        details = text_of(desk.app, "#guide-details")
        assert details.index("Luíza Ferreira") < details.index("Luiz Henrique Ferreira")
        assert "nome civil" in details
        assert "0064 8000 5678 1234" in details
        assert "Odonto Master" in details
        procedures = text_of(desk.app, "#guide-procedures")
        assert "84000198" in procedures and "Profilaxia" in procedures
        assert text_of(desk.app, "#guide-status").strip() == "AGUARDANDO TOKEN"
        assert "Nenhum código enviado" in text_of(desk.app, "#guide-token")
        assert "E envia o token" in text_of(desk.app, "#guide-next")


async def test_guide_that_needs_no_token_disables_the_token_actions() -> None:
    desk = make_desk()
    authorized = (await desk.client.list_guides(status="authorized"))[0]
    async with running(desk) as pilot:
        await press(pilot, *authorized.number, "enter")
        screen = pilot.app.screen
        assert isinstance(screen, GuideScreen)
        assert text_of(desk.app, "#guide-status").strip() == "AUTORIZADA"
        nxt = text_of(desk.app, "#guide-next")
        assert "não precisa de token" in nxt
        assert authorized.authorization is not None
        assert authorized.authorization.number in nxt
        # E, C and S cannot act: they are not in the key bar, and pressing them does nothing.
        assert screen.check_action("send", ()) is False
        bar = {k.action for k in bar_keys(screen)}
        assert {"send", "code", "absence"}.isdisjoint(bar) and {"history", "back"} <= bar
        await press(pilot, "e", "s", "E", "C")
        assert screen_name(desk.app) == "GuideScreen"  # nothing opened


async def test_token_state_on_the_guide_after_sending() -> None:
    desk = make_desk()
    guide = await desk.guide_of("João Pedro Oliveira")
    async with running(desk) as pilot:
        await press(pilot, *guide.number, "enter", "e", "enter", "escape")
        assert screen_name(desk.app) == "GuideScreen"
        token = text_of(desk.app, "#guide-token")
        assert "Código enviado por SMS para (11) *****-4321" in token
        assert "expira em 30 min" in token
        assert "5 tentativas restantes" in token
        assert "entrega: enviada" in token
        assert "C para digitar" in text_of(desk.app, "#guide-next")
        desk.advance(65)  # the simulator delivers after 2 s
        screen = pilot.app.screen
        assert isinstance(screen, GuideScreen)
        screen.refresh_token()
        await press(pilot)
        assert "entrega: entregue" in text_of(desk.app, "#guide-token")
        assert "expira em 29 min" in text_of(desk.app, "#guide-token")


async def test_history_lists_events_masked_without_codes() -> None:
    desk = make_desk()
    guide = await desk.guide_of("João Pedro Oliveira")
    async with running(desk) as pilot:
        await press(pilot, *guide.number, "enter", "e", "enter")
        code = await latest_code(desk, guide.number)
        wrong = "".join(str((int(c) + 1) % 10) for c in code)
        await press(pilot, *wrong, "enter", "escape", "h")
        assert screen_name(desk.app) == "HistoryScreen"
        table = pilot.app.screen.query_one("#history", DataTable)
        rows = [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]
        kinds = [row[1] for row in rows]
        assert kinds == ["Token enviado", "Código recusado"]
        assert "SMS para (11) *****-4321" in rows[0][2]
        assert "4 tentativas restantes" in rows[1][2]
        assert rows[0][0].startswith("18/11/2026 ")
        everything = " ".join(" ".join(row) for row in rows)
        assert code not in everything and "11987654321" not in everything
        await press(pilot, "escape")
        assert screen_name(desk.app) == "GuideScreen"


async def test_f1_help_lists_the_keys_of_the_screen_underneath() -> None:
    desk = make_desk()
    guide = (await desk.guides())[0]
    async with running(desk) as pilot:
        await press(pilot, *guide.number, "enter", "f1")
        assert screen_name(desk.app) == "HelpScreen"
        keys = text_of(desk.app, "#help-keys")
        for words in ("Enviar Token", "Digitar código", "Sem token", "Histórico", "F5"):
            assert words in keys
        assert "Gerar token" not in keys
        assert "F6 simula o SAC" in text_of(desk.app, "#help-local")
        await press(pilot, "escape")
        assert screen_name(desk.app) == "GuideScreen"


async def test_command_palette_offers_the_screens_actions() -> None:
    desk = make_desk()
    guide = (await desk.guides())[0]
    async with running(desk) as pilot:
        await press(pilot, *guide.number, "enter")
        titles = [c.title for c in desk.app.get_system_commands(desk.app.screen)]
        for title in ("Enviar Token", "Digitar código", "Sem token", "Histórico", "Ajuda"):
            assert title in titles
        command = next(
            c for c in desk.app.get_system_commands(desk.app.screen) if c.title == "Histórico"
        )
        result = command.callback()
        if result is not None:
            await result
        await press(pilot)
        assert screen_name(desk.app) == "HistoryScreen"


async def test_simulator_panel_toggles_and_shows_the_outbox() -> None:
    desk = make_desk(show_simulator=False)
    guide = await desk.guide_of("João Pedro Oliveira")
    async with running(desk, size=(120, 40)) as pilot:
        # Not built until it is first shown (a remote backend, 80 columns: never).
        assert not pilot.app.screen.query("#simulator")
        await press(pilot, "f2")
        panel = pilot.app.screen.query_one("#simulator")
        assert panel.display
        await press(pilot, "f2")
        assert not panel.display
        await press(pilot, "f2")
        assert panel.display and len(pilot.app.screen.query("#simulator")) == 1
        assert "Nenhuma mensagem" in text_of(desk.app, "#sim-messages")
        await press(pilot, *guide.number, "enter", "e", "enter")
        messages = text_of(desk.app, "#sim-messages")
        code = await latest_code(desk, guide.number)
        assert "11987654321" in messages and code in messages  # the patient's own phone
        assert "sem aplicativo" in text_of(desk.app, "#sim-app")
        await press(pilot, "f7")  # the clock jumps 30 minutes: the code expires
        assert (await desk.client.get_token(guide.number)).state == "expired"
        assert "expirou" in text_of(desk.app, "#code-token")


async def test_simulator_keys_do_not_exist_outside_local_mode() -> None:
    from frontdesk.backend.service import BackendSettings

    desk = make_desk(settings=BackendSettings(simulator=False))
    async with running(desk) as pilot:
        assert not desk.app.local_mode
        assert text_of(desk.app, "#top-mode") == ""
        assert desk.app.check_action("toggle_simulator", ()) is False
        await press(pilot, "f2")
        assert not desk.app.simulator_visible
        keys = {b.binding.action for b in pilot.app.screen.active_bindings.values()}
        assert "toggle_simulator" not in keys


async def test_english_interface() -> None:
    desk = make_desk(lang="en")
    guide = await desk.guide_of("João Pedro Oliveira")
    async with running(desk) as pilot:
        assert text_of(desk.app, "#top-mode") == "LOCAL DEMONSTRATION MODE"
        await press(pilot, *"2026")
        assert text_of(desk.app, "#lookup-hint") == "9 digits missing"
        await press(pilot, "escape", *guide.number, "enter")
        assert text_of(desk.app, "#guide-status").strip() == "AWAITING TOKEN"
        descriptions = {k.description for k in screen_keys(pilot.app.screen)}
        assert {"Send token", "Enter code", "No token", "History"} <= descriptions
        await press(pilot, "e", "enter", *"000000", "enter")
        assert "Wrong code" in text_of(desk.app, "#code-hint")


async def test_no_cursor_blink_when_asked_so_an_idle_screen_writes_nothing() -> None:
    desk = make_desk()
    assert desk.app.input_cursor_blink is False
    async with running(desk) as pilot:
        field = pilot.app.screen.query_one("#lookup-input", Input)
        assert field.has_focus
        assert field.cursor_blink is False
        assert field._blink_timer is not None and not field._blink_timer._active.is_set()


async def test_every_screen_is_usable_without_colour(monkeypatch: object) -> None:
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    monkeypatch.setenv("NO_COLOR", "1")
    desk = make_desk()
    guide = await desk.guide_of("João Pedro Oliveira")
    async with running(desk) as pilot:
        assert desk.app.no_color
        await press(pilot, *guide.number, "enter", "e", "enter")
        await press(pilot, *await latest_code(desk, guide.number), "enter")
        assert screen_name(desk.app) == "ResultScreen"
        await press(pilot, "enter")
        assert isinstance(pilot.app.screen, LookupScreen)


async def test_f1_works_inside_a_modal_too() -> None:
    desk = make_desk()
    guide = (await desk.guides())[0]
    async with running(desk) as pilot:
        await press(pilot, *guide.number, "enter", "e", "f1")
        assert screen_name(desk.app) == "HelpScreen"
        keys = text_of(desk.app, "#help-keys")
        assert "Enviar" in keys and "Cancelar" in keys
        await press(pilot, "f1")
        assert screen_name(desk.app) == "SendTokenModal"


async def test_an_unknown_theme_in_the_configuration_is_said_and_the_default_kept() -> None:
    desk = make_desk(theme="tema-que-nao-existe")
    async with running(desk) as pilot:
        assert pilot.app.theme == "textual-dark"  # Textual's default, as without a theme
        messages = [n.message for n in pilot.app._notifications]
        assert any('"tema-que-nao-existe"' in m and "ansi-dark" in m for m in messages), messages


async def test_without_colour_the_row_under_the_cursor_is_reverse_video_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 18 P17: with NO_COLOR on the Linux console the queue's cursor row (and a list's
    highlighted option) still had a colour of its own (ESC[97m ESC[100m): reverse video of
    the terminal's own colours instead, as the README says."""
    monkeypatch.setenv("NO_COLOR", "1")  # read by Textual when the app is built
    desk = make_desk(linux_console=True)
    guide = await desk.guide_of("João Pedro Oliveira")
    default = Color.default()
    async with running(desk) as pilot:
        assert desk.app.no_color
        await press(pilot, "down")
        table = pilot.app.screen.query_one("#queue", DataTable)
        assert table.has_focus
        for focused in (True, False):
            style = table.get_component_rich_style("datatable--cursor")
            assert style.reverse and style.bold
            assert (style.color, style.bgcolor) == (default, default), focused
            table.blur()
            await press(pilot)
        await press(pilot, "escape", *guide.number, "enter", "e")
        options = pilot.app.screen.query_one("#send-options", OptionList)
        style = options.get_component_rich_style("option-list--option-highlighted")
        assert style.reverse and (style.color, style.bgcolor) == (default, default)


async def test_the_simulator_shows_only_the_open_guides_patients_messages() -> None:
    """Issue 18 P15: with one guide open, the panel listed every patient's SMS (another
    patient's code beside this one's)."""
    desk = make_desk(show_simulator=False)
    joao = await desk.guide_of("João Pedro Oliveira")
    maria = await desk.guide_of("Maria Aparecida Souza")
    async with running(desk, size=(120, 40)) as pilot:
        await press(pilot, "f2", *joao.number, "enter", "e", "enter", "escape", "escape")
        await press(pilot, *maria.number, "enter", "e", "enter")
        joao_code = await latest_code(desk, joao.number)
        maria_code = await latest_code(desk, maria.number)
        messages = text_of(desk.app, "#sim-messages")
        assert maria_code in messages and joao_code not in messages
        assert messages.startswith("Mensagens do paciente desta guia")
        await press(pilot, "escape", "escape")  # the lookup: no guide open, everyone's
        assert screen_name(desk.app) == "LookupScreen"
        messages = text_of(desk.app, "#sim-messages")
        assert maria_code in messages and joao_code in messages


async def test_f6_and_f7_work_with_the_simulator_panel_hidden_and_f1_lists_them() -> None:
    """Issue 18 C6: F6 (the SAC dictates a code) and F7 (the clock) did nothing unless the
    F2 panel was open; the key bar names them while it is, F1 always (local mode)."""
    desk = make_desk(show_simulator=False)
    guide = await desk.guide_of("João Pedro Oliveira")
    async with running(desk) as pilot:
        await press(pilot, *guide.number, "enter")
        assert not desk.app.simulator_visible
        shown = {k.display for k in bar_keys(pilot.app.screen)}
        assert {"F6", "F7"}.isdisjoint(shown)  # no room at 80 columns without the panel
        listed = {k.display for k in screen_keys(pilot.app.screen) if k.listed and k.enabled}
        assert {"F6", "F7"} <= listed
        await press(pilot, "f6")  # the SAC dictates a code: it is pending now
        token = await desk.client.get_token(guide.number)
        assert token.state == "pending" and token.channel == "sac"
        before = desk.clock.now()
        await press(pilot, "f7")
        assert desk.clock.now() == before + 30 * 60
        assert (await desk.client.get_token(guide.number)).state == "expired"
        await press(pilot, "f2")  # with the panel: the bar names them
        assert {"F6", "F7"} <= {k.display for k in bar_keys(pilot.app.screen)}


def _cut_words(screen: Any) -> list[str]:
    """Every field's title or placeholder, and every line of text, that its widget cuts."""
    from rich.cells import cell_len
    from textual.widget import Widget
    from textual.widgets import Static

    cut: list[str] = []
    for field in screen.query(Input):
        if field.display and cell_len(field.placeholder) > field.content_size.width:
            cut.append(field.placeholder)
        title = str(field.border_title or "")
        if field.display and cell_len(title) + 4 > field.size.width:  # "╭─ " … " ─╮"
            cut.append(title)
    for line in screen.query(Static):
        if not line.display or not line.size.height or not isinstance(line.content, str):
            continue
        if not line.content or "\n" in line.content:
            continue
        shown = "".join(line.render_line(y).text for y in range(line.size.height))
        room = line.parent.content_region if isinstance(line.parent, Widget) else None
        wider = room is not None and line.region.right > room.right
        if wider or "".join(line.content.split()) not in "".join(shown.split()):
            cut.append(line.content)
    return cut


@pytest.mark.parametrize("size", [(80, 24), (60, 18)])
async def test_nothing_is_cut_with_the_simulator_open(size: tuple[int, int]) -> None:
    """Issue 18 P2: with the simulator open, "Sem código no aplicativo ou no SAC? Ctrl+" and
    "Digite ou leia o código de barras da" at 80 columns, "Código (6 dígit…" at 60×18."""
    desk = make_desk(show_simulator=False)
    ana = await desk.guide_of("Ana Beatriz Lima")  # has the app
    async with running(desk, size=size) as pilot:
        await press(pilot, "f2")
        assert _cut_words(pilot.app.screen) == []
        await press(pilot, *ana.number, "enter", "e")
        options = pilot.app.screen.query_one("#send-options", OptionList)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        options.highlighted = ids.index("app")
        await press(pilot, "enter", "enter")  # the app's instructions, then on
        assert screen_name(desk.app) == "CodeEntryScreen"
        assert "Sem código no aplicativo" in text_of(desk.app, "#code-resend")
        assert _cut_words(pilot.app.screen) == []


async def test_ctrl_c_says_how_to_quit_on_a_screen_and_in_a_modal_alike() -> None:
    """Issue 18 (P5): Ctrl+C in a modal (Enviar Token, the profile list) said nothing; on a
    screen it says how to quit. Ctrl+C quits nothing, anywhere."""
    desk = make_desk()
    guide = (await desk.guides())[0]

    def hints() -> int:
        return sum(str(n.message) == "Para sair, tecle Ctrl+Q." for n in desk.app._notifications)

    async with running(desk) as pilot:
        await press(pilot, "ctrl+c")
        assert hints() == 1
        await press(pilot, *guide.number, "enter", "e")
        assert screen_name(desk.app) == "SendTokenModal"
        await press(pilot, "ctrl+c")
        assert hints() == 2 and screen_name(desk.app) == "SendTokenModal"
        await press(pilot, "escape", "f9")
        assert screen_name(desk.app) == "ProfileSwitcher"
        await press(pilot, "ctrl+c")
        assert hints() == 3 and desk.app.is_running


async def test_a_delivery_poll_after_the_app_has_closed_its_screens_does_nothing() -> None:
    """CI saw a guide's delivery poll fire while the app was shutting down, with no screen on
    the stack left: `app.screen` raised and the exception ended the run."""
    desk = make_desk(show_simulator=False)
    guide = await desk.guide_of("João Pedro Oliveira")
    async with running(desk) as pilot:
        await press(pilot, *guide.number, "enter", "e", "enter", "escape")
        screen = pilot.app.screen
        assert isinstance(screen, GuideScreen) and screen.awaiting
        before = await desk.client.get_token(guide.number)
        assert before.state == "pending"
    assert not desk.app.screen_stack  # shut down: nothing left on the stack
    await screen._poll_token()  # what the interval would have run next
    assert (await desk.client.get_token(guide.number)) == before


async def test_the_code_entrys_delivery_poll_after_the_app_has_closed_does_nothing() -> None:
    """The same race on the code entry: its delivery poll must not ask for `app.screen`."""
    desk = make_desk(show_simulator=False)
    guide = await desk.guide_of("João Pedro Oliveira")
    async with running(desk) as pilot:
        await press(pilot, *guide.number, "enter", "e", "enter")
        screen = pilot.app.screen
        assert isinstance(screen, CodeEntryScreen)
        before = await desk.client.get_token(guide.number)
    assert not desk.app.screen_stack
    screen._poll_delivery()
    assert (await desk.client.get_token(guide.number)) == before
