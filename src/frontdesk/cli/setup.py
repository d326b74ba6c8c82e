"""The technician's commands: `login`/`logout` (cli/login.py), `profiles` (cli/profiles.py),
`doctor` (cli/doctor.py) and `audit` (cli/audit.py).

Each command's module declares its own subparser (argparse only, so `--help` stays
instant) and runs it with a `Console`; everything else is imported when a command runs,
never Textual. `run` sets the language and turns a setup problem into one line on
standard error with exit status 2 (never a traceback).
"""

from __future__ import annotations

import argparse
import importlib
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from frontdesk.cli.console import Console

# command -> the module of frontdesk.cli that declares and runs it
COMMANDS: Final[dict[str, str]] = {
    "login": "login",
    "logout": "login",
    "profiles": "profiles",
    "doctor": "doctor",
    "audit": "audit",
}
SETUP_ERROR_EXIT: Final = 2


def profile_option(parser: argparse.ArgumentParser) -> None:
    """`--profile P` on a subcommand; not given there, the global `frontdesk --profile P` holds."""
    parser.add_argument(
        "--profile",
        default=argparse.SUPPRESS,
        help="profile to use (default: FRONTDESK_PROFILE, else the config file's default)",
    )


def _module(command: str) -> Any:
    return importlib.import_module(f"frontdesk.cli.{COMMANDS[command]}")


def add_parsers(sub: Any) -> None:
    """Add the tool subcommands, in help order, to the main parser's subparsers object."""
    for name in dict.fromkeys(COMMANDS.values()):
        importlib.import_module(f"frontdesk.cli.{name}").add_parsers(sub)


def run(args: argparse.Namespace, console: Console | None = None) -> int:
    """Run one tool command; a setup problem is a message (no traceback), exit status 2."""
    from frontdesk.cli.console import TerminalConsole
    from frontdesk.config.errors import SetupError
    from frontdesk.core.i18n import set_language

    console = console or TerminalConsole()
    lang = getattr(args, "lang", None)
    if lang in ("pt", "en"):
        set_language(lang)
    try:
        code: int = _module(args.command).run(args, console)
    except SetupError as error:
        console.complain(f"frontdesk: {error}")
        return SETUP_ERROR_EXIT
    return code
