"""Two `frontdesk serve` processes on one PostgreSQL database: the contract holds across them.

Real processes, a real PostgreSQL (tests/support/postgres.py), requests split between
the two: twenty concurrent right codes give exactly one 200; one Idempotency-Key sent
to both at once has one effect; one TISS transaction number sent to both at once is
answered once, with the same bytes. Each server is stopped by its process id.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from frontdesk.tiss.message import ELIGIBILITY
from frontdesk.tiss.models import TokenProof
from frontdesk.tiss.requests import build_eligibility
from frontdesk.tiss.soap import HEADERS, envelope
from support.demo import JOAO, MARIA
from support.isolation import SERVED_KEY, start_serve, stop_serve
from support.postgres import PostgresCluster
from tiss.factories import CARD, PRESTADOR, VERSION, request_header

from .conftest import POSTGRES, EnvFactory

pytestmark = [pytest.mark.served, pytest.mark.postgres]

AUTH = {"Authorization": f"Bearer {SERVED_KEY}"}
DESKS = 20


@dataclass(frozen=True)
class TwoServers:
    urls: tuple[str, str]  # each ends in /v1

    def url(self, index: int, path: str) -> str:
        return self.urls[index % 2] + path


@pytest.fixture
def two_servers(tmp_path: Path, postgres_url: str) -> Iterator[TwoServers]:
    """Two serve processes on one fresh PostgreSQL database (the first seeds it)."""
    first, first_url = start_serve(tmp_path / "a", database=postgres_url)
    try:
        second, second_url = start_serve(tmp_path / "b", database=postgres_url)
        try:
            yield TwoServers((first_url, second_url))
        finally:
            stop_serve(second)
    finally:
        stop_serve(first)


async def _guide_of(http: httpx.AsyncClient, servers: TwoServers, name: str) -> str:
    listed = await http.get(servers.url(0, "/guides?status=awaiting_token"), headers=AUTH)
    return next(g["number"] for g in listed.json()["items"] if g["beneficiary"]["name"] == name)


async def _send_code(http: httpx.AsyncClient, servers: TwoServers, number: str) -> str:
    sent = await http.post(
        servers.url(1, f"/guides/{number}/token"), json={"channel_id": "c1"}, headers=AUTH
    )
    assert sent.status_code == 201, sent.text
    outbox = await http.get(servers.url(0, "/_local/outbox"), headers=AUTH)
    return str(outbox.json()["messages"][0]["code"])


async def test_twenty_right_codes_across_two_processes_give_one_200(
    two_servers: TwoServers,
) -> None:
    async with httpx.AsyncClient(timeout=60) as http:
        number = await _guide_of(http, two_servers, JOAO)
        code = await _send_code(http, two_servers, number)
        answers = await asyncio.gather(
            *(
                http.post(
                    two_servers.url(i, f"/guides/{number}/token/validate"),
                    json={"code": code},
                    headers=AUTH,
                )
                for i in range(DESKS)
            )
        )
        statuses = sorted(a.status_code for a in answers)
        assert statuses == [200] + [409] * (DESKS - 1), [a.text for a in answers]
        [winner] = [a.json() for a in answers if a.status_code == 200]
        given = winner["authorization"]["number"]
        losers = [a.json() for a in answers if a.status_code == 409]
        assert {(p["code"], p["authorization"]["number"]) for p in losers} == {
            ("already_authorized", given)
        }
        for index in (0, 1):  # both processes read the one authorization from the database
            guide = (
                await http.get(two_servers.url(index, f"/guides/{number}"), headers=AUTH)
            ).json()
            assert (guide["status"], guide["authorization"]["number"]) == ("authorized", given)
        events = await http.get(two_servers.url(1, f"/guides/{number}/events"), headers=AUTH)
        kinds = [e["kind"] for e in events.json()["events"]]
        assert kinds.count("authorized") == 1 and "code_rejected" not in kinds


async def test_one_idempotency_key_at_both_processes_at_once_counts_once(
    two_servers: TwoServers,
) -> None:
    async with httpx.AsyncClient(timeout=60) as http:
        number = await _guide_of(http, two_servers, MARIA)
        code = await _send_code(http, two_servers, number)
        wrong = "000000" if code != "000000" else "111111"
        headers = {**AUTH, "Idempotency-Key": "desk-3-validate-1"}
        answers = await asyncio.gather(
            *(
                http.post(
                    two_servers.url(i, f"/guides/{number}/token/validate"),
                    json={"code": wrong},
                    headers=headers,
                )
                for i in range(DESKS)
            )
        )
        assert {a.status_code for a in answers} == {422}, [a.text for a in answers]
        assert {a.json()["attempts_left"] for a in answers} == {4}
        replayed = [a for a in answers if a.headers.get("idempotent-replayed") == "true"]
        assert len(replayed) == DESKS - 1
        token = (await http.get(two_servers.url(0, f"/guides/{number}/token"), headers=AUTH)).json()
        assert token["attempts_left"] == 4  # one wrong code counted, not twenty
        events = await http.get(two_servers.url(1, f"/guides/{number}/events"), headers=AUTH)
        assert [e["kind"] for e in events.json()["events"]].count("code_rejected") == 1


def _eligibility(sequence: str) -> bytes:
    header = request_header(ELIGIBILITY.request_transaction, sequence, password=SERVED_KEY)
    return envelope(build_eligibility(header, PRESTADOR, CARD, TokenProof.of_reason("01")))


async def test_one_tiss_transaction_at_both_processes_is_answered_once(
    two_servers: TwoServers, postgres_url: str
) -> None:
    body = _eligibility("4242")
    path = f"/tiss/v{VERSION}/{ELIGIBILITY.service}"
    async with httpx.AsyncClient(timeout=60) as http:
        answers = await asyncio.gather(
            *(
                http.post(two_servers.url(i, path), content=body, headers=HEADERS)
                for i in range(DESKS)
            )
        )
    assert {a.status_code for a in answers} == {200}, [a.text[:300] for a in answers]
    assert len({a.content for a in answers}) == 1  # the one answer, byte for byte
    import psycopg  # present: postgres_url skips without it

    with psycopg.connect(postgres_url) as conn:
        stored = conn.execute("SELECT prestador, sequence FROM tiss_transactions").fetchall()
    assert [sequence for _, sequence in stored] == ["4242"]


async def test_the_contract_suites_postgres_transport_is_two_serve_processes_in_turn(
    make_env: EnvFactory, postgres_cluster: PostgresCluster
) -> None:
    """What `env`'s `postgres` transport is (conftest.py): two live `frontdesk serve`
    processes on one database, the requests of all its clients sent A, B, A, B."""
    env = await make_env(POSTGRES, cluster=postgres_cluster)
    assert env.served is not None and env.alternating is not None
    processes = env.served.processes
    assert len({p.pid for p in processes}) == 2 and all(p.poll() is None for p in processes)
    assert [p.args[3:5] for p in processes] == [["serve", "--port"]] * 2
    assert all(env.served.database in p.args for p in processes)
    await env.client.health()
    await env.raw.get("/v1/guides", headers=env.auth())
    await env.client.list_guides()
    await env.raw.get("/v1/guides", headers=env.auth())
    a, b = (httpx.URL(url).port for url in env.served.urls)
    assert a != b and env.alternating.sent == [a, b, a, b]
