"""`--database URL` of `frontdesk web`, `web users` and `audit`: opening what the URL names,
or the message that says why it cannot be used (never a traceback). Loads the backend (and
psycopg, for a `postgresql://` URL) only when called."""

from __future__ import annotations

import shlex
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from frontdesk.core.i18n import t

if TYPE_CHECKING:
    from frontdesk.backend.database import Database

Opened = TypeVar("Opened")


def open_database(url: str, opener: Callable[[Database], Opened]) -> Opened | str:
    """`opener` applied to the database `url` names, or the message saying why not."""
    from frontdesk.backend.database import DatabaseUrlError, parse_database_url
    from frontdesk.backend.records import StorageUnavailable
    from frontdesk.backend.schema import SCHEMA_VERSION, SchemaTooNew, SchemaTooOld

    try:
        return opener(parse_database_url(url))
    except DatabaseUrlError as error:
        return t(f"cli.database.{error.reason}", url=error.url)
    except SchemaTooOld as old:
        command = f"frontdesk serve --migrate --database {shlex.quote(url)}"
        return t(
            "cli.serve.schema_too_old",
            db=url,
            version=old.version,
            needed=SCHEMA_VERSION,
            command=command,
        )
    except ModuleNotFoundError as missing:
        if not (missing.name or "").startswith("psycopg"):
            raise
        return t("cli.database.postgres_missing")
    except (SchemaTooNew, OSError, StorageUnavailable) as error:
        return str(error)
