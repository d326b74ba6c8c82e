"""`frontdesk doctor [--profile P] [--json]`: print the report; exit 1 if something failed."""

from __future__ import annotations

import argparse


def run(args: argparse.Namespace) -> int:
    from frontdesk.doctor.run import run_doctor

    report = run_doctor(
        profile=getattr(args, "profile", None),
        url=getattr(args, "url", None),
        insecure=bool(getattr(args, "insecure", False)),
    )
    print(report.render_json() if getattr(args, "json", False) else report.render())
    return report.exit_code
