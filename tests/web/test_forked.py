"""Desks forked from the fork server (Linux): each holds only its own pipes, user and random
state; one killed leaves the others and the fork server; a killed fork server starts again;
logout and idle expiry end a forked desk. The desks are tests/web/fake_desk.py's `main`,
forked instead of spawned."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from frontdesk.web.users import UserStore
from support.isolation import Home
from web.conftest import OTHER_PASSWORD, PASSWORD, Running, Wall, alive, running_server, settings_with
from web.test_server import first_text, wait_closed

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")

ENTRY = "web.fake_desk:main"


@pytest.fixture
async def forking(home: Home, store: UserStore, wall: Wall) -> AsyncIterator[Running]:
    store.add("bia", OTHER_PASSWORD)
    settings = settings_with(fork_entry=ENTRY, app_args=("--probe",))
    async with running_server(home, store, wall, settings=settings) as state:
        assert state.server.fork_server is not None and state.server.fork_server.pid
        yield state


def parent_of(pid: int) -> int:
    stat = Path(f"/proc/{pid}/stat").read_text()
    return int(stat[stat.rindex(")") + 2 :].split()[1])


async def open_desk(
    run: Running, user: str = "ana", password: str = PASSWORD
) -> tuple[aiohttp.ClientWebSocketResponse, dict[str, object]]:
    """Sign `user` in with a fresh browser, open the desk; its socket and its probe."""
    client = run.client()
    async with await run.sign_in(client, user, password):
        pass
    socket = await client.ws_connect(run.url + "ws")
    text = await first_text(socket, " end")
    probe = json.loads(text.split(" probe=", 1)[1].rsplit(" end", 1)[0])
    return socket, probe


async def test_two_forked_desks_share_nothing(forking: Running) -> None:
    fork_server = forking.server.fork_server
    assert fork_server is not None
    ana_socket, ana = await open_desk(forking)
    bia_socket, bia = await open_desk(forking, "bia", OTHER_PASSWORD)
    by_user = {
        desk.extra_env["FRONTDESK_WEB_USER"]: desk for desk in forking.server.desks.values()
    }
    assert by_user["ana"].pid == ana["pid"] and by_user["bia"].pid == bia["pid"]
    for probe in (ana, bia):
        pid = probe["pid"]
        assert isinstance(pid, int) and pid != os.getpid()
        assert parent_of(pid) == fork_server.pid  # forked from the warm parent, not spawned
        fds = probe["fds"]
        assert isinstance(fds, dict) and sorted(fds) == ["0", "1", "2"]  # only its pipes
        assert all(target.startswith("pipe:") for target in fds.values())
        assert probe["loop"] is False  # the app's asyncio.run makes the first loop
        assert probe["modules"] == []  # no keyring, nothing of the web server
    assert ana["user"] == "ana" and bia["user"] == "bia"
    assert set(ana["fds"].values()).isdisjoint(bia["fds"].values())  # type: ignore[union-attr]
    assert ana["random"] != bia["random"]
    await ana_socket.send_json(["stdin", "a"])
    await bia_socket.send_json(["stdin", "b"])
    assert "echo:a" in await first_text(ana_socket, "echo:")
    assert "echo:b" in await first_text(bia_socket, "echo:")
