"""The desk's audit log: one JSON line per action in the user log directory, rotated by size.

Each line holds the time (UTC), profile, action, guide number, channel kind, masked
destination, outcome and, for absences, the TISS reason; under `frontdesk web`, also the web
user and, for its sign-ins, the browser's address; under `frontdesk web --database`, the
name of the web host that wrote it (`--name`): its desks' lines go to the database's audit
table too (`AUDIT_DATABASE_ENV`, `config.shared_audit.DeskAudit`). It never holds a code, a
key or a full phone/e-mail: `AuditLog.record` has no field for a code, masks any contact it is
given unmasked, and replaces an outcome that looks like it carries digits of a code.

    audit = AuditLog(profile=connection.label)
    audit.record("send", guide="2026112200017", channel="sms",
                 destination="(43) *****-1234", outcome="sent")
"""

from __future__ import annotations

import ipaddress
import json
import logging
import os
import re
import threading
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any, Final, Protocol

import msgspec

from frontdesk.config.paths import audit_file, ensure_private_dir
from frontdesk.config.setup_errors import SetupError
from frontdesk.core.contacts import digits_only, mask_email, mask_phone
from frontdesk.core.i18n import t

log = logging.getLogger("frontdesk.audit")

MAX_BYTES: Final = 1024 * 1024
BACKUPS: Final = 5
ACTIONS: Final = frozenset(
    {
        "lookup",
        "send",
        "validate",
        "cancel",
        "absence",
        "login",
        "logout",
        "profile_switch",
        "settings",
        "status",  # a TISS counter's status check of a guide under analysis
        "new_guide",  # a TISS counter's guide started by hand
        "web_login",
        "web_logout",
    }
)
CHANNELS: Final = frozenset({"sms", "email", "app", "sac"})
REDACTED: Final = "redacted"
# What a web host with `--database` hands its desks: the database's URL (never a password:
# `--database` refuses one) and its own name, so their lines go to the one audit table.
AUDIT_DATABASE_ENV: Final = "FRONTDESK_AUDIT_DATABASE"
AUDIT_HOST_ENV: Final = "FRONTDESK_AUDIT_HOST"

_ACTION = re.compile(r"[a-z][a-z_]{0,31}")
_OUTCOME = re.compile(r"[a-z][a-z0-9_.:-]{0,63}")
_DIGIT_RUN = re.compile(r"\d{4,}")
_GUIDE = re.compile(r"[0-9A-Za-z][0-9A-Za-z./-]{0,31}")
_PROFILE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}")
_MASKED_PHONE = re.compile(r"\((?:\d{2}|\*\*)\) \*{5}-[0-9*]{4}")
_REASON = re.compile(r"\d{2}")
_USER = re.compile(r"[a-z0-9][a-z0-9._-]{0,31}")


class AuditRecord(msgspec.Struct, frozen=True):
    """One line of the audit log."""

    time: datetime
    action: str
    outcome: str
    profile: str | None = None
    guide: str | None = None
    channel: str | None = None
    destination: str | None = None
    reason: str | None = None
    user: str | None = None
    address: str | None = None
    host: str | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "time": self.time.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "profile": self.profile,
            "action": self.action,
            "guide": self.guide,
            "channel": self.channel,
            "destination": self.destination,
            "outcome": self.outcome,
        }
        if self.reason is not None:
            data["reason"] = self.reason
        if self.user is not None:
            data["user"] = self.user
        if self.address is not None:
            data["address"] = self.address
        if self.host is not None:
            data["host"] = self.host
        return data

    @classmethod
    def from_json(cls, data: Any) -> AuditRecord:
        if not isinstance(data, dict):
            raise ValueError("not an object")
        stamp = datetime.fromisoformat(str(data["time"]).replace("Z", "+00:00"))
        if stamp.tzinfo is None:
            stamp = stamp.replace(tzinfo=UTC)

        def text(key: str) -> str | None:
            value = data.get(key)
            return value if isinstance(value, str) else None

        return cls(
            time=stamp,
            action=str(data["action"]),
            outcome=str(data["outcome"]),
            profile=text("profile"),
            guide=text("guide"),
            channel=text("channel"),
            destination=text("destination"),
            reason=text("reason"),
            user=text("user"),
            address=text("address"),
            host=text("host"),
        )


def safe_destination(destination: str | None) -> str | None:
    """A destination fit for the log: masked phones and e-mails only."""
    if destination is None:
        return None
    value = destination.strip()
    if not value:
        return None
    if "@" in value:
        return mask_email(value)  # idempotent on a masked address
    if _MASKED_PHONE.fullmatch(value):
        return value
    if digits_only(value):
        return mask_phone(value)
    return REDACTED


def safe_outcome(outcome: str) -> str:
    value = outcome.strip()
    if not _OUTCOME.fullmatch(value) or _DIGIT_RUN.search(value):
        return REDACTED
    return value


def _safe(pattern: re.Pattern[str], value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value if pattern.fullmatch(value) else REDACTED


def is_host_name(name: str) -> bool:
    """Whether `name` can name a web host on the audit's lines as it is (else redacted)."""
    return bool(_PROFILE.fullmatch(name))


def safe_address(address: str | None) -> str | None:
    """An IP address as such; anything else is redacted (it came from a request)."""
    if address is None:
        return None
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return REDACTED


def _utc_now() -> datetime:
    return datetime.now(UTC)


class AuditTable(Protocol):
    """The audit in a database several web hosts share (`frontdesk web --database`,
    `config.shared_audit`): each record as the file's line holds it (`AuditRecord.to_json`).
    Raises OSError when the database cannot be read or written now."""

    shown: str

    def append(self, entry: dict[str, Any]) -> None: ...
    def entries(self, since: datetime | None) -> list[dict[str, Any]]: ...


class AuditLog:
    """Appends `AuditRecord`s as JSON lines to `path`, rotating at `max_bytes` (`backups` kept),
    or, given `table`, as rows of a database's audit table (the same fields, masked alike).

    `profile` is recorded on every line; the app sets it again when the user switches
    profile. `user` (the web user, under `frontdesk web`) and `host` (the web host's name,
    under `frontdesk web --database`) too, when given. A write that fails (disk full, no
    permission) is logged and skipped: the desk's work goes on.
    """

    def __init__(
        self,
        path: Path | None = None,
        *,
        profile: str | None = None,
        user: str | None = None,
        host: str | None = None,
        max_bytes: int = MAX_BYTES,
        backups: int = BACKUPS,
        now: Callable[[], datetime] = _utc_now,
        table: AuditTable | None = None,
    ) -> None:
        self.path = path or audit_file()
        self.table = table
        self.profile = profile
        self.user = user
        self.host = host
        self.max_bytes = max_bytes
        self.backups = max(1, backups)
        self.last_error: OSError | None = None
        self._now = now
        self._lock = threading.Lock()

    def record(
        self,
        action: str,
        *,
        outcome: str,
        guide: str | None = None,
        channel: str | None = None,
        destination: str | None = None,
        reason: str | None = None,
        profile: str | None = None,
        user: str | None = None,
        address: str | None = None,
    ) -> AuditRecord | None:
        """Append one action; returns what was written (None if the write failed).

        `channel` is the kind (sms, email, app, sac); `destination` is masked here if it
        is not already; `outcome` is a short word such as "ok", "sent", "authorized",
        "invalid_code" or "error:backend_unavailable". There is deliberately no field
        for a code.
        """
        if not _ACTION.fullmatch(action):
            raise ValueError(f"not an audit action name: {action!r}")
        entry = AuditRecord(
            time=self._now(),
            action=action,
            outcome=safe_outcome(outcome),
            profile=_safe(_PROFILE, profile or self.profile),
            guide=_safe(_GUIDE, guide),
            channel=None if channel is None else (channel if channel in CHANNELS else "other"),
            destination=safe_destination(destination),
            reason=_safe(_REASON, reason),
            user=_safe(_USER, user or self.user),
            address=safe_address(address),
            host=_safe(_PROFILE, self.host),
        )
        with self._lock:
            try:
                if self.table is not None:
                    self.table.append(entry.to_json())
                else:
                    self._write(_line(entry.to_json()))
            except OSError as exc:
                self.last_error = exc
                where = self.table.shown if self.table is not None else self.path
                log.warning("audit log %s not written: %s", where, exc.strerror or exc)
                return None
        self.last_error = None
        return entry

    def keep(self, entry: dict[str, Any]) -> None:
        """Append a line `record` made (`AuditRecord.to_json`) to this log's file, as it is:
        where a database's audit table that cannot be written now keeps its lines
        (`config.shared_audit.DeskAudit`). Raises OSError when the file cannot be written."""
        with self._lock:
            self._write(_line(entry))

    def close(self) -> None:
        """Close the audit table, if any, once what it was given is written (or kept)."""
        close = getattr(self.table, "close", None)
        if close is not None:
            close()

    def _write(self, data: bytes) -> None:
        ensure_private_dir(self.path.parent)
        try:
            size = self.path.stat().st_size
        except FileNotFoundError:
            size = 0
        if size and size + len(data) > self.max_bytes:
            self._rotate()
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, data)
        finally:
            os.close(fd)

    def _backup(self, index: int) -> Path:
        return self.path.with_name(f"{self.path.name}.{index}")

    def _rotate(self) -> None:
        self._backup(self.backups).unlink(missing_ok=True)
        for index in range(self.backups - 1, 0, -1):
            if self._backup(index).exists():
                os.replace(self._backup(index), self._backup(index + 1))
        os.replace(self.path, self._backup(1))

    def files(self) -> list[Path]:
        """The log's files that exist, oldest first."""
        candidates = [self._backup(i) for i in range(self.backups, 0, -1)] + [self.path]
        return [path for path in candidates if path.exists()]

    def read(self, since: datetime | None = None) -> list[AuditRecord]:
        """Every record (from `since` on), oldest first; unreadable lines are skipped.
        Raises OSError when the audit table cannot be read."""
        if self.table is not None:
            return [e for e in map(_parsed, self.table.entries(since)) if e is not None]
        return list(read_records(self.files(), since=since))


def _line(entry: dict[str, Any]) -> bytes:
    return (json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def _parsed(data: dict[str, Any]) -> AuditRecord | None:
    try:
        return AuditRecord.from_json(data)
    except (ValueError, KeyError, TypeError):
        return None


def read_records(files: Iterable[Path], *, since: datetime | None = None) -> Iterable[AuditRecord]:
    for path in files:
        try:
            with path.open(encoding="utf-8", errors="replace") as handle:
                for line in handle:
                    try:
                        entry = AuditRecord.from_json(json.loads(line))
                    except (ValueError, KeyError, TypeError):
                        continue
                    if since is None or entry.time >= since:
                        yield entry
        except FileNotFoundError:  # rotated away while reading
            continue


def parse_since(value: str) -> datetime:
    """`YYYY-MM-DD` → the start of that day in local time (aware)."""
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise SetupError(t("setup.audit.bad_date", value=value)) from None
    return datetime.combine(day, time()).astimezone()


Column = tuple[str, Callable[[AuditRecord], str]]  # the header's catalog key, the cell


def table_columns(entries: list[AuditRecord]) -> list[Column]:
    """The audit table's columns for `entries`: the web user and the browser's address (lines
    `frontdesk web` wrote) when any record has one, the web host (lines of a chain's
    database) when any record names one, so a desk without web users keeps a narrow table."""
    columns: list[Column] = [
        ("setup.audit.col.when", lambda e: e.time.astimezone().strftime("%Y-%m-%d %H:%M:%S"))
    ]
    if any(entry.host for entry in entries):
        columns.append(("setup.audit.col.host", lambda e: e.host or "-"))
    columns.append(("setup.audit.col.profile", lambda e: e.profile or "-"))
    if any(entry.user or entry.address for entry in entries):
        columns.append(("setup.audit.col.user", lambda e: e.user or "-"))
        columns.append(("setup.audit.col.address", lambda e: e.address or "-"))
    columns += [
        ("setup.audit.col.action", lambda e: e.action),
        ("setup.audit.col.guide", lambda e: e.guide or "-"),
        ("setup.audit.col.channel", lambda e: e.channel or "-"),
        ("setup.audit.col.destination", lambda e: e.destination or "-"),
        ("setup.audit.col.outcome", lambda e: e.outcome + (f" ({e.reason})" if e.reason else "")),
    ]
    return columns


def format_table(records: Iterable[AuditRecord]) -> str:
    """A plain-text table (no colours, no box characters), one row per record, with the
    columns `table_columns` gives."""
    entries = list(records)
    if not entries:
        return t("setup.audit.empty")
    columns = table_columns(entries)
    header = tuple(t(key) for key, _ in columns)
    rows = [tuple(cell(entry) for _, cell in columns) for entry in entries]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(row: tuple[str, ...]) -> str:
        return "  ".join(
            cell.ljust(width) for cell, width in zip(row, widths, strict=True)
        ).rstrip()

    rule = tuple("-" * width for width in widths)
    return "\n".join([line(header), line(rule), *(line(row) for row in rows)])
