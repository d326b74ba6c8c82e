"""The doctor's report: one `Check` per line (ok/warn/fail/skip with a one-line fix), and the
`Report` rendered as plain text at 80 columns with no colours (a dumb terminal over SSH
reads it) or as JSON. Rendering returns strings; `frontdesk.cli.doctor` prints them.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal

from frontdesk import __version__
from frontdesk.core.i18n import t

Status = Literal["ok", "warn", "fail", "skip"]

WIDTH: Final = 80

# Every check's title, by its id (the catalog keys, written out so tests/core finds them).
TITLE_KEYS: Final[dict[str, str]] = {
    "version": "doctor.title.version",
    "python": "doctor.title.python",
    "config": "doctor.title.config",
    "profile": "doctor.title.profile",
    "keyring": "doctor.title.keyring",
    "api_key": "doctor.title.api_key",
    "tiss_version": "doctor.title.tiss_version",
    "tiss_password": "doctor.title.tiss_password",
    "tiss_login": "doctor.title.tiss_login",
    "transport": "doctor.title.transport",
    "ca_bundle": "doctor.title.ca_bundle",
    "dns": "doctor.title.dns",
    "tcp": "doctor.title.tcp",
    "tls": "doctor.title.tls",
    "health": "doctor.title.health",
    "auth": "doctor.title.auth",
    "clock": "doctor.title.clock",
    "local_backend": "doctor.title.local_backend",
    "data": "doctor.title.data",
    "term": "doctor.title.term",
    "colours": "doctor.title.colours",
    "size": "doctor.title.size",
    "ssh": "doctor.title.ssh",
    "locale": "doctor.title.locale",
}


@dataclass(frozen=True)
class Check:
    """One line of the report: a stable `id` for machines, the rest for people."""

    id: str
    title: str
    status: Status
    detail: str
    fix: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "fix": self.fix,
        }


def check(id_: str, status: Status, detail: str, fix: str | None = None) -> Check:
    """The check `id_` with its title in the current language."""
    return Check(id_, t(TITLE_KEYS[id_]), status, detail, fix)


def ok(id_: str, detail: str) -> Check:
    return check(id_, "ok", detail)


def skipped(id_: str, detail: str | None = None) -> Check:
    """Not checked (by default: because an earlier step failed)."""
    return check(id_, "skip", detail or t("doctor.skipped"))


@dataclass
class Report:
    """The checks in order, and what was checked."""

    config_path: Path
    profile: str | None = None
    mode: Literal["local", "remote"] = "local"
    url: str | None = None
    checks: list[Check] = field(default_factory=list)

    def add(self, check: Check) -> Check:
        self.checks.append(check)
        return check

    def skip(self, ids: Iterable[str]) -> None:
        """Add each of `ids` as not checked, an earlier step having failed."""
        for id_ in ids:
            self.add(skipped(id_))

    def skip_unchecked(self, ids: Iterable[str]) -> None:
        """Add each of `ids` that has no check yet as not checked (a step it needs failed):
        which steps ran is read from the report, never from their position in a list."""
        done = {check.id for check in self.checks}
        self.skip(id_ for id_ in ids if id_ not in done)

    def count(self, status: Status) -> int:
        return sum(1 for check in self.checks if check.status == status)

    @property
    def ok(self) -> bool:
        return self.count("fail") == 0

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    def to_json(self) -> dict[str, Any]:
        return {
            "frontdesk": __version__,
            "ok": self.ok,
            "mode": self.mode,
            "profile": self.profile,
            "url": self.url,
            "config": str(self.config_path),
            "checks": [check.to_json() for check in self.checks],
        }

    def render_json(self) -> str:
        """`frontdesk doctor --json`: the report as indented JSON, non-ASCII kept."""
        return json.dumps(self.to_json(), ensure_ascii=False, indent=2)

    def render(self, width: int = WIDTH) -> str:
        """Plain text, lines at most `width` columns (long paths may still run over)."""
        labels = {
            "ok": "ok",
            "warn": t("doctor.status.warn"),
            "fail": t("doctor.status.fail"),
            "skip": t("doctor.status.skip"),
        }
        if self.mode == "local":
            what = t("doctor.report.local")
        else:
            what = t("doctor.report.profile", p=self.profile) if self.profile else str(self.url)
        lines = [f"frontdesk doctor: {what}", ""]
        title_width = max(len(check.title) for check in self.checks) if self.checks else 10
        title_width = min(title_width, 16)
        indent = " " * (2 + 6 + 1 + title_width + 2)
        for check in self.checks:
            head = f"  {labels[check.status]:<6} {check.title:<{title_width}}  "
            lines.extend(
                textwrap.wrap(
                    check.detail,
                    width=width,
                    initial_indent=head,
                    subsequent_indent=indent,
                    break_on_hyphens=False,
                    break_long_words=False,  # a path whole, its comma with it
                )
                or [head.rstrip()]
            )
            if check.fix:
                lines.extend(
                    textwrap.wrap(
                        t("doctor.report.fix") + check.fix,
                        width=width,
                        initial_indent=indent,
                        subsequent_indent=indent + "  ",
                        break_on_hyphens=False,
                        break_long_words=False,
                    )
                )
        lines.append("")
        fails, warns = self.count("fail"), self.count("warn")
        if fails:
            lines.append(t("doctor.report.failures", f=fails, w=warns))
        else:
            lines.append(t("doctor.report.all_good", w=warns))
        return "\n".join(lines)
