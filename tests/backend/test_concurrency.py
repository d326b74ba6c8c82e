"""Concurrent validations of the right code: exactly one authorizes, the rest see the winner."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest

from frontdesk.backend.clock import ManualClock
from frontdesk.backend.database import Database, parse_database_url
from frontdesk.backend.local import open_backend
from frontdesk.backend.service import Problem
from frontdesk.client import FrontdeskClient
from support.demo import JOAO, MARIA, last_code, one_winner

from .conftest import TLS_CONTEXT, Env

DESKS = 20


@pytest.mark.served
async def test_twenty_desks_validate_the_same_code(served_env: Env) -> None:
    env = served_env
    number = (await env.demo()).number(JOAO)
    await env.client.send_token(number, channel_id="c1")
    code = await last_code(env.client, number)
    desks = [
        FrontdeskClient(env.base_url, api_key=env.api_key, verify=TLS_CONTEXT) for _ in range(DESKS)
    ]
    try:
        for desk in desks:
            env.log.attach(desk)
        results = await asyncio.gather(
            *(desk.validate(number, code) for desk in desks), return_exceptions=True
        )
    finally:
        await asyncio.gather(*(desk.aclose() for desk in desks))
    winner = one_winner(list(results))
    guide = await env.client.get_guide(number)
    assert (guide.status, guide.authorization) == ("authorized", winner.authorization)
    assert guide.token.state == "used"
    kinds = [e.kind for e in await env.client.events(number)]
    assert kinds.count("authorized") == 1
    assert "code_rejected" not in kinds


async def test_one_client_pool_validates_concurrently(env: Env) -> None:
    demo = await env.demo()
    number = demo.number(MARIA)
    await env.client.send_token(number, channel_id="c3")
    code = await last_code(env.client, number)
    results = await asyncio.gather(
        *(env.client.validate(number, code) for _ in range(DESKS)), return_exceptions=True
    )
    winner = one_winner(list(results))
    assert (await env.client.get_guide(number)).authorization == winner.authorization


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def shared_database(request: pytest.FixtureRequest, tmp_path: Path) -> str | Database:
    """One database for several connections: an SQLite file, or a PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "shared.sqlite3")
    return parse_database_url(str(request.getfixturevalue("postgres_url")))


def test_separate_connections_to_one_database_authorize_once(
    shared_database: str | Database,
) -> None:
    """Real parallelism at the store: threads, each its own connection to one database."""
    db = shared_database
    clock = ManualClock(1_795_000_000.0)
    first = open_backend(db, clock=clock, deterministic=True)
    backends = [first] + [open_backend(db, clock=clock) for _ in range(7)]
    try:
        number = next(
            g["number"]
            for g in first.list_guides("awaiting_token", None)["items"]
            if g["beneficiary"]["name"] == JOAO
        )
        first.send(number, channel_id="c1")
        code = first.sim_outbox()["messages"][0]["code"]
        barrier = threading.Barrier(len(backends) * 2)
        outcomes: list[object] = []
        lock = threading.Lock()

        def desk(backend_index: int) -> None:
            barrier.wait()
            try:
                result: object = backends[backend_index].validate(number, code)
            except Problem as problem:
                result = problem
            with lock:
                outcomes.append(result)

        threads = [
            threading.Thread(target=desk, args=(i % len(backends),))
            for i in range(len(backends) * 2)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        docs = [o for o in outcomes if isinstance(o, dict)]
        problems = [o for o in outcomes if isinstance(o, Problem)]
        assert len(docs) == 1 and len(problems) == len(threads) - 1, outcomes
        assert {p.code for p in problems} == {"already_authorized"}
        number_given = docs[0]["authorization"]["number"]
        assert {p.extra["authorization"]["number"] for p in problems} == {number_given}
        stored = backends[-1].get_guide(number)
        assert (stored["status"], stored["authorization"]["number"]) == (
            "authorized",
            number_given,
        )
        kinds = [e["kind"] for e in first.events(number)["events"]]
        assert kinds.count("authorized") == 1
    finally:
        for backend in backends:
            backend.close()
