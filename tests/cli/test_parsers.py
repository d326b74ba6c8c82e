"""The command line: the app's start parses its own options alone, and says the same."""

from __future__ import annotations

import argparse

import pytest

from frontdesk.cli.parsers import build_parser, parse_arguments
from frontdesk.core import i18n


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--db", ":memory:"],
        ["--lang", "en", "--profile", "unimed", "--insecure"],
        ["--url", "https://token.example/v1", "--lang=pt"],
        ["--tiss-demo", "--db", "/tmp/x.db"],
        ["--prof", "unimed"],  # argparse's abbreviations, as before
        ["--db", ":memory:", "serve"],  # a command after the options: the whole parser
        ["doctor", "--json"],
        ["profiles", "add", "x", "--url", "https://x.example/v1"],
    ],
)
def test_the_same_arguments_as_the_whole_parser(argv: list[str]) -> None:
    assert vars(parse_arguments(argv)) == vars(build_parser().parse_args(argv))


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--lang", "fr"], "argumento --lang: escolha inválida: 'fr' (escolha entre 'pt', 'en')"),
        (["--db"], "argumento --db: falta o valor"),
        (["serv"], "argumento COMMAND: escolha inválida: 'serv'"),  # named as a command
        (["--nope"], "argumentos não reconhecidos: --nope"),
        (["tiss", "elegibilidade", "--card", "1", "--reason", "01"],
         "frontdesk tiss elegibilidade: erro: faltam argumentos obrigatórios: --profile"),
        (["serve", "--port", "x"], "argumento --port: não é um número inteiro: 'x'"),
    ],
)  # fmt: skip
def test_a_mistake_gets_the_whole_parsers_message_in_portuguese(
    argv: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stop:
        parse_arguments(argv)
    assert stop.value.code == 2
    error = capsys.readouterr().err
    assert said in error and error.startswith("uso: frontdesk")
    assert "usage:" not in error and "error:" not in error and "argument " not in error


def test_with_lang_en_argparse_speaks_english(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        parse_arguments(["--lang", "en", "tiss", "elegibilidade", "--card", "1"])
    error = capsys.readouterr().err
    assert error.startswith("usage: frontdesk tiss elegibilidade")
    assert "error: the following arguments are required: --profile" in error
    with pytest.raises(SystemExit):
        parse_arguments(["--lang=en", "login", "--help"])
    assert "show this help message and exit" in capsys.readouterr().out


def test_help_is_portuguese_by_default_for_every_command(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Every --help, sections and argparse's own words included; each has a description."""
    for argv in (
        [], ["serve"], ["login"], ["logout"], ["profiles"], ["profiles", "add"],
        ["profiles", "set"], ["doctor"], ["audit"], ["tiss"], ["tiss", "elegibilidade"],
        ["tiss", "demo-files"], ["tiss", "login"], ["web"], ["web", "users", "add"],
    ):  # fmt: skip
        with pytest.raises(SystemExit):
            parse_arguments([*argv, "--help"])
        text = capsys.readouterr().out
        assert text.startswith("uso: frontdesk"), argv
        assert "opções:" in text and "mostra esta ajuda e sai" in text, argv
        description = text.split("\n\n")[1]
        assert not description.startswith(("opções", "argumentos")), argv  # it has one
        for english in ("usage:", "options:", "show this help", "positional arguments"):
            assert english not in text, (argv, english)
        assert "cli." not in text, argv  # no key left unlooked-up


def test_every_help_text_is_a_catalog_key_in_both_languages() -> None:
    keys: list[str] = []

    def walk(parser: argparse.ArgumentParser) -> None:
        keys.extend(k for k in (parser.description,) if k)
        keys.extend(str(g.title) for g in parser._action_groups)
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                keys.extend(str(choice.help) for choice in action._choices_actions)
                for child in action.choices.values():
                    walk(child)
            elif action.help is not argparse.SUPPRESS:
                keys.append(str(action.help))

    walk(build_parser())
    assert len(keys) > 150
    assert sorted({k for k in keys if not (k.startswith("cli.") and i18n.has_text(k))}) == []


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        parse_arguments(["--help"])
    text = capsys.readouterr().out
    for command in ("serve", "login", "profiles", "doctor", "audit", "tiss", "web"):
        assert command in text


def test_the_connection_options_are_the_parsed_arguments_typed() -> None:
    """`resolve` takes typed options; the command line builds them from what was typed."""
    from frontdesk.cli.app import connection_options
    from frontdesk.config.connection import ConnectionOptions

    typed = parse_arguments(["--profile", "unimed", "--insecure", "--lang", "en"])
    assert connection_options(typed) == ConnectionOptions(
        profile="unimed", url=None, insecure=True, lang="en"
    )
    remote = parse_arguments(["--url", "https://token.example/v1"])
    assert connection_options(remote) == ConnectionOptions(url="https://token.example/v1")
    assert connection_options(parse_arguments(["--profile", "  "])) == ConnectionOptions()


@pytest.mark.parametrize(
    "argv",
    [
        ["serve", "--api-key", "-pfySnTY3Q0foGpxzXgd6DhVc8hR4Qgk"],  # a token_urlsafe key
        ["serve", "--api-key=-pfySnTY3Q0foGpxzXgd6DhVc8hR4Qgk"],
        ["serve", "--port", "0", "--api-key", "--pfySnTY3Q0foGpxzXgd6DhVc8hR4Qgk"],
    ],
)
def test_an_api_key_that_begins_with_a_dash_is_the_keys_value(argv: list[str]) -> None:
    """`secrets.token_urlsafe` begins a key with "-" one time in 64: argparse took it for an
    option, and `frontdesk serve` ended at once ("--api-key: falta o valor")."""
    key = argv[-1].removeprefix("--api-key=")
    assert parse_arguments(argv).api_key == key


def test_an_api_key_with_no_value_is_still_said(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        parse_arguments(["serve", "--api-key"])
    assert "argumento --api-key: falta o valor" in capsys.readouterr().err
