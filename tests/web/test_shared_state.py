"""The web hosts' shared state (web/shared.py, config/shared_audit.py) in one process, two
"hosts" being two stores (two connections) on one database: the failure count that no
concurrent pair loses, the idle expiry every host applies once, the audit masked as the file.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from frontdesk.audit_log import AuditLog
from frontdesk.backend.database import Database, parse_database_url
from frontdesk.backend.local import open_store
from frontdesk.backend.records import Store
from frontdesk.config.shared_audit import DatabaseAudit
from frontdesk.web.guard import Attempt, LoginGuard
from frontdesk.web.server import WebServer
from frontdesk.web.shared import EPOCH, DatabaseSessions, SignInTable, token_id
from frontdesk.web.throttle import DeviceCookies
from frontdesk.web.users import UsersError, UserStore
from support.isolation import Home
from web.conftest import Wall, settings_with

NOW = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Database:
    if request.param == "sqlite":
        return parse_database_url(f"sqlite:///{tmp_path / 'chain.sqlite3'}")
    return parse_database_url(str(request.getfixturevalue("postgres_url")))


@pytest.fixture
def two_hosts(database: Database) -> Iterator[tuple[Store, Store]]:
    a, b = open_store(database), open_store(database)
    try:
        yield a, b
    finally:
        a.close()
        b.close()


def test_failures_counted_at_once_on_two_hosts_are_all_counted(
    two_hosts: tuple[Store, Store],
) -> None:
    tables = [SignInTable(store, "db") for store in two_hosts]
    counts: list[int] = []
    start = threading.Barrier(len(tables))

    def count(table: SignInTable) -> None:
        start.wait()
        for _ in range(20):
            counted = table.count_failure(
                "ana", "", now=NOW, forgiven=EPOCH, lock=timedelta(minutes=15), most=1000
            )
            counts.append(counted.failures)

    threads = [threading.Thread(target=count, args=(table,)) for table in tables]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(counts) == list(range(1, 41))  # each count returned once: none lost
    assert tables[0].lock("ana", "")[0] == 40


def test_the_fifth_failure_locks_and_a_served_or_forgiven_lock_counts_afresh(
    two_hosts: tuple[Store, Store],
) -> None:
    a, b = (SignInTable(store, "db") for store in two_hosts)
    lock = timedelta(minutes=15)
    for minute, table in enumerate((a, b, a, b)):
        counted = table.count_failure(
            "ana", "", now=NOW + timedelta(minutes=minute), forgiven=EPOCH, lock=lock, most=5
        )
        assert counted.locked_at is None
    fifth = b.count_failure(
        "ana", "", now=NOW + timedelta(minutes=4), forgiven=EPOCH, lock=lock, most=5
    )
    assert (fifth.failures, fifth.locked_at) == (5, NOW + timedelta(minutes=4))
    assert a.lock("ana", "")[2] == NOW + timedelta(minutes=4)  # host A sees B's lock
    served = a.count_failure(
        "ana", "", now=NOW + timedelta(minutes=20), forgiven=EPOCH, lock=lock, most=5
    )
    assert (served.failures, served.locked_at) == (1, None)
    unlocked = NOW + timedelta(minutes=21)  # the technician unlocks (or a new password)
    forgiven = b.count_failure(
        "ana", "", now=NOW + timedelta(minutes=22), forgiven=unlocked, lock=lock, most=5
    )
    assert forgiven.failures == 1
    assert a.lock("ana", "device-1")[0] == 0  # each device cookie has its own row


def test_an_idle_session_is_ended_once_by_all_hosts_sweeping(
    two_hosts: tuple[Store, Store],
) -> None:
    now = [1_000_000.0]
    a, b = (DatabaseSessions(store, "db", 600, clock=lambda: now[0]) for store in two_hosts)
    session = a.open("ana", "127.0.0.1", "pt", Attempt("ok", "ana"))
    found = b.find(session.token)
    assert found is not None and found.csrf == session.csrf and found.user == "ana"
    now[0] += 300
    b.touch(found)  # activity on host B keeps it alive for host A's sweep
    now[0] += 400
    assert a.idle_out() == [] and b.idle_out() == []
    now[0] += 601
    ended = [*a.idle_out(), *b.idle_out()]
    assert [(s.user, s.address) for s in ended] == [("ana", "127.0.0.1")]
    assert b.find(session.token) is None
    assert a.gone(session.token) == "expired"


def test_the_table_keeps_the_hash_of_a_session_token_only(
    two_hosts: tuple[Store, Store],
) -> None:
    store = two_hosts[0]
    session = DatabaseSessions(store, "db", 600).open("ana", "::1", None, Attempt("ok", "ana"))
    with store.transaction(commit=False):
        rows = list(store.connection().execute("SELECT id FROM web_sessions"))  # type: ignore[attr-defined]
    assert [row[0] for row in rows] == [token_id(session.token)]
    assert session.token not in token_id(session.token)


def test_the_audit_table_is_masked_exactly_as_the_file(
    home: Home, two_hosts: tuple[Store, Store]
) -> None:
    in_file = AuditLog(now=lambda: NOW)
    in_table = AuditLog(now=lambda: NOW, table=DatabaseAudit(two_hosts[0], "db"))
    for log in (in_file, in_table):
        log.record(
            "send",
            outcome="sent",
            guide="2026112200017",
            channel="sms",
            destination="43999991234",
            user="ana",
        )
        log.record("web_login", outcome="code 123456", user="Ana Maria", address="<script>")
    from_table = AuditLog(table=DatabaseAudit(two_hosts[1], "db")).read()  # the other host
    assert [r.to_json() for r in from_table] == [r.to_json() for r in in_file.read()]
    assert from_table[0].destination == "(43) *****-1234"
    assert (from_table[1].outcome, from_table[1].user, from_table[1].address) == (
        "redacted",
        "redacted",
        "redacted",
    )


def test_users_list_shows_a_lock_counted_on_any_host(
    home: Home, database: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    from frontdesk.cli import main
    from frontdesk.config.shared_users import DatabaseUsers
    from web.conftest import PASSWORD

    a_minute_ago = datetime.now(UTC) - timedelta(minutes=1)  # unlocks are to the second
    users = UserStore(table=DatabaseUsers(database), now=lambda: a_minute_ago)
    users.add("ana", PASSWORD)
    table = SignInTable(open_store(database), "db")
    for _ in range(5):
        table.count_failure(
            "ana", "", now=a_minute_ago, forgiven=EPOCH, lock=timedelta(minutes=15), most=5
        )
    url = database.url if database.kind == "postgresql" else f"sqlite:///{database.path}"
    assert main(["web", "users", "list", "--database", url]) == 0
    assert capsys.readouterr().out.splitlines()[1].split()[:3] == ["ana", "bloqueado", "até"]
    assert main(["web", "users", "unlock", "--database", url, "ana"]) == 0
    assert main(["web", "users", "list", "--database", url]) == 0
    assert capsys.readouterr().out.splitlines()[-1].split()[:2] == ["ana", "ativo"]


class Unreachable:
    """Sessions in a database that cannot be reached now."""

    idle_seconds = 600.0

    def end_host(self) -> list[Any]:
        return []  # the database's sessions are not this host's to end

    def __getattr__(self, name: str) -> Any:
        def fail(*_args: Any) -> Any:
            raise UsersError("postgresql://db/chain: cannot connect")

        return fail


async def test_an_unreachable_session_database_is_a_503_page_not_a_500(
    home: Home, store: UserStore, wall: Wall
) -> None:
    server = WebServer(
        settings_with(),
        guard=LoginGuard(store, now=wall),
        audit=AuditLog(now=wall),
        devices=DeviceCookies(b"k" * 32, now=lambda: wall().timestamp()),
        sessions=Unreachable(),  # type: ignore[arg-type]
    )
    runner = web.AppRunner(server.application(), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    try:
        async with (
            aiohttp.ClientSession(cookies={"fd_session": "some-token"}) as client,
            client.get(f"http://{host}:{port}/", allow_redirects=False) as response,
        ):
            assert response.status == 503
            assert response.headers["Retry-After"] == "5"
            assert "não consegue ler as sessões agora" in await response.text()
    finally:
        await runner.cleanup()


async def test_names_that_are_no_user_are_locked_alike_and_forgotten_later(
    home: Home, database: Database
) -> None:
    from frontdesk.config.shared_users import DatabaseUsers
    from frontdesk.web.shared import SharedLoginGuard

    wall = Wall(NOW)
    users = UserStore(table=DatabaseUsers(database), now=wall)
    store = open_store(database)
    guard = SharedLoginGuard(users, SignInTable(store, "db"), now=wall)
    attempts = [await guard.attempt("zeca", "x", "10.0.0.9") for _ in range(6)]
    assert [a.outcome for a in attempts] == ["unknown_user"] * 5 + ["locked"]
    assert attempts[4].locked_until == NOW + timedelta(minutes=15)
    with store.transaction(commit=False):
        count = "SELECT count(*) FROM web_locks"
        assert store.connection().execute(count).fetchone()[0] == 1  # type: ignore[attr-defined]
    wall.advance(minutes=16)  # served: the next unknown name's attempt forgets it
    assert (await guard.attempt("zeca2", "x", "10.0.0.9")).locked_until is None
    with store.transaction(commit=False):
        names = [r[0] for r in store.connection().execute("SELECT name FROM web_locks")]  # type: ignore[attr-defined]
    assert names == ["zeca2"]
