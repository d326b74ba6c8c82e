"""Which sequencialTransacao source a TISS profile's counter draws from."""

from __future__ import annotations

from pathlib import Path

from frontdesk.config.connection import Connection
from frontdesk.config.tiss_reading import CounterSettings, TissProfileData
from frontdesk.counter.connect import desk_for
from frontdesk.tiss.sequence import DatabaseSequence, SequenceFile
from frontdesk.tiss.tiss_settings import TissSettings
from frontdesk.tiss.transport import HttpxTransport

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
