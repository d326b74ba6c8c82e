"""Profiles: paths, typed reading, errors naming file/line/key, writes that keep comments."""

from __future__ import annotations

from pathlib import Path

import pytest

from frontdesk.config import paths
from frontdesk.config.profile_editing import (
    Profile,
    add_profile,
    load_config,
    remove_profile,
    save_settings,
    select_profile,
    set_default,
    update_profile,
)
from frontdesk.config.setup_errors import ConfigError, ProfileNotFound, SetupError
from support.isolation import Home, write_config

GOOD = """\
# Clinic Sorriso: operators we talk to
default = "unimed"   # the usual one
language = "pt"

[profiles.unimed]
operator = "Unimed Londrina"
url = "https://token.unimed.example/v1/"
ca_bundle = "certs/unimed-ca.pem"   # private CA, relative to this file
connect_timeout = 2
read_timeout = 7.5

# the dental plan
[profiles.dental]
url = "https://api.dentaluni.example/v1"
theme = "textual-light"
language = "en"
"""


def test_paths_follow_the_environment(home: Home, monkeypatch: pytest.MonkeyPatch) -> None:
    assert paths.config_file() == home.config
    assert paths.keys_dir() == home.config.parent / "keys"
    assert paths.audit_file().is_relative_to(home.state)
    assert paths.data_dir().is_relative_to(home.data)
    monkeypatch.delenv("FRONTDESK_CONFIG")
    assert paths.config_file() == home.root / ".config" / "frontdesk" / "config.toml"


def test_a_missing_file_is_an_empty_configuration(home: Home) -> None:
    config = load_config()
    assert config.path == home.config
    assert not config.exists
    assert config.profiles == ()
    assert select_profile(config) == (None, "none")


def test_a_good_file_becomes_typed_profiles(home: Home) -> None:
    write_config(home, GOOD)
    config = load_config()
    assert config.default == "unimed"
    assert config.language == "pt"
    assert config.names() == ["unimed", "dental"]
    assert config.get("unimed") == Profile(
        name="unimed",
        url="https://token.unimed.example/v1",
        operator="Unimed Londrina",
        ca_bundle=home.config.parent / "certs" / "unimed-ca.pem",
        connect_timeout=2.0,
        read_timeout=7.5,
    )
    dental = config.get("dental")
    assert dental is not None
    assert (dental.connect_timeout, dental.read_timeout) == (3.0, 10.0)
    assert (dental.language, dental.theme, dental.label) == ("en", "textual-light", "dental")


def test_profile_selection_order(home: Home, monkeypatch: pytest.MonkeyPatch) -> None:
    write_config(home, GOOD)
    config = load_config()
    profile, how = select_profile(config)
    assert (profile and profile.name, how) == ("unimed", "default")
    monkeypatch.setenv("FRONTDESK_PROFILE", "dental")
    profile, how = select_profile(config)
    assert (profile and profile.name, how) == ("dental", "FRONTDESK_PROFILE")
    profile, how = select_profile(config, "unimed")
    assert (profile and profile.name, how) == ("unimed", "--profile")
    with pytest.raises(ProfileNotFound) as caught:
        select_profile(config, "amil")
    assert "amil" in str(caught.value) and "unimed, dental" in str(caught.value)


BROKEN = [
    # (what, text, line, key, words in the problem)
    (
        "syntax: unterminated string",
        'default = "a"\n\n[profiles.a]\nurl = "https://a.example\n',
        4,
        "profiles.a.url",
        "sintaxe",
    ),
    (
        "syntax: table header",
        '[profiles.a\nurl = "https://a.example"\n',
        1,
        "profiles.a",
        "sintaxe",
    ),
    (
        "syntax: no equals sign",
        '[profiles.a]\nurl = "https://a.example"\noperator "A"\n',
        3,
        "profiles.a.operator",
        "sintaxe",
    ),
    (
        "unknown top-level key",
        '# c\ndefault_profile = "a"\n',
        2,
        "default_profile",
        "desconhecida",
    ),
    (
        "unknown profile key",
        '[profiles.a]\nurl = "https://a.example"\n\ncolour = "red"\n',
        4,
        "profiles.a.colour",
        "desconhecida",
    ),
    (
        "wrong type: timeout as text",
        '[profiles.a]\nurl = "https://a.example"\nconnect_timeout = "3"\n',
        3,
        "profiles.a.connect_timeout",
        "não um texto",
    ),
    (
        "wrong type: url as number (dotted key)",
        "profiles.a.url = 8765\n",
        1,
        "profiles.a.url",
        "não um número inteiro",
    ),
    (
        "wrong type: profiles not a table",
        'default = "a"\nprofiles = ["a"]\n',
        2,
        "profiles",
        "não uma lista",
    ),
    (
        "wrong value: language",
        '\n\nlanguage = "fr"\n',
        3,
        "language",
        '"pt" ou "en"',
    ),
    (
        "wrong value: negative timeout in an inline table",
        '[profiles]\na = { url = "https://a.example", read_timeout = -1 }\n',
        2,
        "profiles.a.read_timeout",
        "entre 0 e 600",
    ),
    (
        "wrong value: bad URL scheme",
        '[profiles.a]\nurl = "ftp://a.example"\n',
        2,
        "profiles.a.url",
        "https://",
    ),
    (
        "missing url",
        '[profiles.a]\noperator = "A"\n',
        1,
        "profiles.a.url",
        "falta",
    ),
    (
        "default names no profile",
        'default = "b"\n[profiles.a]\nurl = "https://a.example"\n',
        1,
        "default",
        '"b" não existe',
    ),
    (
        "bad profile name",
        '[profiles."a b"]\nurl = "https://a.example"\n',
        1,
        "profiles.a b",
        "nome de perfil",
    ),
]


@pytest.mark.parametrize(
    ("text", "line", "key", "words"),
    [case[1:] for case in BROKEN],
    ids=[case[0] for case in BROKEN],
)
def test_each_problem_names_the_file_the_line_and_the_key(
    home: Home, text: str, line: int, key: str, words: str
) -> None:
    write_config(home, text)
    with pytest.raises(ConfigError) as caught:
        load_config()
    error = caught.value
    assert (error.path, error.line, error.key) == (home.config, line, key)
    message = str(error)
    assert message.startswith(f'{home.config}, linha {line}, chave "{key}": ')
    assert words in message
    assert "Traceback" not in message


def test_messages_follow_the_language(home: Home) -> None:
    from frontdesk.core.i18n import set_language

    write_config(home, '[profiles.a]\nurl = "https://a.example"\nread_timeout = true\n')
    set_language("en")
    with pytest.raises(ConfigError) as caught:
        load_config()
    assert str(caught.value) == (
        f'{home.config}, line 3, key "profiles.a.read_timeout": '
        "must be a number of seconds, not a boolean."
    )


@pytest.mark.parametrize("name", ["api_key", "apikey", "token", "password"])
def test_a_key_in_the_file_is_refused_with_where_keys_go(home: Home, name: str) -> None:
    secret = "s3cr3t-value-never-shown"
    write_config(home, f'[profiles.unimed]\nurl = "https://a.example"\n{name} = "{secret}"\n')
    with pytest.raises(ConfigError) as caught:
        load_config()
    message = str(caught.value)
    assert caught.value.line == 3
    assert caught.value.key == f"profiles.unimed.{name}"
    assert "frontdesk login --profile unimed" in message
    assert "FRONTDESK_API_KEY" in message and "0600" in message
    assert secret not in message


def test_a_non_utf8_file_names_the_line(home: Home) -> None:
    home.config.parent.mkdir(parents=True)
    home.config.write_bytes(b'[profiles.a]\nurl = "https://a.example"\noperator = "S\xe3o"\n')
    with pytest.raises(ConfigError) as caught:
        load_config()
    assert (caught.value.line, caught.value.key) == (3, "profiles.a.operator")


def test_writes_keep_comments_and_stay_valid(home: Home) -> None:
    write_config(home, GOOD)
    add_profile("amil", url="https://amil.example/v1", operator="Amil", read_timeout=20.0)
    set_default("amil")
    update_profile("dental", {"operator": "Dental Uni", "theme": None})
    save_settings(language="en", theme="nord")
    save_settings(language="pt", theme=None, profile="amil")
    text = home.config.read_text()
    for comment in (
        "# Clinic Sorriso: operators we talk to",
        "# the usual one",
        "# private CA, relative to this file",
        "# the dental plan",
    ):
        assert comment in text
    config = load_config()
    assert config.default == "amil"
    assert (config.language, config.theme) == ("en", "nord")
    amil = config.get("amil")
    assert amil == Profile(
        name="amil",
        url="https://amil.example/v1",
        operator="Amil",
        read_timeout=20.0,
        language="pt",
    )
    dental = config.get("dental")
    assert dental is not None and (dental.operator, dental.theme) == ("Dental Uni", None)

    remove_profile("amil")
    config = load_config()
    assert config.names() == ["unimed", "dental"]
    assert config.default is None
    assert "# the dental plan" in home.config.read_text()


def test_the_first_profile_becomes_the_default_in_a_new_private_file(home: Home) -> None:
    config = add_profile("unimed", url="https://token.unimed.example/v1")
    assert config.default == "unimed"
    assert home.config.stat().st_mode & 0o777 == 0o600
    assert "frontdesk login" in home.config.read_text()  # the header says where keys go
    config = add_profile("dental", url="https://dental.example/v1")
    assert config.default == "unimed"


def test_a_write_never_breaks_or_clobbers_the_file(home: Home) -> None:
    write_config(home, GOOD)
    before = home.config.read_text()
    with pytest.raises(SetupError, match="já existe"):
        add_profile("unimed", url="https://x.example")
    with pytest.raises(ConfigError) as caught:
        update_profile("unimed", {"connect_timeout": 9999})
    assert caught.value.key == "profiles.unimed.connect_timeout"
    with pytest.raises(ProfileNotFound):
        set_default("nope")
    with pytest.raises(SetupError, match="nome de perfil"):
        add_profile("../etc", url="https://x.example")
    assert home.config.read_text() == before

    broken = before.replace("read_timeout = 7.5", 'read_timeout = "slow"')
    home.config.write_text(broken)
    with pytest.raises(ConfigError) as caught:
        add_profile("amil", url="https://amil.example")
    assert caught.value.key == "profiles.unimed.read_timeout"
    assert home.config.read_text() == broken


def test_writes_follow_a_symlinked_config(home: Home, tmp_path: Path) -> None:
    real = tmp_path / "dotfiles" / "frontdesk.toml"
    real.parent.mkdir()
    real.write_text("# mine\n")
    home.config.parent.mkdir(parents=True)
    home.config.symlink_to(real)
    add_profile("unimed", url="https://token.unimed.example/v1")
    assert home.config.is_symlink()
    assert "# mine" in real.read_text() and "[profiles.unimed]" in real.read_text()


def test_the_documented_example_is_valid(home: Home) -> None:
    setup = Path(__file__).resolve().parents[2] / "docs" / "setup.md"
    text = setup.read_text(encoding="utf-8")
    example = text.split("```toml\n", 1)[1].split("```", 1)[0]
    write_config(home, example)
    config = load_config()
    assert config.names() == ["unimed", "dental"]
    unimed = config.get("unimed")
    assert unimed is not None and unimed.ca_bundle == Path("/etc/frontdesk/unimed-ca.pem")
