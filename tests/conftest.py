"""Fixtures shared by the whole suite (support/ holds the code they are built on).

- every test runs in its own home, in pt-BR and São Paulo's time zone (`home`, autouse);
- `manual_clock`, a clock that stands still at FIXED_EPOCH;
- `openapi_log`: every response a test's clients saw is checked against docs/openapi.yaml;
- `served_http` / `served_https`: `frontdesk serve` on loopback, once per session;
- `postgres_cluster`: a private PostgreSQL cluster, once per session (support/postgres.py),
  and `postgres_url`, a fresh database in it per test (skipped with the reason when
  PostgreSQL or psycopg is missing);
- at the end of the session, no process the suite started and no non-daemon thread may be
  left running (a suite that leaves servers behind fails).
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from frontdesk.backend.clock import ManualClock
from frontdesk.core import i18n
from support.isolation import (
    SERVED_KEY,
    STARTED,
    Home,
    MemoryKeyring,
    Served,
    isolate_home,
    served_backend,
    swapped_keyring,
)
from support.openapi_check import OpenApiLog
from support.postgres import PostgresCluster, start_cluster, stop_cluster, why_unavailable

# 2026-11-18T11:06:40Z: a fixed "now" so demo guide numbers and countdowns are reproducible.
FIXED_EPOCH = 1_795_000_000.0

# Environment that would change what the app or the tools do, removed for every test.
_UNSET = ("FRONTDESK_THEME", "SSH_CONNECTION", "SSH_TTY", "NO_COLOR")


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Home]:
    """An isolated HOME, XDG directories, config file path and in-memory keyring; pt-BR;
    São Paulo's time zone (stable local times)."""
    root = tmp_path / "home"
    config = isolate_home(root, monkeypatch, unset=_UNSET)
    monkeypatch.setenv("TZ", "America/Sao_Paulo")
    time.tzset()
    i18n.set_language("pt")
    with swapped_keyring(MemoryKeyring()) as memory:
        yield Home(
            root=root,
            config=config,
            keys=config.parent / "keys",
            state=root / ".local" / "state",
            data=root / ".local" / "share",
            keyring=memory,
        )
    i18n.set_language(None)
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def manual_clock() -> ManualClock:
    """A clock that stands still at FIXED_EPOCH until the test moves it."""
    return ManualClock(FIXED_EPOCH)


@pytest.fixture
def openapi_log() -> Iterator[OpenApiLog]:
    """Attach clients to it; at teardown every response they saw must match the OpenAPI doc."""
    log = OpenApiLog()
    yield log
    log.check()


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PostgresCluster]:
    """A private PostgreSQL cluster for the session, stopped by its process id."""
    reason = why_unavailable()
    if reason is not None:
        pytest.skip(reason)
    cluster = start_cluster()
    try:
        yield cluster
    finally:
        stop_cluster(cluster)


@pytest.fixture
def postgres_url(postgres_cluster: PostgresCluster) -> Iterator[str]:
    """A fresh, empty database of the session's cluster; its URL (no password in it)."""
    url = postgres_cluster.new_database()
    yield url
    postgres_cluster.drop_database(url)


@pytest.fixture(scope="session")
def served_http(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """`frontdesk serve` on a loopback port, plain HTTP."""
    with served_backend(tmp_path_factory.mktemp("served-http")) as url:
        yield Served(url=url, key=SERVED_KEY)


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A private CA and a server certificate it signed for 127.0.0.1 and localhost."""
    where = tmp_path_factory.mktemp("tls")
    ec = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes")
    _openssl(
        "req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "30",
        "-subj", "/CN=frontdesk test CA",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        cwd=where,
    )  # fmt: skip
    _openssl(
        "req", *ec, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost",
        cwd=where,
    )  # fmt: skip
    (where / "server.ext").write_text(
        "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
        "basicConstraints=critical,CA:FALSE\n"
        "keyUsage=critical,digitalSignature\n"
        "extendedKeyUsage=serverAuth\n"
        "authorityKeyIdentifier=keyid,issuer\n"
        "subjectKeyIdentifier=hash\n"
    )
    _openssl(
        "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-out", "server.pem", "-days", "30", "-extfile", "server.ext",
        cwd=where,
    )  # fmt: skip
    return {"ca": where / "ca.pem", "cert": where / "server.pem", "key": where / "server.key"}


@pytest.fixture(scope="session")
def served_https(
    tmp_path_factory: pytest.TempPathFactory, tls_files: dict[str, Path]
) -> Iterator[Served]:
    """`frontdesk serve --tls-cert --tls-key` on loopback: real TLS with a private CA."""
    with served_backend(
        tmp_path_factory.mktemp("served-https"),
        "--tls-cert",
        str(tls_files["cert"]),
        "--tls-key",
        str(tls_files["key"]),
    ) as url:
        yield Served(url=url, key=SERVED_KEY, ca=tls_files["ca"])


def _child_processes() -> list[str]:
    """This process's live children, from /proc (Linux); elsewhere the registered ones."""
    me = str(os.getpid())
    proc = Path("/proc")
    if not proc.is_dir():
        return [str(p.args) for p in STARTED if p.poll() is None]
    found = []
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces, so split after the last ")".
        fields = stat[stat.rindex(")") + 2 :].split()
        if fields[1] == me and fields[0] != "Z":
            try:
                cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                cmd = "?"
            found.append(f"{entry.name}: {cmd.strip()}")
    return found


@pytest.fixture(scope="session", autouse=True)
def nothing_left_behind() -> Iterator[None]:
    """At the end of the session: no child process and no non-daemon thread still running."""
    yield
    deadline = time.monotonic() + 10  # time for servers being stopped to finish
    while True:
        children = _child_processes()
        threads = [
            t.name
            for t in threading.enumerate()
            if t is not threading.main_thread() and not t.daemon and t.is_alive()
        ]
        if not (children or threads) or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert not children, f"processes left running by the suite: {children}"
    assert not threads, f"non-daemon threads left running by the suite: {threads}"
