"""A `TissDesk` for a TISS profile's connection, or for the local TISS demonstration.

- `desk_for(connection)`: the profile's operator, over HTTPS (its CA bundle, timeouts), with
  `sequencialTransacao` numbers kept in the user data directory. When the profile points at
  this machine's `frontdesk serve` (`http://127.0.0.1:PORT/v1/tiss/v4.03.00/{operation}`, the
  profile's version in the path),
  the served backend's simulator is reached too (with the same key, the TISS password), so
  F2 shows the patient's app code, F6 the SAC's and F7 moves the operator's clock.
- `demo_desk(db)`: `frontdesk --tiss-demo`: the local TISS operator in this process, its
  demo exports in `<data>/tiss-demo/entrada`, answers written to `.../retorno`. With
  `--db :memory:` everything lives in a temporary folder removed at the end.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Final

from frontdesk.core.net import is_loopback
from frontdesk.counter.ledger import Ledger
from frontdesk.counter.tiss_desk import SimulatorMaker, TissDesk

if TYPE_CHECKING:
    from frontdesk.client.client import FrontdeskClient
    from frontdesk.config.connection import Connection
    from frontdesk.local.embedded_operator import EmbeddedOperator
    from frontdesk.tiss.checker import SchemaChecker, WorkerChecker
    from frontdesk.tiss.sequence import SequenceSource
    from frontdesk.tiss.tiss_settings import TissSettings

DEMO_PROFILE: Final = "tiss-demo"


class RecordingSequence:
    """A `SequenceSource` that remembers the last number it handed out (for bug reports)."""

    def __init__(self, inner: SequenceSource) -> None:
        self.inner = inner
        self.last = ""

    def next(self, scope: str) -> str:
        self.last = self.inner.next(scope)
        return self.last


def ledger_path(profile: str) -> Path:
    from frontdesk.config.paths import data_dir

    safe = "".join(c for c in profile if c.isalnum() or c in "-_") or "tiss"
    return data_dir() / "tiss-desk" / f"{safe}.json"


def served_path(version: str) -> str:
    """The path of `frontdesk serve`'s TISS operations in `version`: `/v1/tiss/v4.03.00/`."""
    return f"/v1/tiss/v{version}/"


def served_base(settings: TissSettings) -> str | None:
    """The base URL of this machine's `frontdesk serve` behind a TISS profile's URL (in the
    profile's version), if it is one."""
    from urllib.parse import urlsplit

    url = settings.url_for("x")
    path = served_path(settings.version)
    parts = urlsplit(url)
    if path not in parts.path or not is_loopback(parts.hostname or ""):
        return None
    return url[: url.index(path)]


def served_simulator(settings: TissSettings, password: str) -> FrontdeskClient | None:
    """The simulator of this machine's `frontdesk serve` behind a TISS profile's URL, if it
    is one."""
    base = served_base(settings)
    if base is None:
        return None
    from frontdesk.client.client import FrontdeskClient

    return FrontdeskClient(base, api_key=password, retries=0)


def served_simulator_at(settings: TissSettings, password: str) -> SimulatorMaker | None:
    """What builds the served operator's simulator client when it is first used, if the
    profile's URL is this machine's `frontdesk serve`."""
    if served_base(settings) is None:
        return None

    def build() -> FrontdeskClient:
        built = served_simulator(settings, password)
        assert built is not None  # the same settings as checked above
        return built

    return build


def desk_for(
    connection: Connection, *, ledger: Ledger | None = None, checker: WorkerChecker | None = None
) -> TissDesk:
    """The counter of a TISS profile's connection (`kind` "tiss", with its password);
    `checker`: its schemas worker, when it was started earlier (else started here)."""
    from frontdesk.config.paths import cache_dir
    from frontdesk.config.tiss_profile import sequence_path
    from frontdesk.tiss.checker import WorkerChecker
    from frontdesk.tiss.client import TissClient
    from frontdesk.tiss.sequence import DatabaseSequence, SequenceFile

    data = connection.tiss
    if data is None or not connection.api_key:
        raise ValueError("a TISS connection with its password")
    shared = data.counter.sequence_database
    source: SequenceSource = DatabaseSequence(shared) if shared else SequenceFile(sequence_path())
    sequence = RecordingSequence(source)
    # The compiled schemas live in a worker process, not in the desk's (docs/performance.md).
    if checker is None:
        checker = WorkerChecker(ahead=(data.settings.version,))
        checker.start()  # beside the rest of the desk's start, not after it
    client = TissClient(data.settings, connection.api_key, sequence=sequence, checker=checker)
    name = connection.profile or "tiss"
    return TissDesk(
        profile=name,
        operator=connection.display_name,
        data=data,
        client=client,
        ledger=ledger or Ledger(ledger_path(name)),
        sequence=sequence.inner,
        # Built by its first use (F2, F6, F7): its HTTP client (a TLS context) is nothing the
        # counter's queue or a release needs.
        simulator_at=served_simulator_at(data.settings, connection.api_key),
        last_sequence=lambda: sequence.last,
        checker=checker,
        checks_cache=cache_dir() / "export-checks",
    )


def demo_desk(
    db: str | None,
    *,
    clock: Callable[[], float] | None = None,
    operator: EmbeddedOperator | None = None,
    folder: Path | None = None,
    checker: SchemaChecker | None = None,
) -> tuple[TissDesk, Callable[[], None]]:
    """The local TISS demonstration, and what closes it (the database, a temporary folder).

    Its operator validates in this process anyway, so its desk does too, unless `checker`
    names another way."""
    from frontdesk.config.paths import data_dir
    from frontdesk.config.tiss_reading import CounterSettings, TissProfileData
    from frontdesk.local.embedded_operator import demo_clinic, demo_exports_into, embedded_operator
    from frontdesk.tiss.checker import IN_PROCESS
    from frontdesk.tiss.client import TissClient
    from frontdesk.tiss.sequence import MemorySequence

    local = operator or embedded_operator(db)
    temporary: tempfile.TemporaryDirectory[str] | None = None
    if folder is None and db == ":memory:":
        temporary = tempfile.TemporaryDirectory(prefix="frontdesk-tiss-demo-")
        folder = Path(temporary.name)
    folder = folder or data_dir() / DEMO_PROFILE
    entrada, retorno = folder / "entrada", folder / "retorno"
    demo_exports_into(local.backend, entrada)
    counter = CounterSettings(
        app_name="App Operadora Demonstração",
        sac_phones=("0800 000 0000",),
        portal=None,
        import_folder=entrada,
        export_folder=retorno,
        status_check_minutes=1.0,
        clinic=demo_clinic(),
    )
    sequence = RecordingSequence(MemorySequence(start=int(local.backend.clock.now()) % 10**9))
    client = TissClient(
        local.settings,
        local.password,
        sequence=sequence,
        transport=local.transport,
        checker=checker or IN_PROCESS,
    )
    desk = TissDesk(
        profile=DEMO_PROFILE,
        operator=local.settings.operator or DEMO_PROFILE,
        data=TissProfileData(local.settings, counter),
        client=client,
        ledger=Ledger(folder / "ledger.json"),
        sequence=sequence.inner,
        simulator=local.simulator,
        last_sequence=lambda: sequence.last,
        clock=clock or time.time,
        checker=checker or IN_PROCESS,
    )

    def close() -> None:
        local.backend.close()
        if temporary is not None:
            temporary.cleanup()

    return desk, close
