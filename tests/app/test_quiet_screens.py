"""A hidden screen does not repaint, and a lookup fetches its guide once (bench/app.py)."""

from __future__ import annotations

import asyncio

from desk_harness import make_desk, press, running, screen_name, settle

from frontdesk.app.widgets.token_panel import TokenPanel


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
        desk.advance(30)
        await asyncio.sleep(1.3)  # one tick of the 1 Hz countdown
        await settle(pilot)
        assert "29:30" in code_panel._shown  # the screen on top keeps counting
        assert guide_panel._shown == hidden_text  # the hidden one does not repaint

        await press(pilot, "escape")
        assert screen_name(desk.app) == "GuideScreen"
        assert "29:30" in guide_panel._shown  # caught up at once on its return
