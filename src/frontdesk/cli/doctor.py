"""`frontdesk doctor [--profile P] [--json]`: print the report; exit 1 if something failed."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from frontdesk.cli.setup import profile_option

if TYPE_CHECKING:
    from frontdesk.cli.console import Console


def add_parsers(sub: Any) -> None:
    doctor = sub.add_parser(
        "doctor", help="check the setup step by step (config, key, network, TLS, clock, terminal)"
    )
    profile_option(doctor)
    doctor.add_argument("--json", action="store_true", help="machine-readable output")


def run(args: argparse.Namespace, console: Console) -> int:
    from frontdesk.doctor.run import run_doctor

    report = run_doctor(
        profile=getattr(args, "profile", None),
        url=getattr(args, "url", None),
        insecure=bool(getattr(args, "insecure", False)),
    )
    console.say(report.render_json() if getattr(args, "json", False) else report.render())
    return report.exit_code
