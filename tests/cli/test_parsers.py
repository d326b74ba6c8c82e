"""The command line: the app's start parses its own options alone, and says the same."""

from __future__ import annotations

import pytest

from frontdesk.cli.parsers import build_parser, parse_arguments


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
        (["--lang", "fr"], "invalid choice: 'fr'"),
        (["--db"], "expected one argument"),
        (["serv"], "invalid choice: 'serv'"),  # a mistyped command is named as a command
        (["--nope"], "unrecognized arguments: --nope"),
    ],
)
def test_a_mistake_gets_the_whole_parsers_message(
    argv: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stop:
        parse_arguments(argv)
    assert stop.value.code == 2
    error = capsys.readouterr().err
    assert said in error and "COMMAND" in error  # the whole parser's usage line


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        parse_arguments(["--help"])
    text = capsys.readouterr().out
    for command in ("serve", "login", "profiles", "doctor", "audit", "tiss", "web"):
        assert command in text
