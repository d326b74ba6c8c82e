"""The first screen's queue and connection state: the queue is asked beside the first health
check (one round trip, not two), and shown only once that check says the backend is there;
the top bar's `ok` comes with the queue (one frame, not two) unless the queue is slow; an
unreachable backend gets its banner without waiting for the queue's answer."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from textual import events
from textual.geometry import Size
from textual.widgets import DataTable

from frontdesk.app.backend_link import BackendLink
from frontdesk.app.widgets.banner import ConnectionBanner
from frontdesk.client.asgi import AsgiResponse
from frontdesk.client.client import FrontdeskClient

from .desk_harness import (
    API_KEY,
    EMBEDDED_URL,
    Desk,
    FlakySession,
    make_desk,
    refused,
    settle,
    text_of,
)

HEALTH, GUIDES = "/v1/health", "/v1/guides"


class HeldSession:
    """Records each request's path; requests to `held` wait for `gate`, then get `answer`
    (None: the backend's own answer; an exception: raised, as a network failure is)."""

    def __init__(self, inner: FlakySession, held: str) -> None:
        self.inner = inner
        self.held = held
        self.gate = asyncio.Event()
        self.answer: Exception | None = None
        self.sent: list[str] = []
        self.fail: dict[str, Exception] = {}

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> AsgiResponse:
        self.sent.append(path)
        if path in self.fail:
            raise self.fail[path]
        if path == self.held:
            await self.gate.wait()
            if self.answer is not None:
                raise self.answer
        return await self.inner.request(method, path, params=params, json=json, headers=headers)

    async def aclose(self) -> None:
        await self.inner.aclose()


def desk_behind(held: str, *, same_frame_wait: float = 60.0) -> tuple[Desk, HeldSession]:
    """A desk whose requests to `held` wait for the session's gate; the top bar's `ok`
    waits at most `same_frame_wait` seconds for the queue (long: never reached here)."""
    desk = make_desk()
    assert isinstance(desk.transport, FlakySession)
    session = HeldSession(desk.transport, held)
    client = FrontdeskClient(EMBEDDED_URL, api_key=API_KEY, session=session, retries=0)
    desk.app.backend = BackendLink(desk.app, client, None, same_frame_wait=same_frame_wait)
    return desk, session


async def pause_until(pilot: object, done: object, tries: int = 100) -> None:
    """Let the app run until `done()` (at most `tries` pauses: never a wall-clock wait)."""
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot) and callable(done)
    for _ in range(tries):
        if done():
            return
        await pilot.pause()


def queue_numbers(desk: Desk) -> set[str]:
    table = desk.app.screen.query_one("#queue", DataTable)
    return {str(key.value) for key in table.rows}


async def shows_ok_and_the_live_queue(desk: Desk) -> None:
    """The top bar says `ok` and the queue shown is the backend's own, guide for guide."""
    live = await desk.client.list_guides()
    assert desk.app.health_state == "ok"
    assert text_of(desk.app, "#top-connection") == "local · ok"
    assert text_of(desk.app, "#queue-title") == f"Fila de atendimento ({len(live)})"
    assert queue_numbers(desk) == {g.number for g in live}


async def test_the_queue_is_asked_beside_the_health_check_and_shown_once_it_passed() -> None:
    desk, transport = desk_behind(HEALTH)
    async with desk.app.run_test(size=(80, 24)) as pilot:
        await pause_until(pilot, lambda: GUIDES in transport.sent)
        assert transport.sent == [HEALTH, GUIDES]  # both on their way, neither answered yet
        await pilot.pause()
        # The queue has answered; the health check has not: nothing is shown as current.
        assert desk.app.health_state == "checking"
        assert "ok" not in text_of(desk.app, "#top-connection")
        assert text_of(desk.app, "#queue-title") == "Carregando a fila…"
        assert queue_numbers(desk) == set()

        transport.gate.set()
        await settle(pilot)
        await shows_ok_and_the_live_queue(desk)
        assert transport.sent == [HEALTH, GUIDES]  # asked once: the answer held was shown
    assert desk.app.bugs == []


async def test_a_failed_health_check_shows_no_queue_although_the_queue_answered() -> None:
    desk, transport = desk_behind(HEALTH)
    transport.answer = refused()
    async with desk.app.run_test(size=(80, 24)) as pilot:
        await pause_until(pilot, lambda: GUIDES in transport.sent)
        await pilot.pause()
        transport.gate.set()
        await settle(pilot)
        assert desk.app.health_state == "offline"
        assert text_of(desk.app, "#top-connection") == "SEM CONEXÃO"
        assert desk.app.screen.query_one(ConnectionBanner).display
        assert "Fila indisponível" in text_of(desk.app, "#queue-title")
        assert queue_numbers(desk) == set()
    assert desk.app.bugs == []


async def test_an_unreachable_backend_gets_its_banner_without_waiting_for_the_queue() -> None:
    desk, transport = desk_behind(GUIDES)  # the queue's request never gets an answer
    transport.fail[HEALTH] = refused()
    async with desk.app.run_test(size=(80, 24)) as pilot:
        banner = desk.app.screen.query_one(ConnectionBanner)
        await pause_until(pilot, lambda: banner.display)
        assert banner.display
        assert "Sem conexão" in text_of(desk.app, "#banner")
        assert desk.app.health_state == "offline"
        assert text_of(desk.app, "#top-connection") == "SEM CONEXÃO"
        assert "Fila indisponível" in text_of(desk.app, "#queue-title")
        await settle(pilot)
        # The queue's request was dropped with the failed check: nothing is left waiting.
        assert not any(worker.is_running for worker in desk.app.workers)
    assert desk.app.bugs == []


async def test_ok_is_said_with_the_queue_not_a_frame_before_it() -> None:
    desk, transport = desk_behind(GUIDES)  # the health check answers; the queue is held
    async with desk.app.run_test(size=(80, 24)) as pilot:
        await pause_until(pilot, lambda: desk.app.backend.health is not None)
        await pilot.pause()
        # The check passed, the queue is still on its way: `ok` waits for it, so both are
        # drawn together.
        assert desk.app.health_state == "checking"
        assert "ok" not in text_of(desk.app, "#top-connection")
        assert text_of(desk.app, "#queue-title") == "Carregando a fila…"

        transport.gate.set()
        await settle(pilot)
        await shows_ok_and_the_live_queue(desk)
    assert desk.app.bugs == []


async def test_a_queue_that_does_not_answer_does_not_hold_ok_back() -> None:
    desk, transport = desk_behind(GUIDES, same_frame_wait=0)  # the queue never answers
    async with desk.app.run_test(size=(80, 24)) as pilot:
        await pause_until(pilot, lambda: desk.app.health_state != "checking")
        # The check passed: the top bar says so although the queue is still loading.
        assert desk.app.health_state == "ok"
        assert text_of(desk.app, "#top-connection") == "local · ok"
        assert text_of(desk.app, "#queue-title") == "Carregando a fila…"
        assert queue_numbers(desk) == set()
        assert transport.sent == [HEALTH, GUIDES]  # the queue is still awaited, not dropped
    assert desk.app.bugs == []


async def test_a_resize_still_lays_the_screen_out_and_one_to_the_same_size_loses_nothing() -> None:
    """Each screen drops a Resize to the size it is laid out at (Textual would lay it out
    again for nothing: docs/performance.md, "Where the time goes"); a real one still reaches
    it, and the queue is refitted to the new width."""
    desk = make_desk()
    async with desk.app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = desk.app.screen
        before = queue_numbers(desk)
        desk.app.post_message(events.Resize(Size(80, 24), Size(80, 24)))
        await settle(pilot)
        assert screen.size == Size(80, 24) and queue_numbers(desk) == before
        await pilot.resize_terminal(120, 30)
        await settle(pilot)
        await pilot.pause(0.05)
        assert screen.size == Size(120, 30)
        assert screen.query_one(DataTable).size.width > 100  # laid out, and refitted
        assert queue_numbers(desk) == before
        # Resized while another screen is over it, then back to the size it last had.
        await pilot.press("down", "enter")
        await settle(pilot)
        assert desk.app.screen is not screen
        await pilot.resize_terminal(100, 30)
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert desk.app.screen is screen
        assert screen.query_one(DataTable).size.width > 90  # laid out at 100 on its return
        await pilot.resize_terminal(80, 24)  # the size it had seen before the other screen
        await settle(pilot)
        await pilot.pause(0.05)
        assert screen.size == Size(80, 24) and screen.query_one(DataTable).size.width < 80
    assert desk.app.bugs == []
