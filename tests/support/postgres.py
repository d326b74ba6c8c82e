"""A private PostgreSQL cluster for the tests: Debian's `postgresql`, started and stopped here.

`initdb` in a temporary directory (as the `postgres` user when the tests run as root:
initdb refuses root), the server on a Unix socket in that directory and a free loopback
port, local connections trusted and TCP ones by password (scram-sha-256), stopped by
its process id at the end of the session. Each test gets a fresh database
(`PostgresCluster.new_database`). Without PostgreSQL's programs or psycopg the tests
that need it are skipped with the reason, never silently.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SUPERUSER = "frontdesk"


def _bindir() -> Path | None:
    """Debian's versioned directory of PostgreSQL's programs (the newest), else PATH's."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version_key)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _version_key(path: str) -> int:
    part = Path(path).parent.parent.name
    return int(part) if part.isdigit() else 0


def why_unavailable() -> str | None:
    """Why the tests cannot have a PostgreSQL cluster here, or None when they can."""
    if _bindir() is None:
        return "PostgreSQL is not installed (Debian: apt-get install postgresql; .ci/run does)"
    try:
        import psycopg  # noqa: F401
        import psycopg_pool  # noqa: F401
    except ImportError:
        return 'psycopg is not installed (pip install "frontdesk[postgres]")'
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PostgresCluster:
    """One running cluster: its directory, socket directory, port and superuser password."""

    root: Path
    port: int
    password: str
    pid: int = 0
    _databases: int = field(default=0, repr=False)

    @property
    def socket_dir(self) -> Path:
        return self.root / "socket"

    def url(self, database: str = "postgres", *, tcp: bool = False) -> str:
        """A URL without password: over the Unix socket (trusted) or TCP (needs one)."""
        if tcp:
            return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"
        return f"postgresql://{SUPERUSER}@/{database}?host={self.socket_dir}&port={self.port}"

    def execute(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(sql)

    def new_database(self) -> str:
        """A fresh, empty database; its URL (over the Unix socket)."""
        self._databases += 1
        name = f"test_{os.getpid()}_{self._databases}"
        self.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def drop_database(self, url: str) -> None:
        name = url.split("/")[3].split("?")[0]
        self.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _as_postgres() -> dict[str, Any]:
    """subprocess arguments that run a program as `postgres` when we are root."""
    if os.geteuid() != 0:
        return {}
    entry = pwd.getpwnam("postgres")
    return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}


def start_cluster() -> PostgresCluster:
    """initdb and start a cluster in a new temporary directory (see the module docstring)."""
    bindir = _bindir()
    assert bindir is not None
    root = Path(tempfile.mkdtemp(prefix="frontdesk-pg-"))
    cluster = PostgresCluster(root=root, port=free_port(), password=secrets.token_urlsafe(16))
    (root / "socket").mkdir()
    (root / "pwfile").write_text(cluster.password + "\n")
    as_postgres = _as_postgres()
    if as_postgres:
        for path in (root, root / "socket", root / "pwfile"):
            os.chown(path, as_postgres["user"], as_postgres["group"])
    subprocess.run(
        [
            str(bindir / "initdb"),
            "-D",
            str(root / "data"),
            "-U",
            SUPERUSER,
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            f"--pwfile={root / 'pwfile'}",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
        ],
        check=True,
        capture_output=True,
        **as_postgres,
    )
    options = (
        f"-k {root / 'socket'} -p {cluster.port} -c listen_addresses=127.0.0.1 "
        "-c fsync=off -c max_connections=60"
    )
    subprocess.run(
        [
            str(bindir / "pg_ctl"),
            "-D",
            str(root / "data"),
            "-o",
            options,
            "-l",
            str(root / "server.log"),
            "-w",
            "-t",
            "60",
            "start",
        ],
        check=True,
        capture_output=True,
        **as_postgres,
    )
    cluster.pid = int((root / "data" / "postmaster.pid").read_text().split()[0])
    return cluster


def stop_cluster(cluster: PostgresCluster) -> None:
    """Stop the server by its process id (SIGINT: PostgreSQL's fast shutdown), wait for it to
    go (SIGKILL after 30 s), and remove its directory."""
    if cluster.pid:
        with contextlib.suppress(ProcessLookupError):
            os.kill(cluster.pid, signal.SIGINT)
        deadline = time.monotonic() + 30
        while _alive(cluster.pid):
            if time.monotonic() > deadline:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(cluster.pid, signal.SIGKILL)
            time.sleep(0.05)
    shutil.rmtree(cluster.root, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (not our child, so never reaped by us) counts as gone.
    with contextlib.suppress(OSError):
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        return state != "Z"
    return True
