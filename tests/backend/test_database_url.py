"""`--database URL`: what each URL names, and which are refused (without connecting)."""

from __future__ import annotations

import pytest

from frontdesk.backend.database import Database, DatabaseUrlError, parse_database_url


@pytest.mark.parametrize(
    ("url", "names"),
    [
        (
            "sqlite:////srv/frontdesk/backend.sqlite3",
            Database("sqlite", path="/srv/frontdesk/backend.sqlite3"),
        ),
        ("sqlite:///backend.sqlite3", Database("sqlite", path="backend.sqlite3")),
        ("sqlite:///:memory:", Database("sqlite", path=":memory:")),
        (
            "postgresql://frontdesk@db.local/chain",
            Database("postgresql", url="postgresql://frontdesk@db.local/chain"),
        ),
        (
            "postgres://frontdesk@/chain?host=/run/pg",
            Database("postgresql", url="postgres://frontdesk@/chain?host=/run/pg"),
        ),
    ],
)
def test_what_a_url_names(url: str, names: Database) -> None:
    assert parse_database_url(url) == names


@pytest.mark.parametrize(
    ("url", "reason", "shown"),
    [
        ("postgresql://clinic:s3cret@db/x", "password_in_url", "postgresql://clinic:***@db/x"),
        (
            "postgresql://clinic@db/x?sslmode=require&password=s3cret",
            "password_in_url",
            "postgresql://clinic@db/x?sslmode=require&password=***",
        ),
        ("mysql://clinic@db/x", "unknown_scheme", "mysql://clinic@db/x"),
        ("/srv/backend.sqlite3", "unknown_scheme", "/srv/backend.sqlite3"),
        ("sqlite://host/x.db", "sqlite_host", "sqlite://host/x.db"),
        ("sqlite:///", "sqlite_path", "sqlite:///"),
    ],
)
def test_refused_urls_say_why_and_never_show_the_password(
    url: str, reason: str, shown: str
) -> None:
    with pytest.raises(DatabaseUrlError) as refused:
        parse_database_url(url)
    assert (refused.value.reason, refused.value.url) == (reason, shown)
    assert "s3cret" not in str(refused.value)
