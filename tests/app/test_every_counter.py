"""Issue 12, at the counter: narrow screens, keys that act (or say why), the app's and the
SAC's way, a result without a senha, delivery without a keypress, the desk's own words."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from frontdesk.app.keys import DeskKey, bar_keys
from frontdesk.app.screens.code_entry import CodeEntryScreen
from frontdesk.app.widgets.key_bar import KeyBar
from frontdesk.app.widgets.top_bar import TopBar

from .desk_harness import Desk, latest_code, make_desk, press, running, screen_name, text_of


def bar_line(desk: Desk) -> str:
    """The key bar as drawn on the current screen."""
    bar = desk.app.screen.query_one(KeyBar)
    return bar.render().plain.rstrip()  # type: ignore[union-attr]


def title_line(desk: Desk) -> str:
    top = desk.app.screen.query_one(TopBar)
    return top.render().plain  # type: ignore[union-attr]


async def _guide(desk: Desk, pilot: Pilot[Any], name: str, status: str = "awaiting_token") -> str:
    guide = await desk.guide_of(name, status)
    await press(pilot, *guide.number, "enter")
    assert screen_name(desk.app) == "GuideScreen"
    return guide.number


# -- 1. narrow screens: Esc and F1 stay, the others shorten before they go ------------------


@pytest.mark.parametrize("size", [(70, 20), (60, 18)], ids=["70x20", "60x18"])
async def test_narrow_screens_keep_esc_and_f1_and_shorten_before_dropping(
    size: tuple[int, int],
) -> None:
    desk = make_desk()
    async with running(desk, size=size) as pilot:
        number = await _guide(desk, pilot, "Maria Aparecida Souza")
        guide_bar = bar_line(desk)
        assert len(guide_bar) <= size[0]
        assert "Esc Voltar" in guide_bar and "F1 Ajuda" in guide_bar
        assert "E Enviar" in guide_bar and "C Código" in guide_bar  # shortened, not dropped
        assert "S Sem token" in guide_bar
        assert f"Guia {number}" in title_line(desk)  # the number whole, never "2026…"
        await press(pilot, "e", "enter")
        assert screen_name(desk.app) == "CodeEntryScreen"
        code_bar = bar_line(desk)
        assert len(code_bar) <= size[0]
        assert "Esc Voltar" in code_bar and "F1 Ajuda" in code_bar
        assert "Enter Validar" in code_bar and "Ctrl+R Reenviar" in code_bar
        if size[0] >= 70:
            assert "F8 Cancelar" in code_bar  # at 60 it may go (F1 lists it)


def _key(action: str, display: str, description: str, short: str = "") -> DeskKey:
    return DeskKey(
        key=display.lower(),
        display=display,
        description=description,
        tooltip="",
        short=short or description,
        action=action,
        enabled=True,
        shown=True,
        listed=True,
        node=None,  # type: ignore[arg-type]
    )


def test_the_key_bar_shortens_from_the_end_then_drops_and_gives_room_back() -> None:
    keys = (
        _key("send", "E", "Enviar Token", "Enviar"),
        _key("code", "C", "Digitar código", "Código"),
        _key("back", "Escape", "Voltar"),
        _key("help", "F1", "Ajuda"),
        _key("toggle_simulator", "F2", "Simulador"),
    )

    def line(width: int) -> str:
        return " ".join(f"{k.display} {d}" for k, d in KeyBar.fit(keys, width))

    whole = "E Enviar Token C Digitar código Escape Voltar F1 Ajuda F2 Simulador"
    assert line(80) == whole
    assert line(59) == "E Enviar Token C Código Escape Voltar F1 Ajuda F2 Simulador"
    assert line(53) == "E Enviar C Código Escape Voltar F1 Ajuda F2 Simulador"
    # F2 goes, and the room it frees gives E its whole words back.
    assert line(52) == "E Enviar Token C Código Escape Voltar F1 Ajuda"
    assert line(31) == "E Enviar Escape Voltar F1 Ajuda"
    assert line(5) == "Escape Voltar F1 Ajuda"  # never dropped, whatever the width


# -- 3. a key shown acts or says why; Caps Lock ------------------------------------------


async def test_capital_letters_work_like_small_ones() -> None:
    desk = make_desk()
    async with running(desk) as pilot:
        await _guide(desk, pilot, "Maria Aparecida Souza")
        await press(pilot, "H")
        assert screen_name(desk.app) == "HistoryScreen"
        await press(pilot, "escape", "E")
        assert screen_name(desk.app) == "SendTokenModal"
        await press(pilot, "escape", "S")
        assert screen_name(desk.app) == "AbsenceModal"
        await press(pilot, "escape", "C")
        assert screen_name(desk.app) == "CodeEntryScreen"


async def test_no_key_in_any_bar_is_shown_disabled() -> None:
    """Every key the bar shows can act now (pressed too early, it says when)."""
    desk = make_desk()
    async with running(desk) as pilot:
        await _guide(desk, pilot, "Antônio Carlos Ribeiro", "authorized")
        assert all(k.enabled for k in bar_keys(desk.app.screen))
        await press(pilot, "escape")
        await _guide(desk, pilot, "João Pedro Oliveira")
        assert all(k.enabled for k in bar_keys(desk.app.screen))
        await press(pilot, "e", "enter")
        assert all(k.enabled for k in bar_keys(desk.app.screen))


# -- 4. EM ANÁLISE has no senha to copy ----------------------------------------------------


async def test_under_review_offers_no_copy_and_authorized_does() -> None:
    desk = make_desk()
    async with running(desk) as pilot:
        await _guide(desk, pilot, "Carlos Eduardo Santos")
        await press(pilot, "s", *["down"] * 6, "enter", "enter")
        assert screen_name(desk.app) == "ResultScreen"
        assert text_of(desk.app, "#result-status") == "GUIA EM ANÁLISE"
        assert text_of(desk.app, "#result-next") == "Enter: próximo paciente"
        assert "copy" not in {k.action for k in bar_keys(desk.app.screen)}
        await press(pilot, "enter")
        number = await _guide(desk, pilot, "João Pedro Oliveira")
        await press(pilot, "e", "enter")
        await press(pilot, *await latest_code(desk, number), "enter")
        assert text_of(desk.app, "#result-next") == "Enter: próximo paciente · C: copiar a senha"


# -- 8. the delivery status follows the backend without a keypress -------------------------


async def test_code_entry_follows_the_delivery_until_it_is_known() -> None:
    desk = make_desk()
    async with running(desk) as pilot:
        number = await _guide(desk, pilot, "João Pedro Oliveira")
        await press(pilot, "e", "enter")
        screen = desk.app.screen
        assert isinstance(screen, CodeEntryScreen)
        assert "entrega: enviada" in text_of(desk.app, "#code-token")
        desk.advance(3)  # the simulator delivers after 2 s
        screen._poll_delivery()  # what the screen's timer runs every few seconds
        await press(pilot)
        assert "entrega: entregue" in text_of(desk.app, "#code-token")
        assert (await desk.client.get_token(number)).delivery == "delivered"
        before = len(desk.transport.requests)
        screen._poll_delivery()  # delivered: nothing more to ask
        await press(pilot)
        assert len(desk.transport.requests) == before


# -- 10. words ---------------------------------------------------------------------------


async def test_the_app_way_says_nothing_was_sent_and_offers_to_send_not_resend() -> None:
    desk = make_desk()
    async with running(desk) as pilot:
        await _guide(desk, pilot, "Maria Aparecida Souza")
        await press(pilot, "e", "down", "down", "down", "down", "enter", "enter")
        screen = desk.app.screen
        assert isinstance(screen, CodeEntryScreen)
        assert screen.via == "app"
        assert "aplicativo" in text_of(desk.app, "#code-via")
        assert not screen.panel.display  # no "Nenhum código enviado"
        next_step = text_of(desk.app, "#code-resend")
        assert "reenvia" not in next_step.lower()
        assert next_step == "Sem código no aplicativo ou no SAC? Ctrl+R envia um por SMS ou e-mail."
        bar = {k.action: k.description for k in bar_keys(screen)}
        assert bar.get("send_first") == "Enviar código" and "resend" not in bar


async def test_e_mail_is_written_in_lower_case_and_the_delivery_is_feminine() -> None:
    desk = make_desk()
    async with running(desk) as pilot:
        await _guide(desk, pilot, "Ana Beatriz Lima")  # e-mail only
        await press(pilot, "e", "enter")
        token = text_of(desk.app, "#code-token")
        assert "Código enviado por e-mail para" in token
        assert "entrega: enviada" in token


async def test_no_phone_no_email_no_app_names_only_the_ways_there_are() -> None:
    desk = make_desk()
    async with running(desk) as pilot:
        await _guide(desk, pilot, "Carlos Eduardo Santos")
        await press(pilot, "e")
        detail = text_of(desk.app, "#send-detail")
        assert "aplicativo" not in detail
        assert detail == "Sem celular ou e-mail cadastrado: use o SAC ou Sem token (S na guia)."


async def test_the_cancel_dialog_says_esc_goes_back() -> None:
    desk = make_desk()
    async with running(desk) as pilot:
        await _guide(desk, pilot, "João Pedro Oliveira")
        await press(pilot, "e", "enter", "f8")
        assert screen_name(desk.app) == "ConfirmModal"
        assert "Esc Voltar" in bar_line(desk)
        assert "Cancelar" not in bar_line(desk).replace("Cancelar o código", "")


# -- 6. no English inside the Portuguese app --------------------------------------------


async def test_ctrl_c_and_the_palette_speak_portuguese_with_plain_characters() -> None:
    from textual.command import CommandInput, SearchIcon

    desk = make_desk()
    async with running(desk) as pilot:
        await press(pilot, "ctrl+c")
        said = [str(n.message) + str(n.title) for n in desk.app._notifications]
        assert any("Ctrl+Q" in text and "Sair" in text for text in said), said
        assert not any("quit the app" in text for text in said)
        await press(pilot, "ctrl+p")
        palette = desk.app.screen
        assert palette.query_one(CommandInput).placeholder == "Buscar um comando…"
        assert str(palette.query_one(SearchIcon).icon) == ">"


async def test_a_search_that_finds_nothing_says_so_in_portuguese() -> None:
    from textual.command import CommandList

    desk = make_desk()
    async with running(desk) as pilot:
        await press(pilot, "ctrl+p", "z", "z", "z", "q")
        palette = desk.app.screen
        options = palette.query_one(CommandList)
        for _ in range(40):  # Textual says it after a 0.5 s countdown
            if options.option_count:
                break
            await pilot.pause(0.05)
        said = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert len(said) == 1 and "Nada encontrado" in said[0], said


# -- 11. at 80 columns nothing is cut ------------------------------------------------------


def drawn(widget: Any) -> str:
    """What `widget` draws on the terminal, line by line."""
    from textual.geometry import Region

    width, height = widget.size
    return "\n".join(
        strip.text.rstrip() for strip in widget.render_lines(Region(0, 0, width, height))
    )


async def test_the_queue_shows_whole_names_at_80_columns() -> None:
    desk = make_desk()
    names = {g.beneficiary.display_name for g in await desk.client.list_guides()}
    async with running(desk) as pilot:
        shown = drawn(pilot.app.screen.query_one("#queue"))
        assert "Francisca das Chagas Pereira" in shown
        assert all(name in shown for name in names), shown
        assert "AUTORIZADA PARC." in shown  # the long status in its short words


async def test_history_wraps_its_detail_instead_of_cutting_it() -> None:
    desk = make_desk()
    async with running(desk) as pilot:
        number = await _guide(desk, pilot, "Ana Beatriz Lima")  # an e-mail: the longest detail
        await press(pilot, "e", "enter")
        desk.advance(3)
        await press(pilot, "escape", "h")
        assert screen_name(desk.app) == "HistoryScreen"
        shown = drawn(pilot.app.screen.query_one("#history"))
        events = await desk.client.events(number)
        assert [e.delivery for e in events if e.kind == "delivery"] == ["delivered"]
        assert "entregue" in shown.split() and "enviada" in shown.split(), shown


async def test_the_lookup_hint_wraps_beside_the_simulator() -> None:
    desk = make_desk()
    async with running(desk) as pilot:
        await press(pilot, "f2")
        hint = pilot.app.screen.query_one("#lookup-hint")
        text = " ".join(drawn(hint).split())
        assert text == "Número da guia: 13 dígitos, depois Enter. F3 busca por carteirinha."


async def test_at_60_columns_the_queue_drops_the_type_before_cutting_names_short() -> None:
    desk = make_desk()
    async with running(desk, size=(60, 18)) as pilot:
        table = pilot.app.screen.query_one("#queue")
        assert "type" not in {str(key.value) for key in table.columns}  # type: ignore[attr-defined]
        assert table.virtual_size.width <= table.size.width  # nothing to scroll sideways
        await pilot.resize_terminal(80, 24)
        await press(pilot)
        assert "type" in {str(key.value) for key in table.columns}  # type: ignore[attr-defined]
