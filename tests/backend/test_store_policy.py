"""The SQLite store (WAL, schema version, reopening, codes only hashed) and the policy bounds."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from pathlib import Path
from typing import Any

import httpx
import pytest

from frontdesk.backend.clock import ManualClock
from frontdesk.backend.local import open_backend
from frontdesk.backend.policy import BOUNDS, Policy, PolicyError
from frontdesk.backend.server import create_app
from frontdesk.backend.service import LocalBackend, Problem
from frontdesk.backend.store import MIGRATIONS, SCHEMA_VERSION, SchemaTooNew, SqliteStore
from support.demo import CARLOS, JOAO, MARIA, code_pattern

START = 1_795_000_000.0


def guide_of(backend: LocalBackend, name: str) -> str:
    items = backend.list_guides("awaiting_token", None)["items"]
    number: str = sorted(g["number"] for g in items if g["beneficiary"]["name"] == name)[0]
    return number


def test_file_database_uses_wal_and_the_current_schema(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "sub" / "dir" / "db.sqlite3")  # parents are made
    try:
        mode = store._conn.execute("PRAGMA journal_mode").fetchone()[0]
        assert mode == "wal"
        assert store.schema_version() == SCHEMA_VERSION == len(MIGRATIONS)
        assert (tmp_path / "sub" / "dir" / "db.sqlite3").stat().st_mode & 0o077 == 0
    finally:
        store.close()


def test_memory_database_has_the_current_schema() -> None:
    store = SqliteStore(":memory:")
    try:
        assert store.schema_version() == len(MIGRATIONS)
        assert len(store.secret_key()) == 32
    finally:
        store.close()


def test_reopening_keeps_data_and_the_hashing_key(tmp_path: Path) -> None:
    db = tmp_path / "backend.sqlite3"
    clock = ManualClock(START)
    first = open_backend(db, clock=clock, deterministic=True)
    key = first.store.secret_key()
    number = guide_of(first, JOAO)
    first.send(number, channel_id="c1")
    code = first.sim_outbox()["messages"][0]["code"]
    bad = "000000" if code != "000000" else "111111"
    with pytest.raises(Problem):
        first.validate(number, bad)
    first.absence(guide_of(first, CARLOS), "03")
    first.close()

    again = open_backend(db, clock=clock)  # not reseeded: the data is still there
    try:
        assert again.store.secret_key() == key
        assert len(again.list_guides(None, None)["items"]) == 13
        assert again.get_guide(guide_of(again, MARIA))["status"] == "awaiting_token"
        token = again.get_token(number)
        assert (token["state"], token["attempts_left"]) == ("pending", 4)
        assert [m["code"] for m in again.sim_outbox()["messages"]] == [code]
        # The code sent before the restart still matches: its hash's key was kept.
        assert again.validate(number, code)["status"] == "authorized"
        kinds = [e["kind"] for e in again.events(number)["events"]]
        assert kinds == ["token_sent", "code_rejected", "authorized"]
    finally:
        again.close()


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "future.sqlite3"
    SqliteStore(db).close()
    with sqlite3.connect(db) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(SchemaTooNew, match=rf"schema version {SCHEMA_VERSION + 1}"):
        SqliteStore(db)
    with sqlite3.connect(db) as conn:  # and left as it was
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1


def test_an_empty_file_is_migrated_from_version_zero(tmp_path: Path) -> None:
    db = tmp_path / "empty.sqlite3"
    sqlite3.connect(db).close()
    store = SqliteStore(db)
    try:
        assert store.schema_version() == len(MIGRATIONS)
        assert store.is_empty()
    finally:
        store.close()


def _rows_outside_the_outbox(db: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(db) as conn:
        tables = [
            r[0]
            for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if r[0] not in ("outbox", "sqlite_sequence")
        ]
        return {t: conn.execute(f"SELECT * FROM {t}").fetchall() for t in tables}


def _mentions(value: object, pattern: re.Pattern[str], code: str) -> bool:
    if isinstance(value, str):
        return bool(pattern.search(value))
    if isinstance(value, bytes):
        return code.encode() in value or bool(pattern.search(value.decode("latin-1")))
    return False


def test_codes_are_stored_only_hashed(tmp_path: Path) -> None:
    """After sends, a SAC code and validations, a code is in the simulator's outbox only."""
    db = tmp_path / "codes.sqlite3"
    backend = open_backend(db, clock=ManualClock(START), deterministic=True)
    try:
        maria, joao, carlos = (guide_of(backend, n) for n in (MARIA, JOAO, CARLOS))
        backend.send(maria, channel_id="c4")
        backend.send(joao, channel_id="c1")
        codes = [m["code"] for m in backend.sim_outbox()["messages"]]
        sac = backend.sim_sac_code(carlos)["code"]
        with pytest.raises(Problem):
            backend.validate(joao, "000000" if codes[0] != "000000" else "111111")
        backend.validate(maria, codes[1])
        with pytest.raises(Problem):
            backend.validate(maria, codes[1])

        challenges = {
            row[0]: row
            for row in _rows_outside_the_outbox(db)["challenges"]  # (guide, state, …, hash, …)
        }
        assert set(challenges) == {maria, joao, carlos}
        for code in [*codes, sac]:
            pattern = code_pattern([code])
            for table, rows in _rows_outside_the_outbox(db).items():
                for row in rows:
                    assert not any(_mentions(v, pattern, code) for v in row), (table, row)
        for row in challenges.values():
            code_hash = row[4]
            assert isinstance(code_hash, bytes) and len(code_hash) == 32
        with sqlite3.connect(db) as conn:
            outbox = [r[0] for r in conn.execute("SELECT code FROM outbox ORDER BY id")]
        assert outbox == codes[::-1]
    finally:
        backend.close()


def test_sac_code_replays_without_being_kept(tmp_path: Path, openapi_log: Any) -> None:
    """The simulator's SAC answer carries a code, and a replay must give that code again
    (docs/api.md, section 6). It is derived again from the key, not read back: no table but
    the outbox holds it; and a replay issues no second code."""
    db = tmp_path / "http.sqlite3"
    clock = ManualClock(START)
    backend = open_backend(db, clock=clock, deterministic=True)
    number = guide_of(backend, CARLOS)
    app = create_app(backend, api_key="key", log_access=False)

    async def flow() -> list[httpx.Response]:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://frontdesk.local"
        ) as http:
            openapi_log.attach(http)
            headers = {"Authorization": "Bearer key", "Idempotency-Key": "same-key"}
            answers = []
            for _ in range(2):
                answers.append(
                    await http.post("/v1/_local/sac-code", json={"guide": number}, headers=headers)
                )
                clock.advance(5)  # a retry a little later
            other = {**headers, "Idempotency-Key": "another-key"}
            answers.append(
                await http.post("/v1/_local/sac-code", json={"guide": number}, headers=other)
            )
            return answers

    try:
        responses = asyncio.run(flow())
        with backend.store.transaction():
            events = [e.kind for e in backend.store.events(number)]
        first, replay, fresh = responses
        assert [r.status_code for r in responses] == [200, 200, 200]
        assert "idempotent-replayed" not in first.headers
        assert replay.headers["idempotent-replayed"] == "true"
        assert replay.content == first.content
        assert fresh.json()["code"] != first.json()["code"]
        # Two codes issued (the first and the fresh one), not three; the fresh one pending.
        assert events == ["token_sent", "cancelled", "token_sent"]
        assert backend.validate(number, fresh.json()["code"])["status"] == "authorized"
    finally:
        backend.close()
    codes = [r.json()["code"] for r in responses]
    for table, rows in _rows_outside_the_outbox(db).items():
        for code in codes:
            pattern = code_pattern([code])
            for row in rows:
                assert not any(_mentions(v, pattern, code) for v in row), (table, row)


# -- policy ------------------------------------------------------------------------------------


def test_default_policy_is_the_contracts() -> None:
    p = Policy()
    assert (p.code_length, p.lifetime_seconds, p.max_attempts) == (6, 1800, 5)
    assert (p.resend_wait_seconds, p.sends_per_hour, p.card_failures_per_day) == (60, 5, 20)
    assert (p.totp_step_seconds, p.totp_window) == (30, 1)


@pytest.mark.parametrize(
    ("rule", "value"),
    [
        ("code_length", 3),
        ("code_length", 11),
        ("lifetime_seconds", 59),
        ("lifetime_seconds", 86_401),
        ("max_attempts", 0),
        ("max_attempts", 21),
        ("card_failures_per_day", 100),
        ("card_failures_per_day", 0),
        ("sends_per_hour", 0),
        ("resend_wait_seconds", -1),
        ("totp_step_seconds", 0),
        ("totp_window", 4),
    ],
)
def test_policy_out_of_bounds_names_the_rule(rule: str, value: int) -> None:
    low, high, what = BOUNDS[rule]
    with pytest.raises(PolicyError) as info:
        Policy(**{rule: value})
    message = str(info.value)
    assert rule in message and what in message
    assert f"between {low} and {high}" in message and str(value) in message


@pytest.mark.parametrize("value", [6.0, "6", True, None])
def test_policy_values_must_be_whole_numbers(value: object) -> None:
    with pytest.raises(PolicyError, match="code_length"):
        Policy(code_length=value)  # type: ignore[arg-type]


def test_policy_bounds_are_inclusive() -> None:
    for rule, (low, high, _) in BOUNDS.items():
        assert getattr(Policy(**{rule: low}), rule) == low
        assert getattr(Policy(**{rule: high}), rule) == high


def test_policy_from_mapping_refuses_unknown_settings() -> None:
    assert Policy.from_mapping({"max_attempts": 3}).max_attempts == 3
    with pytest.raises(PolicyError, match="max_tries"):
        Policy.from_mapping({"max_tries": 3})
    with pytest.raises(PolicyError, match="card_failures_per_day"):
        Policy.from_mapping({"card_failures_per_day": 150})


def test_a_policy_shapes_the_backend() -> None:
    backend = open_backend(
        ":memory:",
        clock=ManualClock(START),
        policy=Policy(code_length=8, lifetime_seconds=60),
        deterministic=True,
    )
    try:
        number = guide_of(backend, JOAO)
        token = backend.send(number, channel_id="c1")
        assert token["expires_in"] == 60
        code = backend.sim_outbox()["messages"][0]["code"]
        assert len(code) == 8 and code.isdigit()
        with pytest.raises(Problem) as info:
            backend.validate(number, code[:6])
        assert (info.value.code, info.value.extra) == ("malformed_code", {"expected_length": 8})
        assert len(backend.sim_app_code("0064 8000 1234 5678")["code"]) == 8
        backend.clock.advance(60)
        with pytest.raises(Problem) as expired:
            backend.validate(number, code)
        assert expired.value.code == "token_expired"
    finally:
        backend.close()
