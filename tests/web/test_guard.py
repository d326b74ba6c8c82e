"""Sign-in attempts: TISS 69 (lock after 5), 51 (no reason given), 42 (what is shown), 68."""

from __future__ import annotations

from pathlib import Path

from frontdesk.web.guard import LOCK_SECONDS, MAX_FAILURES, LoginGuard, state_file
from frontdesk.web.users import UserStore
from support.isolation import Home
from web.conftest import OTHER_PASSWORD, PASSWORD, Wall


def guard_for(store: UserStore, wall: Wall, path: Path | None = None) -> LoginGuard:
    return LoginGuard(store, path, now=wall)


async def test_the_right_password_signs_in_and_says_this_is_the_first_time(
    store: UserStore, wall: Wall
) -> None:
    attempt = await guard_for(store, wall).attempt("ana", PASSWORD, "10.0.0.7")
    assert attempt.ok and attempt.user == "ana"
    assert attempt.previous is None and attempt.failures_since == ()


async def test_five_wrong_passwords_lock_the_user_even_against_the_right_one(
    store: UserStore, wall: Wall
) -> None:
    guard = guard_for(store, wall)
    outcomes = [(await guard.attempt("ana", "Errada#1", "10.0.0.7")).outcome for _ in range(5)]
    assert MAX_FAILURES == 5
    assert outcomes == ["failed", "failed", "failed", "failed", "failed_locked"]
    locked = await guard.attempt("ana", PASSWORD, "10.0.0.7")
    assert locked.outcome == "locked" and not locked.ok
    wall.advance(seconds=LOCK_SECONDS - 1)
    assert (await guard.attempt("ana", PASSWORD, "10.0.0.7")).outcome == "locked"
    wall.advance(seconds=1)  # at least 5 minutes (TISS 69): here 15
    assert LOCK_SECONDS >= 5 * 60
    assert (await guard.attempt("ana", PASSWORD, "10.0.0.7")).ok


async def test_a_success_resets_the_count(store: UserStore, wall: Wall) -> None:
    guard = guard_for(store, wall)
    for _ in range(4):
        await guard.attempt("ana", "Errada#1", "10.0.0.7")
    assert (await guard.attempt("ana", PASSWORD, "10.0.0.7")).ok
    for _ in range(4):
        assert (await guard.attempt("ana", "Errada#1", "10.0.0.7")).outcome == "failed"


async def test_unlock_and_a_new_password_lift_the_lock(store: UserStore, wall: Wall) -> None:
    guard = guard_for(store, wall)
    for _ in range(5):
        await guard.attempt("ana", "Errada#1", "10.0.0.7")
    wall.advance(seconds=1)
    store.unlock("ana")
    assert (await guard.attempt("ana", PASSWORD, "10.0.0.7")).ok
    for _ in range(5):
        await guard.attempt("ana", "Errada#1", "10.0.0.7")
    wall.advance(seconds=1)
    store.add("ana", OTHER_PASSWORD)
    assert (await guard.attempt("ana", OTHER_PASSWORD, "10.0.0.7")).ok


async def test_the_next_sign_in_shows_the_last_one_and_the_failures_since(
    store: UserStore, wall: Wall
) -> None:
    guard = guard_for(store, wall)
    await guard.attempt("ana", PASSWORD, "10.0.0.7")
    first = wall.value
    wall.advance(hours=2)
    await guard.attempt("ana", "Errada#1", "10.0.0.9")
    wall.advance(minutes=1)
    await guard.attempt("ana", "Errada#2", "10.0.0.8")
    wall.advance(minutes=1)
    attempt = await guard.attempt("ana", PASSWORD, "10.0.0.7")
    assert attempt.ok
    assert attempt.previous is not None
    assert (attempt.previous.time, attempt.previous.address) == (first, "10.0.0.7")
    assert [f.address for f in attempt.failures_since] == ["10.0.0.9", "10.0.0.8"]
    assert attempt.failed_count == 2
    again = await guard.attempt("ana", PASSWORD, "10.0.0.7")
    assert again.failed_count == 0 and again.failures_since == ()


async def test_the_state_survives_a_restart_of_the_server(
    store: UserStore, wall: Wall, home: Home
) -> None:
    guard = guard_for(store, wall)
    assert guard.path == state_file()
    for _ in range(5):
        await guard.attempt("ana", "Errada#1", "10.0.0.7")
    restarted = guard_for(store, wall)
    assert (await restarted.attempt("ana", PASSWORD, "10.0.0.7")).outcome == "locked"
    assert PASSWORD not in guard.path.read_text(encoding="utf-8")


async def test_unknown_and_inactive_users_do_not_sign_in(store: UserStore, wall: Wall) -> None:
    guard = guard_for(store, wall)
    unknown = await guard.attempt("bia", PASSWORD, "10.0.0.7")
    assert (unknown.outcome, unknown.user) == ("unknown_user", None)
    store.remove("ana")
    inactive = await guard.attempt("ana", PASSWORD, "10.0.0.7")
    assert (inactive.outcome, inactive.ok) == ("inactive", False)


async def test_a_password_older_than_180_days_must_be_changed(store: UserStore, wall: Wall) -> None:
    guard = guard_for(store, wall)
    wall.advance(days=180, seconds=1)
    assert (await guard.attempt("ana", PASSWORD, "10.0.0.7")).outcome == "expired"
    store.add("ana", OTHER_PASSWORD)
    assert (await guard.attempt("ana", OTHER_PASSWORD, "10.0.0.7")).ok


async def test_an_unreadable_state_file_starts_afresh(store: UserStore, wall: Wall) -> None:
    path = state_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("[broken", encoding="utf-8")
    assert (await guard_for(store, wall).attempt("ana", PASSWORD, "10.0.0.7")).ok
