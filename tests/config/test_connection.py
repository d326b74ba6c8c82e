"""Resolving what to connect to: profiles, local mode, keys, CA bundles and transport safety."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from frontdesk.config.connection import ConnectionOptions, check_transport, resolve
from frontdesk.config.credentials import store_key, write_key_file
from frontdesk.config.setup_errors import (
    ConfigError,
    CredentialError,
    KeyNotFound,
    ProfileNotFound,
    SetupError,
    TransportError,
)
from frontdesk.core.net import is_loopback
from support.isolation import Home, write_config

KEY = "remote-key-abcdef"

CONFIG = """\
default = "unimed"
theme = "nord"

[profiles.unimed]
operator = "Unimed Londrina"
url = "https://token.unimed.example/v1"
connect_timeout = 2.0
language = "en"

[profiles.lan]
url = "http://192.168.0.10:8765/v1"

[profiles.loop]
url = "http://127.0.0.1:8765/v1"

[profiles.private]
url = "https://token.private.example/v1"
ca_bundle = "ca.pem"
"""


def options(**values: Any) -> ConnectionOptions:
    return ConnectionOptions(**values)


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("localhost", True),
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("[::1]", True),
        ("192.168.0.10", False),
        ("token.example", False),
        ("localhost.evil.example", False),
    ],
)
def test_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_plain_http_is_refused_off_this_machine_unless_insecure() -> None:
    assert check_transport("https://token.example/v1") is False
    assert check_transport("http://localhost:8765/v1") is False
    assert check_transport("http://[::1]:8765/v1") is False
    with pytest.raises(TransportError) as caught:
        check_transport("http://192.168.0.10:8765/v1")
    assert "--insecure" in str(caught.value) and "https://" in str(caught.value)
    assert check_transport("http://192.168.0.10:8765/v1", insecure=True) is True
    assert check_transport("https://token.example/v1", insecure=True) is False
    with pytest.raises(TransportError):
        check_transport("ftp://token.example/v1", insecure=True)


def test_no_profile_is_local_mode(home: Home) -> None:
    connection = resolve(options=options(lang="en"))
    assert connection.is_local and connection.url is None
    assert (connection.label, connection.language, connection.api_key) == ("local", "en", None)
    assert connection.insecure is False
    write_config(home, 'theme = "nord"\nlanguage = "pt"\n')
    connection = resolve(options=options())
    assert connection.is_local and (connection.theme, connection.language) == ("nord", "pt")


def test_the_default_profile_with_its_key(home: Home) -> None:
    write_config(home, CONFIG)
    store_key("unimed", KEY)
    connection = resolve(options=options())
    assert connection.url == "https://token.unimed.example/v1"
    assert (connection.profile, connection.label, connection.display_name) == (
        "unimed",
        "unimed",
        "Unimed Londrina",
    )
    assert connection.api_key == KEY
    assert KEY not in repr(connection)
    assert connection.key_source is not None and "MemoryKeyring" in connection.key_source
    assert (connection.verify, connection.insecure) == (True, False)
    assert (connection.connect_timeout, connection.read_timeout) == (2.0, 10.0)
    assert (connection.language, connection.theme) == ("en", "nord")
    assert resolve(options=options(lang="pt")).language == "pt"


def test_the_profile_switcher_resolves_by_name(home: Home, monkeypatch: pytest.MonkeyPatch) -> None:
    write_config(home, CONFIG)
    write_key_file("loop", KEY)
    connection = resolve(options=ConnectionOptions(profile="loop"))
    assert (connection.profile, connection.url, connection.insecure) == (
        "loop",
        "http://127.0.0.1:8765/v1",
        False,
    )
    monkeypatch.setenv("FRONTDESK_PROFILE", "loop")
    assert resolve(options=options()).profile == "loop"
    with pytest.raises(ProfileNotFound):
        resolve(options=ConnectionOptions(profile="nope"))


def test_plain_http_to_the_lan_needs_insecure_and_is_flagged(home: Home) -> None:
    write_config(home, CONFIG)
    store_key("lan", KEY)
    with pytest.raises(TransportError, match="--insecure"):
        resolve(options=options(profile="lan"))
    connection = resolve(options=options(profile="lan", insecure=True))
    assert connection.insecure is True
    assert connection.api_key == KEY


def test_a_profile_without_a_key_says_how_to_log_in(home: Home) -> None:
    write_config(home, CONFIG)
    with pytest.raises(KeyNotFound, match="frontdesk login --profile unimed"):
        resolve(options=options())
    assert resolve(options=options(), need_key=False).api_key is None


def test_the_ca_bundle_is_checked_and_used(home: Home, tmp_path: Path) -> None:
    write_config(home, CONFIG)
    store_key("private", KEY)
    with pytest.raises(ConfigError) as caught:
        resolve(options=options(profile="private"))
    assert caught.value.key == "profiles.private.ca_bundle"
    assert caught.value.line == 18
    assert "não existe" in str(caught.value)

    (home.config.parent / "ca.pem").write_text("not a certificate\n")
    with pytest.raises(ConfigError, match="PEM") as caught:
        resolve(options=options(profile="private"))
    assert caught.value.line == 18


def test_a_real_ca_bundle_becomes_verify(home: Home, tls_files: dict[str, Path]) -> None:
    write_config(home, CONFIG.replace('"ca.pem"', f'"{tls_files["ca"]}"'))
    store_key("private", KEY)
    connection = resolve(options=options(profile="private"))
    assert connection.verify == str(tls_files["ca"])
    assert connection.ca_bundle == tls_files["ca"]


def test_url_mode_takes_the_key_from_the_environment(
    home: Home, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(CredentialError, match="FRONTDESK_API_KEY"):
        resolve(options=options(url="https://token.example/v1"))
    monkeypatch.setenv("FRONTDESK_API_KEY", KEY)
    connection = resolve(options=options(url="https://token.example/v1/"))
    assert (connection.url, connection.profile, connection.label) == (
        "https://token.example/v1",
        None,
        "token.example",
    )
    assert connection.api_key == KEY
    with pytest.raises(TransportError):
        resolve(options=options(url="http://10.0.0.5/v1"))
    assert resolve(options=options(url="http://10.0.0.5/v1", insecure=True)).insecure is True
    with pytest.raises(SetupError, match="não os dois"):
        resolve(options=options(url="https://token.example/v1", profile="unimed"))
