"""Command-line entry points: `frontdesk` (the app), `frontdesk serve`, `frontdesk web`, tools.

`parsers` declares every command's arguments (argparse only); `main` parses them, then
imports the one runner the command needs. So `--help` is instant, `frontdesk serve` never
pays for Textual, and the app never loads a server.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from frontdesk.cli.parsers import TOOLS, build_parser, parse_arguments

if TYPE_CHECKING:
    import argparse

    from keyring.backend import KeyringBackend

    from frontdesk.cli.console import Console

__all__ = ["build_parser", "main"]


def main(
    argv: Sequence[str] | None = None,
    *,
    console: Console | None = None,
    keyring: KeyringBackend | None = None,
) -> int:
    """`frontdesk`. The technician's commands talk to `console` (default: the real
    terminal) and keep keys in `keyring` (default: the one the keyring library picks)."""
    args = parse_arguments(sys.argv[1:] if argv is None else argv)
    try:
        return _run(args, console, keyring)
    except KeyboardInterrupt:
        return 130


def _run(args: argparse.Namespace, console: Console | None, keyring: KeyringBackend | None) -> int:
    # lazy: only the command's own runner. `--help` and a mistyped option load argparse and
    # cli/parsers.py only; at the top, every command would load all the others' runners
    # (Textual, uvicorn, aiohttp, the TISS client: docs/performance.md, "Lazy imports").
    command = args.command
    if command == "serve":
        from frontdesk.cli.serve import run_server

        return run_server(args)
    if command == "web":
        from frontdesk.cli.web import run as run_web

        return run_web(args)
    if command == "tiss":
        from frontdesk.cli.tiss import run as run_tiss

        return run_tiss(args, keyring=keyring, console=console)
    if command in TOOLS:
        from frontdesk.cli.setup import run as run_tool

        return run_tool(args, console, keyring)
    from frontdesk.cli.app import run_app

    return run_app(args)


if __name__ == "__main__":
    sys.exit(main())
