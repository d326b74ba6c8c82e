"""A database that cannot be written: writes answer 503 `storage_unavailable` with
Retry-After, one log line names the database and the cause, reads are still served, and
the backend recovers by itself when it can write again.

The real case, a full disk, runs on a small tmpfs and needs root to mount it; the same
path through the code also runs everywhere with SQLite's `query_only` switch (writes
refused with SQLITE_READONLY).
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from frontdesk.backend.clock import ManualClock
from frontdesk.backend.local import open_backend
from frontdesk.backend.server import STORAGE_RETRY_AFTER, create_app
from frontdesk.backend.service import LocalBackend
from frontdesk.backend.store import SqliteStore, StorageUnavailable
from support.demo import JOAO, MARIA

from .conftest import backend_state

KEY = "storage-key"
START = 1_795_000_000.0


@dataclass
class Desk:
    backend: LocalBackend
    http: httpx.AsyncClient
    clock: ManualClock

    def auth(self, **extra: str) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {KEY}",
            **{k.replace("_", "-"): v for k, v in extra.items()},
        }

    def number(self, name: str, index: int = 0) -> str:
        items = self.backend.list_guides("awaiting_token", None)["items"]
        return [g["number"] for g in items if g["beneficiary"]["name"] == name][index]


@pytest.fixture
async def make_desk(openapi_log: Any) -> AsyncIterator[Any]:
    made: list[Desk] = []

    async def make(db: Path) -> Desk:
        clock = ManualClock(START)
        backend = open_backend(db, clock=clock, deterministic=True)
        backend.close()  # a checkpointed, empty WAL: the next write must grow the file
        backend = open_backend(db, clock=clock, deterministic=True)
        app = create_app(backend, api_key=KEY, log_access=False)
        http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://x")
        openapi_log.attach(http)
        desk = Desk(backend, http, clock)
        made.append(desk)
        return desk

    yield make
    for desk in made:
        await desk.http.aclose()
        desk.backend.close()


async def _writes_refused(desk: Desk, before: dict[str, Any]) -> None:
    """Every kind of write is 503 with Retry-After; reads answer as before; nothing moved."""
    maria, joao = desk.number(MARIA), desk.number(JOAO)
    for path, body in (
        (f"/v1/guides/{maria}/token", {"channel_id": "c1"}),
        (f"/v1/guides/{joao}/token/validate", {"code": "000000"}),  # a counted failure
        (f"/v1/guides/{maria}/token/absence", {"reason": "01"}),
        ("/v1/_local/sac-code", {"guide": maria}),
    ):
        response = await desk.http.post(path, json=body, headers=desk.auth(Idempotency_Key="k1"))
        assert response.status_code == 503, (path, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["retry-after"] == str(STORAGE_RETRY_AFTER)
        problem = response.json()
        assert (problem["code"], problem["retry_after"]) == (
            "storage_unavailable",
            STORAGE_RETRY_AFTER,
        )
    for path in (
        "/v1/guides",
        f"/v1/guides/{joao}",
        f"/v1/guides/{joao}/token",
        f"/v1/guides/{joao}/token/channels",
        f"/v1/guides/{joao}/events",
        "/v1/_local/outbox",
        "/v1/health",
    ):
        response = await desk.http.get(path, headers=desk.auth())
        assert response.status_code == 200, (path, response.text)
    assert backend_state(desk.backend) == before


async def _writes_work_again(desk: Desk) -> None:
    maria = desk.number(MARIA)
    sent = len(desk.backend.sim_outbox()["messages"])
    # The same Idempotency-Key as the refused send: that send never happened, so it runs now.
    response = await desk.http.post(
        f"/v1/guides/{maria}/token",
        json={"channel_id": "c1"},
        headers=desk.auth(Idempotency_Key="k1"),
    )
    assert response.status_code == 201, response.text
    assert "idempotent-replayed" not in response.headers
    outbox = desk.backend.sim_outbox()["messages"]
    assert (len(outbox), outbox[0]["guide"]) == (sent + 1, maria)


def _storage_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if "storage" in r.getMessage()]


async def test_a_read_only_database(
    tmp_path: Path, make_desk: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="frontdesk")
    db = tmp_path / "ro.sqlite3"
    desk = await make_desk(db)
    # A code sent and delivered but not yet read: a read must record the delivery.
    joao = desk.number(JOAO)
    desk.backend.send(joao, channel_id="c1")
    desk.clock.advance(5)
    store = desk.backend.store
    assert isinstance(store, SqliteStore)
    store._conn.execute("PRAGMA query_only = 1")  # every write: SQLITE_READONLY
    before = backend_state(desk.backend)  # read while nothing can be written
    assert before["guides"]  # answered
    token = desk.backend.get_token(joao)
    assert (token["state"], token["delivery"]) == ("pending", "delivered")
    # The delivery is not in the history until it can be recorded.
    assert [e["kind"] for e in before["events"][joao]] == ["token_sent"]
    await _writes_refused(desk, before)
    [line] = _storage_lines(caplog)
    assert line.startswith(f"storage unavailable: database {db}: ")
    assert "SQLITE_READONLY" in line
    store._conn.execute("PRAGMA query_only = 0")
    await _writes_work_again(desk)
    assert _storage_lines(caplog)[1:] == ["storage: writes succeed again; serving normally"]
    # The delivery the reads could not record is recorded now, once.
    kinds = [e["kind"] for e in desk.backend.events(joao)["events"]]
    assert kinds == ["token_sent", "delivery"]


def test_a_store_that_cannot_write_says_so(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "s.sqlite3")
    try:
        store._conn.execute("PRAGMA query_only = 1")
        with pytest.raises(StorageUnavailable) as info, store.transaction():
            store.add_send("g", 1.0)
        assert info.value.path == str(tmp_path / "s.sqlite3")
        assert "SQLITE_READONLY" in info.value.cause
        assert not store._conn.in_transaction  # rolled back: the next one can begin
        with store.transaction(commit=False):  # a read: no write lock needed
            assert store.send_times("g", 0) == []
    finally:
        store.close()


# -- a full disk -------------------------------------------------------------------------------


def _tmpfs_unavailable() -> str | None:
    if sys.platform != "linux":
        return "mounting a tmpfs needs Linux"
    if os.geteuid() != 0:
        return "mounting a small tmpfs needs root; the read-only test covers the same code"
    if shutil.which("mount") is None or shutil.which("umount") is None:
        return "mount/umount not found"
    return None


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 4 MiB tmpfs, unmounted afterwards."""
    reason = _tmpfs_unavailable()
    if reason:
        pytest.skip(reason)
    where = tmp_path / "small"
    where.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs", str(where)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", str(where)], capture_output=True, check=False)
        if os.path.ismount(where):
            subprocess.run(["umount", "-l", str(where)], capture_output=True, check=False)


def fill(directory: Path) -> Path:
    """Write a file until the disk is full, to the last byte; return it."""
    filler = directory / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        size = 1 << 20
        while size:
            try:
                os.write(fd, b"\0" * size)
            except OSError as error:
                assert error.errno == errno.ENOSPC
                size //= 2
    finally:
        os.close(fd)
    return filler


async def test_a_full_disk(
    small_disk: Path, make_desk: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="frontdesk")
    db = small_disk / "backend.sqlite3"
    desk = await make_desk(db)
    before = backend_state(desk.backend)
    filler = fill(small_disk)
    await _writes_refused(desk, before)
    [line] = _storage_lines(caplog)
    assert line.startswith(f"storage unavailable: database {db}: ")
    assert "full" in line
    filler.unlink()  # space is back
    await _writes_work_again(desk)
    assert _storage_lines(caplog)[1:] == ["storage: writes succeed again; serving normally"]
    assert (await desk.http.get("/v1/health")).status_code == 200
