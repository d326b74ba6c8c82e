"""The web server over a real loopback socket: sign-in, cookies, CSRF, the CSP, the websocket,
the session limit and the idle expiry (desks are tests/web/fake_desk.py)."""

from __future__ import annotations

import asyncio
import ssl
from datetime import timedelta
from http.cookies import SimpleCookie
from pathlib import Path

import aiohttp
import pytest

from frontdesk.web.pages import CSP
from frontdesk.web.users import UserStore
from support.isolation import Home
from web.conftest import (
    OTHER_PASSWORD,
    PASSWORD,
    Running,
    Wall,
    csrf_of,
    fake_desk,
    running_server,
    running_tls_server,
    settings_with,
)

WAIT = 30.0  # seconds anything may take on a busy machine (a bound, never a measure)


def set_cookies(response: aiohttp.ClientResponse) -> dict[str, SimpleCookie]:
    found: dict[str, SimpleCookie] = {}
    for header in response.headers.getall("Set-Cookie", []):
        cookie: SimpleCookie = SimpleCookie()
        cookie.load(header)
        for name in cookie:
            found[name] = cookie
    return found


async def first_text(socket: aiohttp.ClientWebSocketResponse, needle: str) -> str:
    """The desk's output until it contains `needle`."""
    seen = ""
    async with asyncio.timeout(WAIT):
        while needle not in seen:
            message = await socket.receive()
            if message.type == aiohttp.WSMsgType.BINARY:
                seen += message.data.decode()
            elif message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED):
                raise AssertionError(f"closed before {needle!r}; saw {seen!r}")
    return seen


async def wait_closed(socket: aiohttp.ClientWebSocketResponse) -> None:
    async with asyncio.timeout(WAIT):
        while not socket.closed:
            message = await socket.receive()
            if message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED):
                break


# --- what every response carries ------------------------------------------------------


async def test_every_response_forbids_other_hosts(running: Running) -> None:
    client = running.client()
    for path in ("login", "", "static/js/textual.js", "assets/pages.css", "nowhere"):
        async with client.get(running.url + path, allow_redirects=False) as response:
            assert response.headers["Content-Security-Policy"] == CSP, path
            assert response.headers["X-Frame-Options"] == "DENY"
            assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in CSP and "connect-src 'self'" in CSP
    assert "http" not in CSP  # no other host named anywhere


async def test_only_the_sign_in_page_and_its_style_are_public(running: Running) -> None:
    client = running.client()
    async with client.get(running.url, allow_redirects=False) as response:
        assert response.status == 303 and response.headers["Location"] == "/login"
    for path in ("static/js/textual.js", "static/css/xterm.css", "assets/desk.js", "download/x"):
        async with client.get(running.url + path) as response:
            assert response.status == 401, path
            assert "É preciso entrar" in await response.text()
    async with client.get(running.url + "assets/pages.css") as response:
        assert response.status == 200
    async with client.get(running.url + "login") as response:
        text = await response.text()
        assert response.status == 200
        assert response.headers["Cache-Control"] == "no-store"
    assert 'lang="pt-BR"' in text and "Entrar na recepção" in text
    assert 'autocomplete="off"' in text and 'type="password"' in text
    assert "googleapis" not in text and "http" not in text.replace('"http', "")


async def test_the_websocket_is_refused_without_a_session_cookie(running: Running) -> None:
    client = running.client()
    with pytest.raises(aiohttp.WSServerHandshakeError) as caught:
        await client.ws_connect(running.url + "ws")
    assert caught.value.status == 401
    assert running.server.desks == {}


async def test_a_host_name_that_is_not_this_machine_is_refused(running: Running) -> None:
    client = running.client()
    async with client.get(running.url + "login", headers={"Host": "evil.example"}) as response:
        assert response.status == 421


# --- signing in -------------------------------------------------------------------------


async def test_signing_in_sets_a_strict_http_only_cookie_and_audits(running: Running) -> None:
    client = running.client()
    async with await running.sign_in(client) as response:
        assert response.status == 303 and response.headers["Location"] == "/"
        cookies = set_cookies(response)
    session = cookies["fd_session"]["fd_session"]
    assert session["httponly"] is True
    assert session["samesite"] == "Strict"
    assert not session["secure"]  # plain HTTP on loopback
    assert len(session.value) >= 43
    async with client.get(running.url) as response:
        page = await response.text()
    assert response.status == 200
    assert "Usuário: ana" in page and "primeiro acesso" in page
    assert 'src="/static/js/textual.js"' in page
    assert running.audit() == [
        {
            "time": "2026-11-18T11:06:40Z",
            "profile": None,
            "action": "web_login",
            "guide": None,
            "channel": None,
            "destination": None,
            "outcome": "ok",
            "user": "ana",
            "address": "127.0.0.1",
        }
    ]


async def test_a_wrong_password_gets_one_message_that_says_no_reason(running: Running) -> None:
    client = running.client()
    texts = []
    for user, password in (("ana", "Errada#2026"), ("bia", PASSWORD)):
        async with await running.sign_in(client, user, password, follow=True) as response:
            assert response.status == 401
            texts.append((await response.text()).replace(f'value="{user}"', 'value="NAME"'))
    assert "Não foi possível entrar. Confira usuário e senha." in texts[0]
    assert texts[0].split('name="csrf"')[0] == texts[1].split('name="csrf"')[0]
    assert texts[0].split('type="password"')[0].split("</form>")[0].count('value="NAME"') == 1
    lines = running.audit()
    assert [(a["outcome"], a.get("user"), a["address"]) for a in lines] == [
        ("failed", "ana", "127.0.0.1"),
        ("unknown_user", None, "127.0.0.1"),  # a typed name is never logged: it may be a password
    ]
    audit_text = running.home.audit_file.read_text(encoding="utf-8")
    assert "Errada" not in audit_text and PASSWORD not in audit_text and "bia" not in audit_text


async def test_five_wrong_passwords_lock_the_user(running: Running) -> None:
    client = running.client()
    until = (running.wall() + timedelta(minutes=15)).astimezone().strftime("%H:%M")
    for attempt in range(5):
        async with await running.sign_in(client, "ana", "Errada#2026", follow=True) as response:
            assert response.status == 401
            text = await response.text()
        locked = f"Entrada bloqueada até {until} depois de 5 tentativas erradas." in text
        assert locked is (attempt == 4), attempt  # said once it is so
    async with await running.sign_in(client, follow=True) as response:
        assert response.status == 401  # the right password, but locked
        assert f"Entrada bloqueada até {until}" in await response.text()
    outcomes = [line["outcome"] for line in running.audit()]
    assert outcomes == ["failed"] * 4 + ["failed_locked", "locked"]


async def test_a_failed_sign_in_is_a_redirect_and_keeps_the_name(running: Running) -> None:
    """POST-redirect-GET: Back never offers to send the form again; only the password is
    typed again."""
    client = running.client()
    async with await running.sign_in(client, "Ana", "Errada#2026") as response:
        assert response.status == 303 and response.headers["Location"] == "/login"
    async with client.get(running.url + "login") as response:
        assert response.status == 401
        page = await response.text()
    assert "Não foi possível entrar" in page
    assert 'name="user" type="text"' in page and 'value="Ana"' in page
    assert "Errada" not in page
    async with client.get(running.url + "login") as response:  # reload, Back: a fresh form
        assert response.status == 200
        page = await response.text()
    assert 'id="login-error"' not in page and 'value="Ana"' not in page
    async with await running.sign_in(client, "Ana") as response:  # typed with a capital
        assert response.status == 303 and response.headers["Location"] == "/"


async def test_a_block_is_said_alike_for_any_name_and_any_password(running: Running) -> None:
    """The time a block ends is said (TISS 69), yet tells no one whether the name is a user
    (a name that is none is blocked alike) nor whether a password is right (not checked)."""
    until = (running.wall() + timedelta(minutes=15)).astimezone().strftime("%H:%M")
    client = running.client()
    pages = []
    for name, last in (("ana", PASSWORD), ("ana", "Errada#2026"), ("bia", "Errada#2026")):
        for _ in range(5 if last == PASSWORD or name == "bia" else 0):
            async with await running.sign_in(client, name, "Outra#2026"):
                pass
        async with await running.sign_in(client, name, last, follow=True) as response:
            assert response.status == 401
            page = (await response.text()).replace(f'value="{name}"', 'value="NAME"')
        assert f"Entrada bloqueada até {until} depois de 5 tentativas erradas." in page
        pages.append(page.split('name="csrf"')[0])
    assert pages[0] == pages[1] == pages[2]
    assert [line["outcome"] for line in running.audit()] == [
        *["failed"] * 4, "failed_locked", "locked", "locked", *["unknown_user"] * 5, "locked",
    ]  # fmt: skip


async def test_an_unreadable_users_file_is_said_without_details(
    running: Running, store: UserStore
) -> None:
    store.path.write_text("{broken", encoding="utf-8")
    client = running.client()
    async with await running.sign_in(client, follow=True) as response:
        assert response.status == 503
        text = await response.text()
    assert "A entrada está indisponível agora" in text
    assert str(store.path) not in text  # the path is for the server's log, not the page


async def test_the_sign_in_form_is_bound_to_its_cookie(running: Running) -> None:
    client = running.client()
    form = await csrf_of(client, running.url)
    stranger = running.client()
    await csrf_of(stranger, running.url)  # a cookie of its own, not the form's
    data = {"csrf": form, "user": "ana", "password": PASSWORD}
    async with stranger.post(running.url + "login", data=data) as response:
        assert response.status == 403  # the page after the redirect (POST-redirect-GET)
        assert "O formulário expirou" in await response.text()
    forged = {**data, "csrf": "0" * 64}
    async with client.post(running.url + "login", data=forged) as response:
        assert response.status == 403
    cross = {"Origin": "http://evil.example"}
    async with client.post(running.url + "login", data=data, headers=cross) as response:
        assert response.status == 403
    odd = {"Cookie": "fd_login=%C3%A9\u00e9"}
    async with running.client().post(
        running.url + "login", data=data, headers=odd, allow_redirects=False
    ) as response:
        assert response.status == 303  # a strange cookie is a stale form, not a crash
        assert response.headers["Location"] == "/login"
    assert running.audit() == []  # not even an attempt: the password was never checked
    fresh = {**data, "csrf": await csrf_of(client, running.url)}  # each form is used once
    async with client.post(running.url + "login", data=fresh, allow_redirects=False) as response:
        assert response.status == 303 and response.headers["Location"] == "/"


async def test_english_is_one_click_away_and_reaches_the_desk(running: Running) -> None:
    client = running.client()
    async with client.get(running.url + "login?lang=en") as response:
        text = await response.text()
    assert 'lang="en"' in text and "Sign in to the front desk" in text
    async with await running.sign_in(client, "ana", "wrong#Pass1", follow=True) as response:
        assert "Could not sign in" in await response.text()
    async with await running.sign_in(client):
        pass
    session = next(iter(running.server.sessions))
    assert session.lang == "en"


async def test_logout_needs_the_session_token_and_closes_the_desk(running: Running) -> None:
    client = running.client()
    async with await running.sign_in(client):
        pass
    socket = await client.ws_connect(running.url + "ws")
    await first_text(socket, "fake desk for ana")
    desk = next(iter(running.server.desks.values()))
    async with client.post(running.url + "logout", data={"csrf": "nope"}) as response:
        assert response.status == 403
    session = next(iter(running.server.sessions))
    async with client.post(
        running.url + "logout", data={"csrf": session.csrf}, allow_redirects=False
    ) as response:
        assert response.status == 303
        assert response.headers["Location"] == "/login?why=logout"
    await wait_closed(socket)
    assert desk.process is not None and desk.process.returncode is not None  # gone, reaped
    assert running.server.desks == {} and len(running.server.sessions) == 0
    async with client.get(running.url, allow_redirects=False) as response:
        assert response.status == 303
    assert [line["action"] for line in running.audit()] == ["web_login", "web_logout"]


# --- the desk ----------------------------------------------------------------------------


async def test_the_desk_runs_as_the_signed_in_user_and_relays_keys(running: Running) -> None:
    client = running.client()
    async with await running.sign_in(client):
        pass
    socket = await client.ws_connect(running.url + "ws?width=100&height=30")
    greeting = await first_text(socket, "fake desk for ana")
    assert "at 100x30" in greeting
    await socket.send_json(["stdin", "2026"])
    assert "echo:2026" in await first_text(socket, "echo:2026")
    await socket.send_json(["ping", "p1"])
    async with asyncio.timeout(WAIT):
        pong = await socket.receive_json()
    assert pong == ["pong", "p1"]
    await socket.close()
    async with asyncio.timeout(WAIT):
        while running.server.desks:
            await asyncio.sleep(0.05)


async def test_a_resize_to_the_size_the_desk_has_is_not_passed_on(running: Running) -> None:
    client = running.client()
    async with await running.sign_in(client):
        pass
    socket = await client.ws_connect(running.url + "ws?width=100&height=30")
    await first_text(socket, "fake desk for ana at 100x30")
    await socket.send_json(["resize", {"width": 100, "height": 30}])  # as textual.js opens
    await socket.send_json(["resize", {"width": 90, "height": 30}])
    await socket.send_json(["resize", {"width": 90, "height": 30}])
    await socket.send_json(["stdin", "x"])
    seen = await first_text(socket, "echo:x")
    assert seen.count("resize:") == 1 and "resize:90x30" in seen
    await socket.close()


async def test_a_foreign_origin_cannot_open_the_desk(running: Running) -> None:
    client = running.client()
    async with await running.sign_in(client):
        pass
    with pytest.raises(aiohttp.WSServerHandshakeError) as caught:
        await client.ws_connect(running.url + "ws", headers={"Origin": "http://evil.example"})
    assert caught.value.status == 403
    assert running.server.desks == {}


async def test_when_every_desk_is_taken_the_next_user_gets_a_clear_page(
    home: Home, store: UserStore, wall: Wall
) -> None:
    store.add("bia", OTHER_PASSWORD)
    async with running_server(home, store, wall, settings=settings_with(max_sessions=1)) as run:
        ana, bia = run.client(), run.client()
        async with await run.sign_in(ana):
            pass
        async with await run.sign_in(bia, "bia", OTHER_PASSWORD):
            pass
        socket = await ana.ws_connect(run.url + "ws")
        await first_text(socket, "fake desk for ana")
        async with bia.get(run.url) as response:
            assert response.status == 503
            text = await response.text()
        assert "As 1 recepções que este servidor atende ao mesmo tempo estão em uso" in text
        with pytest.raises(aiohttp.WSServerHandshakeError) as caught:
            await bia.ws_connect(run.url + "ws")
        assert caught.value.status == 503
        async with bia.get(run.url + "ended") as response:
            assert "estão em uso" in await response.text()
        assert len(run.server.desks) == 1
        await socket.close()  # ana's tab closes: her desk ends, the room is free
        async with asyncio.timeout(WAIT):
            while run.server.desks:
                await asyncio.sleep(0.05)
        async with bia.get(run.url) as response:
            assert response.status == 200


async def test_opening_the_desk_again_closes_the_first_tab(running: Running) -> None:
    client = running.client()
    async with await running.sign_in(client):
        pass
    first = await client.ws_connect(running.url + "ws")
    await first_text(first, "fake desk")
    old = next(iter(running.server.desks.values()))
    second = await client.ws_connect(running.url + "ws")
    await first_text(second, "fake desk")
    await wait_closed(first)
    assert old.process is not None and old.process.returncode is not None
    assert len(running.server.desks) == 1
    async with client.get(running.url + "ended") as response:
        assert "aberta em outra aba" in await response.text()
    await second.close()


async def test_an_idle_session_expires_and_its_desk_process_ends(running: Running) -> None:
    client = running.client()
    async with await running.sign_in(client):
        pass
    socket = await client.ws_connect(running.url + "ws")
    await first_text(socket, "fake desk")
    desk = next(iter(running.server.desks.values()))
    running.clock.advance(14 * 60)
    await socket.send_json(["stdin", "x"])  # a key: the idle time starts again
    await first_text(socket, "echo:x")
    running.clock.advance(14 * 60)
    assert await running.server.sweep() == []
    running.clock.advance(60)
    expired = await running.server.sweep()
    assert [s.user for s in expired] == ["ana"]
    await wait_closed(socket)
    assert desk.process is not None and desk.process.returncode is not None  # gone, reaped
    assert running.server.desks == {}
    async with client.get(running.url + "ended", allow_redirects=False) as response:
        assert response.headers["Location"] == "/login?why=expired"
    async with client.get(running.url + "login?why=expired") as response:
        assert "encerrada após 15 minutos sem uso" in await response.text()
    assert [(a["action"], a["outcome"]) for a in running.audit()] == [
        ("web_login", "ok"),
        ("web_logout", "expired"),
    ]


async def test_one_idle_minute_is_said_in_the_singular(
    home: Home, store: UserStore, wall: Wall
) -> None:
    settings = settings_with(idle_seconds=60.0)
    async with (
        running_server(home, store, wall, settings=settings) as run,
        run.client().get(run.url + "login?why=expired") as response,
    ):
        page = await response.text()
    assert "encerrada após 1 minuto sem uso" in page


async def test_a_desk_that_ignores_quit_is_terminated(
    home: Home, store: UserStore, wall: Wall
) -> None:
    settings = settings_with(app_command=fake_desk("--stubborn"), grace_seconds=0.5)
    async with running_server(home, store, wall, settings=settings) as run:
        client = run.client()
        async with await run.sign_in(client):
            pass
        socket = await client.ws_connect(run.url + "ws")
        await first_text(socket, "fake desk")
        desk = next(iter(run.server.desks.values()))
        run.clock.advance(15 * 60)
        await run.server.sweep()
        assert desk.process is not None and desk.process.returncode not in (None, 0)
        await wait_closed(socket)


async def test_a_desk_that_crashes_says_so_and_the_session_goes_on(running: Running) -> None:
    running.server.settings = settings_with(app_command=fake_desk("--crash"))
    client = running.client()
    async with await running.sign_in(client):
        pass
    socket = await client.ws_connect(running.url + "ws")
    await first_text(socket, "fake desk")
    await socket.send_json(["stdin", "x"])
    await wait_closed(socket)
    async with client.get(running.url + "ended") as response:
        assert "parou de responder" in await response.text()
    assert len(running.server.sessions) == 1


async def test_a_deactivated_user_is_thrown_out_at_the_next_request(
    running: Running, store: UserStore
) -> None:
    client = running.client()
    async with await running.sign_in(client):
        pass
    socket = await client.ws_connect(running.url + "ws")
    await first_text(socket, "fake desk for ana")
    store.remove("ana")
    async with client.get(running.url, allow_redirects=False) as response:
        assert response.status == 303
    await wait_closed(socket)  # the desk closes too
    assert len(running.server.sessions) == 0
    assert running.audit()[-1]["outcome"] == "removed"


async def test_under_tls_the_cookie_is_secure_and_host_bound(
    home: Home, store: UserStore, wall: Wall, tls_files: dict[str, Path]
) -> None:
    from frontdesk.web.http import tls_context

    context = tls_context(str(tls_files["cert"]), str(tls_files["key"]))
    assert context.minimum_version == ssl.TLSVersion.TLSv1_2
    async with running_tls_server(home, store, wall, tls_files) as (run, client):
        async with await run.sign_in(client) as response:
            assert response.status == 303
            cookies = set_cookies(response)
            assert "max-age" in response.headers["Strict-Transport-Security"]
        cookie = cookies["__Host-fd_session"]["__Host-fd_session"]
        assert cookie["secure"] is True and cookie["httponly"] is True
        assert cookie["samesite"] == "Strict" and cookie["path"] == "/"
