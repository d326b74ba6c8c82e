"""The exports' schema checks: kept on disk so a restart does not check an unchanged export
again, never trusted for a changed one; and a schemas' worker that fails is said in words (a
file read again later, a message not sent), never a traceback."""

from __future__ import annotations

import os
import sys
from collections.abc import AsyncIterator, Mapping
from pathlib import Path

import pytest
from lxml import etree

from frontdesk.backend.tiss.records import TissRecords
from frontdesk.counter.connect import demo_desk
from frontdesk.counter.counter_errors import OperatorUnavailable, SchemaCheckUnavailable
from frontdesk.counter.export_checks import CachedChecker
from frontdesk.counter.exports import ExportFolder, FileReport
from frontdesk.counter.tiss_desk import TissDesk
from frontdesk.local.embedded_operator import EmbeddedOperator, demo_exports_into, embedded_operator
from frontdesk.tiss.checker import IN_PROCESS, SchemaCheckFailed, WorkerChecker, worker_command
from frontdesk.tiss.schema import Found
from frontdesk.tiss.transport import HttpReply

WORKER_THAT_DIES = [sys.executable, "-c", "pass"]
GUIDES = 7  # the demo's good guides: 2 of 3 SP/SADT, 4 odonto, 1 consulta


class Counting:
    """The schemas in this process, counting what it is asked."""

    def __init__(self) -> None:
        self.asked = 0

    def errors(self, element: etree._Element, version: str) -> Found:
        self.asked += 1
        return IN_PROCESS.errors(element, version)

    def close(self) -> None:
        return None


@pytest.fixture
def entrada(tmp_path: Path) -> Path:
    operator = embedded_operator(":memory:", deterministic=True)
    try:
        demo_exports_into(operator.backend, tmp_path / "entrada")
    finally:
        operator.backend.close()
    return tmp_path / "entrada"


def scan(entrada: Path, checker: Counting, cache: Path) -> tuple[set[str], tuple[FileReport, ...]]:
    """A fresh desk's first reading of the folder (as after a restart)."""
    queue, reports = ExportFolder(entrada, CachedChecker(checker, cache)).scan()
    return set(queue), reports


def test_a_restart_does_not_check_unchanged_exports_again(entrada: Path, tmp_path: Path) -> None:
    checker, cache = Counting(), tmp_path / "cache"
    first = scan(entrada, checker, cache)
    assert len(first[0]) == GUIDES and checker.asked == 3  # one check per file
    assert [len(r.rejected) for r in first[1]] == [0, 0, 1]  # the SP/SADT's bad CNES
    again = scan(entrada, checker, cache)
    assert again == first and checker.asked == 3  # the same reading, nothing checked


def test_an_export_changed_in_place_is_checked_again(entrada: Path, tmp_path: Path) -> None:
    checker, cache = Counting(), tmp_path / "cache"
    scan(entrada, checker, cache)
    path = entrada / "lote-consulta.xml"
    before = path.stat()
    data = path.read_bytes()
    changed = data.replace(b"ENVIO_LOTE_GUIAS", b"ENVIO_LOTE_GUIAX")
    assert changed != data and len(changed) == len(data)
    path.write_bytes(changed)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # same size, same time
    _, reports = scan(entrada, checker, cache)
    assert checker.asked == 4  # only the changed file
    consulta = next(r for r in reports if r.name == path.name)
    assert "ENVIO_LOTE_GUIAX" in " ".join(consulta.problems)


def test_a_damaged_entry_is_checked_again(entrada: Path, tmp_path: Path) -> None:
    checker, cache = Counting(), tmp_path / "cache"
    first = scan(entrada, checker, cache)
    entries = sorted(cache.glob("*.json"))
    assert len(entries) == 3
    entries[0].write_text('{"errors": [[1, ')
    entries[1].write_text('{"other": []}')
    assert scan(entrada, checker, cache) == first and checker.asked == 5


def test_an_export_the_worker_could_not_check_says_so_and_is_read_again(entrada: Path) -> None:
    checker = WorkerChecker(WORKER_THAT_DIES)
    folder = ExportFolder(entrada, checker)
    try:
        queue, reports = folder.scan()
        assert queue == {} and len(reports) == 3
        for report in reports:
            (problem,) = report.problems
            assert problem.startswith("o arquivo não pôde ser conferido com os esquemas TISS")
            assert "será lido de novo" in problem
        checker.command = worker_command()  # the worker starts again
        queue, reports = folder.scan()
        assert len(queue) == GUIDES and [len(r.rejected) for r in reports] == [0, 0, 1]
    finally:
        checker.close()


class Counted:
    """Counts what reaches the operator."""

    def __init__(self, inner: object) -> None:
        self.inner = inner
        self.posts = 0

    async def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> HttpReply:
        self.posts += 1
        return await self.inner.post(url, body, headers)  # type: ignore[attr-defined, no-any-return]

    async def aclose(self) -> None:
        await self.inner.aclose()  # type: ignore[attr-defined]


@pytest.fixture
async def broken_desk(tmp_path: Path) -> AsyncIterator[tuple[TissDesk, WorkerChecker, Counted]]:
    operator: EmbeddedOperator = embedded_operator(":memory:", deterministic=True)
    counted = Counted(operator.transport)
    operator.transport = counted  # type: ignore[assignment]
    checker = WorkerChecker(WORKER_THAT_DIES)
    desk, close = demo_desk(":memory:", operator=operator, folder=tmp_path, checker=checker)
    try:
        yield desk, checker, counted
    finally:
        await desk.aclose()
        close()


async def test_a_message_the_schemas_cannot_check_is_not_sent_and_the_desk_says_so(
    broken_desk: tuple[TissDesk, WorkerChecker, Counted],
) -> None:
    desk, checker, counted = broken_desk
    assert await desk.list_guides() == []
    card = "0064800012345678"
    guide = await desk.card_check(card)
    with pytest.raises(SchemaCheckUnavailable) as unchecked:
        await desk.validate(guide.number, "123456")
    assert unchecked.value.banner and "nada foi enviado" in unchecked.value.text
    assert "esquemas TISS" in unchecked.value.text and counted.posts == 0
    assert (await desk.get_guide(guide.number)).status == "awaiting_token"
    checker.command = worker_command()  # the worker starts again: the same guide goes out
    checked = await desk.validate(guide.number, await desk.app_code(card))
    assert checked.status == "authorized" and counted.posts >= 1
    assert checker.pid is not None
    assert len(await desk.list_guides()) == GUIDES + 1  # the exports, and the card's check


class RepliesUnchecked:
    """Checks requests here; an operator's reply finds the schemas unavailable (while
    `broken`)."""

    def __init__(self) -> None:
        self.broken = True

    def errors(self, element: etree._Element, version: str) -> Found:
        if self.broken and etree.QName(element).localname.startswith(REPLIES):
            raise SchemaCheckFailed("schema worker: the worker ended")
        return IN_PROCESS.errors(element, version)

    def close(self) -> None:
        return None


REPLIES = ("autorizacaoProcedimentoWS", "situacaoAutorizacaoWS")


async def test_an_answer_the_schemas_cannot_check_is_a_lost_answer_asked_again(
    tmp_path: Path,
) -> None:
    operator = embedded_operator(":memory:", deterministic=True)
    checker = RepliesUnchecked()
    desk, close = demo_desk(":memory:", operator=operator, folder=tmp_path, checker=checker)
    try:
        sadt = next(g for g in await desk.list_guides() if g.type == "sp_sadt")
        code = await desk.app_code(sadt.beneficiary.card)
        with pytest.raises(OperatorUnavailable) as lost:
            await desk.validate(sadt.number, code, idempotency_key="k1")
        assert lost.value.timeout and lost.value.sequence  # F5 asks the same transaction
        assert (await desk.get_guide(sadt.number)).status == "awaiting_token"
        checker.broken = False
        guide = await desk.validate(sadt.number, code, idempotency_key="k1")
        assert guide.status == "authorized"
        store = operator.backend.store
        with store.transaction():
            sent = TissRecords(store).count("tissSolicitacaoProcedimento")  # type: ignore[arg-type]
        assert sent == 1  # the code went out once; its answer was asked again
    finally:
        await desk.aclose()
        close()
