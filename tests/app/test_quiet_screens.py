"""A hidden screen does not repaint, a lookup fetches its guide once, and the guide screen
is built once (bench/app.py)."""

from __future__ import annotations

import asyncio

from frontdesk.app.widgets.token_panel import TokenPanel
from frontdesk.app.widgets.top_bar import TopBar

from .desk_harness import make_desk, press, running, screen_name, settle, text_of


async def test_only_the_screen_on_top_counts_down_and_the_guide_is_fetched_once() -> None:
    desk = make_desk()
    guide = await desk.guide_of("Maria Aparecida Souza")
    async with running(desk) as pilot:
        before = len(desk.transport.requests)
        await press(pilot, *guide.number, "enter")
        assert screen_name(desk.app) == "GuideScreen"
        fetches = [
            r for r in desk.transport.requests[before:] if r == f"GET /v1/guides/{guide.number}"
        ]
        assert len(fetches) == 1, desk.transport.requests[before:]

        guide_screen = desk.app.screen
        await press(pilot, "e")
        await press(pilot, "enter")
        assert screen_name(desk.app) == "CodeEntryScreen"
        guide_panel = guide_screen.query_one("#guide-token", TokenPanel)
        code_panel = desk.app.screen.query_one("#code-token", TokenPanel)
        assert code_panel.on_view and not guide_panel.on_view

        hidden_text = guide_panel._shown
        desk.advance(90)
        await asyncio.sleep(1.3)  # one tick of the 1 Hz countdown
        await settle(pilot)
        assert "29 min" in code_panel._shown  # the screen on top keeps counting
        assert guide_panel._shown == hidden_text  # the hidden one does not repaint

        await press(pilot, "escape")
        assert screen_name(desk.app) == "GuideScreen"
        assert "29 min" in guide_panel._shown  # caught up at once on its return


async def test_the_guide_screen_is_built_once_and_shows_each_guide_whole() -> None:
    """The guide screen is kept and filled again for the next guide (bench/app.py: a lookup
    no longer builds and styles it), and nothing of the last guide stays on it."""
    desk = make_desk()
    maria = await desk.guide_of("Maria Aparecida Souza")
    joao = await desk.guide_of("João Pedro Oliveira")
    async with running(desk) as pilot:
        await press(pilot, *maria.number, "enter")
        first = desk.app.screen
        await press(pilot, "e", "enter")  # a code to Maria's preselected phone
        assert screen_name(desk.app) == "CodeEntryScreen"
        await press(pilot, "escape", "escape")
        assert screen_name(desk.app) == "LookupScreen"

        await press(pilot, *joao.number, "enter")
        assert desk.app.screen is first
        assert first.query_one(TopBar).place == f"Guia {joao.number}"
        assert text_of(desk.app, "#guide-number") == f"Guia {joao.number}"
        details = text_of(desk.app, "#guide-details")
        assert "João Pedro Oliveira" in details and "Maria" not in details
        assert "Nenhum código enviado" in text_of(desk.app, "#guide-token")

        before = len(await desk.client.outbox())
        await press(pilot, "e", "enter")  # João's own phone, not Maria's
        outbox = await desk.client.outbox()
        assert len(outbox) == before + 1
        assert outbox[0].guide == joao.number and outbox[0].to == "11987654321"
        assert (await desk.client.get_token(maria.number)).state == "pending"


async def test_a_new_language_rebuilds_the_kept_guide_screen() -> None:
    desk = make_desk()
    guide = await desk.guide_of("João Pedro Oliveira")
    async with running(desk) as pilot:
        await press(pilot, *guide.number, "enter")
        kept = desk.app.screen
        await press(pilot, "escape")
        await desk.app.apply_settings("en", None)
        await press(pilot, *guide.number, "enter")
        assert desk.app.screen is not kept
        assert text_of(desk.app, "#guide-number") == f"Guide {guide.number}"


async def test_the_real_program_tidies_memory_once_ready_and_thaws_on_a_new_backend() -> None:
    """`tidy_memory` (what `frontdesk` sets): start-up objects are frozen for the collector
    once the first screen is ready, and thawed when the backend is replaced."""
    import gc

    from frontdesk.app.screens.lookup import SETTLE_AFTER_FIRST_QUEUE

    desk = make_desk()
    desk.app.tidy_memory = True
    try:
        async with running(desk) as pilot:
            # The collection waits for the complete first screen to be written (a timer).
            await pilot.pause(SETTLE_AFTER_FIRST_QUEUE)
            for _ in range(20):
                if desk.app._frozen:
                    break
                await pilot.pause(0.05)
            assert desk.app._frozen and gc.get_freeze_count() > 0
            desk.app.thaw_memory()
            assert not desk.app._frozen and gc.get_freeze_count() == 0
    finally:
        gc.unfreeze()
