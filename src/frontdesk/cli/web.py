"""`frontdesk web`: the desk in a browser, and `frontdesk web users …` to manage who may use it.

    frontdesk web [--host 127.0.0.1] [--port 8080] [--profile P | --db PATH]
                  [--tls-cert PEM --tls-key PEM] [--max-sessions 8] [--idle-minutes 15]
    frontdesk web users add NAME | remove NAME | unlock NAME | list | migrate
    frontdesk web [--database URL] …, frontdesk web users [--database URL] …: the users
        in a database shared by several web hosts instead of this machine's file

The server (frontdesk.web) never imports Textual: each signed-in browser gets the app in its
own process. A bind to anything but loopback refuses to start without TLS. The options are
declared in `cli/parsers.py`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import errno
import getpass
import ipaddress
import logging
import signal
import socket
import ssl
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Final

from frontdesk.audit_log import AUDIT_DATABASE_ENV, AUDIT_HOST_ENV, AuditLog, is_host_name
from frontdesk.cli.parsers import cli_language
from frontdesk.cli.shared_database import open_database
from frontdesk.config.connection import ConnectionOptions, resolve
from frontdesk.config.setup_errors import SetupError
from frontdesk.core.i18n import set_language, t
from frontdesk.core.net import is_loopback
from frontdesk.web.forked import DESK_ENTRY
from frontdesk.web.guard import LoginGuard
from frontdesk.web.http import serve, tls_context
from frontdesk.web.server import Settings, WebServer
from frontdesk.web.throttle import DeviceCookies, load_key
from frontdesk.web.users import PasswordRejected, User, UsersError, UserStore, check_name

if TYPE_CHECKING:
    from frontdesk.backend.database import Database
    from frontdesk.web.shared import SharedWeb

MAX_SESSIONS_LIMIT: Final = 256  # forked desks: ~24 MiB PSS each (docs/setup.md)
MAX_IDLE_MINUTES: Final = 30.0  # TISS 76 a: at most 30 minutes of inactivity
USAGE_EXIT: Final = 2


def run(args: argparse.Namespace) -> int:
    set_language(cli_language(args))
    if getattr(args, "web_command", None) == "users":
        return run_users(args)
    return run_server(args)


# --- users ---------------------------------------------------------------------------


def _read_password(name: str) -> str | None:
    """From a prompt (twice) on a terminal, else the first line of stdin."""
    if sys.stdin is not None and sys.stdin.isatty():
        first = getpass.getpass(t("web.users.password", user=name))
        if getpass.getpass(t("web.users.again")) != first:
            print(t("web.users.mismatch"), file=sys.stderr)
            return None
        return first
    line = sys.stdin.readline() if sys.stdin is not None else ""
    password = line.rstrip("\r\n")
    if not password:
        print(t("web.users.no_password"), file=sys.stderr)
        return None
    return password


def _state(guard: LoginGuard, user: User) -> str:
    """ativo, inativo, or bloqueado até 14:47 (after wrong passwords; today's hour, else
    the day too)."""
    if not user.active:
        return t("web.users.inactive")
    until = guard.locked_until(user)
    if until is None:
        return t("web.users.active")
    local = until.astimezone()
    shown = (
        f"{local:%H:%M}"
        if local.date() == guard.now().astimezone().date()
        else f"{local:%Y-%m-%d %H:%M}"
    )
    return t("web.users.locked", until=shown)


def user_store(args: argparse.Namespace) -> UserStore | str:
    """The users `--database` names (loaded only then), else this machine's file; or the
    message saying why the database cannot be used."""
    url: str | None = getattr(args, "web_database", None)
    if not url:
        return UserStore()

    def users(database: Database) -> UserStore:
        from frontdesk.config.shared_users import DatabaseUsers

        return UserStore(table=DatabaseUsers(database))

    return open_database(url, users)


def host_name(args: argparse.Namespace) -> str:
    """This web host's name in the shared audit: `--name`, else the machine's."""
    name: str | None = getattr(args, "web_name", None)
    return name or socket.gethostname()


def desk_environment(args: argparse.Namespace) -> dict[str, str]:
    """What every desk of this host is given: with `--database`, the URL (never a password:
    refused in it) and this host's name, so its audit lines go to the shared table too."""
    url: str | None = getattr(args, "web_database", None)
    if not url:
        return {}
    return {AUDIT_DATABASE_ENV: url, AUDIT_HOST_ENV: host_name(args)}


def _shared(
    args: argparse.Namespace, store: UserStore, idle_seconds: float
) -> SharedWeb | str | None:
    """With `--database`: the sessions, sign-in locks, device cookies' key and audit that
    every web host shares (`web.shared`); None without it; the reason as a message when the
    database cannot be used."""
    url: str | None = getattr(args, "web_database", None)
    if not url or store.table is None:
        return None
    from frontdesk.web.shared import open_shared

    name = host_name(args)
    return open_database(url, lambda database: open_shared(database, store, idle_seconds, name))


def _list_guard(args: argparse.Namespace, store: UserStore) -> LoginGuard:
    """What `web users list` reads the locks from: the database's sign-in state with
    `--database` (every host's wrong passwords), else this machine's file."""
    url: str | None = getattr(args, "web_database", None)
    if store.table is None or not url:
        return LoginGuard(store)
    from frontdesk.backend.local import open_store
    from frontdesk.web.shared import SharedLoginGuard, SignInTable

    def shared(database: Database) -> LoginGuard:
        return SharedLoginGuard(store, SignInTable(open_store(database, migrate=False), url))

    guard = open_database(url, shared)
    if isinstance(guard, str):
        raise UsersError(guard)
    return guard


def migrate_users(args: argparse.Namespace, store: UserStore) -> int:
    """`web users migrate`: this machine's users file into the database; a name already
    there keeps the database's entry."""
    if store.table is None:
        print(f"frontdesk web users: {t('web.users.migrate_needs_database')}", file=sys.stderr)
        return USAGE_EXIT
    local = UserStore()
    copied, kept = store.adopt(local.users())
    for name in kept:
        print(t("web.users.migrate_kept", user=name, database=store.where))
    print(t("web.users.migrated", count=len(copied), path=local.where, database=store.where))
    return 0


def run_users(args: argparse.Namespace) -> int:
    store = user_store(args)
    if isinstance(store, str):
        print(f"frontdesk web users: {store}", file=sys.stderr)
        return USAGE_EXIT
    command: str = args.users_command
    try:
        if command == "migrate":
            return migrate_users(args, store)
        if command == "list":
            users = store.users()
            if not users:
                print(t("web.users.none"))
                return 0
            guard = _list_guard(args, store)
            rows = [tuple(t("web.users.header").split("|"))]
            for name in sorted(users):
                user = users[name]
                rows.append((name, _state(guard, user), f"{user.changed.astimezone():%Y-%m-%d}"))
            widths = [max(len(row[i]) for row in rows) for i in range(3)]
            for row in rows:
                print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
            return 0
        name = check_name(str(args.name))
        if command == "add":
            password = _read_password(name)
            if password is None:
                return USAGE_EXIT
            created = store.add(name, password)
            key = "web.users.added" if created else "web.users.changed"
            print(t(key, user=name, path=store.where))
        elif command == "remove":
            store.remove(name)
            print(t("web.users.removed", user=name))
        elif command == "unlock":
            store.unlock(name)
            print(t("web.users.unlocked", user=name))
        return 0
    except (PasswordRejected, UsersError) as error:  # bad input, like every command's: 2
        print(f"frontdesk web users: {error}", file=sys.stderr)
        return USAGE_EXIT


# --- the server ------------------------------------------------------------------------


def _check(args: argparse.Namespace) -> str | None:
    """The first problem with the options, as a message; None when they are usable."""
    if not 0 <= args.port <= 65535:
        return t("web.bad_port", port=args.port)
    if not 1 <= args.max_sessions <= MAX_SESSIONS_LIMIT:
        return t("web.bad_max_sessions", max=MAX_SESSIONS_LIMIT)
    if not 0 < args.idle_minutes <= MAX_IDLE_MINUTES:
        return t("web.bad_idle", max=f"{MAX_IDLE_MINUTES:g}")
    if bool(args.tls_cert) != bool(args.tls_key):
        return t("web.tls_pair")
    if not args.tls_cert and not is_loopback(args.host):
        return t("web.no_tls", host=args.host)
    if args.trusted_proxy is not None and not _is_address(args.trusted_proxy):
        return t("web.bad_proxy", address=args.trusted_proxy[:64])
    name = getattr(args, "web_name", None)
    if name is not None and not is_host_name(name):
        return t("web.bad_name", name=ascii(name[:64]))
    return None


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _app_args(args: argparse.Namespace) -> tuple[str, ...]:
    if args.web_profile:
        return ("--profile", args.web_profile)
    if args.web_db:
        db = args.web_db
        return ("--db", db if db == ":memory:" else str(Path(db).expanduser().absolute()))
    return ()


def run_server(args: argparse.Namespace) -> int:
    problem = _check(args)
    if problem:
        print(problem, file=sys.stderr)
        return USAGE_EXIT

    try:  # the profile the desks will use must exist now, not at the first sign-in
        resolve(options=ConnectionOptions(profile=args.web_profile), need_key=False)
    except SetupError as error:
        print(f"frontdesk web: {error}", file=sys.stderr)
        return USAGE_EXIT
    store = user_store(args)
    if isinstance(store, str):
        print(f"frontdesk web: {store}", file=sys.stderr)
        return USAGE_EXIT
    try:
        names = store.active_names()
    except UsersError as error:
        print(f"frontdesk web: {error}", file=sys.stderr)
        return 1
    if not names:
        print(t("web.no_users", path=store.where), file=sys.stderr)
        return USAGE_EXIT
    context = None
    if args.tls_cert:
        try:
            context = tls_context(args.tls_cert, args.tls_key)
        except (OSError, ssl.SSLError) as error:
            print(t("web.tls_unusable", reason=error), file=sys.stderr)
            return 1

    settings = Settings(
        app_args=_app_args(args),
        max_sessions=args.max_sessions,
        idle_seconds=args.idle_minutes * 60,
        tls=context is not None,
        loopback_only=is_loopback(args.host),
        default_lang=cli_language(args) or "pt",
        trusted_proxy=args.trusted_proxy,
        fork_entry=None if args.spawn_desks else DESK_ENTRY,
        desk_environment=desk_environment(args),
    )
    _log_to_stderr()

    def started(url: str) -> None:
        print(t("web.serving", url=url, users=len(names), max=settings.max_sessions), flush=True)

    shared = _shared(args, store, settings.idle_seconds)
    if isinstance(shared, str):
        print(f"frontdesk web: {shared}", file=sys.stderr)
        return 1

    async def main() -> None:
        if shared is None:  # this host's own: memory, files
            devices = DeviceCookies(load_key(), now=time.time)
            server = WebServer(settings, guard=LoginGuard(store), audit=AuditLog(), devices=devices)
        else:
            server = WebServer(
                settings,
                guard=shared.guard,
                audit=shared.audit,
                devices=DeviceCookies(shared.device_key, now=time.time),
                sessions=shared.sessions,
                form_key=shared.form_key,
            )
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            # Windows has no signal handlers in asyncio: Ctrl-C raises KeyboardInterrupt there.
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(signum, stop.set)
        app = server.application()
        await serve(app, args.host, args.port, ssl_context=context, started=started, stop=stop)

    try:
        asyncio.run(main())
    except OSError as error:
        reason = _socket_problem(error)
        print(
            t("web.cannot_listen", host=args.host, port=args.port, reason=reason), file=sys.stderr
        )
        return 1
    finally:
        if shared is not None:
            shared.close()
    print(t("web.stopped"), flush=True)
    return 0


def _socket_problem(error: OSError) -> str:
    """Why the socket could not be opened, in the technician's language (the system's own
    words, English, for a cause not listed)."""
    if error.errno == errno.EADDRINUSE:
        return t("web.address_in_use")
    if error.errno == errno.EACCES:
        return t("web.address_forbidden")
    if error.errno == errno.EADDRNOTAVAIL:
        return t("web.address_not_here")
    return str(error.strerror or error)


def _log_to_stderr() -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger("frontdesk.web")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.INFO)
