"""Command-line entry points: `frontdesk` (the app), `frontdesk serve`, `frontdesk web`, tools.

Imports are lazy so that `frontdesk serve` never pays for Textual, and `--help` is instant.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from frontdesk import __version__

if TYPE_CHECKING:
    from frontdesk.cli.console import Console


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="frontdesk",
        description=(
            "Release health-plan guides with a one-time token. With no options it opens "
            "on the embedded local backend with demo data."
        ),
    )
    parser.add_argument("--version", action="version", version=f"frontdesk {__version__}")
    parser.add_argument("--url", help="base URL of a remote token backend (key: FRONTDESK_API_KEY)")
    parser.add_argument(
        "--lang",
        choices=["pt", "en"],
        help="interface language (default: from the locale, else pt)",
    )
    parser.add_argument(
        "--db", help="local mode: database path (default: user data dir; ':memory:' for fresh demo)"
    )
    parser.add_argument(
        "--profile",
        help="connection profile from the config file (default: FRONTDESK_PROFILE, else the "
        "file's default; none: the embedded local backend)",
    )
    parser.add_argument(
        "--insecure",
        action="store_true",
        help="allow plain http:// to another machine (shown on screen; never weakens https)",
    )
    parser.add_argument(
        "--tiss-demo",
        action="store_true",
        help="the counter on the local TISS operator, offline: demo exports, the simulator "
        "(with --db as for local mode)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    serve = sub.add_parser("serve", help="serve the local backend over HTTP")
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: loopback)"
    )
    serve.add_argument("--port", type=int, default=8765, help="port (default: 8765)")
    serve.add_argument(
        "--db", dest="serve_db", help="database path (default: user data dir; ':memory:' for demo)"
    )
    serve.add_argument(
        "--api-key",
        help="API key clients must present (default: FRONTDESK_API_KEY, else one is made and "
        "printed once)",
    )
    serve.add_argument(
        "--policy",
        help="TOML file with the operator's token policy (code_length, lifetime_seconds, "
        "max_attempts, resend_wait_seconds, sends_per_hour, card_failures_per_day, ...)",
    )
    serve.add_argument("--tls-cert", help="PEM certificate to serve HTTPS (with --tls-key)")
    serve.add_argument("--tls-key", help="PEM private key for --tls-cert")
    serve.add_argument(
        "--access-log",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="log one line per request: route, guide, status, time (never bodies)",
    )
    from frontdesk.cli.serve import add_options as add_serve_options

    add_serve_options(serve)  # simulator, request timeouts, connection limit

    from frontdesk.cli import tiss
    from frontdesk.cli.setup import add_parsers

    add_parsers(sub)  # login, logout (cli/login.py), profiles, doctor, audit: each its own
    tiss.add_parser(sub)  # tiss elegibilidade, tiss login (frontdesk.cli.tiss)
    from frontdesk.cli.web import add_parser as add_web_parser

    add_web_parser(sub)  # web, web users
    return parser


def main(argv: Sequence[str] | None = None, *, console: Console | None = None) -> int:
    """`frontdesk`; `console` is the terminal the tools talk to (default: the real one)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if getattr(args, "run", None) is not None:  # a subcommand that names its own runner
            return int(args.run(args))
        if args.command == "serve":
            from frontdesk.cli.serve import run_server

            return run_server(args)
        if args.command == "web":
            from frontdesk.cli.web import run as run_web

            return run_web(args)
        from frontdesk.cli.setup import COMMANDS

        if args.command in COMMANDS:
            from frontdesk.cli.setup import run as run_tool

            return run_tool(args, console)
        from frontdesk.cli.app import run_app

        return run_app(args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
