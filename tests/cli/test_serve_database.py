"""`frontdesk serve --database URL`: which database, its password, its schema version.

A URL with a password is refused before anything starts (a command line is visible to
every user, `ps`); an older schema is refused with the command that migrates it, and
`--migrate` migrates it, on SQLite and on PostgreSQL (a private cluster,
tests/support/postgres.py); the password comes from PGPASSWORD.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from frontdesk.backend.schema import MIGRATIONS, SCHEMA_VERSION, postgres_ddl, statements
from support.isolation import SERVED_KEY, served_backend
from support.postgres import PostgresCluster

AUTH = {"Authorization": f"Bearer {SERVED_KEY}"}


def run_serve(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`frontdesk serve` expected to refuse (it exits at once); in pt-BR."""
    environment = {k: v for k, v in os.environ.items() if k != "FRONTDESK_API_KEY"}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "frontdesk", "--lang", "pt", "serve", "--port", "0", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=environment,
        check=False,
    )


def test_a_password_in_the_url_is_refused_and_never_shown_back() -> None:
    for url in (
        "postgresql://clinic:s3cret-word@db.example/frontdesk",
        "postgresql://clinic@db.example/frontdesk?password=s3cret-word",
    ):
        result = run_serve("--database", url)
        assert result.returncode == 2, result.stderr
        assert "traz uma senha" in result.stderr and "PGPASSWORD" in result.stderr
        assert "s3cret-word" not in result.stderr + result.stdout
        assert "Traceback" not in result.stderr


def test_an_unknown_scheme_and_both_options_are_refused(tmp_path: Path) -> None:
    unknown = run_serve("--database", "mysql://clinic@db/frontdesk")
    assert unknown.returncode == 2
    assert "banco de dados desconhecido" in unknown.stderr and "sqlite:///" in unknown.stderr
    both = run_serve("--database", f"sqlite:///{tmp_path}/a.db", "--db", str(tmp_path / "b"))
    assert both.returncode == 2 and "não os dois" in both.stderr


def _sqlite_at_version_1(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        for statement in statements(MIGRATIONS[0]):
            conn.execute(statement)
        conn.execute("PRAGMA user_version = 1")


def test_an_older_sqlite_schema_is_refused_with_the_command_then_migrated(
    tmp_path: Path,
) -> None:
    db = tmp_path / "old.sqlite3"
    _sqlite_at_version_1(db)
    url = f"sqlite:///{db}"
    refused = run_serve("--database", url)
    assert refused.returncode == 1
    assert f"esquema versão 1 e este frontdesk usa a versão {SCHEMA_VERSION}" in refused.stderr
    assert f"frontdesk serve --migrate --database {url}" in refused.stderr
    with sqlite3.connect(db) as conn:  # untouched
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    with served_backend(tmp_path, "--migrate", database=url) as base:
        assert httpx.get(f"{base}/guides", headers=AUTH).status_code == 200
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert conn.execute("SELECT count(*) FROM tiss_transactions").fetchone()[0] == 0


@pytest.mark.postgres
def test_an_older_postgres_schema_is_refused_then_migrated_with_pgpassword(
    tmp_path: Path, postgres_cluster: PostgresCluster, postgres_url: str
) -> None:
    import psycopg

    with psycopg.connect(postgres_url) as conn:
        conn.execute(
            "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, "
            "applied_at DOUBLE PRECISION NOT NULL)"
        )
        for statement in statements(postgres_ddl(MIGRATIONS[0])):
            conn.execute(statement)
        conn.execute("INSERT INTO schema_migrations VALUES (1, 0)")
    # Over TCP, where the cluster asks for the password: it comes from PGPASSWORD.
    name = postgres_url.split("/")[3].split("?")[0]
    url = postgres_cluster.url(name, tcp=True)
    refused = run_serve("--database", url, PGPASSWORD=postgres_cluster.password)
    assert refused.returncode == 1, refused.stderr
    assert f"frontdesk serve --migrate --database {url}" in refused.stderr
    without_password = run_serve("--database", url, "--migrate", PGPASSWORD="wrong")
    assert without_password.returncode == 1
    assert "password authentication failed" in without_password.stderr
    assert "Traceback" not in without_password.stderr
    with served_backend(
        tmp_path, "--migrate", database=url, env_extra={"PGPASSWORD": postgres_cluster.password}
    ) as base:
        guides = httpx.get(f"{base}/guides", headers=AUTH)
        assert guides.status_code == 200 and guides.json()["items"]
    with psycopg.connect(postgres_url) as conn:
        versions = [v for (v,) in conn.execute("SELECT version FROM schema_migrations ORDER BY 1")]
        assert versions == list(range(1, SCHEMA_VERSION + 1))
        assert conn.execute("SELECT count(*) FROM tiss_transactions").fetchone() == (0,)
