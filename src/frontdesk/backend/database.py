"""Which database a server keeps its state in: `--database URL`, read without connecting.

`sqlite:///PATH` (the default: one file, one machine; PATH is what follows the three
slashes, so `sqlite:////srv/frontdesk.db` is absolute and `sqlite:///:memory:` a
demonstration) or `postgresql://USER@HOST:PORT/NAME` (a chain of clinics: several serve
and web hosts on one PostgreSQL). The password never comes in the URL: a command line is
visible to every user of the machine (`ps`), so a URL carrying one is refused and libpq
reads it from `PGPASSWORD` or `~/.pgpass` instead. Parsing imports nothing of psycopg:
SQLite and local mode never load it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final, Literal
from urllib.parse import parse_qs, unquote, urlsplit

import msgspec

SQLITE: Literal["sqlite"] = "sqlite"
POSTGRESQL: Literal["postgresql"] = "postgresql"


# Why a URL is refused: `DatabaseUrlError.reason`, worded by the command line's catalog.
URL_REFUSALS: Final = ("unknown_scheme", "password_in_url", "sqlite_host", "sqlite_path")


class DatabaseUrlError(ValueError):
    """The URL names no database frontdesk can use: `reason` says why (one of
    `URL_REFUSALS`), `url` is the URL as shown back (never a password)."""

    def __init__(self, reason: str, url: str) -> None:
        super().__init__(f"{reason}: {url}")
        self.reason = reason
        self.url = url


class Database(msgspec.Struct, frozen=True):
    """A parsed `--database`: an SQLite file (`path`) or a PostgreSQL conninfo (`url`)."""

    kind: Literal["sqlite", "postgresql"]
    path: str = ""  # sqlite: the file, or ":memory:"
    url: str = ""  # postgresql: the URL as given (no password in it)

    @property
    def shown(self) -> str:
        """What the server's start line names."""
        return self.path if self.kind == SQLITE else self.url


def parse_database_url(url: str) -> Database:
    """The database `url` names; `DatabaseUrlError` for another scheme or a password."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    shown = url[:200].encode("unicode_escape").decode("ascii")
    if scheme == SQLITE:
        if parts.netloc:
            raise DatabaseUrlError("sqlite_host", shown)
        path = unquote(parts.path)[1:]  # what follows "sqlite:///": /abs (four slashes) or rel
        if not path:
            raise DatabaseUrlError("sqlite_path", shown)
        return Database(SQLITE, path=path)
    if scheme in (POSTGRESQL, "postgres"):
        has_password = parts.password is not None or "password" in parse_qs(parts.query)
        if has_password:
            raise DatabaseUrlError("password_in_url", _without_password(parts.geturl()))
        return Database(POSTGRESQL, url=url)
    raise DatabaseUrlError("unknown_scheme", shown)


def sqlite_database(path: str | Path) -> Database:
    """The SQLite database at `path` (`--db`, the older spelling)."""
    return Database(SQLITE, path=str(path))


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    netloc = parts.netloc
    if parts.password is not None:
        user, _, host = netloc.rpartition("@")
        netloc = f"{user.partition(':')[0]}:***@{host}"
    query = "&".join(
        "password=***" if item.lower().startswith("password=") else item
        for item in parts.query.split("&")
        if item
    )
    return parts._replace(netloc=netloc, query=query).geturl()
