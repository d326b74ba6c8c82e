"""Credentials: the keyring (working, missing, failing, locked, hanging) and the fallbacks."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail

from frontdesk.config.credentials import (
    SERVICE,
    delete_key,
    fallback_hint,
    key_file_path,
    keyring_status,
    load_key,
    read_key_file,
    store_key,
    write_key_file,
)
from frontdesk.config.setup_errors import (
    CredentialError,
    KeyFileInsecure,
    KeyNotFound,
    KeyringUnavailable,
)
from support.isolation import (
    EmptyChainer,
    FailingKeyring,
    HangingKeyring,
    Home,
    LockedKeyring,
)

KEY = "k3y-for-tests_ABCDEF0123456789"


@pytest.fixture
def hanging() -> Iterator[HangingKeyring]:
    backend = HangingKeyring()
    yield backend
    backend.release.set()


def test_keyring_round_trip(home: Home) -> None:
    stored = store_key("unimed", KEY)
    assert home.keyring.passwords == {(SERVICE, "unimed"): KEY}
    assert stored.source == "keyring" and "MemoryKeyring" in stored.where
    found = load_key("unimed")
    assert (found.value, found.source) == (KEY, "keyring")
    assert KEY not in repr(found) and KEY not in found.describe()
    assert keyring_status().usable

    removal = delete_key("unimed")
    assert len(removal.removed) == 1 and removal.keyring_problem is None
    assert home.keyring.passwords == {}
    with pytest.raises(KeyNotFound, match="frontdesk login --profile unimed"):
        load_key("unimed")


def test_the_environment_variable_comes_first(home: Home, monkeypatch: pytest.MonkeyPatch) -> None:
    store_key("unimed", KEY)
    monkeypatch.setenv("FRONTDESK_API_KEY", " from-env-123 \n")
    found = load_key("unimed")
    assert (found.value, found.source, found.where) == ("from-env-123", "env", "FRONTDESK_API_KEY")


@pytest.mark.parametrize(
    ("backend", "reason", "words"),
    [
        (fail.Keyring(), "no_backend", "não há chaveiro"),  # type: ignore[no-untyped-call]
        (FailingKeyring(), "error", "DBUS_SESSION_BUS_ADDRESS"),
        (LockedKeyring(), "locked", "bloqueado"),
    ],
    ids=["no backend", "failing", "locked"],
)
def test_an_unusable_keyring_takes_the_fallback_path(
    home: Home, backend: KeyringBackend, reason: str, words: str
) -> None:
    with pytest.raises(KeyringUnavailable) as stored:
        store_key("unimed", KEY, backend=backend)
    assert stored.value.reason == reason
    assert words in str(stored.value)

    with pytest.raises(KeyNotFound) as missing:
        load_key("unimed", backend=backend)
    message = str(missing.value)
    assert missing.value.keyring_problem is not None
    assert missing.value.keyring_problem.reason == reason
    assert words in message
    assert "FRONTDESK_API_KEY" in message
    assert "frontdesk login --profile unimed --key-file" in message
    assert str(key_file_path("unimed")) in message

    path = write_key_file("unimed", KEY)
    found = load_key("unimed", backend=backend)
    assert (found.value, found.source, found.where) == (KEY, "file", str(path))
    status = keyring_status(backend=backend)
    assert not status.usable and status.problem is not None
    assert status.problem.reason == reason


def test_a_chainer_with_no_backends_is_no_keyring(home: Home) -> None:
    status = keyring_status(backend=EmptyChainer())
    assert status.problem is not None and status.problem.reason == "no_backend"
    assert "chainer.ChainerBackend" in status.backend


def test_a_hanging_keyring_is_bounded_by_the_timeout(
    home: Home, hanging: HangingKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(KeyringUnavailable) as stored:
        store_key("unimed", KEY, timeout=0.3, backend=hanging)
    assert stored.value.reason == "timeout"
    assert "não respondeu em 0.3 s" in str(stored.value)

    with pytest.raises(KeyNotFound) as missing:
        load_key("unimed", timeout=0.3, backend=hanging)
    assert missing.value.keyring_problem is not None
    assert missing.value.keyring_problem.reason == "timeout"
    assert "FRONTDESK_API_KEY" in str(missing.value)
    assert hanging.calls == 2

    # The fallbacks do not ask the keyring at all: no wait.
    write_key_file("unimed", KEY)
    assert load_key("unimed", timeout=0.3, backend=hanging).source == "file"
    monkeypatch.setenv("FRONTDESK_API_KEY", KEY)
    assert load_key("unimed", timeout=0.3, backend=hanging).source == "env"
    assert hanging.calls == 2

    removal = delete_key("unimed", timeout=0.3, backend=hanging)
    assert removal.removed == (str(key_file_path("unimed")),)
    assert removal.keyring_problem is not None and removal.keyring_problem.reason == "timeout"


def test_key_file_is_private(home: Home) -> None:
    path = write_key_file("unimed", KEY + "\n")
    assert path == home.keys / "unimed.key"
    assert path.stat().st_mode & 0o777 == 0o600
    assert home.keys.stat().st_mode & 0o777 == 0o700
    assert path.read_text() == KEY + "\n"
    assert read_key_file(path) == KEY
    assert [p.name for p in home.keys.iterdir()] == ["unimed.key"]  # no temp file left


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o620])
def test_a_key_file_others_can_access_is_refused_with_the_chmod_fix(home: Home, mode: int) -> None:
    path = write_key_file("unimed", KEY)
    os.chmod(path, mode)
    with pytest.raises(KeyFileInsecure) as caught:
        load_key("unimed")
    message = str(caught.value)
    assert f"modo {mode:04o}" in message
    assert caught.value.fix == f"Corrija com: chmod 600 {path}"
    assert message.endswith(f"chmod 600 {path}")
    assert KEY not in message
    os.chmod(path, 0o600)
    assert load_key("unimed").value == KEY


def test_a_key_file_with_spaces_in_its_path_gets_a_quoted_fix(
    home: Home, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = home.root / "my config" / "config.toml"
    monkeypatch.setenv("FRONTDESK_CONFIG", str(config))
    path = write_key_file("unimed", KEY)
    os.chmod(path, 0o644)
    with pytest.raises(KeyFileInsecure) as caught:
        load_key("unimed")
    assert caught.value.fix.endswith(f"chmod 600 '{path}'")


def test_windows_uses_no_key_file_and_says_what_to_use_instead(home: Home) -> None:
    """Issue 12: on Windows the key file's safety (its ACL) cannot be checked with the
    POSIX calls; Windows always has a keyring, so a key file is refused both ways."""
    with pytest.raises(KeyFileInsecure) as caught:
        write_key_file("unimed", KEY, windows=True)
    assert not key_file_path("unimed").exists()
    assert "Gerenciador de Credenciais" in caught.value.fix
    assert "FRONTDESK_API_KEY" in caught.value.fix
    assert "chmod" not in str(caught.value) and "chown" not in str(caught.value)
    path = write_key_file("unimed", KEY)  # one that got there anyway (copied from Linux)
    with pytest.raises(KeyFileInsecure) as caught:
        read_key_file(path, windows=True)
    assert "ACL" in str(caught.value) and KEY not in str(caught.value)
    hint = fallback_hint("unimed", windows=True)
    assert "--key-file" not in hint and "0600" not in hint
    assert "Gerenciador de Credenciais" in hint and "FRONTDESK_API_KEY" in hint
    assert "--key-file" in fallback_hint("unimed", windows=False)


def test_a_symlinked_key_file_is_refused(home: Home) -> None:
    target = write_key_file("other", KEY)
    key_file_path("unimed").symlink_to(target)
    with pytest.raises(KeyFileInsecure, match="link simbólico"):
        load_key("unimed")


def test_keys_are_checked_without_being_shown(home: Home) -> None:
    for bad in ("", "   ", "has space", "acentuação"):
        with pytest.raises(CredentialError) as caught:
            store_key("unimed", bad)
        if bad.strip():
            assert bad not in str(caught.value)
    home.keys.mkdir(parents=True, mode=0o700)
    path = home.keys / "unimed.key"
    path.write_text("\n")
    path.chmod(0o600)
    with pytest.raises(CredentialError, match="vazia"):
        load_key("unimed")
    with pytest.raises(ValueError):
        key_file_path("../../etc/passwd")
