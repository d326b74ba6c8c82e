"""Two web hosts on one database (`frontdesk web --database URL`, two real processes): the
sessions, the sign-in locks, the device cookies and the audit are shared (web/shared.py).

Each test starts two `frontdesk web --database … --port 0` processes on one database, on
PostgreSQL (tests/support/postgres.py) and on SQLite (a file both hosts reach, as on a
shared disk), and a client that talks to both as a browser behind a load balancer would.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from frontdesk.backend.database import parse_database_url
from frontdesk.backend.local import open_backend
from frontdesk.cli import main
from frontdesk.client import Guide
from frontdesk.config.shared_audit import open_audit
from support.browser import csrf_of
from support.demo import JOAO, UNKNOWN_GUIDE, Demo
from support.isolation import STARTED, Home
from support.postgres import free_port
from web.conftest import PASSWORD, alive

SERVING = re.compile(r"(http://127\.0\.0\.1:\d+/) ")
DESK_STARTED = re.compile(r"desk (\d+) started for user=ana")
WRONG = "Errada#2026x"


@dataclass
class Host:
    """One `frontdesk web` process and where it listens."""

    process: subprocess.Popen[str]
    url: str

    def desk_pid(self) -> int:
        """The process id of the desk this host started for ana (read from its log)."""
        assert self.process.stderr is not None
        for line in self.process.stderr:
            found = DESK_STARTED.search(line)
            if found:
                return int(found.group(1))
        raise AssertionError("the host ended without starting a desk")


def start_host(database: str, tmp_path: Path, name: str, *extra: str) -> Host:
    """A web host as its own machine: its own data and state directories (device key file,
    sign-in state file, audit file), only the database in common; named `name` in the
    audit; `extra` on its command line."""
    machine = tmp_path / name
    env = {
        **os.environ,
        "XDG_DATA_HOME": str(machine / "data"),
        "XDG_STATE_HOME": str(machine / "state"),
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "frontdesk",
            "web",
            "--port",
            "0",
            "--database",
            database,
            "--db",
            str(tmp_path / "desk.sqlite3"),
            "--name",
            name,
            *extra,
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    STARTED.append(process)
    assert process.stdout is not None
    line = process.stdout.readline()
    found = SERVING.search(line)
    if not found:
        process.kill()
        _, err = process.communicate(timeout=30)
        raise AssertionError((line, err))
    return Host(process, found.group(1))


def stop(host: Host) -> None:
    if host.process.poll() is None:
        host.process.terminate()
    host.process.communicate(timeout=60)


@pytest.fixture
def hosts(home: Home, database: str, tmp_path: Path) -> Iterator[tuple[Host, Host]]:
    """Hosts A and B on one database with the user ana in it."""
    with two_hosts(database, tmp_path) as pair:
        yield pair


@contextlib.contextmanager
def two_hosts(database: str, tmp_path: Path, *b_extra: str) -> Iterator[tuple[Host, Host]]:
    """Hosts A and B (`b_extra` on B's command line) on one database with ana in it."""
    added = subprocess.run(
        [sys.executable, "-m", "frontdesk", "web", "users", "add", "--database", database, "ana"],
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert added.returncode == 0, added.stderr
    a = start_host(database, tmp_path, "host-a")
    try:
        b = start_host(database, tmp_path, "host-b", *b_extra)
    except BaseException:
        stop(a)
        raise
    try:
        yield a, b
    finally:
        stop(a)
        stop(b)


def browser() -> aiohttp.ClientSession:
    """A browser's cookie jar (cookies are per host name, not per port: both hosts get them,
    as behind one load balancer)."""
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))


async def sign_in(client: aiohttp.ClientSession, host: Host, password: str) -> str:
    """Sign in on `host`; the page the browser shows next."""
    form = await csrf_of(client, host.url)
    async with client.post(
        host.url + "login",
        data={"csrf": form, "user": "ana", "password": password},
        headers={"Origin": host.url.rstrip("/")},
    ) as response:
        return await response.text()


async def desk_page(client: aiohttp.ClientSession, host: Host) -> tuple[int, str]:
    async with client.get(host.url, allow_redirects=False) as response:
        return response.status, response.headers.get("Location", "")


async def test_signed_in_on_host_a_is_signed_in_on_host_b(hosts: tuple[Host, Host]) -> None:
    a, b = hosts
    async with browser() as client:
        assert await desk_page(client, b) == (303, "/login")
        await sign_in(client, a, PASSWORD)
        assert await desk_page(client, a) == (200, "")
        assert await desk_page(client, b) == (200, "")  # the same cookie, the other host
        async with client.get(b.url) as response:
            assert "ana" in await response.text()
            csrf = re.search(r'name="csrf" value="([^"]+)"', await response.text())
        assert csrf is not None
        token = {c.key: c.value for c in client.cookie_jar}["fd_session"]
        async with client.post(  # signed out on B: signed out on A too
            b.url + "logout",
            data={"csrf": csrf.group(1)},
            headers={"Origin": b.url.rstrip("/")},
            allow_redirects=False,
        ) as response:
            assert response.status == 303
    await asyncio.sleep(1.1)  # past the time a host trusts a session it read
    async with browser() as copy:  # the old cookie, kept (by a copy, or a tab left open)
        copy.cookie_jar.update_cookies({"fd_session": token})
        assert await desk_page(copy, a) == (303, "/login?why=logout")


async def test_five_wrong_passwords_split_across_two_hosts_lock_on_both(
    hosts: tuple[Host, Host], database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = hosts
    async with browser() as attacker:
        for host in (a, b, a, b, a):
            page = await sign_in(attacker, host, WRONG)
        assert "Entrada bloqueada até" in page  # the fifth, on A, locked
    for host in (a, b):  # the right password, from another untrusted browser, on either host
        async with browser() as stranger:
            page = await sign_in(stranger, host, PASSWORD)
            assert "Entrada bloqueada até" in page
            assert await desk_page(stranger, host) == (303, "/login")
    # One audit for both hosts: five wrong passwords and two refusals, in one listing.
    assert main(["audit", "--database", database]) == 0
    listing = capsys.readouterr().out
    logins = [line.split() for line in listing.splitlines() if "web_login" in line]
    outcomes = [row[-1] for row in logins]
    assert outcomes == ["failed"] * 4 + ["failed_locked", "locked", "locked"]
    assert all("ana" in row and "127.0.0.1" in row for row in logins)
    assert PASSWORD not in listing and WRONG not in listing


async def test_a_trusted_browser_stays_trusted_on_the_other_host(
    hosts: tuple[Host, Host],
) -> None:
    """The device cookie from host A is valid on host B (one key): B lets the receptionist
    in while strangers' wrong passwords have locked untrusted browsers out."""
    a, b = hosts
    async with browser() as desk:
        await sign_in(desk, a, PASSWORD)  # the desk's browser gets its device cookie on A
        async with browser() as attacker:
            for host in (a, b, a, b, a):
                await sign_in(attacker, host, WRONG)
        async with browser() as stranger:
            assert "Entrada bloqueada até" in await sign_in(stranger, b, PASSWORD)
        desk.cookie_jar.clear(lambda cookie: cookie.key == "fd_session")
        await sign_in(desk, b, PASSWORD)
        assert await desk_page(desk, b) == (200, "")


async def test_a_device_cookies_own_lock_holds_on_both_hosts(hosts: tuple[Host, Host]) -> None:
    """Wrong passwords from a trusted browser, split across the hosts, lock that device
    cookie on both; browsers without one are not locked by them."""
    a, b = hosts
    async with browser() as desk:
        await sign_in(desk, a, PASSWORD)
        desk.cookie_jar.clear(lambda cookie: cookie.key == "fd_session")
        for host in (b, a, b, a, b):
            page = await sign_in(desk, host, WRONG)
        assert "Entrada bloqueada até" in page
        assert "Entrada bloqueada até" in await sign_in(desk, a, PASSWORD)
        assert await desk_page(desk, a) == (303, "/login")
    async with browser() as other:  # untrusted: its own side, not locked
        await sign_in(other, a, PASSWORD)
        assert await desk_page(other, a) == (200, "")


async def open_desk(
    client: aiohttp.ClientSession, host: Host | str
) -> aiohttp.ClientWebSocketResponse:
    """The desk's websocket on `host` (or at a URL), once the desk drew something."""
    url = host if isinstance(host, str) else host.url
    socket = await client.ws_connect(url + "ws", headers={"Origin": url.rstrip("/")})
    async with asyncio.timeout(120):  # a bound on a stuck start, not a speed assertion
        async for message in socket:
            if message.type == aiohttp.WSMsgType.BINARY and message.data:
                return socket
    raise AssertionError("the desk closed before drawing")


ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\x1b[=>]")


async def wait_for_screen(socket: aiohttp.ClientWebSocketResponse, text: str) -> None:
    """Read the desk's output until `text` was drawn (escape sequences left out)."""
    seen = ""
    async with asyncio.timeout(120):  # a bound on a stuck desk, not a speed assertion
        async for message in socket:
            if message.type == aiohttp.WSMsgType.BINARY:
                seen += ANSI.sub("", message.data.decode("utf-8", "replace"))
                if text in seen:
                    return
    raise AssertionError(f"the desk closed before showing {text!r}")


async def audit_entry(database: str, **wanted: str) -> dict[str, Any]:
    """The first line of the database's audit holding `wanted`, waited for: a desk writes
    it once it has done the action."""
    table = open_audit(parse_database_url(database))
    entries: list[dict[str, Any]] = []
    try:
        async with asyncio.timeout(120):  # a bound on a stuck desk, not a speed assertion
            while True:
                entries = table.entries(None)
                for entry in entries:
                    if all(entry.get(key) == value for key, value in wanted.items()):
                        return entry
                await asyncio.sleep(0.2)
    except TimeoutError:
        raise AssertionError(f"no audit line with {wanted} in {entries}") from None
    finally:
        table.close()


def demo_guide(path: Path, name: str) -> str:
    """A guide of `name` awaiting a token in the desks' demonstration database."""
    backend = open_backend(path)
    try:
        items = backend.list_guides("awaiting_token", None)["items"]
    finally:
        backend.close()
    return Demo(tuple(Guide.parse(item) for item in items)).number(name)


def desk_outbox_code(path: Path, guide: str) -> str:
    backend = open_backend(path)
    try:
        [code] = [m["code"] for m in backend.sim_outbox()["messages"] if m["guide"] == guide]
    finally:
        backend.close()
    return str(code)


async def test_one_audit_holds_both_hosts_sign_ins_and_their_desks_actions(
    home: Home, database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A release on host A (a forked desk) and a sign-in and a lookup on host B (a spawned
    desk): `frontdesk audit --database` lists them all, in time order, each naming its user
    and host; neither host's own file holds a desk's line, and the code is nowhere."""
    desks_db = tmp_path / "desk.sqlite3"
    with two_hosts(database, tmp_path, "--spawn-desks") as (a, b):
        async with browser() as on_a, browser() as on_b:
            await sign_in(on_a, a, PASSWORD)
            socket = await open_desk(on_a, a)
            await wait_for_screen(socket, "AGUARDANDO TOKEN")  # the guides listed: it types
            guide = demo_guide(desks_db, JOAO)
            await socket.send_json(["stdin", guide + "\r"])
            await audit_entry(database, action="lookup", guide=guide, outcome="found")
            await socket.send_json(["stdin", "e"])  # Enviar Token
            await wait_for_screen(socket, "Para onde enviar")
            await socket.send_json(["stdin", "\r"])  # the one phone, by SMS
            await audit_entry(database, action="send", guide=guide, outcome="sent")
            code = desk_outbox_code(desks_db, guide)
            await socket.send_json(["stdin", code + "\r"])  # Validar
            await audit_entry(database, action="validate", guide=guide, outcome="authorized")
            await socket.close()

            await sign_in(on_b, b, PASSWORD)
            socket = await open_desk(on_b, b)
            await wait_for_screen(socket, "AGUARDANDO TOKEN")
            await socket.send_json(["stdin", UNKNOWN_GUIDE + "\r"])
            await audit_entry(database, action="lookup", guide=UNKNOWN_GUIDE, host="host-b")
            await socket.close()
    assert main(["audit", "--database", database]) == 0
    listing = capsys.readouterr().out
    rows = [line.split() for line in listing.splitlines()[2:]]
    # when (two cells), host, profile, user, address, action, guide, …
    seen = [(row[6], row[7], row[2], row[4]) for row in rows if row[6] != "web_logout"]
    assert seen == [
        ("web_login", "-", "host-a", "ana"),
        ("lookup", guide, "host-a", "ana"),
        ("send", guide, "host-a", "ana"),
        ("validate", guide, "host-a", "ana"),
        ("web_login", "-", "host-b", "ana"),
        ("lookup", UNKNOWN_GUIDE, "host-b", "ana"),
    ]
    assert code not in listing and PASSWORD not in listing
    for host in ("host-a", "host-b"):  # each host's own file: nothing of the desks
        own = tmp_path / host / "state" / "frontdesk" / "log" / "audit.jsonl"
        assert not own.exists() or guide not in own.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "database", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
async def test_when_host_a_dies_the_next_page_load_on_b_opens_a_new_desk(
    hosts: tuple[Host, Host],
) -> None:
    a, b = hosts
    left: list[int] = []  # host A's own processes (its desk, its fork server)
    try:
        async with browser() as client:
            await sign_in(client, a, PASSWORD)
            assert await desk_page(client, a) == (200, "")
            socket = await open_desk(client, a)
            desk_on_a = a.desk_pid()
            left = [desk_on_a, *children(a.process.pid)]
            os.kill(a.process.pid, signal.SIGKILL)  # host A dies
            a.process.wait(timeout=30)
            with contextlib.suppress(Exception):
                await socket.close()
            # The next page load lands on B: the same session, no sign-in, a new desk.
            assert await desk_page(client, b) == (200, "")
            socket = await open_desk(client, b)
            assert b.desk_pid() != desk_on_a
            await socket.close()
    finally:
        for pid in left:
            await _reap(pid)


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            text = stat.read_text()
            if int(text[text.rindex(")") + 2 :].split()[1]) == pid:
                found.append(int(stat.parent.name))
    return found


async def _reap(pid: int) -> None:
    """A dead host's process (its parent gone, its input ends and it quits): stopped by its
    process id if it still runs."""
    for _ in range(100):
        if not alive(pid):
            return
        await asyncio.sleep(0.1)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)


HAPROXY_CONFIG = Path(__file__).parents[2] / "docs" / "deploy" / "haproxy.cfg"


def haproxy() -> str | None:
    return shutil.which("haproxy") or (
        "/usr/sbin/haproxy" if Path("/usr/sbin/haproxy").exists() else None
    )


@contextlib.asynccontextmanager
async def load_balancer(a: Host, b: Host, tmp_path: Path) -> AsyncIterator[str]:
    """Debian's haproxy with docs/deploy/haproxy.cfg, its @NAME@ filled in; its URL."""
    program = haproxy()
    assert program is not None
    port = free_port()
    text = HAPROXY_CONFIG.read_text(encoding="utf-8")
    for name, value in {
        "@LISTEN@": f"127.0.0.1:{port}",
        "@WEB_A@": a.url.split("//")[1].rstrip("/"),
        "@WEB_B@": b.url.split("//")[1].rstrip("/"),
    }.items():
        assert name in text
        text = text.replace(name, value)
    config = tmp_path / "haproxy.cfg"
    config.write_text(text, encoding="utf-8")
    process = subprocess.Popen(
        [program, "-db", "-f", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    STARTED.append(process)
    url = f"http://127.0.0.1:{port}/"
    try:
        seen: set[str] = set()  # until it listens and has both hosts up (round robin)
        for _ in range(300):
            with contextlib.suppress(aiohttp.ClientError):
                async with aiohttp.ClientSession() as probe, probe.get(url + "login") as page:
                    if page.status == 200 and "SERVERID" in page.cookies:
                        seen.add(page.cookies["SERVERID"].value)
            if seen == {"web_a", "web_b"}:
                break
            assert process.poll() is None, process.communicate()[1]
            await asyncio.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.communicate(timeout=30)


@pytest.mark.skipif(
    haproxy() is None, reason="haproxy is not installed (Debian: apt-get install haproxy)"
)
@pytest.mark.parametrize(
    "database", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
async def test_behind_haproxy_a_host_killed_mid_session_the_user_goes_on_on_the_other(
    hosts: tuple[Host, Host], tmp_path: Path
) -> None:
    a, b = hosts
    by_cookie = {"web_a": a, "web_b": b}
    left: list[int] = []
    async with load_balancer(a, b, tmp_path) as url:
        try:
            async with aiohttp.ClientSession(
                cookie_jar=aiohttp.CookieJar(unsafe=True),
                headers={"Origin": url.rstrip("/")},
            ) as client:
                form = await csrf_of(client, url)
                async with client.post(
                    url + "login", data={"csrf": form, "user": "ana", "password": PASSWORD}
                ) as response:
                    assert response.status == 200 and response.url.path == "/"
                first = by_cookie[{c.key: c.value for c in client.cookie_jar}["SERVERID"]]
                socket = await open_desk(client, url)
                desk = first.desk_pid()
                left = [desk, *children(first.process.pid)]
                os.kill(first.process.pid, signal.SIGKILL)  # mid-session
                first.process.wait(timeout=30)
                with contextlib.suppress(Exception):
                    await socket.close()
                async with client.get(url, allow_redirects=False) as response:
                    assert response.status == 200  # the same session: no sign-in
                other = by_cookie[{c.key: c.value for c in client.cookie_jar}["SERVERID"]]
                assert other is not first
                socket = await open_desk(client, url)
                assert other.desk_pid() != desk
                await socket.close()
        finally:
            for pid in left:
                await _reap(pid)


def test_deploy_md_holds_the_tested_haproxy_config_as_it_is() -> None:
    deploy = (HAPROXY_CONFIG.parents[1] / "deploy.md").read_text(encoding="utf-8")
    assert "`docs/deploy/haproxy.cfg`" in deploy
    assert "```haproxy\n" + HAPROXY_CONFIG.read_text(encoding="utf-8") + "```" in deploy
