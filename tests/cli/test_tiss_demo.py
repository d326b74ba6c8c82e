"""`frontdesk --tiss-demo`: the counter on the local TISS operator, and what it refuses."""

from __future__ import annotations

import pytest

from frontdesk.cli import build_parser, main
from frontdesk.cli.app import tiss_demo
from frontdesk.config.setup_errors import SetupError
from support.isolation import Home


def test_the_demo_is_a_tiss_connection_with_the_files_language(home: Home) -> None:
    home.write_config('language = "en"\ntheme = "ansi-dark"\n')
    connection = tiss_demo(build_parser().parse_args(["--tiss-demo"]))
    assert connection.kind == "tiss" and connection.tiss is None and connection.is_local
    assert (connection.language, connection.theme) == ("en", "ansi-dark")
    assert connection.operator == "Operadora Demonstração"
    pt = tiss_demo(build_parser().parse_args(["--tiss-demo", "--lang", "pt"]))
    assert pt.language == "pt"


@pytest.mark.parametrize("extra", [["--url", "https://x.example/v1"], ["--profile", "p"]])
def test_the_demo_goes_alone(
    home: Home, extra: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SetupError, match="--tiss-demo"):
        tiss_demo(build_parser().parse_args(["--tiss-demo", *extra]))
    assert main(["--tiss-demo", *extra]) == 2
    assert "não se combina" in capsys.readouterr().err
