"""`frontdesk audit [--since YYYY-MM-DD]`: print the audit log as a plain table."""

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
    console.say(format_table(AuditLog().read(since=since)))
    return 0
