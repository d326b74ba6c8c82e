"""The lookup screen: scanner bursts, validation as typed, the queue, search by card."""

from __future__ import annotations

from textual import events
from textual.widgets import DataTable, Input

from frontdesk.app.keys import bar_keys
from frontdesk.app.screens.guide import GuideScreen
from frontdesk.app.screens.lookup import LookupScreen, queue_order
from frontdesk.app.widgets.hint import HintLine

from .desk_harness import latest_code, make_desk, press, running, screen_name, text_of


async def test_opens_on_the_local_backend_labelled_as_demonstration() -> None:
    desk = make_desk()
    async with running(desk) as pilot:
        assert isinstance(pilot.app.screen, LookupScreen)
        assert desk.app.local_mode
        assert text_of(desk.app, "#top-mode") == "MODO DEMONSTRAÇÃO LOCAL"
        assert "F2" in text_of(desk.app, "#top-hint")


async def test_queue_lists_awaiting_token_first_with_status_words() -> None:
    desk = make_desk()
    everything = await desk.client.list_guides()
    async with running(desk) as pilot:
        table = pilot.app.screen.query_one("#queue", DataTable)
        assert table.row_count == len(everything)
        statuses = [str(table.get_row_at(i)[1]).strip() for i in range(table.row_count)]
        awaiting = sum(1 for g in everything if g.status == "awaiting_token")
        assert statuses[:awaiting] == ["AGUARDANDO TOKEN"] * awaiting
        assert "AGUARDANDO TOKEN" not in statuses[awaiting:]
        assert {"EM ANÁLISE", "AUTORIZADA", "NEGADA", "CANCELADA"} <= set(statuses)
        assert text_of(desk.app, "#queue-title") == "Fila de atendimento (13)"


async def test_scanner_burst_of_digits_and_enter_opens_the_guide() -> None:
    desk = make_desk()
    guide = (await desk.guides())[2]
    async with running(desk) as pilot:
        await pilot.press(*guide.number, "enter")  # no pause between keys, like a scanner
        await press(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, GuideScreen)
        assert screen.guide.number == guide.number


async def test_validation_as_typed_says_why_and_never_refuses_silently() -> None:
    desk = make_desk()
    async with running(desk) as pilot:
        field = pilot.app.screen.query_one("#lookup-input", Input)
        await press(pilot, *"2026")
        assert text_of(desk.app, "#lookup-hint") == "Faltam 9 dígitos"
        await press(pilot, "x")
        assert field.value == "2026x"  # kept, and the reason is shown
        assert text_of(desk.app, "#lookup-hint") == "Somente números"
        await press(pilot, "backspace", *"11220001")
        assert text_of(desk.app, "#lookup-hint") == "Falta 1 dígito"
        await press(pilot, "enter")
        assert isinstance(pilot.app.screen, LookupScreen)
        hint = pilot.app.screen.query_one("#lookup-hint")
        assert hint.has_class("-error")
        await press(pilot, *"77")
        assert "sobram 1" in text_of(desk.app, "#lookup-hint")
        await press(pilot, "backspace")
        assert text_of(desk.app, "#lookup-hint") == "Enter abre a guia"


async def test_enter_on_the_empty_field_asks_for_the_number() -> None:
    desk = make_desk()
    async with running(desk) as pilot:
        await press(pilot, "enter")
        assert isinstance(pilot.app.screen, LookupScreen)
        assert text_of(desk.app, "#lookup-hint") == "Digite ou leia o número da guia"
        assert pilot.app.screen.query_one("#lookup-hint").has_class("-error")


async def test_unknown_guide_number_is_reported_and_kept() -> None:
    desk = make_desk()
    async with running(desk) as pilot:
        await press(pilot, *"2026111899999", "enter")
        assert isinstance(pilot.app.screen, LookupScreen)
        assert "não encontrada" in text_of(desk.app, "#lookup-hint")
        assert pilot.app.screen.query_one("#lookup-input", Input).value == "2026111899999"


async def test_enter_on_a_queue_row_opens_that_guide() -> None:
    desk = make_desk()
    guides = await desk.client.list_guides()
    async with running(desk) as pilot:
        await press(pilot, "down")  # from the field into the queue
        table = pilot.app.screen.query_one("#queue", DataTable)
        assert table.has_focus
        await press(pilot, "down", "down", "enter")
        screen = pilot.app.screen
        assert isinstance(screen, GuideScreen)
        assert screen.guide.number == guides[2].number


async def test_search_by_card_lists_that_beneficiarys_guides() -> None:
    desk = make_desk()
    async with running(desk) as pilot:
        await press(pilot, "f3")
        field = pilot.app.screen.query_one("#lookup-input", Input)
        assert field.border_title == "Número da carteirinha"
        await press(pilot, *"0064800012345678", "enter")
        table = pilot.app.screen.query_one("#queue", DataTable)
        assert table.row_count == 3
        # The card as printed on it, as everywhere else.
        assert text_of(desk.app, "#queue-title") == "Guias da carteirinha 0064 8000 1234 5678 (3)"
        names = {str(table.get_row_at(i)[2]) for i in range(table.row_count)}
        assert names == {"Maria Aparecida Souza"}
        assert table.has_focus
        await press(pilot, "enter")
        assert screen_name(desk.app) == "GuideScreen"
        await press(pilot, "escape")
        # Esc on the lookup goes back to the whole queue and to guide numbers.
        await press(pilot, "escape")
        assert field.border_title == "Número da guia"
        assert table.row_count == 13


async def test_card_search_with_no_guides_says_so() -> None:
    desk = make_desk()
    async with running(desk) as pilot:
        await press(pilot, "f3", *"99999999", "enter")
        assert "Nenhuma guia" in text_of(desk.app, "#lookup-hint")
        await press(pilot, "ctrl+a", *"12ab")
        assert text_of(desk.app, "#lookup-hint").startswith("Carteirinha: só números.")


async def test_a_card_search_starts_on_its_first_row_and_down_down_enter_opens_the_second() -> None:
    """Issue 12: the queue's highlight (on a guide of this card) was kept into the search,
    so Down Enter opened the third row; and it was kept into the next search too. Issue 18
    (P16): the search puts the receptionist in its results on the first guide, and the
    Down they press to get there does not skip it."""
    desk = make_desk()
    card = "0064800012345678"
    found = queue_order(await desk.client.list_guides(card=card))
    assert len(found) == 3
    async with running(desk) as pilot:
        table = pilot.app.screen.query_one("#queue", DataTable)
        queue = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        await press(pilot, "down")  # into the queue, then onto the search's second guide
        table.move_cursor(row=queue.index(found[1].number), animate=False)
        for _ in range(2):  # the same card searched twice
            await press(pilot, "escape", "f3", *card, "enter")
            assert table.row_count == 3 and table.has_focus
            assert table.cursor_row == 0
            await press(pilot, "down")
            assert table.cursor_row == 0  # entering the results: still the first guide
            await press(pilot, "down", "enter")
            screen = pilot.app.screen
            assert isinstance(screen, GuideScreen)
            assert screen.guide.number == found[1].number
            await press(pilot, "escape")


async def test_names_from_the_backend_are_shown_as_written_never_read_as_markup() -> None:
    """A name is data: "[/b]" or "[red]" in it is shown as typed. Read as Rich markup, a
    stray closing tag raised MarkupError while the queue was drawn, and a "[red]" coloured
    the rest of the row."""
    from msgspec.structs import replace
    from textual.geometry import Region

    from frontdesk.core.contacts import digits_only
    from support.demo import MARIA

    desk = make_desk()
    card = digits_only((await desk.guide_of(MARIA)).beneficiary.card)
    store = desk.backend.store
    with store.transaction():
        record = store.get_beneficiary(card)
        assert record is not None
        store.put_beneficiary(replace(record, name="Ana [/b] [red]Lima", social_name=None))
    async with running(desk) as pilot:
        table = pilot.app.screen.query_one("#queue", DataTable)
        width, height = table.size
        lines = [s.text for s in table.render_lines(Region(0, 0, width, height))]
        assert any("Ana [/b] [red]Lima" in line for line in lines), lines


async def test_whitespace_inside_a_pasted_guide_number_or_card_is_dropped() -> None:
    """Issue 18 P4: a guide number pasted with a tab (or spaced) gave "Somente números"."""
    desk = make_desk()
    guide = (await desk.guides())[1]
    async with running(desk) as pilot:
        field = pilot.app.screen.query_one("#lookup-input", Input)
        field.post_message(events.Paste(f"{guide.number[:6]} {guide.number[6:]}\t"))
        await press(pilot)
        assert text_of(desk.app, "#lookup-hint") == "Enter abre a guia"
        await press(pilot, "enter")
        screen = pilot.app.screen
        assert isinstance(screen, GuideScreen) and screen.guide.number == guide.number
        await press(pilot, "escape", "f3")
        card = guide.beneficiary.card
        field = pilot.app.screen.query_one("#lookup-input", Input)
        field.post_message(events.Paste(f"{card[:8]}\t{card[8:]}"))
        await press(pilot)
        assert text_of(desk.app, "#lookup-hint") == "Enter busca as guias desta carteirinha"
        await press(pilot, "enter")
        assert text_of(desk.app, "#queue-title").startswith("Guias da carteirinha")


async def test_a_name_after_f3_is_told_that_f3_takes_a_card() -> None:
    desk = make_desk()
    async with running(desk) as pilot:
        await press(pilot, "f3", *"Maria")
        hint = text_of(desk.app, "#lookup-hint")
        assert hint == "Carteirinha: só números. Para achar pelo nome, procure na fila."
        await press(pilot, "enter")
        assert pilot.app.query_one("#lookup-input", Input).value == "Maria"  # kept
        assert "nome" in text_of(desk.app, "#lookup-hint")


async def test_after_a_release_the_queue_highlights_the_first_guide_still_waiting() -> None:
    """Issue 18 (C1): after "Enter: próximo paciente", Down Enter reopened the guide just
    released: the queue's highlight had followed it to its new row."""
    desk = make_desk()
    async with running(desk) as pilot:
        await press(pilot, "down", "enter")  # the queue's first guide
        screen = pilot.app.screen
        assert isinstance(screen, GuideScreen)
        released = screen.guide.number
        await press(pilot, "e", "enter")
        await press(pilot, *await latest_code(desk, released), "enter")
        assert screen_name(desk.app) == "ResultScreen"
        assert (await desk.client.get_guide(released)).status == "authorized"
        await press(pilot, "enter")  # the next patient
        assert isinstance(pilot.app.screen, LookupScreen)
        assert pilot.app.screen.query_one("#lookup-input").has_focus
        waiting = queue_order(await desk.client.list_guides())[0]
        assert waiting.status == "awaiting_token" and waiting.number != released
        await press(pilot, "down", "enter")
        screen = pilot.app.screen
        assert isinstance(screen, GuideScreen)
        assert screen.guide.number == waiting.number


async def test_a_number_scanned_after_esc_from_a_guide_of_the_queue_opens_that_guide() -> None:
    """Issue 18 (C2): back from a guide opened from the queue, the queue kept the focus and
    a scanned number was lost without a word. Digits go to the number field, in order."""
    desk = make_desk()
    wanted = (await desk.guides())[3]
    async with running(desk) as pilot:
        await press(pilot, "down", "enter", "escape")
        table = pilot.app.screen.query_one("#queue", DataTable)
        assert table.has_focus  # where the receptionist left it
        await pilot.press(*wanted.number, "enter")  # a scanner: no pause between keys
        await press(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, GuideScreen)
        assert screen.guide.number == wanted.number
        await press(pilot, "escape", "down", "1", "2")
        field = pilot.app.screen.query_one("#lookup-input", Input)
        assert field.has_focus and field.value == "12"  # typed by hand, in the queue


async def test_the_key_bar_says_enter_opens_the_guide_when_the_queue_has_focus() -> None:
    """Issue 18 (P16): with the queue or a card's results focused, the key bar had no Enter."""
    desk = make_desk()
    async with running(desk) as pilot:
        await press(pilot, "down")
        assert pilot.app.screen.query_one("#queue", DataTable).has_focus
        shown = [(k.display, k.description) for k in bar_keys(pilot.app.screen)]
        assert shown[0] == ("Enter", "Abrir guia")
        await press(pilot, "escape", "f3", *"0064800012345678", "enter")
        assert pilot.app.screen.query_one("#queue", DataTable).has_focus
        shown = [(k.display, k.description) for k in bar_keys(pilot.app.screen)]
        assert shown[0] == ("Enter", "Abrir guia")


async def test_the_hint_follows_a_digit_in_the_same_update_as_the_field() -> None:
    """The hint changes as the field's value does, before the screen's next update: the
    digit and its hint are drawn in one layout and one frame. On the field's Changed
    message (handled after that update) each digit cost two (bench/key_cpu.py)."""
    desk = make_desk()
    async with running(desk, size=(100, 30)) as pilot:
        field = pilot.app.screen.query_one("#lookup-input", Input)
        empty = text_of(desk.app, "#lookup-hint")
        field.insert_text_at_cursor("2")  # what a key does; no message handled since
        said = text_of(desk.app, "#lookup-hint")
        await press(pilot)
        assert said == text_of(desk.app, "#lookup-hint") != empty
        assert "dígito" in said


async def test_a_digit_lays_nothing_out_and_a_longer_hint_still_gets_its_lines() -> None:
    """A digit changes neither the field's size nor the hint's height, so the screen is not
    laid out again (a layout of the whole screen per digit: a fifth of its CPU,
    bench/key_cpu.py). A hint that needs another line still gets it."""
    desk = make_desk()
    async with running(desk, size=(100, 30)) as pilot:
        screen = pilot.app.screen
        layouts: list[object] = []
        screen.screen_layout_refresh_signal.subscribe(screen, layouts.append)
        await press(pilot, "2", "0", "2")
        assert pilot.app.screen.query_one("#lookup-input", Input).value == "202"
        assert text_of(desk.app, "#lookup-hint") == "Faltam 10 dígitos"
        assert layouts == []

        hint = pilot.app.screen.query_one("#lookup-hint", HintLine)
        hint.say("uma dica longa " * 12)  # 180 cells: two lines at this width
        await press(pilot)
        assert hint.size.height == 2 and layouts


async def test_a_number_longer_than_the_field_scrolls_with_the_cursor() -> None:
    """The field's virtual width follows its value without a layout (DeskInput): a value
    wider than the field still scrolls so the cursor and the last digit typed show."""
    desk = make_desk()
    async with running(desk, size=(36, 24)) as pilot:
        field = pilot.app.screen.query_one("#lookup-input", Input)
        await press(pilot, *("1234567890" * 4))
        assert field.value == "1234567890" * 4
        assert field.virtual_size.width > field.scrollable_content_region.width
        assert field.scroll_x == field.max_scroll_x > 0
        assert field.region.contains_point(field.cursor_screen_offset)


async def test_the_queue_reports_its_rows_laid_out_once_it_has_measured_them() -> None:
    """The first queue is drawn when the table says it has laid out its rows
    (`when_laid_out`): by then it has measured them and asked the screen for its layout."""
    from rich.text import Text
    from textual.app import App, ComposeResult

    from frontdesk.app.screens.lookup import QueueTable

    seen: list[tuple[int, int]] = []

    class Table(App[None]):
        def compose(self) -> ComposeResult:
            yield QueueTable(id="queue")

    app = Table()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(QueueTable)
        table.add_column(Text("Número"), width=13)
        for n in range(5):
            table.add_row(Text(f"{n:013d}"))
        table.when_laid_out = lambda: seen.append((table.virtual_size.height, table.row_count))
        await pilot.pause()
        await pilot.pause()
        assert seen == [(6, 5)]  # once, with the five rows and the header measured
        assert table.when_laid_out is None
