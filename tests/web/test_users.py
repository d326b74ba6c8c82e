"""The users file: add, change, deactivate, unlock; its format, its mode, its errors."""

from __future__ import annotations

import json
import os
import stat

import pytest

from frontdesk.web.passwords import PasswordRejected, verify_password
from frontdesk.web.users import FILE_NAME, UsersError, UserStore, check_name, users_file
from support.isolation import Home
from web.conftest import OTHER_PASSWORD, PASSWORD, Wall


def test_the_file_is_in_the_config_directory_and_private(store: UserStore, home: Home) -> None:
    assert users_file() == home.config.parent / FILE_NAME
    assert store.path == users_file()
    if os.name == "posix":
        assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    data = json.loads(store.path.read_text(encoding="utf-8"))
    entry = data["users"]["ana"]
    assert entry["active"] is True
    assert entry["hash"].startswith("scrypt$")
    assert PASSWORD not in store.path.read_text(encoding="utf-8")
    assert verify_password(PASSWORD, entry["hash"])


def test_adding_an_existing_user_changes_its_password(store: UserStore, wall: Wall) -> None:
    wall.advance(days=1)
    assert store.add("ana", OTHER_PASSWORD) is False
    ana = store.get("ana")
    assert ana is not None
    assert verify_password(OTHER_PASSWORD, ana.hash)
    assert not verify_password(PASSWORD, ana.hash)
    assert ana.changed == wall.value and ana.unlocked == wall.value
    assert len(ana.history) == 1


def test_a_new_password_must_differ_from_the_last_three(store: UserStore) -> None:
    store.add("ana", "Segunda#2026")
    store.add("ana", "Terceira#2026")
    for old in (PASSWORD, "Segunda#2026", "Terceira#2026"):
        with pytest.raises(PasswordRejected, match="3 últimas"):
            store.add("ana", old)
    store.add("ana", "Quarta#2026")
    store.add("ana", PASSWORD)  # four changes ago: allowed again


def test_remove_deactivates_and_keeps_the_user_on_record(store: UserStore) -> None:
    store.remove("ana")
    ana = store.get("ana")
    assert ana is not None and ana.active is False
    assert store.active_names() == []
    store.add("ana", OTHER_PASSWORD)  # a new password reactivates
    assert store.active_names() == ["ana"]


def test_unknown_users_cannot_be_removed_or_unlocked(store: UserStore) -> None:
    with pytest.raises(UsersError, match="Não há usuário bia"):
        store.remove("bia")
    with pytest.raises(UsersError, match="Não há usuário bia"):
        store.unlock("bia")


@pytest.mark.parametrize("name", ["A", "Ana", "-ana", "ana maria", "a", "x" * 33, "ana/../x"])
def test_bad_names_are_refused_with_the_rule(name: str) -> None:
    with pytest.raises(UsersError, match="nome de usuário inválido"):
        check_name(name)


def test_a_rejected_password_writes_nothing(store: UserStore) -> None:
    before = store.path.read_bytes()
    with pytest.raises(PasswordRejected):
        store.add("bia", "curta")
    assert store.path.read_bytes() == before
    assert store.get("bia") is None


def test_changes_made_by_another_process_are_seen(store: UserStore, wall: Wall) -> None:
    reader = UserStore(store.path)
    assert reader.active_names() == ["ana"]
    store.add("bia", OTHER_PASSWORD)
    assert reader.active_names() == ["ana", "bia"]


def test_an_unreadable_file_is_said_with_its_path(store: UserStore) -> None:
    store.path.write_text("{not json", encoding="utf-8")
    with pytest.raises(UsersError) as caught:
        UserStore(store.path).users()
    assert str(store.path) in str(caught.value)
    assert "não pôde ser lido" in str(caught.value)


def test_no_file_means_no_users(home: Home) -> None:
    assert UserStore().users() == {}
