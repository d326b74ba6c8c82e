"""A desk's audit lines in a chain's database (`config.shared_audit.DeskAudit`, and
`cli.app.desk_audit_log`, which a desk of `frontdesk web --database` uses): written to the
audit table; kept in the web host's own file, after a line saying so, when the database is
away; never in the way of the desk."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from frontdesk.audit_log import AUDIT_DATABASE_ENV, AUDIT_HOST_ENV, AuditLog
from frontdesk.backend.database import parse_database_url
from frontdesk.backend.local import open_store
from frontdesk.backend.records import StorageUnavailable
from frontdesk.cli.app import WEB_USER_ENV, desk_audit_log
from frontdesk.config.shared_audit import RETRY_SECONDS, DeskAudit, open_audit
from support.clocks import Monotonic
from support.isolation import Home

AT = datetime(2026, 11, 22, 13, 2, 11, tzinfo=UTC)


class ListTable:
    """An audit table that takes every line."""

    def __init__(self) -> None:
        self.lines: list[dict[str, Any]] = []
        self.closed = False

    def append(self, entry: dict[str, Any]) -> None:
        self.lines.append(entry)

    def close(self) -> None:
        self.closed = True


def file_lines(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_a_database_that_is_away_keeps_the_lines_in_the_hosts_file_after_saying_so(
    home: Home,
) -> None:
    clock = Monotonic()
    opened: list[str] = []
    up = ListTable()

    def opener() -> ListTable:
        opened.append("try")
        if len(opened) == 1:
            raise StorageUnavailable("postgresql://frontdesk@db/chain", "cannot connect")
        return up

    here = AuditLog(now=lambda: AT)
    table = DeskAudit(opener, here.keep, here.path, "postgresql://frontdesk@db/chain", clock=clock)
    audit = AuditLog(profile="local", user="ana", host="host-a", now=lambda: AT, table=table)
    first = audit.record("lookup", guide="2026112200017", outcome="found")
    second = audit.record("send", guide="2026112200017", channel="sms", outcome="sent")
    assert first is not None and second is not None  # the desk sees no failure
    table.close()
    kept = [(line["action"], line["outcome"], line["host"]) for line in file_lines(here.path)]
    assert kept == [
        ("audit_database", "unavailable", "host-a"),
        ("lookup", "found", "host-a"),
        ("send", "sent", "host-a"),  # within the retry time: no second try, no second notice
    ]
    assert opened == ["try"]

    clock.advance(RETRY_SECONDS + 1)  # later, the database is back
    table = DeskAudit(opener, here.keep, here.path, "db", clock=clock)
    audit.table = table
    audit.record("validate", guide="2026112200017", outcome="authorized")
    table.close()
    assert [(line["action"], line["user"]) for line in up.lines] == [("validate", "ana")]
    assert up.closed
    assert len(file_lines(here.path)) == 3


def test_lines_still_queued_when_the_desk_ends_are_kept_in_the_file(home: Home) -> None:
    """A database that hangs: the desk's exit waits a bounded time, then keeps the lines."""
    import threading

    release = threading.Event()

    class Hanging(ListTable):
        def append(self, entry: dict[str, Any]) -> None:
            release.wait(30)
            super().append(entry)

    here = AuditLog(now=lambda: AT)
    table = DeskAudit(Hanging, here.keep, here.path, "db")
    audit = AuditLog(user="ana", now=lambda: AT, table=table)
    audit.record("lookup", guide="2026112200017", outcome="found")
    audit.record("send", guide="2026112200017", outcome="sent")
    table.close(timeout=0.2)
    release.set()
    kept = [(line["action"], line["outcome"]) for line in file_lines(here.path)]
    assert kept == [("audit_database", "unavailable"), ("lookup", "found"), ("send", "sent")]


def test_a_desk_of_a_web_host_with_database_writes_to_its_audit_table(
    home: Home, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'chain.sqlite3'}"
    open_store(parse_database_url(url)).close()  # what the web host made
    environ = {WEB_USER_ENV: "ana", AUDIT_DATABASE_ENV: url, AUDIT_HOST_ENV: "host-a"}
    audit = desk_audit_log(environ, "local")
    audit.record("send", guide="2026112200017", channel="sms", outcome="sent")
    audit.close()
    table = open_audit(parse_database_url(url))
    try:
        [line] = table.entries(None)
    finally:
        table.close()
    assert (line["action"], line["user"], line["host"], line["profile"]) == (
        "send",
        "ana",
        "host-a",
        "local",
    )
    assert not home.audit_file.exists()


def test_without_database_a_desk_writes_its_own_file_as_before(home: Home) -> None:
    audit = desk_audit_log({WEB_USER_ENV: "ana"}, "local")
    assert audit.table is None and audit.host is None
    audit.record("lookup", guide="2026112200017", outcome="found")
    audit.close()
    [line] = home.audit_lines()
    assert "host" not in line and line["user"] == "ana"
