"""The PostgreSQL store when its connection is lost: one 503 to retry, then it serves again.

A connection PostgreSQL ends (a restart, a dropped network: here `pg_terminate_backend`)
fails the transaction that was using it with 503 `storage_unavailable` and Retry-After,
nothing of it kept; the pool opens a new connection, and the retry with the same
Idempotency-Key runs (the failed one never happened).
"""

from __future__ import annotations

import httpx
import pytest

from frontdesk.backend.clock import ManualClock
from frontdesk.backend.database import parse_database_url
from frontdesk.backend.local import open_backend
from frontdesk.backend.server import STORAGE_RETRY_AFTER, create_app
from support.demo import MARIA
from support.postgres import PostgresCluster

pytestmark = pytest.mark.postgres

KEY = "postgres-store-key-0123"


async def test_a_dropped_connection_is_one_503_then_the_retry_runs(
    postgres_cluster: PostgresCluster, postgres_url: str
) -> None:
    backend = open_backend(
        parse_database_url(postgres_url), clock=ManualClock(1_795_000_000.0), deterministic=True
    )
    app = create_app(backend, api_key=KEY, log_access=False)
    auth = {"Authorization": f"Bearer {KEY}", "Idempotency-Key": "k1"}
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://x"
        ) as http:
            listed = (await http.get("/v1/guides?status=awaiting_token", headers=auth)).json()
            number = next(g["number"] for g in listed["items"] if g["beneficiary"]["name"] == MARIA)
            name = postgres_url.split("/")[3].split("?")[0]
            postgres_cluster.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                f"WHERE datname = '{name}' AND pid <> pg_backend_pid()"
            )
            path = f"/v1/guides/{number}/token"
            refused = await http.post(path, json={"channel_id": "c1"}, headers=auth)
            assert refused.status_code == 503, refused.text
            assert refused.json()["code"] == "storage_unavailable"
            assert refused.headers["retry-after"] == str(STORAGE_RETRY_AFTER)
            retried = await http.post(path, json={"channel_id": "c1"}, headers=auth)
            assert retried.status_code == 201, retried.text
            assert "idempotent-replayed" not in retried.headers
            outbox = backend.sim_outbox()["messages"]
            assert [m["guide"] for m in outbox] == [number]  # one message: the retry's
    finally:
        backend.close()
