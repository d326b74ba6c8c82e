"""Snapshots of the TISS counter's screens and states, at 80×24 and 120×40 (pt-BR), some in
English and in the 16-colour ANSI theme. The local TISS operator runs in this process on a
manual clock with fixed app secrets and seeded senhas; its exports live in a fixed folder
(the import's report shows the path) whose files have fixed times."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from frontdesk.config.connection import ConnectionOptions, resolve
from frontdesk.counter.guides import TissGuide
from frontdesk.tiss.soap import fault_envelope
from frontdesk.tiss.transport import HttpReply, TransportFailure
from support.isolation import Home

from .desk_harness import press, settle
from .tiss_harness import ANA, CARLOS, JOAO, LUIZA, MARIA, TissCounter, make_tiss_counter

Scenario = Callable[[TissCounter, Pilot[Any]], Awaitable[None]]
SnapCompare = Callable[..., bool]
FOLDER = Path(tempfile.gettempdir()) / "frontdesk-tiss-snapshots"


async def _open(counter: TissCounter, pilot: Pilot[Any], card: str) -> TissGuide:
    guide = await counter.guide_of(card)
    await press(pilot, *guide.number, "enter")
    return guide


async def lookup(counter: TissCounter, pilot: Pilot[Any]) -> None:
    return None


async def guide(counter: TissCounter, pilot: Pilot[Any]) -> None:
    await press(pilot, *ANA.replace(" ", ""), "enter")  # a scanned card


async def token(counter: TissCounter, pilot: Pilot[Any]) -> None:
    await guide(counter, pilot)
    await press(pilot, "e")


async def code_refused(counter: TissCounter, pilot: Pilot[Any]) -> None:
    await _open(counter, pilot, MARIA)
    code = await counter.app_code(MARIA)
    await press(pilot, "e", "enter", *"".join(str((int(c) + 1) % 10) for c in code), "enter")


async def authorized(counter: TissCounter, pilot: Pilot[Any]) -> None:
    await guide(counter, pilot)
    await press(pilot, "e", "enter", *await counter.app_code(ANA), "enter")


async def denied(counter: TissCounter, pilot: Pilot[Any]) -> None:
    await _open(counter, pilot, CARLOS)
    await press(pilot, "s", "enter", "enter")


async def under_review(counter: TissCounter, pilot: Pilot[Any]) -> None:
    await _open(counter, pilot, LUIZA)
    await press(pilot, "s", *["down"] * 6, "enter", "enter")


async def eligibility(counter: TissCounter, pilot: Pilot[Any]) -> None:
    joao = await _open(counter, pilot, JOAO)
    code = await counter.desk.sac_code(joao.number)
    await press(pilot, "c", *code, "enter")


async def import_report(counter: TissCounter, pilot: Pilot[Any]) -> None:
    await press(pilot, "f8")


async def new_guide(counter: TissCounter, pilot: Pilot[Any]) -> None:
    await press(pilot, *"0064800034567812", "f4", *"40302040")


async def learned_name(counter: TissCounter, pilot: Pilot[Any]) -> None:
    """Maria's second guide after her first was released: named from that answer."""
    first, second = [g for g in await counter.desk.list_guides() if g.beneficiary.card == MARIA][:2]
    await counter.desk.validate(first.number, await counter.app_code(MARIA))
    await press(pilot, *second.number, "enter")


async def simulator(counter: TissCounter, pilot: Pilot[Any]) -> None:
    await press(pilot, "f2")
    await guide(counter, pilot)


class Away:
    async def post(self, *args: object) -> HttpReply:
        raise TransportFailure("connection refused", sent=False)

    async def aclose(self) -> None:
        return None


class Refusing:
    async def post(self, *args: object) -> HttpReply:
        return HttpReply(500, "text/xml", fault_envelope("LoginInvalido", "no"))

    async def aclose(self) -> None:
        return None


async def operator_away(counter: TissCounter, pilot: Pilot[Any]) -> None:
    await _open(counter, pilot, MARIA)
    counter.desk.client._transport = Away()
    await press(pilot, "c", *"123456", "enter")


async def login_refused(counter: TissCounter, pilot: Pilot[Any]) -> None:
    await _open(counter, pilot, MARIA)
    counter.desk.client._transport = Refusing()
    await press(pilot, "c", *"123456", "enter")


SCENARIOS: dict[str, Scenario] = {
    "lookup": lookup,
    "guide": guide,
    "token": token,
    "code_refused": code_refused,
    "authorized": authorized,
    "denied": denied,
    "under_review": under_review,
    "eligibility": eligibility,
    "import_report": import_report,
    "new_guide": new_guide,
    "simulator": simulator,
    "learned_name": learned_name,
    "operator_away": operator_away,
    "login_refused": login_refused,
}


def _shoot(
    snap_compare: SnapCompare, scenario: Scenario, size: tuple[int, int], **options: Any
) -> bool:
    shutil.rmtree(FOLDER, ignore_errors=True)
    counter = make_tiss_counter(FOLDER, **options)

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await scenario(counter, pilot)
        pilot.app.clear_notifications()
        await settle(pilot)

    try:
        return snap_compare(counter.app, terminal_size=size, run_before=run_before)
    finally:
        counter.close()
        shutil.rmtree(FOLDER, ignore_errors=True)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize("name", list(SCENARIOS))
def test_tiss_screen_in_portuguese(
    snap_compare: SnapCompare, name: str, size: tuple[int, int]
) -> None:
    assert _shoot(snap_compare, SCENARIOS[name], size)


@pytest.mark.parametrize("name", ["lookup", "token", "authorized", "denied", "under_review"])
def test_tiss_screen_in_english(snap_compare: SnapCompare, name: str) -> None:
    assert _shoot(snap_compare, SCENARIOS[name], (80, 24), lang="en")


@pytest.mark.parametrize("name", ["lookup", "token", "denied", "under_review"])
def test_tiss_screen_in_the_16_colour_ansi_theme(snap_compare: SnapCompare, name: str) -> None:
    assert _shoot(snap_compare, SCENARIOS[name], (80, 24), theme="ansi-dark")


PROFILE = f"""# the clinic's TISS operator
[profiles.demo-tiss]
kind = "tiss"
operator = "Operadora Demonstração"
url = "http://127.0.0.1:8765/v1/tiss/v4.01.00/{{operation}}"
registro_ans = "999999"
prestador_type = "codigo"
prestador = "123456"
import_folder = "{FOLDER}/entrada"
export_folder = "{FOLDER}/retorno"
clinic_name = "Clínica Sorriso"
professional_council = "06"
professional_number = "54321"
professional_uf = "41"
professional_cbo = "225125"
"""


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_tiss_settings(
    snap_compare: SnapCompare, home: Home, size: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """F10 on a TISS profile: its folders and the clinic's fixed data."""
    home.write_config(PROFILE)
    monkeypatch.setenv("FRONTDESK_TISS_PASSWORD", "k")

    async def f10(counter: TissCounter, pilot: Pilot[Any]) -> None:
        await press(pilot, "f10")

    assert _shoot(
        snap_compare, f10, size, connection=resolve(options=ConnectionOptions(profile="demo-tiss"))
    )
