"""Esc then a digit typed fast (issue 18, P6): Esc and the digit, never "™".

The real terminal is in test_tmux.py; here, Textual's key parser as the app leaves it (the
seam in `frontdesk.app.esc_keys`: if Textual moves or changes its key table, this fails
first) and the desk's answer to Alt+digit."""

from __future__ import annotations

from textual import events
from textual._xterm_parser import XTermParser
from textual.widgets import Input

from frontdesk.app.esc_keys import forget_option_digits

from .desk_harness import make_desk, press, running, screen_name


def parsed(data: str) -> list[str]:
    parser = XTermParser()
    tokens = [*parser.feed(data), *parser.feed("")]  # "": the end of input, no more bytes
    return [t.key for t in tokens if isinstance(t, events.Key)]


def test_textuals_parser_reads_esc_and_a_digit_as_alt_and_the_digit() -> None:
    forget_option_digits()  # what the app does when it is built
    for digit in "0123456789":
        assert parsed("\x1b" + digit) == [f"alt+{digit}"], digit
    assert parsed("\x1b") == ["escape"]
    assert parsed("\x1b[A") == ["up"]  # real escape sequences are still keys
    assert parsed("º") == ["º"]  # a Brazilian keyboard's own, as itself


async def test_esc_then_a_digit_clears_the_lookup_and_types_the_digit() -> None:
    desk = make_desk()
    async with running(desk) as pilot:
        field = pilot.app.screen.query_one("#lookup-input", Input)
        await press(pilot, *"123")
        assert field.value == "123"
        await press(pilot, "alt+2")  # Esc and 2 in one read, as the terminal sent them
        assert field.value == "2" and field.has_focus
        await press(pilot, *"026111800020")
        assert field.value == "2026111800020"


async def test_esc_then_a_digit_on_the_guide_screen_goes_back_and_types_the_digit() -> None:
    desk = make_desk()
    guide = (await desk.guides())[0]
    async with running(desk) as pilot:
        await press(pilot, *guide.number, "enter")
        assert screen_name(desk.app) == "GuideScreen"
        await press(pilot, "alt+7")  # Esc back to the lookup, then 7 in its field
        assert screen_name(desk.app) == "LookupScreen"
        assert pilot.app.screen.query_one("#lookup-input", Input).value == "7"
