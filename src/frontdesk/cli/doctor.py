"""`frontdesk doctor [--profile P] [--json]`: print the report; exit 1 if something failed."""

from __future__ import annotations

import argparse
import json


def run(args: argparse.Namespace) -> int:
    from frontdesk.doctor.checks import run_doctor

    report = run_doctor(
        profile=getattr(args, "profile", None),
        url=getattr(args, "url", None),
        insecure=bool(getattr(args, "insecure", False)),
    )
    if getattr(args, "json", False):
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        print(report.render())
    return report.exit_code
