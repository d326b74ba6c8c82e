"""The web users: a JSON file in the configuration directory, written only by the commands.

`<config dir>/web-users.json` (mode 0600) holds, per user, the scrypt hash of the password,
the hashes of the previous ones (TISS 75), whether the user is active, and when the password
was changed or the user unlocked. `frontdesk web users add|remove|unlock|list` write it; the
server only reads it (again whenever it changes), so a technician's change takes effect at
the next sign-in or request without a restart.

Removing a user deactivates it: the audit log names users, and TISS (requirement 41 d) asks
that a user who acted stays on record, inactive, instead of disappearing.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final, Protocol

from frontdesk.config.paths import config_dir, ensure_private_dir
from frontdesk.core.i18n import t
from frontdesk.web.passwords import HISTORY, PasswordRejected, check_rules, hash_password, reused

FILE_NAME: Final = "web-users.json"
FORMAT: Final = 1
USER_NAME: Final = re.compile(r"[a-z0-9][a-z0-9._-]{1,31}")


class UsersError(Exception):
    """The users file cannot be read or written, or a name is unusable; the message says so."""


def users_file() -> Path:
    """`<config dir>/web-users.json`."""
    return config_dir() / FILE_NAME


def check_name(name: str) -> str:
    """`name` if it is a valid user name, else `UsersError` with the rule."""
    if not USER_NAME.fullmatch(name):
        raise UsersError(t("web.users.bad_name", user=name[:40]))
    return name


def save_json(path: Path, payload: object) -> None:
    """Write `payload` to `path` as JSON, atomically (a private temporary file renamed over
    it), in a private directory; raises OSError."""
    text = json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
    ensure_private_dir(path.parent, tighten=False)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)  # mode 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _now() -> datetime:
    return datetime.now(UTC)


def utc_text(when: datetime | None) -> str | None:
    """`when` as the files write it: ISO 8601 in UTC, to the second."""
    return None if when is None else when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def moment(value: object) -> datetime | None:
    """A `utc_text` read back (None for anything else)."""
    if not isinstance(value, str):
        return None
    try:
        found = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return found if found.tzinfo else found.replace(tzinfo=UTC)


@dataclass(frozen=True)
class User:
    """One web user as the file holds it."""

    name: str
    hash: str
    changed: datetime
    active: bool = True
    history: tuple[str, ...] = ()
    unlocked: datetime | None = None
    created: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "hash": self.hash,
            "history": list(self.history),
            "active": self.active,
            "created": utc_text(self.created),
            "changed": utc_text(self.changed),
            "unlocked": utc_text(self.unlocked),
        }

    @classmethod
    def from_json(cls, name: str, data: Any) -> User | None:
        if not isinstance(data, dict) or not USER_NAME.fullmatch(name):
            return None
        hashed = data.get("hash")
        changed = moment(data.get("changed"))
        if not isinstance(hashed, str) or changed is None:
            return None
        history = data.get("history")
        return cls(
            name=name,
            hash=hashed,
            changed=changed,
            active=data.get("active") is not False,
            history=tuple(h for h in history if isinstance(h, str))
            if isinstance(history, list)
            else (),
            unlocked=moment(data.get("unlocked")),
            created=moment(data.get("created")),
        )


class UsersTable(Protocol):
    """The users in a database shared by several web hosts (`config.shared_users`): each
    user's entry as the file holds it (`User.to_json`), by name. Raises OSError when the
    database cannot be read or written now."""

    shown: str

    def load(self) -> dict[str, Any]: ...
    def save(self, entries: dict[str, dict[str, Any]]) -> None: ...


@dataclass
class UserStore:
    """The users file (read, cached until the file changes, and written atomically), or the
    users table of a database (`table`, `frontdesk web --database`), read afresh each time
    so that a change made on one host holds on every host."""

    path: Path = field(default_factory=users_file)
    now: Callable[[], datetime] = _now
    table: UsersTable | None = None
    _cache: tuple[tuple[int, int], dict[str, User]] | None = field(default=None, repr=False)

    @property
    def where(self) -> str:
        """Where the users are kept, as messages name it."""
        return self.table.shown if self.table is not None else str(self.path)

    def users(self) -> dict[str, User]:
        """Every user, by name (empty when there is no file)."""
        if self.table is not None:
            try:
                return _parsed(self.table.load())
            except OSError as error:
                raise UsersError(
                    t("web.users.db_unreadable", path=self.where, reason=error)
                ) from None
        try:
            info = self.path.stat()
        except FileNotFoundError:
            self._cache = None
            return {}
        except OSError as error:
            raise UsersError(
                t("web.users.unreadable", path=self.path, reason=error.strerror or error)
            ) from None
        key = (info.st_mtime_ns, info.st_size)
        if self._cache is not None and self._cache[0] == key:
            return self._cache[1]
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            reason = getattr(error, "strerror", None) or str(error)
            raise UsersError(t("web.users.unreadable", path=self.path, reason=reason)) from None
        raw = data.get("users") if isinstance(data, dict) else None
        found = _parsed(raw if isinstance(raw, dict) else {})
        self._cache = (key, found)
        return found

    def get(self, name: str) -> User | None:
        return self.users().get(name)

    def active_names(self) -> list[str]:
        return sorted(name for name, user in self.users().items() if user.active)

    def add(self, name: str, password: str) -> bool:
        """Add `name`, or give an existing one a new password (which also reactivates and
        unlocks it). True when the user is new. Raises `PasswordRejected` or `UsersError`."""
        check_name(name)
        check_rules(password, user=name)
        users = dict(self.users())
        old = users.get(name)
        now = self.now()
        if old is None:
            users[name] = User(name=name, hash=hash_password(password), changed=now, created=now)
        else:
            previous = (old.hash, *old.history)[:HISTORY]
            if reused(password, previous):
                raise PasswordRejected(t("web.password.reused", count=HISTORY))
            users[name] = replace(
                old,
                hash=hash_password(password),
                history=previous[: HISTORY - 1],
                changed=now,
                active=True,
                unlocked=now,
            )
        self._write(users)
        return old is None

    def adopt(self, others: dict[str, User]) -> tuple[list[str], list[str]]:
        """Add the users of `others` this store lacks (`web users migrate`); a name it has
        keeps its own entry. The names copied, and the names kept as they were."""
        users = dict(self.users())
        copied = [name for name in sorted(others) if name not in users]
        kept = [name for name in sorted(others) if name in users]
        if copied:
            users.update({name: others[name] for name in copied})
            self._write(users)
        return copied, kept

    def remove(self, name: str) -> None:
        """Deactivate `name` (kept on record; it can no longer sign in)."""
        self._change(name, active=False)

    def unlock(self, name: str) -> None:
        """Clear `name`'s lock now (the failures before this moment no longer count)."""
        self._change(name, unlocked=self.now())

    def _change(self, name: str, **changes: Any) -> None:
        users = dict(self.users())
        if name not in users:
            raise UsersError(t("web.users.unknown", user=name[:40]))
        users[name] = replace(users[name], **changes)
        self._write(users)

    def _write(self, users: dict[str, User]) -> None:
        if self.table is not None:
            try:
                self.table.save({name: users[name].to_json() for name in sorted(users)})
            except OSError as error:
                raise UsersError(
                    t("web.users.db_unwritable", path=self.where, reason=error)
                ) from None
            return
        payload = {
            "format": FORMAT,
            "users": {name: users[name].to_json() for name in sorted(users)},
        }
        try:
            save_json(self.path, payload)
        except OSError as error:
            raise UsersError(
                t("web.users.unwritable", path=self.path, reason=error.strerror or error)
            ) from None
        self._cache = None


def _parsed(raw: dict[str, Any]) -> dict[str, User]:
    """The well-formed users of a file's or a table's entries, by name."""
    found: dict[str, User] = {}
    for name, entry in raw.items():
        user = User.from_json(name, entry)
        if user is not None:
            found[name] = user
    return found


__all__ = [
    "PasswordRejected",
    "User",
    "UserStore",
    "UsersError",
    "UsersTable",
    "check_name",
    "save_json",
    "users_file",
]
