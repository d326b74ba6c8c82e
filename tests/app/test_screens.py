"""Guide details, history, help, palette, simulator, language and terminal behaviour."""

from __future__ import annotations

from textual.widgets import DataTable, Input

from frontdesk.app.keys import bar_keys, screen_keys
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
        assert "Gerar Token" not in keys
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
