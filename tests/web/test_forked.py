"""Desks forked from the fork server (Linux): each holds only its own pipes, user and random
state; one killed leaves the others and the fork server; a killed fork server starts again;
logout and idle expiry end a forked desk. The desks are tests/web/fake_desk.py's `main`,
forked instead of spawned."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from frontdesk.web.forked import PRELOAD
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
    by_user = {desk.extra_env["FRONTDESK_WEB_USER"]: desk for desk in forking.server.desks.values()}
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


async def test_a_desk_killed_leaves_the_others_and_the_fork_server(forking: Running) -> None:
    fork_server = forking.server.fork_server
    assert fork_server is not None
    server_pid = fork_server.pid
    ana_socket, ana = await open_desk(forking)
    bia_socket, bia = await open_desk(forking, "bia", OTHER_PASSWORD)
    os.kill(int(ana["pid"]), signal.SIGKILL)  # type: ignore[call-overload]
    await wait_closed(ana_socket)
    ana_client = forking.clients[0]
    async with ana_client.get(forking.url + "ended") as response:
        assert "parou de responder" in await response.text()  # said as a crash
    await bia_socket.send_json(["stdin", "still here"])
    assert "echo:still here" in await first_text(bia_socket, "echo:")
    assert alive(server_pid) and fork_server.pid == server_pid and fork_server.restarts == 0
    again = await ana_client.ws_connect(forking.url + "ws")  # ana opens her desk again
    text = await first_text(again, " end")
    pid = json.loads(text.split(" probe=", 1)[1].rsplit(" end", 1)[0])["pid"]
    assert pid not in (ana["pid"], bia["pid"]) and parent_of(pid) == server_pid
    assert sorted(d.pid for d in forking.server.desks.values()) == sorted([pid, bia["pid"]])


async def test_a_killed_fork_server_is_restarted_and_its_desks_go_on(forking: Running) -> None:
    fork_server = forking.server.fork_server
    assert fork_server is not None
    first = fork_server.pid
    assert first is not None
    ana_socket, ana = await open_desk(forking)
    os.kill(first, signal.SIGKILL)
    async with asyncio.timeout(30):
        while alive(first):  # until it is a zombie: dead, not yet reaped
            await asyncio.sleep(0.05)
    await forking.server.sweep()  # what the server does every few seconds
    second = fork_server.pid
    assert second is not None and second != first and alive(second)
    assert fork_server.restarts == 1
    await ana_socket.send_json(["stdin", "a"])  # the desk forked by the dead one goes on
    assert "echo:a" in await first_text(ana_socket, "echo:")
    bia_socket, bia = await open_desk(forking, "bia", OTHER_PASSWORD)
    assert parent_of(int(bia["pid"])) == second  # type: ignore[call-overload]
    ana_client = forking.clients[0]
    session = next(s for s in forking.server.sessions if s.user == "ana")
    async with ana_client.post(
        forking.url + "logout", data={"csrf": session.csrf}, allow_redirects=False
    ) as response:
        assert response.status == 303
    await wait_closed(ana_socket)  # the orphaned desk still ends with its session
    assert not alive(int(ana["pid"]))  # type: ignore[call-overload]
    await bia_socket.send_json(["stdin", "b"])
    assert "echo:b" in await first_text(bia_socket, "echo:")


async def test_logout_and_idle_expiry_end_forked_desks(forking: Running) -> None:
    ana_socket, ana = await open_desk(forking)
    bia_socket, bia = await open_desk(forking, "bia", OTHER_PASSWORD)
    session = next(s for s in forking.server.sessions if s.user == "ana")
    async with forking.clients[0].post(
        forking.url + "logout", data={"csrf": session.csrf}, allow_redirects=False
    ) as response:
        assert response.headers["Location"] == "/login?why=logout"
    await wait_closed(ana_socket)
    assert not alive(int(ana["pid"]))  # type: ignore[call-overload]
    forking.clock.advance(16 * 60)
    expired = await forking.server.sweep()
    assert [s.user for s in expired] == ["bia"]
    await wait_closed(bia_socket)
    assert not alive(int(bia["pid"]))  # type: ignore[call-overload]
    assert forking.server.desks == {}
    assert [(a["action"], a["outcome"], a["user"]) for a in forking.audit()] == [
        ("web_login", "ok", "ana"),
        ("web_login", "ok", "bia"),
        ("web_logout", "ok", "ana"),
        ("web_logout", "expired", "bia"),
    ]


async def test_closing_the_tab_ends_the_forked_desk(forking: Running) -> None:
    socket, probe = await open_desk(forking)
    await socket.close()  # the browser's tab closed
    async with asyncio.timeout(30):
        while forking.server.desks:
            await asyncio.sleep(0.05)
    assert not alive(int(probe["pid"]))  # type: ignore[call-overload]


def test_every_module_the_fork_server_preloads_exists() -> None:
    """The fork server skips a name that fails to import (multiprocessing's rule): a module
    renamed or moved would silently cost every desk its import again."""
    missing = [name for name in PRELOAD if importlib.util.find_spec(name) is None]
    assert missing == []
    assert PRELOAD[0] == "frontdesk.web.fork_env"  # before Textual reads its environment
    assert PRELOAD[-1] == "frontdesk.web.fork_freeze"  # after everything else


def test_a_desk_imports_nothing_on_a_release_that_the_fork_server_did_not() -> None:
    """What a desk imports after the fork is read and built on the desk's own pages, once per
    desk: its CPU on the first guide and its private memory (docs/performance.md). So the
    screens and libraries of a release (lookup, guide, Enviar Token, code, result) are
    preloaded; a module a release imports later would be missed here."""
    tests = Path(__file__).resolve().parents[1]
    done = subprocess.run(
        [sys.executable, str(tests / "web" / "preload_probe.py")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(tests), *sys.path])},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert json.loads(done.stdout.splitlines()[-1]) == []
