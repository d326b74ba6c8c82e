"""A TISS profile's counter: which sequencialTransacao source it draws from, and what its start
puts off the queue's path (the transport's TLS context) or starts early (the schemas worker)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import msgspec
import pytest

from frontdesk.app.connector import connector_for
from frontdesk.config.connection import Connection
from frontdesk.config.tiss_reading import CounterSettings, TissProfileData
from frontdesk.counter.connect import desk_for
from frontdesk.counter.tiss_desk import TissDesk
from frontdesk.local.embedded_operator import local_tiss_url
from frontdesk.tiss.sequence import DatabaseSequence, SequenceFile
from frontdesk.tiss.tiss_settings import TissSettings
from frontdesk.tiss.transport import HttpxTransport
from support.browser import children, command_line

SETTINGS = TissSettings(
    url="https://tiss.operadora.example/ws/{operation}/v4.01.00",
    registro_ans="123456",
    prestador_kind="codigo",
    prestador="000123",
)
SHARED = "postgresql://frontdesk@db.clinic.local/frontdesk"


def connection(counter: CounterSettings) -> Connection:
    return Connection(
        url=SETTINGS.template,
        config_path=Path("/nonexistent/config.toml"),
        profile="unimed-tiss",
        api_key="tiss-password",
        kind="tiss",
        tiss=TissProfileData(SETTINGS, counter),
    )


async def test_a_profile_with_a_sequence_database_draws_from_it() -> None:
    desk = desk_for(connection(CounterSettings(sequence_database=SHARED)))
    try:
        assert isinstance(desk.sequence, DatabaseSequence)
        assert desk.sequence.url == SHARED
    finally:
        await desk.aclose()  # its client and its schemas worker


async def test_a_profile_without_one_keeps_the_per_machine_file() -> None:
    desk = desk_for(connection(CounterSettings()))
    try:
        assert isinstance(desk.sequence, SequenceFile)
    finally:
        await desk.aclose()  # its client and its schemas worker


async def test_the_queue_is_read_before_the_transport_is_built_then_it_is_warmed(
    tmp_path: Path,
) -> None:
    """Building the TLS context (~100 ms) is not on the queue's path; after the first
    queue it is done off the event loop, so the first release does not wait for it."""
    desk = desk_for(connection(CounterSettings(import_folder=tmp_path)))
    transport = desk.client._transport
    try:
        assert isinstance(transport, HttpxTransport) and transport.built is False
        assert await desk.list_guides() == []
        assert desk._warming is not None
        await desk._warming
        assert transport.built is True
    finally:
        await desk.aclose()


def schema_workers() -> list[int]:
    """This process's running schemas workers (Linux's /proc)."""
    return [pid for pid in children(os.getpid()) if "schema_worker" in command_line(pid)]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
async def test_a_profiles_preload_starts_the_schemas_worker_that_its_desk_then_uses(
    tmp_path: Path,
) -> None:
    """The worker's start runs beside the desk's imports, not after them."""
    connector = connector_for(connection(CounterSettings(import_folder=tmp_path)))
    assert connector.preload is not None
    connector.preload()
    started = schema_workers()
    assert len(started) == 1
    desk = connector.make()
    try:
        assert isinstance(desk, TissDesk) and desk.checker.pid == started[0]
    finally:
        await desk.aclose()
    assert schema_workers() == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_desk_that_cannot_be_built_leaves_no_worker_from_its_preload(tmp_path: Path) -> None:
    passwordless = msgspec.structs.replace(
        connection(CounterSettings(import_folder=tmp_path)), api_key=None
    )
    connector = connector_for(passwordless)
    assert connector.preload is not None
    connector.preload()
    assert len(schema_workers()) == 1
    with pytest.raises(ValueError, match="password"):
        connector.make()
    assert schema_workers() == []


async def test_the_served_operators_simulator_is_built_when_first_used(tmp_path: Path) -> None:
    """A profile on this machine's `frontdesk serve` has the simulator (F2, F6, F7), but its
    HTTP client is not built for the queue or a release: only when one of them is used."""
    url = local_tiss_url("4.03.00", "http://127.0.0.1:8765")
    identity = {"registro_ans": "999999", "prestador_kind": "codigo", "prestador": "123456"}
    settings = TissSettings(url=url, **identity)  # type: ignore[arg-type]
    served = msgspec.structs.replace(
        connection(CounterSettings(import_folder=tmp_path)),
        tiss=TissProfileData(settings, CounterSettings(import_folder=tmp_path)),
    )
    desk = desk_for(served)
    try:
        assert desk.simulator is None
        assert (await desk.health()).mode == "local"  # F2 is offered all the same
        built = desk._sim()
        assert str(built.base_url) == "http://127.0.0.1:8765" and desk._sim() is built
    finally:
        await desk.aclose()
    assert built._session.http.is_closed  # type: ignore[attr-defined]
