"""Sign-in under attack: nobody outside can lock the clinic out of its own desks.

Device cookies (a browser where the user signed in keeps its own allowance), the per-address
and global limits on failures from untrusted browsers (429 with Retry-After), the bounded
queue in front of the password checks (503 with Retry-After), and the cookies' attributes.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from frontdesk.web.guard import LoginGuard
from frontdesk.web.throttle import Busy, CheckQueue, DeviceCookies, Limits
from frontdesk.web.users import UserStore
from support.isolation import Home
from web.conftest import (
    PASSWORD,
    Running,
    Wall,
    csrf_of,
    running_server,
    running_tls_server,
    settings_with,
)

USERS = ("ana", "bia", "caio", "davi", "eva")
WRONG = "Errada#123x"
NO_LIMITS = Limits(free_failures=10_000, max_failures=10_000, global_per_minute=10_000)


@pytest.fixture
def clinic(store: UserStore) -> UserStore:
    for name in USERS[1:]:
        store.add(name, PASSWORD)
    return store


@asynccontextmanager
async def server(
    home: Home, store: UserStore, wall: Wall, limits: Limits = NO_LIMITS, **options: Any
) -> AsyncIterator[Running]:
    guard_options = options.pop("guard_options", None)
    settings = settings_with(limits=limits, **options)
    async with running_server(
        home, store, wall, settings=settings, guard_options=guard_options
    ) as run:
        yield run


def set_cookies(response: aiohttp.ClientResponse) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for header in response.headers.getall("Set-Cookie", []):
        cookie: SimpleCookie = SimpleCookie()
        cookie.load(header)
        for name, morsel in cookie.items():
            found[name] = morsel
    return found


async def outcome_of(run: Running, client: aiohttp.ClientSession, user: str, pw: str) -> int:
    """303 for a sign-in; for a refusal, the status of the page its redirect shows."""
    async with await run.sign_in(client, user, pw) as response:
        return await shown(run, client, response)


async def shown(run: Running, client: aiohttp.ClientSession, response: Any) -> int:
    """A refused sign-in is a redirect to /login (POST-redirect-GET): that page's status."""
    if response.status == 303 and response.headers["Location"] == "/login":
        async with client.get(run.url + "login") as page:
            return page.status
    status: int = response.status
    return status


async def trusted_browser(run: Running, user: str) -> aiohttp.ClientSession:
    """A browser where `user` signed in once (it holds the device cookie), signed out since."""
    browser = run.client()
    assert await outcome_of(run, browser, user, PASSWORD) == 303
    browser.cookie_jar.clear(lambda morsel: morsel.key != "fd_device")
    return browser


async def test_the_lockout_attack_leaves_each_user_their_own_browser(
    home: Home, clinic: UserStore, wall: Wall
) -> None:
    """5 users x 5 wrong passwords from a client without device cookies: every user is
    locked for untrusted browsers, and signs in from the browser that holds its cookie."""
    async with server(home, clinic, wall) as run:
        own = {user: await trusted_browser(run, user) for user in USERS}
        attacker = run.client()
        for user in USERS:
            for _ in range(5):
                assert await outcome_of(run, attacker, user, WRONG) == 401
        stranger = run.client()  # a new browser, the right password: locked (TISS 69)
        for user in USERS:
            assert await outcome_of(run, stranger, user, PASSWORD) == 401
            assert run.server.guard.locked(clinic.get(user))  # type: ignore[arg-type]
        for user in USERS:
            assert await outcome_of(run, own[user], user, PASSWORD) == 303
        outcomes = [(line["user"], line["outcome"]) for line in run.audit()[-5:]]
        assert outcomes == [(user, "ok") for user in USERS]


async def test_a_trusted_browser_has_its_own_allowance_of_five(
    home: Home, store: UserStore, wall: Wall
) -> None:
    async with server(home, store, wall) as run:
        first, second = await trusted_browser(run, "ana"), await trusted_browser(run, "ana")
        statuses = [await outcome_of(run, first, "ana", WRONG) for _ in range(5)]
        assert statuses == [401] * 5
        assert await outcome_of(run, first, "ana", PASSWORD) == 401  # this cookie is locked
        user = store.get("ana")
        assert user is not None
        assert not run.server.guard.locked(user)  # the user is not
        assert run.server.guard.locked_devices(user) == 1
        assert await outcome_of(run, second, "ana", PASSWORD) == 303  # another trusted one
        assert await outcome_of(run, run.client(), "ana", PASSWORD) == 303  # and a new one
        wall.advance(seconds=1)
        store.unlock("ana")  # the technician's unlock clears the device's lock too
        assert await outcome_of(run, first, "ana", PASSWORD) == 303


async def test_a_device_cookie_counts_only_for_its_own_user_and_only_when_signed(
    home: Home, store: UserStore, wall: Wall
) -> None:
    store.add("bia", PASSWORD)
    async with server(home, store, wall) as run:
        browser = await trusted_browser(run, "ana")
        for _ in range(5):  # bia is not trusted in ana's browser: bia gets locked
            await outcome_of(run, browser, "bia", WRONG)
        bia = store.get("bia")
        assert bia is not None and run.server.guard.locked(bia)
        forged = run.client()
        (token,) = [m.value for m in browser.cookie_jar if m.key == "fd_device"]
        tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
        forged.cookie_jar.update_cookies({"fd_device": tampered})
        for _ in range(5):
            await outcome_of(run, forged, "ana", WRONG)
        ana = store.get("ana")
        assert ana is not None and run.server.guard.locked(ana)  # counted as untrusted
        assert await outcome_of(run, browser, "ana", PASSWORD) == 303


async def test_an_address_gets_a_growing_delay_then_429_with_retry_after(
    home: Home, store: UserStore, wall: Wall
) -> None:
    limits = Limits(free_failures=2, max_failures=4, max_delay=0.05, window_seconds=600)
    async with server(home, store, wall, limits) as run:
        browser = await trusted_browser(run, "ana")
        attacker = run.client()
        assert [await outcome_of(run, attacker, "nobody", WRONG) for _ in range(4)] == [401] * 4
        assert run.server.limiter.delay("127.0.0.1") == 0.05  # grew past the free ones
        async with await run.sign_in(attacker, "ana", PASSWORD) as refused:
            assert refused.status == 429
            assert 0 < int(refused.headers["Retry-After"]) <= 600
            assert "Tente de novo em" in await refused.text()
        # The receptionist's own browser, on the same address: exempt.
        assert await outcome_of(run, browser, "ana", PASSWORD) == 303
        run.clock.advance(601)  # the window passes: the address may try again
        assert await outcome_of(run, attacker, "ana", PASSWORD) == 303


async def attempt_from(
    run: Running, client: aiohttp.ClientSession, user: str, pw: str, forwarded: str
) -> int:
    form = await csrf_of(client, run.url)
    async with client.post(
        run.url + "login",
        data={"csrf": form, "user": user, "password": pw},
        headers={"X-Forwarded-For": forwarded},
        allow_redirects=False,
    ) as response:
        return await shown(run, client, response)


async def test_the_global_limit_and_a_trusted_proxy(
    home: Home, store: UserStore, wall: Wall
) -> None:
    limits = Limits(free_failures=100, max_failures=100, global_per_minute=3)
    async with server(home, store, wall, limits, trusted_proxy="127.0.0.1") as run:
        attacker = run.client()
        for n in range(3):  # three addresses behind the proxy
            forwarded = f"203.0.113.1, 10.0.0.{n}"
            assert await attempt_from(run, attacker, "ana", WRONG, forwarded) == 401
        assert run.server.limiter.retry_after("10.0.0.9") is not None  # everyone waits now
        assert await attempt_from(run, attacker, "ana", PASSWORD, "10.0.0.9") == 429
        lines = run.audit()
        assert [line["address"] for line in lines[-3:]] == ["10.0.0.0", "10.0.0.1", "10.0.0.2"]
    async with server(home, store, wall, limits) as run:  # no trusted proxy: the socket's
        assert await attempt_from(run, run.client(), "ana", WRONG, "10.9.9.9") == 401
        assert run.audit()[-1]["address"] == "127.0.0.1"


async def test_a_flood_is_answered_503_past_the_bound_while_a_trusted_sign_in_succeeds(
    home: Home, store: UserStore, wall: Wall
) -> None:
    guard_options = {"workers": 1, "queue_bound": 2}
    async with server(home, store, wall, guard_options=guard_options) as run:
        browser = await trusted_browser(run, "ana")
        bogus = [run.client() for _ in range(12)]

        async def flood(client: aiohttp.ClientSession, n: int) -> tuple[int, str | None]:
            name = "ana" if n % 2 else f"bot{n}"  # half of it against the user herself
            async with await run.sign_in(client, name, WRONG) as response:
                return response.status, response.headers.get("Retry-After")

        flooding = [asyncio.create_task(flood(c, n)) for n, c in enumerate(bogus)]
        await asyncio.sleep(0.05)
        honest = await outcome_of(run, browser, "ana", PASSWORD)
        results = await asyncio.gather(*flooding)
        assert honest == 303
        busy = [r for r in results if r[0] == 503]
        assert busy, results  # past the bound: answered at once, not queued
        assert all(retry is not None and int(retry) > 0 for _, retry in busy)
        assert {status for status, _ in results} <= {303, 503}  # 303: to the refusal's page


async def test_the_queue_serves_trusted_callers_first_and_refuses_past_its_bound() -> None:
    queue = CheckQueue(workers=1, bound=2)
    order: list[str] = []
    release = asyncio.Event()

    async def check(name: str, trusted: bool) -> None:
        async with queue.slot(trusted=trusted):
            order.append(name)
            if name == "first":
                await release.wait()

    first = asyncio.create_task(check("first", False))
    await asyncio.sleep(0)
    waiting = [asyncio.create_task(check(f"bot{n}", False)) for n in range(2)]
    await asyncio.sleep(0)
    with pytest.raises(Busy) as busy:
        await check("bot-over", False)
    assert busy.value.retry_after > 0
    honest = asyncio.create_task(check("honest", True))
    await asyncio.sleep(0)
    release.set()
    await asyncio.gather(first, honest, *waiting)
    assert order == ["first", "honest", "bot0", "bot1"]


async def test_a_cancelled_waiter_gives_its_place_back() -> None:
    queue = CheckQueue(workers=1, bound=4)
    release = asyncio.Event()

    async def hold() -> None:
        async with queue.slot(trusted=False):
            await release.wait()

    holder = asyncio.create_task(hold())
    await asyncio.sleep(0)
    gone = asyncio.create_task(hold())
    await asyncio.sleep(0)
    gone.cancel()
    release.set()
    await holder
    with pytest.raises(asyncio.CancelledError):
        await gone
    async with queue.slot(trusted=False):  # the worker is free again, nothing leaked
        assert queue.waiting(False) == 0


def test_device_tokens_expire_and_bind_their_user() -> None:
    now = [1_000_000.0]
    cookies = DeviceCookies(b"k" * 32, now=lambda: now[0], days=1)
    jar = cookies.add(None, "ana")
    jar = cookies.add(jar, "bia")
    assert cookies.trusted(jar, "ana") and cookies.trusted(jar, "bia")
    assert cookies.trusted(jar, "caio") is None
    assert cookies.trusted(jar.replace("d1.", "d2.", 1), "bia") is None
    assert DeviceCookies(b"x" * 32, now=lambda: now[0]).trusted(jar, "ana") is None
    now[0] += 86400
    assert cookies.trusted(jar, "ana") is None  # expired
    assert cookies.add(jar, "ana").count("~") == 0  # expired tokens are dropped


async def test_the_device_cookie_and_logout_under_tls(
    home: Home, store: UserStore, wall: Wall, tls_files: dict[str, Path]
) -> None:
    async with running_tls_server(home, store, wall, tls_files) as (run, client):
        async with await run.sign_in(client) as response:
            assert response.status == 303
            assert response.headers["Server"] == "frontdesk"
            device = set_cookies(response)["__Host-fd_device"]
        assert device["secure"] is True and device["httponly"] is True
        assert device["samesite"] == "Strict" and device["path"] == "/"
        assert int(device["max-age"]) == 180 * 86400
        session = run.server.sessions
        (token,) = [s.csrf for s in session]
        async with client.post(
            run.url + "logout", data={"csrf": token}, allow_redirects=False
        ) as out:
            assert out.status == 303
            gone = set_cookies(out)["__Host-fd_session"]
        assert gone.value == "" and gone["max-age"] == "0"
        assert gone["secure"] is True and gone["path"] == "/"  # else browsers ignore it
        assert gone["httponly"] is True and gone["samesite"] == "Strict"


async def test_no_response_names_the_server_s_versions(running: Running) -> None:
    client = running.client()
    for path in ("login", "", "assets/pages.css", "nothing-here"):
        async with client.get(running.url + path, allow_redirects=False) as response:
            assert response.headers["Server"] == "frontdesk", path


async def test_a_flood_against_a_user_does_not_queue_her_trusted_browser_behind_it(
    store: UserStore, wall: Wall
) -> None:
    """The untrusted side of a user is checked one at a time; her device cookie's side has
    its own turn, and goes first at the password workers."""
    guard = LoginGuard(store, now=wall, workers=1)
    done: list[str] = []

    async def attempt(label: str, password: str, device: str | None) -> None:
        await guard.attempt("ana", password, "203.0.113.9", device=device)
        done.append(label)

    bots = [asyncio.create_task(attempt(f"bot{n}", WRONG, None)) for n in range(3)]
    await asyncio.sleep(0)
    honest = asyncio.create_task(attempt("honest", PASSWORD, "her-device-nonce"))
    await asyncio.gather(honest, *bots)
    assert done == ["bot0", "honest", "bot1", "bot2"]
