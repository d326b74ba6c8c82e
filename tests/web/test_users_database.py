"""`frontdesk web --database URL`: the users in a database several web hosts share.

On SQLite (a file any host could reach on a shared disk, and what runs without a cluster)
and on PostgreSQL (tests/support/postgres.py): a user added on one host is seen by every
other at once, without a users file; `frontdesk web users migrate --database URL` copies a
host's users file in; `frontdesk web --database URL` starts on the database's users.
"""

from __future__ import annotations

import subprocess
import sys

import aiohttp
import pytest

from frontdesk.backend.database import parse_database_url
from frontdesk.cli import main
from frontdesk.config.shared_users import DatabaseUsers
from frontdesk.web.users import UserStore, users_file
from support.isolation import STARTED, Home
from web.conftest import OTHER_PASSWORD, PASSWORD, SERVING, frontdesk


def host(database: str) -> UserStore:
    """The users as one web host sees them."""
    return UserStore(table=DatabaseUsers(parse_database_url(database)))


def test_a_user_added_on_one_host_is_known_on_every_host(home: Home, database: str) -> None:
    added = frontdesk("web", "users", "add", "--database", database, "ana", stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    assert f"Usuário ana cadastrado em {parse_database_url(database).shown}" in added.stdout
    assert not users_file().exists()  # nothing in this machine's file
    a, b = host(database), host(database)
    assert a.active_names() == b.active_names() == ["ana"]
    a.remove("ana")  # on host A: host B sees it at once
    assert b.active_names() == []
    listed = frontdesk("web", "users", "list", "--database", database)
    assert listed.stdout.splitlines()[1].split()[:2] == ["ana", "inativo"]


def test_migrate_copies_a_hosts_users_file_into_the_database(
    home: Home, database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    local = UserStore()
    local.add("ana", PASSWORD)
    local.add("bia", OTHER_PASSWORD)
    host(database).add("bia", PASSWORD)  # already in the database: kept as it is there
    assert main(["web", "users", "migrate", "--database", database]) == 0
    out = capsys.readouterr().out
    assert "bia já existe" in out and "1 usuário(s)" in out
    shared = host(database)
    assert shared.active_names() == ["ana", "bia"]
    ana = shared.get("ana")
    assert ana is not None and ana.hash == local.users()["ana"].hash  # the same password
    bia = shared.get("bia")
    assert bia is not None and bia.hash != local.users()["bia"].hash


def test_migrate_needs_a_database(home: Home, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["web", "users", "migrate"]) == 2
    assert "--database URL" in capsys.readouterr().err


def test_the_server_reads_its_users_from_the_database(
    home: Home, database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["web", "--database", database]) == 2  # no users there yet
    assert parse_database_url(database).shown in capsys.readouterr().err
    host(database).add("ana", PASSWORD)
    process = subprocess.Popen(
        [sys.executable, "-m", "frontdesk", "web", "--port", "0", "--database", database],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    STARTED.append(process)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        found = SERVING.search(line)
        assert found, (line, process.stderr.read() if process.poll() is not None else "")
    finally:
        process.terminate()
        process.communicate(timeout=30)


async def test_a_password_in_the_url_is_refused(home: Home) -> None:
    done = frontdesk("web", "users", "list", "--database", "postgresql://u:s3cret@db/x")
    assert done.returncode == 2
    assert "PGPASSWORD" in done.stderr and "s3cret" not in done.stderr
    assert aiohttp  # the module's other tests use it
