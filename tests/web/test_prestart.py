"""Desks started with their page (web/prestart.py): held for the session that asked, taken
over by its websocket, counted once against --max-sessions, ended when unclaimed in time or
when the session ends (desks are tests/web/fake_desk.py)."""

from __future__ import annotations

import asyncio
import sys

import aiohttp
import pytest

from frontdesk.web.users import UserStore
from support.isolation import Home
from web.conftest import (
    OTHER_PASSWORD,
    PASSWORD,
    Running,
    Wall,
    alive,
    running_server,
    settings_with,
)
from web.test_server import WAIT, first_text, wait_closed


def token_of(run: Running, user: str) -> str:
    return next(s.token for s in run.server.sessions if s.user == user)


async def open_page(run: Running, client: aiohttp.ClientSession, status: int = 200) -> None:
    async with client.get(run.url, allow_redirects=False) as response:
        assert response.status == status


async def held_pid(run: Running, user: str) -> int:
    """The pid of `user`'s held desk, once it has started."""
    held = run.server.prestarts.get(token_of(run, user))
    assert held is not None and await held.ready(held.size)
    assert held.desk.pid is not None
    return held.desk.pid


def counted(run: Running) -> int:
    return len(run.server.desks) + len(run.server.prestarts)


async def until_gone(run: Running, pid: int) -> None:
    async with asyncio.timeout(WAIT):
        while alive(pid) or len(run.server.prestarts):
            await asyncio.sleep(0.05)


async def desk_opened_once(run: Running, client: aiohttp.ClientSession, size: str) -> None:
    """A desk opened at `size` ("WxH") and closed again: the host knows its browsers' size."""
    width, height = size.split("x")
    socket = await client.ws_connect(run.url + f"ws?width={width}&height={height}")
    await first_text(socket, f"at {size}")
    await socket.close()
    async with asyncio.timeout(WAIT):
        while run.server.desks:
            await asyncio.sleep(0.05)


async def signed_in(
    run: Running, user: str = "ana", password: str = PASSWORD
) -> aiohttp.ClientSession:
    client = run.client()
    async with await run.sign_in(client, user, password):
        pass
    return client


async def test_a_host_that_never_opened_a_desk_starts_none_with_the_page(
    running: Running,
) -> None:
    client = await signed_in(running)
    await open_page(running, client)  # the size of its browsers is not known yet
    assert running.server.prestarts.get(token_of(running, "ana")) is None
    assert counted(running) == 0


async def test_the_page_starts_the_desk_and_its_websocket_takes_it_over(running: Running) -> None:
    client = await signed_in(running)
    await desk_opened_once(running, client, "120x33")
    await open_page(running, client)
    pid = await held_pid(running, "ana")
    assert running.server.desks == {} and counted(running) == 1
    socket = await client.ws_connect(running.url + "ws?width=120&height=33")
    # written before the websocket came, handed over on it
    assert "fake desk for ana at 120x33" in await first_text(socket, "fake desk for ana")
    assert running.server.desks[token_of(running, "ana")].pid == pid
    assert len(running.server.prestarts) == 0 and counted(running) == 1
    await socket.send_json(["stdin", "2026"])
    await first_text(socket, "echo:2026")
    await socket.close()


async def test_a_held_desk_is_only_for_the_session_whose_page_asked(
    home: Home, store: UserStore, wall: Wall
) -> None:
    store.add("bia", OTHER_PASSWORD)
    async with running_server(home, store, wall, settings=settings_with()) as run:
        ana, bia = await signed_in(run), await signed_in(run, "bia", OTHER_PASSWORD)
        await desk_opened_once(run, ana, "80x24")
        await open_page(run, ana)
        anas = await held_pid(run, "ana")
        socket = await bia.ws_connect(run.url + "ws")
        await first_text(socket, "fake desk for bia")
        assert run.server.desks[token_of(run, "bia")].pid != anas
        assert run.server.prestarts.get(token_of(run, "ana")) is not None  # still ana's
        theirs = await ana.ws_connect(run.url + "ws")
        await first_text(theirs, "fake desk for ana")
        assert run.server.desks[token_of(run, "ana")].pid == anas
        await socket.close()
        await theirs.close()


async def test_a_held_desk_whose_websocket_never_comes_is_ended(running: Running) -> None:
    seconds = running.server.settings.held_seconds
    client = await signed_in(running)
    await desk_opened_once(running, client, "80x24")
    await open_page(running, client)
    pid = await held_pid(running, "ana")
    running.clock.advance(seconds - 1)
    await running.server.sweep()
    assert alive(pid) and counted(running) == 1
    running.clock.advance(1)
    await running.server.sweep()
    await until_gone(running, pid)
    assert counted(running) == 0 and len(running.server.sessions) == 1  # the session goes on
    socket = await client.ws_connect(running.url + "ws")  # late: a desk of its own
    await first_text(socket, "fake desk for ana")
    assert running.server.desks[token_of(running, "ana")].pid != pid
    await socket.close()


async def test_a_held_desk_counts_once_against_max_sessions(
    home: Home, store: UserStore, wall: Wall
) -> None:
    store.add("bia", OTHER_PASSWORD)
    settings = settings_with(max_sessions=1)
    async with running_server(home, store, wall, settings=settings) as run:
        ana, bia = await signed_in(run), await signed_in(run, "bia", OTHER_PASSWORD)
        await desk_opened_once(run, ana, "80x24")
        await open_page(run, ana)
        pid = await held_pid(run, "ana")
        await open_page(run, bia, 503)  # ana's held desk takes the one room
        with pytest.raises(aiohttp.WSServerHandshakeError) as caught:
            await bia.ws_connect(run.url + "ws")
        assert caught.value.status == 503
        await open_page(run, ana)  # again: the same desk, not a second one
        assert await held_pid(run, "ana") == pid and counted(run) == 1
        socket = await ana.ws_connect(run.url + "ws")
        await first_text(socket, "fake desk for ana")
        assert run.server.desks[token_of(run, "ana")].pid == pid and counted(run) == 1
        await open_page(run, bia, 503)
        await socket.close()


async def test_signing_out_ends_the_held_desk(running: Running) -> None:
    client = await signed_in(running)
    await desk_opened_once(running, client, "80x24")
    await open_page(running, client)
    pid = await held_pid(running, "ana")
    session = next(iter(running.server.sessions))
    async with client.post(
        running.url + "logout", data={"csrf": session.csrf}, allow_redirects=False
    ) as response:
        assert response.status == 303
    await until_gone(running, pid)
    assert counted(running) == 0


async def test_a_held_desk_of_another_size_is_ended_and_one_of_the_browsers_size_started(
    home: Home, store: UserStore, wall: Wall
) -> None:
    store.add("bia", OTHER_PASSWORD)
    async with running_server(home, store, wall, settings=settings_with(max_sessions=1)) as run:
        ana = await signed_in(run)
        await desk_opened_once(run, ana, "120x33")  # the last size opened here
        bia = await signed_in(run, "bia", OTHER_PASSWORD)
        await open_page(run, bia)
        held = await held_pid(run, "bia")
        socket = await bia.ws_connect(run.url + "ws?width=90&height=28")  # bia's screen
        assert "fake desk for bia at 90x28" in await first_text(socket, "fake desk for bia")
        assert not alive(held) and run.server.desks[token_of(run, "bia")].pid != held
        assert counted(run) == 1
        await socket.close()
        await wait_closed(socket)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forks; reads /proc")
@pytest.mark.parametrize("hold", [False, True])
async def test_forked_desks_start_with_their_page_only_when_asked(
    home: Home, store: UserStore, wall: Wall, hold: bool
) -> None:
    settings = settings_with(fork_entry="web.fake_desk:main", hold_forked_desks=hold)
    async with running_server(home, store, wall, settings=settings) as run:
        assert run.server.fork_server is not None
        client = await signed_in(run)
        await desk_opened_once(run, client, "80x24")
        await open_page(run, client)
        held = run.server.prestarts.get(token_of(run, "ana"))
        assert (held is not None) is hold  # by default not: measured, docs/performance.md
        socket = await client.ws_connect(run.url + "ws")
        assert "fake desk for ana at 80x24" in await first_text(socket, "fake desk for ana")
        if held is not None:
            assert run.server.desks[token_of(run, "ana")] is held.desk
        assert counted(run) == 1
        await socket.close()
        await wait_closed(socket)
