"""`frontdesk audit [--since YYYY-MM-DD] [--database URL]`: print the audit log as a plain
table: this machine's JSON-lines files, or the audit table of the database several web
hosts share (`frontdesk web --database URL`)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from frontdesk.audit_log import AuditLog, format_table, parse_since
from frontdesk.cli.console import Console

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend


def run(args: argparse.Namespace, console: Console, keyring: KeyringBackend | None = None) -> int:
    """The audit log needs no key: `keyring` is there because every tool is run alike."""
    since = parse_since(args.since) if args.since else None
    url: str | None = getattr(args, "audit_database", None)
    if not url:
        console.say(format_table(AuditLog().read(since=since)))
        return 0
    from frontdesk.cli.shared_database import open_database
    from frontdesk.config.shared_audit import open_audit

    table = open_database(url, open_audit)
    if isinstance(table, str):
        console.complain(f"frontdesk audit: {table}")
        return 2
    try:
        records = AuditLog(table=table).read(since=since)
    except OSError as error:
        console.complain(f"frontdesk audit: {error}")
        return 1
    finally:
        table.close()
    console.say(format_table(records))
    return 0
