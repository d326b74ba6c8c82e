"""Signed-in sessions: a random token in a cookie, the user, and the idle clock.

A session is made at sign-in and ends at sign-out, when it has been idle for `idle_seconds`
(keys typed in the desk and page loads count; pings and resizes do not), or when its user is
deactivated. The token is 256 random bits from `secrets`; the table keeps, for a while, why
recent tokens ended, so that a page left open can say "your session expired" instead of a
bare sign-in form.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Final, Literal, Protocol

from frontdesk.core.i18n import Language
from frontdesk.web.guard import Attempt

EndReason = Literal["expired", "logout", "removed", "shutdown"]
GONE_KEPT_SECONDS: Final = 3600.0
GONE_KEPT_MAX: Final = 1000


def new_token() -> str:
    return secrets.token_urlsafe(32)


@dataclass
class Session:
    """One signed-in user in one browser."""

    token: str
    user: str
    address: str
    lang: Language | None
    started: float
    last_active: float
    sign_in: Attempt
    csrf: str = field(default_factory=new_token)
    ended: str | None = None  # why this session's last desk closed (quit, elsewhere, ...)


class Sessions(Protocol):
    """Where the sessions live: this host's memory (`SessionTable`) or a database several
    web hosts share (`web.shared.DatabaseSessions`)."""

    idle_seconds: float

    def open(self, user: str, address: str, lang: Language | None, sign_in: Attempt) -> Session: ...
    def find(self, token: str | None) -> Session | None: ...
    def touch(self, session: Session) -> None: ...
    def mark_ended(self, session: Session, why: str) -> None: ...
    def close(self, token: str, reason: EndReason) -> Session | None: ...
    def idle_out(self) -> list[Session]: ...
    def gone(self, token: str | None) -> EndReason | None: ...
    def end_host(self) -> list[Session]: ...


class SessionTable:
    """The live sessions by token, with the idle rule, in this host's memory."""

    def __init__(self, idle_seconds: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.idle_seconds = idle_seconds
        self.clock = clock
        self._live: dict[str, Session] = {}
        self._gone: dict[str, tuple[float, EndReason]] = {}

    def __len__(self) -> int:
        return len(self._live)

    def __iter__(self) -> Iterator[Session]:
        return iter(list(self._live.values()))

    def open(self, user: str, address: str, lang: Language | None, sign_in: Attempt) -> Session:
        now = self.clock()
        session = Session(
            token=new_token(),
            user=user,
            address=address,
            lang=lang,
            started=now,
            last_active=now,
            sign_in=sign_in,
        )
        self._live[session.token] = session
        return session

    def idle(self, session: Session) -> bool:
        return self.clock() - session.last_active >= self.idle_seconds

    def find(self, token: str | None) -> Session | None:
        """The live session of `token` (None for no token, an unknown one or an idle one)."""
        if not token:
            return None
        session = self._live.get(token)
        if session is None or self.idle(session):
            return None
        return session

    def touch(self, session: Session) -> None:
        session.last_active = self.clock()

    def mark_ended(self, session: Session, why: str) -> None:
        """Why the session's desk closed (quit, elsewhere, full), for its next page."""
        session.ended = why

    def end_host(self) -> list[Session]:
        """This host stops: every session ends with it (its memory goes)."""
        return [s for s in list(self._live.values()) if self.close(s.token, "shutdown")]

    def close(self, token: str, reason: EndReason) -> Session | None:
        """End the session of `token` (if live), remembering why."""
        session = self._live.pop(token, None)
        if session is not None:
            self._gone[token] = (self.clock(), reason)
            self._prune()
        return session

    def idle_out(self) -> list[Session]:
        """End and return every session idle for `idle_seconds` or more."""
        done = [s for s in self._live.values() if self.idle(s)]
        for session in done:
            self.close(session.token, "expired")
        return done

    def gone(self, token: str | None) -> EndReason | None:
        """Why the session of `token` ended, if it did lately."""
        if not token:
            return None
        found = self._gone.get(token)
        return found[1] if found else None

    def _prune(self) -> None:
        cutoff = self.clock() - GONE_KEPT_SECONDS
        for token, (when, _) in list(self._gone.items()):
            if when < cutoff or len(self._gone) > GONE_KEPT_MAX:
                del self._gone[token]
