"""`frontdesk serve`: the local backend on an HTTP socket (uvicorn), loopback by default.

Says everything in the technician's language (`--lang`, else the locale's). Prints one
startup line with the URL once the socket is bound, one saying whether the
simulator paths are served and why (and the API key once, when it made one); shuts down
cleanly on Ctrl-C / SIGTERM, closing the database after the last request. Logs go to
stderr one record per line, with anything a request put in them escaped. Never imports
Textual. Its options are declared in `cli/parsers.py`.

With the simulator on, `FRONTDESK_SERVE_CLOCK=EPOCH` (whole seconds since 1970) gives a
clock that stands at that moment until `POST /v1/_local/clock` moves it, as the tests'
`ManualClock` does: demonstrations and tests whose times must repeat (the contract tests
over two serve processes, tests/backend/conftest.py). Without the simulator it is ignored.
"""

from __future__ import annotations

import argparse
import logging
import os
import secrets
import shlex
import sys

from frontdesk.backend.clock import Clock, ManualClock
from frontdesk.backend.connection import ConnectionLimits
from frontdesk.backend.database import (
    Database,
    DatabaseUrlError,
    parse_database_url,
    sqlite_database,
)
from frontdesk.backend.local import default_db_path, open_backend
from frontdesk.backend.policy import BackendSettings, PolicyError
from frontdesk.backend.records import StorageUnavailable
from frontdesk.backend.schema import SCHEMA_VERSION, SchemaTooNew, SchemaTooOld
from frontdesk.backend.server import create_app
from frontdesk.backend.serving import OneLineFormatter, load_policy, local_server, server_config
from frontdesk.cli.parsers import BODY_TIMEOUT, HEADER_TIMEOUT, MAX_CONNECTIONS, cli_language
from frontdesk.core.i18n import set_language, t
from frontdesk.core.net import is_loopback


def configure_logging(access: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(OneLineFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    # Every logger serve's code and uvicorn write to, on one handler that keeps each
    # record on one line: frontdesk.server, .access and .http, and uvicorn.error.
    for name, level in (("frontdesk", logging.INFO), ("uvicorn", logging.WARNING)):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.propagate = False
        logger.setLevel(level)
    logging.getLogger("frontdesk.access").disabled = not access


def simulator_choice(host: str, asked: bool | None) -> tuple[bool, str]:
    """Whether to serve the simulator paths, and the start-up line saying so and why."""
    if asked is None:
        on = is_loopback(host)
        why = t("cli.serve.why_loopback") if on else t("cli.serve.why_not_loopback")
    else:
        on = asked
        why = "--simulator" if on else "--no-simulator"
    return on, t("cli.serve.simulator_on" if on else "cli.serve.simulator_off", why=why)


STANDING_CLOCK_ENV = "FRONTDESK_SERVE_CLOCK"


def standing_clock(simulator: bool) -> Clock | None:
    """The clock `FRONTDESK_SERVE_CLOCK` asks for (the simulator's only); None: the real one."""
    value = os.environ.get(STANDING_CLOCK_ENV, "").strip()
    if not simulator or not value.isdigit():
        return None
    return ManualClock(float(value))


def tiss_versions_choice(value: str | None) -> tuple[str, ...] | None:
    """`--tiss-versions` (e.g. "4.03.00,4.02.00") as the versions the local TISS operator
    accepts, newest first; None (every version) when not given. ValueError: the message."""
    if value is None:
        return None
    from frontdesk.backend.tiss.routes import accepted_versions
    from frontdesk.tiss.versions import UnknownVersion, numbers

    known = ", ".join(numbers())
    try:
        return accepted_versions([part.strip() for part in value.split(",") if part.strip()])
    except UnknownVersion as unknown:
        shown = unknown.version[:40].encode("unicode_escape").decode("ascii")
        raise ValueError(t("tiss.serve.unknown_version", version=shown, known=known)) from None
    except ValueError:
        raise ValueError(t("tiss.serve.no_version", known=known)) from None


def database_choice(args: argparse.Namespace) -> Database | str:
    """The database `--database` (a URL) or `--db` (a path) names, else the default file;
    or the message saying why the choice is refused."""
    url: str | None = getattr(args, "database", None)
    path: str | None = getattr(args, "serve_db", None)
    if url and path:
        return t("cli.serve.two_databases")
    if not url:
        return sqlite_database(path or default_db_path())
    try:
        return parse_database_url(url)
    except DatabaseUrlError as error:
        message = t(f"cli.database.{error.reason}", url=error.url)
        return f"frontdesk serve: {message}"


def schema_too_old(args: argparse.Namespace, database: Database, old: SchemaTooOld) -> str:
    """The refusal to serve an older schema, with the command that migrates it."""
    where = getattr(args, "database", None) or getattr(args, "serve_db", None)
    option = "--database" if getattr(args, "database", None) else "--db"
    command = "frontdesk serve --migrate" + (f" {option} {shlex.quote(where)}" if where else "")
    return t(
        "cli.serve.schema_too_old",
        db=database.shown,
        version=old.version,
        needed=SCHEMA_VERSION,
        command=command,
    )


def run_server(args: argparse.Namespace) -> int:
    set_language(cli_language(args))  # --lang, else the locale's
    host: str = args.host
    port: int = args.port
    if not 0 <= port <= 65535:
        print(t("cli.serve.bad_port", port=port), file=sys.stderr)
        return 2
    tls = bool(getattr(args, "tls_cert", None))
    if not is_loopback(host) and not tls:
        print(t("cli.serve.plain_http", host=host), file=sys.stderr)

    try:
        limits = ConnectionLimits(
            header_timeout=getattr(args, "header_timeout", HEADER_TIMEOUT),
            body_timeout=getattr(args, "body_timeout", BODY_TIMEOUT),
            max_connections=getattr(args, "max_connections", MAX_CONNECTIONS),
        )
    except ValueError as error:
        print(f"frontdesk serve: {error}", file=sys.stderr)
        return 2
    simulator, simulator_line = simulator_choice(host, getattr(args, "simulator", None))
    try:
        tiss_versions = tiss_versions_choice(getattr(args, "tiss_versions", None))
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2

    key: str | None = args.api_key or os.environ.get("FRONTDESK_API_KEY") or None
    generated = key is None
    api_key = key or secrets.token_urlsafe(24)

    database = database_choice(args)
    if isinstance(database, str):
        print(database, file=sys.stderr)
        return 2
    try:
        policy = load_policy(args.policy) if getattr(args, "policy", None) else None
        backend = open_backend(
            database,
            policy=policy,
            clock=standing_clock(simulator),
            settings=BackendSettings(simulator=simulator),
            background_checkpoints=True,
            migrate=bool(getattr(args, "migrate", False)),
        )
    except SchemaTooOld as old:
        print(schema_too_old(args, database, old), file=sys.stderr)
        return 1
    except ModuleNotFoundError as missing:
        if not (missing.name or "").startswith("psycopg"):
            raise
        print(f"frontdesk serve: {t('cli.database.postgres_missing')}", file=sys.stderr)
        return 1
    except (SchemaTooNew, PolicyError, OSError, StorageUnavailable) as error:
        print(f"frontdesk serve: {error}", file=sys.stderr)
        return 1
    except Exception as error:  # sqlite3.DatabaseError and kin: say what, never a traceback
        print(t("cli.serve.no_database", error=error), file=sys.stderr)
        return 1

    configure_logging(access=args.access_log)
    app = create_app(
        backend, api_key=api_key, log_access=args.access_log, tiss_versions=tiss_versions
    )
    config = server_config(
        app,
        host=host,
        port=port,
        ssl_certfile=getattr(args, "tls_cert", None),
        ssl_keyfile=getattr(args, "tls_key", None),
        limits=limits,
    )
    where = database.shown
    scheme = "https" if tls else "http"

    def started(bound_host: str, bound_port: int) -> None:
        shown = f"[{bound_host}]" if ":" in bound_host else bound_host
        url = f"{scheme}://{shown}:{bound_port}/v1"
        print(t("cli.serve.serving", url=url, db=where), flush=True)
        print(simulator_line, flush=True)
        if generated:
            print(t("cli.serve.api_key", key=api_key), flush=True)

    server = local_server(config, started)
    try:
        server.run()
    finally:
        backend.close()
    if not server.started:
        print(t("cli.serve.cannot_listen", host=host, port=port), file=sys.stderr)
        return 1
    print(t("cli.serve.stopped"), flush=True)
    return 0
