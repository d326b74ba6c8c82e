"""F9 between the three kinds of desk (issue 18, B1): a token contract's profile, a TISS
profile (both on one real `frontdesk serve`) and the local demonstration, in every direction;
and what becomes of an error no screen expected: a message and a desk still running, or an
exit status that says so, never a silent 0."""

from __future__ import annotations

import asyncio
import socket
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.message import Message

from frontdesk.app.app import UNEXPECTED_EXIT, FrontdeskApp
from frontdesk.app.connector import Connector, connector_for
from frontdesk.app.screens.lookup import LookupScreen
from frontdesk.app.screens.profiles import ProfileSwitcher
from frontdesk.app.screens.tiss.lookup import TissLookupScreen
from frontdesk.app.widgets.banner import ConnectionBanner
from frontdesk.cli.app import ended
from frontdesk.client import FrontdeskClient
from frontdesk.client.client import request_headers
from frontdesk.client.first_requests import StartupSession
from frontdesk.client.session import HttpxSession
from frontdesk.config.connection import Connection, ConnectionOptions, resolve
from support.isolation import SERVED_KEY, Home
from support.served_tiss import ServedBackend, served_backend_in, tiss_profile

from .desk_harness import FakeMonotonic, press, settle, text_of

pytestmark = pytest.mark.served

OPTION = {"contract": 0, "tiss": 1, "local": 2}  # F9's list: the file's profiles, then local
LOOKUP = {"contract": LookupScreen, "tiss": TissLookupScreen, "local": LookupScreen}
TOP = {
    "contract": "contrato (Operadora Contrato) · ok",
    "tiss": "Operadora Demonstração · TISS · ok",
    "local": "local · ok",
}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedBackend]:
    with served_backend_in(tmp_path_factory.mktemp("kinds-served")) as backend:
        yield backend


def write_profiles(home: Home, served: ServedBackend, folder: Path) -> None:
    """A contract profile (the default) and a TISS profile, both on `served`."""
    home.write_config(
        'default = "contrato"\n\n'
        f'[profiles.contrato]\nurl = "{served.url}"\noperator = "Operadora Contrato"\n\n'
        + tiss_profile("tiss", served, folder)
    )
    home.keyring.set_password("frontdesk", "contrato", SERVED_KEY)
    home.keyring.set_password("frontdesk", "tiss", SERVED_KEY)


def in_memory(connection: Connection) -> Connector:
    return connector_for(connection, ":memory:")


def desk_on(
    kind: str, *, friendly: bool = False, connector: Connector | None = None
) -> FrontdeskApp:
    """The app as the command line builds it on `kind`'s profile (local: no profile);
    `connector`: its first backend built by the test's instead."""
    if kind == "local":
        connection = Connection(url=None, config_path=resolve().config_path)
    else:
        connection = resolve(
            options=ConnectionOptions(profile={"contract": "contrato", "tiss": "tiss"}[kind])
        )
    return FrontdeskApp(
        connector=connector or in_memory(connection),
        connection=connection,
        connector_for=in_memory,
        monotonic=FakeMonotonic(),
        cursor_blink=False,
        show_simulator=False,
        simulator_poll=3600.0,
        friendly_errors=friendly,
    )


DIRECTIONS = [
    ("contract", "tiss"),
    ("tiss", "contract"),
    ("contract", "local"),
    ("local", "contract"),
    ("tiss", "local"),
    ("local", "tiss"),
]


@pytest.mark.parametrize(
    ("start", "target"), DIRECTIONS, ids=[f"{a}-to-{b}" for a, b in DIRECTIONS]
)
async def test_f9_switches_between_every_kind_and_the_desk_works_there(
    home: Home, served: ServedBackend, tmp_path: Path, start: str, target: str
) -> None:
    write_profiles(home, served, tmp_path)
    app = desk_on(start)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert (
            isinstance(app.screen, LOOKUP[start]) and text_of(app, "#top-connection") == TOP[start]
        )
        await press(pilot, "f9")
        assert isinstance(app.screen, ProfileSwitcher)
        await press(pilot, "home", *["down"] * OPTION[target], "enter")

        assert type(app.screen) is LOOKUP[target]
        assert len(app.screen_stack) == 1  # the old profile's screens are gone
        assert text_of(app, "#top-connection") == TOP[target]
        assert text_of(app, "#queue-title").startswith("Fila de atendimento (")
        assert app.screen.query_one("#lookup-input").has_focus
        # The desk works there: the first guide of the new queue opens, and back again.
        first = app.screen.guides[0]
        await press(pilot, "down", "enter")
        assert app.screen.guide.number == first.number
        await press(pilot, "escape")
        assert type(app.screen) is LOOKUP[target]
        await press(pilot, "1")  # the key that used to end the app
        assert app.is_running
    assert app.bugs == []


async def test_an_unexpected_error_while_switching_is_said_and_the_desk_keeps_running(
    home: Home, served: ServedBackend, tmp_path: Path
) -> None:
    write_profiles(home, served, tmp_path)
    app = desk_on("contract", friendly=True)

    def broken(connection: Connection) -> Connector:
        raise RuntimeError("a bug in building the connector")

    app.setup.connector_for = broken
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "f9", "home", "down", "enter")
        await settle(pilot)
        assert [type(e) for e in app.bugs] == [RuntimeError]
        said = [str(n.message) for n in app._notifications]
        assert "Algo deu errado no programa. Voltamos à busca" in " ".join(said)
        assert app.is_running
        assert isinstance(app.screen, LookupScreen)
        await press(pilot, "2")
        assert app.is_running and app.screen.query_one("#lookup-input").value == "2"


class Breaks(Message):
    """A message the app's own handler fails on (a bug outside every screen)."""


class FragileApp(FrontdeskApp):
    def on_ready(self) -> None:
        super().on_ready()
        self.post_message(Breaks())

    def on_breaks(self, _: Breaks) -> None:
        raise RuntimeError("a bug in the app's own handler")


async def test_an_error_that_stops_the_app_ends_it_with_a_status_and_a_message(
    home: Home, capsys: pytest.CaptureFixture[str]
) -> None:
    connection = Connection(url=None, config_path=home.config)
    app = FragileApp(
        connector=in_memory(connection),
        connection=connection,
        cursor_blink=False,
        show_simulator=False,
        friendly_errors=True,
    )
    result = await asyncio.wait_for(app.run_async(headless=True, size=(80, 24)), 60)
    assert [type(e) for e in app.bugs] == [RuntimeError]
    assert ended(app, result) == UNEXPECTED_EXIT
    err = capsys.readouterr().err
    assert "O programa parou por um erro inesperado" in err


async def test_a_contract_desks_first_queue_is_the_live_one_and_httpx_loads_after_it(
    home: Home, served: ServedBackend, tmp_path: Path
) -> None:
    """Its first requests go out before httpx is loaded (client.first_requests); httpx is
    built once the first queue and its `ok` are on screen, and the desk goes on with it."""
    write_profiles(home, served, tmp_path)
    base = served.url.removesuffix("/v1")
    on_screen_when_built: list[tuple[str, int]] = []
    app: FrontdeskApp

    def make_httpx(context: ssl.SSLContext | None) -> HttpxSession:
        on_screen_when_built.append((text_of(app, "#top-connection"), len(app.screen.guides)))
        return HttpxSession(
            base, transport=None, verify=True, connect_timeout=3.0, read_timeout=10.0,
            headers=request_headers(),
        )  # fmt: skip

    def make() -> FrontdeskClient:
        session = StartupSession(
            base, make_httpx=make_httpx, verify=True, connect_timeout=3.0, read_timeout=10.0,
            headers=request_headers(), environ={}, platform="linux", system_proxies=dict,
        )  # fmt: skip
        return FrontdeskClient(base, api_key=SERVED_KEY, session=session)

    app = desk_on("contract", connector=Connector(make=make, label="contrato"))
    async with FrontdeskClient(base, api_key=SERVED_KEY) as other:
        live = {guide.number for guide in await other.list_guides()}
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert text_of(app, "#top-connection") == TOP["contract"]
        assert {guide.number for guide in app.screen.guides} == live
        for _ in range(40):  # the client warms SETTLE_AFTER_FIRST_QUEUE after the queue
            if on_screen_when_built:
                break
            await pilot.pause(0.05)
        assert on_screen_when_built == [(TOP["contract"], len(live))]
        first = app.screen.guides[0]
        await press(pilot, "down", "enter")  # through httpx now
        assert app.screen.guide.number == first.number
    assert app.bugs == []


async def test_a_contract_desk_whose_backend_is_not_listening_gets_its_banner(
    home: Home,
) -> None:
    """The quick first requests fail as httpx's did: the banner, and no queue said current."""
    with socket.socket() as sock:  # a loopback port nobody listens on once this is closed
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    home.write_config(
        f'default = "contrato"\n\n[profiles.contrato]\nurl = "http://127.0.0.1:{port}"\n'
    )
    home.keyring.set_password("frontdesk", "contrato", SERVED_KEY)
    app = desk_on("contract")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.health_state == "offline"
        assert text_of(app, "#top-connection") == "contrato · SEM CONEXÃO"
        assert app.screen.query_one(ConnectionBanner).display
        assert "Fila indisponível" in text_of(app, "#queue-title")
        assert app.screen.guides == []
    assert app.bugs == []
