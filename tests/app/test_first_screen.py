"""The first screen's queue and connection state: the queue is asked beside the first health
check (one round trip, not two), and shown only once that check says the backend is there;
an unreachable backend gets its banner without waiting for the queue's answer."""

from __future__ import annotations

import asyncio

import httpx
from textual.widgets import DataTable

from frontdesk.app.widgets.banner import ConnectionBanner
from frontdesk.client.client import FrontdeskClient

from .desk_harness import API_KEY, EMBEDDED_URL, Desk, make_desk, settle, text_of

HEALTH, GUIDES = "/v1/health", "/v1/guides"


class HeldTransport(httpx.AsyncBaseTransport):
    """Records each request's path; requests to `held` wait for `gate`, then get `answer`
    (None: the backend's own answer; an exception: raised, as a network failure is)."""

    def __init__(self, inner: httpx.AsyncBaseTransport, held: str) -> None:
        self.inner = inner
        self.held = held
        self.gate = asyncio.Event()
        self.answer: Exception | None = None
        self.sent: list[str] = []
        self.fail: dict[str, Exception] = {}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        self.sent.append(path)
        if path in self.fail:
            raise self.fail[path]
        if path == self.held:
            await self.gate.wait()
            if self.answer is not None:
                raise self.answer
        return await self.inner.handle_async_request(request)


def desk_behind(held: str) -> tuple[Desk, HeldTransport]:
    desk = make_desk()
    transport = HeldTransport(desk.transport, held)
    client = FrontdeskClient(EMBEDDED_URL, api_key=API_KEY, transport=transport, retries=0)
    desk.app.link_to(client, None)
    return desk, transport


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
        live = await desk.client.list_guides()
        assert desk.app.health_state == "ok"
        assert text_of(desk.app, "#top-connection") == "local · ok"
        assert text_of(desk.app, "#queue-title") == f"Fila de atendimento ({len(live)})"
        assert queue_numbers(desk) == {g.number for g in live}
        assert transport.sent == [HEALTH, GUIDES]  # asked once: the answer held was shown
    assert desk.app.bugs == []


async def test_a_failed_health_check_shows_no_queue_although_the_queue_answered() -> None:
    desk, transport = desk_behind(HEALTH)
    transport.answer = httpx.ConnectError("connection refused")
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
    transport.fail[HEALTH] = httpx.ConnectError("connection refused")
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
