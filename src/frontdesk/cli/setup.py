"""The technician's commands: `login`/`logout` (cli/login.py), `profiles` (cli/profiles_command.py),
`doctor` (cli/doctor.py) and `audit` (cli/audit.py).

Their arguments are declared in `cli/parsers.py`; `run` sets the language, imports the
command's module, runs it with a `Console` and the keyring, and turns a setup problem into
one line on standard error with exit status 2 (never a traceback). Never Textual.
"""

from __future__ import annotations

import argparse
import importlib
from typing import TYPE_CHECKING, Final

from frontdesk.cli.console import Console, TerminalConsole
from frontdesk.cli.parsers import TOOLS
from frontdesk.config.setup_errors import SetupError
from frontdesk.core.i18n import set_language

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

SETUP_ERROR_EXIT: Final = 2


def run(
    args: argparse.Namespace,
    console: Console | None = None,
    keyring: KeyringBackend | None = None,
) -> int:
    """Run one tool command; a setup problem is a message (no traceback), exit status 2.

    `keyring` None: the one the keyring library picks.
    """
    console = console or TerminalConsole()
    lang = getattr(args, "lang", None)
    if lang in ("pt", "en"):
        set_language(lang)
    # lazy: each command loads only its own module: `profiles` and `audit` would otherwise
    # load the doctor's and login's client, httpx and embedded backend
    # (docs/performance.md, "Lazy imports").
    module = importlib.import_module(f"frontdesk.cli.{TOOLS[args.command]}")
    try:
        code: int = module.run(args, console, keyring)
    except SetupError as error:
        console.complain(f"frontdesk: {error}")
        return SETUP_ERROR_EXIT
    return code
