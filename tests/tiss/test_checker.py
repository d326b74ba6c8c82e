"""The schemas' worker process answers as this process would (the same errors on the same
lines), ends with its desk, and a worker that fails is `SchemaCheckFailed`, not a crash."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree

from frontdesk.local.embedded_operator import demo_exports_into, embedded_operator
from frontdesk.tiss.checker import IN_PROCESS, SchemaCheckFailed, WorkerChecker
from frontdesk.tiss.lote import read_export
from frontdesk.tiss.safexml import parse_untrusted
from frontdesk.tiss.schema import schema
from frontdesk.tiss.schema_worker import answer, compile_ahead

WORKER_THAT_DIES = [sys.executable, "-c", "pass"]
WORKER_THAT_HANGS = [sys.executable, "-c", "import time; time.sleep(120)"]


def demo_export(folder: Path, name: str) -> bytes:
    """One of the demo clinic's exports (4.03.00, one guide a few lines)."""
    operator = embedded_operator(":memory:", deterministic=True)
    try:
        demo_exports_into(operator.backend, folder)
    finally:
        operator.backend.close()
    return (folder / name).read_bytes()


@pytest.fixture
def worker() -> Iterator[WorkerChecker]:
    checker = WorkerChecker()
    try:
        yield checker
    finally:
        checker.close()


def test_the_worker_finds_what_this_process_finds_on_the_same_lines(
    worker: WorkerChecker, tmp_path: Path
) -> None:
    data = demo_export(tmp_path, "lote-sadt.xml")  # its third guide's CNES is refused
    root = parse_untrusted(data)
    expected = IN_PROCESS.errors(root, "4.03.00")
    assert expected and all(line > 1 for line, _ in expected)  # placed on real lines
    assert worker.errors(root, "4.03.00") == expected
    assert read_export(data, worker) == read_export(data, IN_PROCESS)
    rejected = [g for g in read_export(data, worker).guides if g.problems]
    assert len(rejected) == 1 and "CNES" in rejected[0].problems[0]


def test_a_built_message_has_no_lines_in_either(worker: WorkerChecker) -> None:
    built = etree.Element("{http://www.ans.gov.br/padroes/tiss/schemas}pedidoElegibilidadeWS")
    expected = IN_PROCESS.errors(built, "4.03.00")
    assert expected and {line for line, _ in expected} == {0}
    assert worker.errors(built, "4.03.00") == expected


def test_closing_the_worker_ends_its_process(worker: WorkerChecker, tmp_path: Path) -> None:
    root = parse_untrusted(demo_export(tmp_path, "lote-consulta.xml"))
    assert worker.errors(root, "4.03.00") == []
    process = worker._process
    assert worker.pid is not None and process is not None and process.poll() is None
    worker.close()
    assert worker.pid is None and process.returncode is not None


@pytest.mark.parametrize(
    "command", [WORKER_THAT_DIES, [str(Path(sys.executable).with_name("no-such-python"))]]
)
def test_a_worker_that_dies_or_never_starts_is_a_schema_check_failure(
    command: list[str], tmp_path: Path
) -> None:
    checker = WorkerChecker(command)
    root = parse_untrusted(demo_export(tmp_path, "lote-consulta.xml"))
    try:
        with pytest.raises(SchemaCheckFailed) as failed:
            checker.errors(root, "4.03.00")
        assert failed.value.detail.startswith("schema worker: ")
        assert checker.pid is None  # nothing left running
        checker.command = WorkerChecker().command  # the next call starts a good one
        assert checker.errors(root, "4.03.00") == []
    finally:
        checker.close()


def test_a_worker_that_hangs_is_ended_and_is_a_schema_check_failure(tmp_path: Path) -> None:
    checker = WorkerChecker(WORKER_THAT_HANGS, seconds=0.5)
    root = parse_untrusted(demo_export(tmp_path, "lote-consulta.xml"))
    try:
        checker.start()
        hung = checker._process
        with pytest.raises(SchemaCheckFailed):
            checker.errors(root, "4.03.00")
        assert hung is not None and hung.returncode not in (None, 0)  # ended by us, not left
        assert checker.pid is None
    finally:
        checker.close()


def test_the_worker_refuses_what_it_cannot_check() -> None:
    assert "UnknownVersion" in str(answer(b"9.99.99\n<a/>")["problem"])
    assert "UnsafeXml" in str(
        answer(b'4.03.00\n<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>')["problem"]
    )


def test_a_worker_asked_nothing_is_ended_and_the_next_check_starts_it_again(
    tmp_path: Path,
) -> None:
    """A desk at rest holds no worker (its ~28 MiB); the next check still checks."""
    checker = WorkerChecker(idle_seconds=0.2)
    root = parse_untrusted(demo_export(tmp_path, "lote-sadt.xml"))
    expected = IN_PROCESS.errors(root, "4.03.00")
    try:
        assert checker.errors(root, "4.03.00") == expected
        first = checker._process
        assert first is not None
        first.wait(timeout=30)  # ended by the desk, not by itself: it never saw stdin end
        assert checker.pid is None
        assert checker.errors(root, "4.03.00") == expected
        assert checker.pid is not None and checker._process is not first
    finally:
        checker.close()


def test_a_worker_kept_busy_is_not_ended(tmp_path: Path) -> None:
    checker = WorkerChecker(idle_seconds=None)
    root = parse_untrusted(demo_export(tmp_path, "lote-consulta.xml"))
    try:
        assert checker.errors(root, "4.03.00") == []
        process = checker._process
        assert process is not None and checker._idle is None  # no end is waiting
    finally:
        checker.close()


def test_the_versions_named_at_the_start_are_compiled_before_any_request() -> None:
    schema.cache_clear()
    compile_ahead(["4.03.00", "9.99.99"])  # an unknown one is left to its request
    assert schema.cache_info().currsize == 1


def test_a_worker_that_compiles_ahead_answers_as_before(tmp_path: Path) -> None:
    checker = WorkerChecker(ahead=("4.03.00", "9.99.99"))
    root = parse_untrusted(demo_export(tmp_path, "lote-sadt.xml"))
    try:
        assert checker.command[-2:] == ["4.03.00", "9.99.99"]
        assert checker.errors(root, "4.03.00") == IN_PROCESS.errors(root, "4.03.00")
    finally:
        checker.close()
