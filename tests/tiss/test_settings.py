"""A TISS connection's settings, and sequencialTransacao numbers kept across restarts."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from frontdesk.tiss.sequence import MAX_SEQUENCE, DatabaseSequence, MemorySequence, SequenceFile
from frontdesk.tiss.tiss_settings import TissSettings, TissSettingsError

BASE = {
    "url": "https://tiss.operadora.example/ws/{operation}/v4.01.00",
    "registro_ans": "123456",
    "prestador_kind": "codigo",
    "prestador": "000123",
}


def settings(**changes: object) -> TissSettings:
    return TissSettings(**{**BASE, **changes})  # type: ignore[arg-type]


def test_one_url_per_operation_or_one_for_all() -> None:
    per_operation = settings()
    assert per_operation.url_for("tissVerificaElegibilidade") == (
        "https://tiss.operadora.example/ws/tissVerificaElegibilidade/v4.01.00"
    )
    single = settings(url="https://tiss.operadora.example/ws")
    assert single.url_for("tissCancelaGuia") == "https://tiss.operadora.example/ws"


def test_a_template_names_the_version_as_operators_do() -> None:
    """Real operators: one URL per operation, the version in the file name (`…V4_03_00.apw`)."""
    protheus = settings(url="https://ws.operadora.example/tiss/{operation}V{version}.apw")
    assert protheus.version == "4.03.00"  # the version in force, unless the profile says
    assert protheus.url_for("tissVerificaElegibilidade") == (
        "https://ws.operadora.example/tiss/tissVerificaElegibilidadeV4_03_00.apw"
    )
    older = settings(url="https://ws.operadora.example/v{version}/{operation}", version="4.02.00")
    assert (
        older.url_for("tissCancelaGuia") == "https://ws.operadora.example/v4_02_00/tissCancelaGuia"
    )
    hml = settings(
        test_url="https://hml.operadora.example/{operation}V{version}", environment="test"
    )
    assert hml.url_for("tissCancelaGuia") == "https://hml.operadora.example/tissCancelaGuiaV4_03_00"


def test_an_unknown_version_is_refused_with_the_known_ones() -> None:
    with pytest.raises(TissSettingsError) as bad:
        settings(version="4.04.00")
    assert bad.value.setting == "version"
    assert bad.value.problem == "no TISS 4.04.00; known: 4.03.00, 4.02.00, 4.01.00"


def test_test_and_production_hosts() -> None:
    both = settings(test_url="https://hml.operadora.example/{operation}")
    assert both.url_for("tissCancelaGuia").startswith("https://tiss.operadora.example/")
    chosen = settings(test_url="https://hml.operadora.example/{operation}", environment="test")
    assert chosen.url_for("tissCancelaGuia") == "https://hml.operadora.example/tissCancelaGuia"
    with pytest.raises(TissSettingsError, match="test_url"):
        settings(environment="test")


@pytest.mark.parametrize(
    ("changes", "setting"),
    [
        ({"url": "http://tiss.operadora.example/{operation}"}, "url"),
        ({"url": "https://tiss.operadora.example/{service}"}, "url"),
        ({"url": "https://tiss.operadora.example/{operation}V{versao}"}, "url"),
        ({"test_url": "https://hml.operadora.example/{Version}"}, "test_url"),
        ({"url": "https://user:pw@tiss.operadora.example/"}, "url"),
        ({"url": "ftp://tiss.operadora.example/"}, "url"),
        ({"registro_ans": "12345"}, "registro_ans"),
        ({"prestador_kind": "crm"}, "prestador_type"),
        ({"prestador_kind": "cnpj", "prestador": "123"}, "prestador"),
        ({"prestador": "123456789012345"}, "prestador"),
        ({"login": "x" * 21}, "login"),
        ({"cnes": "12345"}, "cnes"),
        ({"read_timeout": 0}, "read_timeout"),
        ({"connect_timeout": 601}, "connect_timeout"),
        ({"code_length": 11}, "code_length"),
        ({"code_length": 0}, "code_length"),
        ({"environment": "staging"}, "environment"),
    ],
)
def test_bad_settings_name_the_setting(changes: dict[str, object], setting: str) -> None:
    with pytest.raises(TissSettingsError) as bad:
        settings(**changes)
    assert bad.value.setting == setting


def test_plain_http_is_allowed_to_this_machine_only() -> None:
    assert settings(url="http://127.0.0.1:8765/v1/tiss/v4.01.00/{operation}").url.startswith(
        "http:"
    )
    assert settings(url="http://localhost:8765/v1/tiss").url.startswith("http:")


def test_the_login_defaults_to_the_prestador_code() -> None:
    assert settings().effective_login == "000123"
    assert settings(login="clinica01").effective_login == "clinica01"


def test_sequences_survive_a_restart_and_are_kept_per_scope(tmp_path: Path) -> None:
    path = tmp_path / "data" / "tiss-sequence.sqlite3"
    first = SequenceFile(path, start=lambda: 0)
    assert [first.next("999999:codigo:123456") for _ in range(3)] == ["1", "2", "3"]
    assert first.next("888888:codigo:123456") == "1"
    restarted = SequenceFile(path)  # a random start applies to new counters only
    assert restarted.next("999999:codigo:123456") == "4"
    if os.name == "posix":
        assert path.stat().st_mode & 0o777 == 0o600


def test_sequences_are_unique_across_threads(tmp_path: Path) -> None:
    path = tmp_path / "tiss-sequence.sqlite3"
    drawn: list[str] = []
    lock = threading.Lock()

    def draw() -> None:
        mine = [SequenceFile(path, start=lambda: 0).next("s") for _ in range(20)]
        with lock:
            drawn.extend(mine)

    threads = [threading.Thread(target=draw) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(drawn, key=int) == [str(n) for n in range(1, 81)]


@pytest.mark.postgres
def test_desks_sharing_a_sequence_database_never_draw_one_number_twice(postgres_url: str) -> None:
    """Four desks (each its own DatabaseSequence, as on four machines), drawing at once from
    one PostgreSQL (tests/support/postgres.py): every number once, in one run per scope."""
    drawn: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(4)

    def desk() -> None:
        sequence = DatabaseSequence(postgres_url, start=lambda: 0)
        barrier.wait()
        mine = [sequence.next("999999:codigo:123456") for _ in range(25)]
        with lock:
            drawn.extend(mine)

    threads = [threading.Thread(target=desk) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(drawn, key=int) == [str(n) for n in range(1, 101)]
    other = DatabaseSequence(postgres_url)  # another prestador: its own counter, random start
    first = int(other.next("999999:codigo:654321"))
    assert 1 <= first <= 10**11
    assert DatabaseSequence(postgres_url).next("999999:codigo:654321") == str(first + 1)


def test_new_counters_start_far_apart_so_two_desks_do_not_collide(tmp_path: Path) -> None:
    desks = [SequenceFile(tmp_path / f"desk{n}.sqlite3") for n in range(2)]
    first = [int(desk.next("999999:codigo:123456")) for desk in desks]
    assert all(1 <= value <= 10**11 for value in first)
    assert first[0] != first[1]  # equal only with probability 1e-11
    assert int(desks[0].next("999999:codigo:123456")) == first[0] + 1


def test_a_sequence_fits_twelve_digits_and_wraps() -> None:
    memory = MemorySequence(start=MAX_SEQUENCE - 1)
    assert memory.next("s") == str(MAX_SEQUENCE)
    assert len(memory.next("t")) == 12
    assert memory.next("s") == "1"
