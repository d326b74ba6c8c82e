"""The backend going away, timing out, failing or answering nonsense: a banner, F5, nothing lost."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from frontdesk.app.formatting import DigitsProblem
from frontdesk.app.screens.lookup import LookupScreen
from frontdesk.app.widgets.banner import ConnectionBanner

from .desk_harness import latest_code, make_desk, press, running, screen_name, text_of


def _banner(app: object) -> ConnectionBanner:
    from textual.app import App

    assert isinstance(app, App)
    return app.screen.query_one(ConnectionBanner)


@pytest.mark.parametrize(
    ("mode", "words"),
    [
        ("down", "Sem conexão com a operadora"),
        ("timeout", "não respondeu a tempo"),
        ("server_error", "erro interno (500)"),
        ("malformed", "não entende"),
    ],
)
async def test_lookup_during_an_outage_keeps_the_number_and_retries_with_f5(
    mode: str, words: str
) -> None:
    desk = make_desk()
    guide = (await desk.guides())[0]
    async with running(desk) as pilot:
        desk.transport.mode = mode
        await press(pilot, *guide.number, "enter")
        assert isinstance(pilot.app.screen, LookupScreen)
        banner = _banner(pilot.app)
        assert banner.display
        assert words in text_of(desk.app, "#banner")
        assert "F5" in text_of(desk.app, "#banner")
        assert pilot.app.screen.query_one("#lookup-input", Input).value == guide.number
        desk.transport.mode = "ok"
        await press(pilot, "f5")
        assert screen_name(desk.app) == "GuideScreen"
        assert not _banner(pilot.app).display


async def test_validation_during_an_outage_keeps_the_code_and_counts_once() -> None:
    desk = make_desk()
    guide = await desk.guide_of("João Pedro Oliveira")
    async with running(desk) as pilot:
        await press(pilot, *guide.number, "enter", "e", "enter")
        code = await latest_code(desk, guide.number)
        desk.transport.mode = "down"
        await press(pilot, *code, "enter")
        assert screen_name(desk.app) == "CodeEntryScreen"
        assert _banner(pilot.app).display
        assert pilot.app.screen.query_one("#code-input", Input).value == code
        desk.transport.mode = "ok"
        await press(pilot, "f5")
        assert screen_name(desk.app) == "ResultScreen"
    assert (await desk.client.get_guide(guide.number)).status == "authorized"


async def test_send_during_an_outage_is_retried_with_the_same_idempotency_key() -> None:
    desk = make_desk()
    guide = await desk.guide_of("João Pedro Oliveira")
    async with running(desk) as pilot:
        await press(pilot, *guide.number, "enter", "e")
        desk.transport.mode = "timeout"
        await press(pilot, "enter")
        assert screen_name(desk.app) == "SendTokenModal"
        assert "não respondeu a tempo" in text_of(desk.app, "#banner")
        desk.transport.mode = "ok"
        await press(pilot, "f5")
        assert screen_name(desk.app) == "CodeEntryScreen"
        await press(pilot, "f5")  # a second F5 only reloads; no second send
    assert len(await desk.client.outbox()) == 1


async def test_startup_with_the_backend_down_shows_the_banner_then_recovers() -> None:
    desk = make_desk()
    desk.transport.mode = "down"
    async with running(desk) as pilot:
        assert _banner(pilot.app).display
        assert not desk.app.local_mode
        assert text_of(desk.app, "#top-connection") == "SEM CONEXÃO"
        assert "Fila indisponível" in text_of(desk.app, "#queue-title")
        desk.transport.mode = "ok"
        await press(pilot, "f5")
        assert not _banner(pilot.app).display
        assert desk.app.local_mode
        assert text_of(desk.app, "#top-connection") == "local · ok"
        assert text_of(desk.app, "#top-mode") == "MODO DEMONSTRAÇÃO LOCAL"
        assert text_of(desk.app, "#queue-title") == "Fila de atendimento (13)"


async def test_a_remote_backend_going_away_keeps_the_number_and_recovers_with_f5() -> None:
    """The same outage over httpx, the transport of a remote backend (the others run over
    local mode's in-process session)."""
    from .desk_harness import FlakyTransport

    desk = make_desk(remote=True)
    assert isinstance(desk.transport, FlakyTransport)
    guide = (await desk.guides())[0]
    async with running(desk) as pilot:
        desk.transport.mode = "down"
        await press(pilot, *guide.number, "enter")
        assert "Sem conexão com a operadora" in text_of(desk.app, "#banner")
        assert text_of(desk.app, "#top-connection") == "local · SEM CONEXÃO"
        assert pilot.app.screen.query_one("#lookup-input", Input).value == guide.number
        desk.transport.mode = "ok"
        await press(pilot, "f5")
        assert screen_name(desk.app) == "GuideScreen"
        assert text_of(desk.app, "#top-connection") == "local · ok"
    assert f"GET /v1/guides/{guide.number}" in desk.transport.requests  # over httpx


async def test_refused_api_key_is_explained() -> None:
    desk = make_desk(api_key="wrong")
    async with running(desk):
        assert "chave de acesso" in text_of(desk.app, "#banner")


async def test_an_unexpected_error_becomes_a_message_not_a_traceback() -> None:
    desk = make_desk(friendly_errors=True)
    async with desk.app.run_test(size=(80, 24)) as pilot:
        await press(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, LookupScreen)

        def broken() -> None:
            raise RuntimeError("a bug")

        screen.action_clear = broken  # type: ignore[method-assign]
        await press(pilot, "escape")
        await press(pilot)
        assert [type(e) for e in desk.app.bugs] == [RuntimeError]
        assert desk.app.is_running
        assert isinstance(pilot.app.screen, LookupScreen)
        assert pilot.app.screen is not screen  # a fresh lookup
        await press(pilot, *(await desk.guides())[0].number, "enter")
        assert screen_name(desk.app) == "GuideScreen"  # and it works


async def test_an_error_inside_a_screen_handler_gives_a_fresh_lookup() -> None:
    def broken(value: str) -> DigitsProblem | None:
        raise ValueError("a bug in validation")

    desk = make_desk(friendly_errors=True)
    async with desk.app.run_test(size=(80, 24)) as pilot:
        await press(pilot)
        await pilot.app.push_screen(LookupScreen(number_problem=broken))
        await press(pilot)
        first = pilot.app.screen
        assert isinstance(first, LookupScreen) and first.number_problem is broken
        await press(pilot, "2")
        assert [type(e) for e in desk.app.bugs] == [ValueError]
        assert desk.app.is_running
        assert isinstance(pilot.app.screen, LookupScreen)
        assert pilot.app.screen is not first  # a fresh lookup, with the desk's own rule
        await press(pilot, *(await desk.guides())[0].number, "enter")
        assert screen_name(desk.app) == "GuideScreen"
