"""`frontdesk audit [--since YYYY-MM-DD]`: print the audit log as a plain table."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from frontdesk.cli.console import Console


def add_parsers(sub: Any) -> None:
    audit = sub.add_parser("audit", help="print the audit log as a table")
    audit.add_argument("--since", metavar="YYYY-MM-DD", help="only records from that day on")


def run(args: argparse.Namespace, console: Console) -> int:
    from frontdesk.config.audit import AuditLog, format_table, parse_since

    since = parse_since(args.since) if args.since else None
    console.say(format_table(AuditLog().read(since=since)))
    return 0
