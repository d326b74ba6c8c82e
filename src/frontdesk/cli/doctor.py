"""`frontdesk doctor [--profile P] [--json]`: print the report; exit 1 if something failed."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from frontdesk.cli.console import Console
from frontdesk.doctor.run import run_doctor

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend


def run(args: argparse.Namespace, console: Console, keyring: KeyringBackend | None = None) -> int:
    """`keyring`: the one the checks look at (None: the one the keyring library picks)."""
    report = run_doctor(
        profile=getattr(args, "profile", None),
        url=getattr(args, "url", None),
        insecure=bool(getattr(args, "insecure", False)),
        keyring_backend=keyring,
    )
    console.say(report.render_json() if getattr(args, "json", False) else report.render())
    return report.exit_code
