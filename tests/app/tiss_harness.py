"""A desk on a TISS counter for Pilot and snapshot tests: the local TISS operator in this
process (demo data, a manual clock, fixed app secrets), its demo exports in a test folder,
and the same `FrontdeskApp` the program runs, with `TissDesk` as its backend."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from frontdesk.app.app import FrontdeskApp
from frontdesk.backend.clock import ManualClock
from frontdesk.config.connection import Connection
from frontdesk.core.i18n import Language
from frontdesk.counter.connect import demo_desk
from frontdesk.counter.guides import TissGuide
from frontdesk.counter.tiss_desk import TissDesk
from frontdesk.local.embedded_operator import EmbeddedOperator, embedded_operator

from .desk_harness import START, FakeMonotonic, make_backend

ANA = "0064 8000 3456 7812"  # SP/SADT, three exams, has the app
CARLOS = "0064 8000 4567 8123"  # SP/SADT ultrasound on Saúde Essencial: denied, two glosas
LUIZA = "0064 8000 5678 1234"  # odonto, no app
MARIA = "0064 8000 1234 5678"  # three odonto guides, has the app
JOAO = "0064 8000 2345 6781"  # consulta, no app


@dataclass
class TissCounter:
    app: FrontdeskApp
    desk: TissDesk
    operator: EmbeddedOperator
    clock: ManualClock
    folder: Path
    close: Callable[[], None]

    async def guide_of(self, card: str, kind: str | None = None) -> TissGuide:
        for guide in await self.desk.list_guides(status="awaiting_token"):
            if guide.beneficiary.card == card and (kind is None or guide.type == kind):
                assert isinstance(guide, TissGuide)
                return guide
        raise LookupError(card)

    async def app_code(self, card: str) -> str:
        return await self.desk.app_code(card)


def tiss_connection() -> Connection:
    """How `frontdesk --tiss-demo` describes its connection."""
    return Connection(
        url=None,
        config_path=Path("/nonexistent/config.toml"),
        operator="Operadora Demonstração",
        kind="tiss",
    )


def make_tiss_counter(
    folder: Path,
    *,
    lang: Language = "pt",
    show_simulator: bool | None = False,
    theme: str | None = None,
    connection: Connection | None = None,
    settings: Mapping[str, Any] | None = None,
    **app_options: Any,
) -> TissCounter:
    """`settings`: changes to the demo profile's `TissSettings` (its CNPJ, its version …)."""
    clock = ManualClock(START)
    # The desk tests' backend: demo data with fixed app secrets, seeded authorization numbers.
    operator = embedded_operator(None, clock=clock, backend=make_backend(clock))
    if settings:
        operator.settings = replace(operator.settings, **settings)
    desk, close = demo_desk(":memory:", operator=operator, folder=folder, clock=clock.now)
    for index, export in enumerate(sorted((folder / "entrada").glob("*.xml"))):
        os.utime(export, (START - 600 - 60 * index, START - 600 - 60 * index))  # stable times
    app = FrontdeskApp(
        client=desk,
        lang=lang,
        monotonic=FakeMonotonic(),
        cursor_blink=False,
        show_simulator=show_simulator,
        simulator_poll=3600.0,
        theme=theme,
        connection=connection or tiss_connection(),
        **app_options,
    )
    return TissCounter(app, desk, operator, clock, folder, close)
