"""Snapshots of every screen and modal at 80×24 and 120×40 (pt-BR), some in English, in the
16-colour ANSI theme, without colour (NO_COLOR) and on the Linux console (TERM=linux).
Clocks are frozen (manual backend clock, fake monotonic clock), codes come from a seeded
generator, the cursor does not blink, toasts are cleared.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList

from support.isolation import Home

from .desk_harness import Desk, latest_code, make_desk, press, settle

Scenario = Callable[[Desk, Pilot[Any]], Awaitable[None]]
SnapCompare = Callable[..., bool]


async def _open(desk: Desk, pilot: Pilot[Any], name: str) -> str:
    guide = await desk.guide_of(name)
    await press(pilot, *guide.number, "enter")
    return guide.number


async def _sent(desk: Desk, pilot: Pilot[Any], name: str) -> str:
    number = await _open(desk, pilot, name)
    await press(pilot, "e", "enter")
    return number


async def lookup(desk: Desk, pilot: Pilot[Any]) -> None:
    return None


async def lookup_queue(desk: Desk, pilot: Pilot[Any]) -> None:
    await press(pilot, "down", "down")  # into the queue, on its second row


async def lookup_typing(desk: Desk, pilot: Pilot[Any]) -> None:
    await press(pilot, *"20261118000")


async def guide(desk: Desk, pilot: Pilot[Any]) -> None:
    await _open(desk, pilot, "Luíza Ferreira")


async def guide_pending(desk: Desk, pilot: Pilot[Any]) -> None:
    await _sent(desk, pilot, "Ana Beatriz Lima")
    await press(pilot, "escape")


async def send_token(desk: Desk, pilot: Pilot[Any]) -> None:
    await _open(desk, pilot, "Maria Aparecida Souza")
    await press(pilot, "e")


async def send_sac(desk: Desk, pilot: Pilot[Any]) -> None:
    await _open(desk, pilot, "Ana Beatriz Lima")
    await press(pilot, "e")
    options = pilot.app.screen.query_one("#send-options", OptionList)
    options.highlighted = 2
    await press(pilot, "enter")


async def code_entry(desk: Desk, pilot: Pilot[Any]) -> None:
    number = await _sent(desk, pilot, "João Pedro Oliveira")
    code = await latest_code(desk, number)
    await press(pilot, *"".join(str((int(c) + 1) % 10) for c in code), "enter")


async def simulator(desk: Desk, pilot: Pilot[Any]) -> None:
    await press(pilot, "f2")
    await _sent(desk, pilot, "Maria Aparecida Souza")


async def result(desk: Desk, pilot: Pilot[Any]) -> None:
    number = await _sent(desk, pilot, "João Pedro Oliveira")
    await press(pilot, *await latest_code(desk, number), "enter")


async def result_review(desk: Desk, pilot: Pilot[Any]) -> None:
    await _open(desk, pilot, "Carlos Eduardo Santos")
    await press(pilot, "s", *["down"] * 6, "enter", "enter")


async def absence(desk: Desk, pilot: Pilot[Any]) -> None:
    await _open(desk, pilot, "Carlos Eduardo Santos")
    await press(pilot, "s", *["down"] * 6, "enter")


async def history(desk: Desk, pilot: Pilot[Any]) -> None:
    number = await _sent(desk, pilot, "João Pedro Oliveira")
    code = await latest_code(desk, number)
    wrong = "".join(str((int(c) + 1) % 10) for c in code)
    await press(pilot, *wrong, "enter", "escape", "h")


async def help_screen(desk: Desk, pilot: Pilot[Any]) -> None:
    await _open(desk, pilot, "Maria Aparecida Souza")
    await press(pilot, "f1")


async def outage(desk: Desk, pilot: Pilot[Any]) -> None:
    number = (await desk.guides())[0].number
    desk.transport.mode = "down"
    await press(pilot, *number, "enter")


async def confirm_cancel(desk: Desk, pilot: Pilot[Any]) -> None:
    await _sent(desk, pilot, "João Pedro Oliveira")
    await press(pilot, "f8")


SCENARIOS: dict[str, Scenario] = {
    "lookup": lookup,
    "lookup_typing": lookup_typing,
    "guide": guide,
    "guide_pending": guide_pending,
    "send_token": send_token,
    "send_sac": send_sac,
    "code_entry": code_entry,
    "simulator": simulator,
    "result": result,
    "result_review": result_review,
    "absence": absence,
    "history": history,
    "help": help_screen,
    "outage": outage,
    "confirm_cancel": confirm_cancel,
}


def _shoot(
    snap_compare: SnapCompare,
    scenario: Scenario,
    size: tuple[int, int],
    **desk_options: Any,
) -> bool:
    desk = make_desk(**desk_options)

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await scenario(desk, pilot)
        pilot.app.clear_notifications()
        await settle(pilot)

    return snap_compare(desk.app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize("name", list(SCENARIOS))
def test_screen_in_portuguese(snap_compare: SnapCompare, name: str, size: tuple[int, int]) -> None:
    assert _shoot(snap_compare, SCENARIOS[name], size)


@pytest.mark.parametrize("name", ["lookup", "guide_pending", "code_entry", "result", "absence"])
def test_screen_in_english(snap_compare: SnapCompare, name: str) -> None:
    assert _shoot(snap_compare, SCENARIOS[name], (80, 24), lang="en")


@pytest.mark.parametrize("name", ["lookup", "guide_pending", "send_token", "result", "outage"])
def test_screen_in_the_16_colour_ansi_theme(snap_compare: SnapCompare, name: str) -> None:
    assert _shoot(snap_compare, SCENARIOS[name], (80, 24), theme="ansi-dark")


# Issue 12: what colour says is said without it too (the cursor's row, the statuses, the
# selected wrong code, the error), and the Linux console gets the line drawing it has.
PLAIN: dict[str, Scenario] = {
    "lookup_queue": lookup_queue,
    **{name: SCENARIOS[name] for name in ("guide_pending", "send_token", "code_entry", "result")},
}


@pytest.mark.parametrize("name", list(PLAIN))
def test_screen_without_colour(
    snap_compare: SnapCompare, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")  # read by Textual when the app is built
    assert _shoot(snap_compare, PLAIN[name], (80, 24))


@pytest.mark.parametrize("name", list(PLAIN))
def test_screen_on_the_linux_console(snap_compare: SnapCompare, name: str) -> None:
    assert _shoot(snap_compare, PLAIN[name], (80, 24), linux_console=True)


PROFILES = """# the clinic's operators (written by the technician)
default = "unimed"

[profiles.unimed]
operator = "Unimed Londrina"
url = "https://token.unimed.example/v1"

[profiles.dental]
operator = "Dental Uni"
url = "https://api.dentaluni.example/v1"
"""


async def profile_switcher(desk: Desk, pilot: Pilot[Any]) -> None:
    await press(pilot, "f9")


async def settings(desk: Desk, pilot: Pilot[Any]) -> None:
    await press(pilot, "f10")


SETUP_SCENARIOS: dict[str, Scenario] = {"profiles": profile_switcher, "settings": settings}


@pytest.mark.parametrize("name", list(SETUP_SCENARIOS))
def test_setup_screen_in_portuguese(snap_compare: SnapCompare, home: Home, name: str) -> None:
    """F9 and F10 over the lookup, with two profiles in the (test's own) configuration."""
    home.write_config(PROFILES)
    assert _shoot(snap_compare, SETUP_SCENARIOS[name], (80, 24))
