"""Sessions: random tokens, the idle rule, and why a token ended."""

from __future__ import annotations

from frontdesk.web.guard import Attempt
from frontdesk.web.sessions import SessionTable
from support.clocks import Monotonic

OK = Attempt("ok", "ana")


def test_tokens_are_long_and_random() -> None:
    table = SessionTable(900, clock=Monotonic())
    tokens = {table.open("ana", "127.0.0.1", None, OK).token for _ in range(50)}
    assert len(tokens) == 50
    assert all(len(token) >= 43 for token in tokens)  # 256 bits


def test_a_session_idle_too_long_is_not_found_and_is_swept() -> None:
    clock = Monotonic()
    table = SessionTable(900, clock=clock)
    session = table.open("ana", "127.0.0.1", "en", OK)
    clock.advance(899)
    assert table.find(session.token) is session
    table.touch(session)
    clock.advance(899)
    assert table.idle_out() == []
    clock.advance(1)
    assert table.find(session.token) is None
    assert table.idle_out() == [session]
    assert len(table) == 0
    assert table.gone(session.token) == "expired"


def test_closing_remembers_why_and_unknown_tokens_find_nothing() -> None:
    table = SessionTable(900, clock=Monotonic())
    session = table.open("ana", "127.0.0.1", None, OK)
    assert table.close(session.token, "logout") is session
    assert table.find(session.token) is None
    assert table.gone(session.token) == "logout"
    assert table.find(None) is None and table.find("") is None and table.find("x") is None
    assert table.gone("never-issued") is None
