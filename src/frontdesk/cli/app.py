"""`frontdesk` with no command: launch the terminal app, on the embedded or a remote backend.

The connection comes from `frontdesk.config.connection.resolve` (`--profile`,
FRONTDESK_PROFILE, the file's default, or `--url` with FRONTDESK_API_KEY; nothing at all:
the embedded local backend; `--tiss-demo`: the local TISS operator in this
process). A configuration that cannot be used stops here, before any
screen, with one line naming the file, the line and the key, and exit status 2.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from frontdesk.audit_log import AUDIT_DATABASE_ENV, AUDIT_HOST_ENV, AuditLog
from frontdesk.cli.parsers import cli_language
from frontdesk.config.connection import Connection, ConnectionOptions, resolve
from frontdesk.config.setup_errors import SetupError
from frontdesk.core.i18n import Language, detect_language, set_language, t

if TYPE_CHECKING:
    from frontdesk.app.app import FrontdeskApp
    from frontdesk.app.connector import Connector

__all__ = [
    "build_app",
    "choose_language",
    "cli_language",
    "connection_options",
    "cursor_blink",
    "ended",
    "local_db",
    "run_app",
]

SETUP_ERROR_EXIT = 2
THEME_ENV = "FRONTDESK_THEME"
WEB_USER_ENV = "FRONTDESK_WEB_USER"


def connection_options(args: argparse.Namespace) -> ConnectionOptions:
    """`--profile`, `--url`, `--insecure` and `--lang` as the typed options `resolve` takes
    (a blank `--profile` or `--url` is not given)."""

    def given(name: str) -> str | None:
        value = getattr(args, name, None)
        return value if isinstance(value, str) and value.strip() else None

    return ConnectionOptions(
        profile=given("profile"),
        url=given("url"),
        insecure=bool(getattr(args, "insecure", False)),
        lang=cli_language(args),
    )


def choose_language(
    args: argparse.Namespace, environ: Mapping[str, str], configured: Language | None = None
) -> Language:
    """`--lang`, else the profile's or the file's language, else the locale's."""
    return cli_language(args) or configured or detect_language(environ)


def cursor_blink(environ: Mapping[str, str]) -> bool:
    """No blinking over SSH (an idle screen writes nothing) unless FRONTDESK_CURSOR_BLINK=1."""
    wanted = environ.get("FRONTDESK_CURSOR_BLINK")
    if wanted is not None:
        return wanted == "1"
    return not environ.get("SSH_CONNECTION")


def linux_console(environ: Mapping[str, str]) -> bool:
    """The Linux text console (TERM=linux): its font lacks rounded corners, eighth blocks
    and emoji, so the app draws with the line drawing and ASCII it has."""
    return environ.get("TERM") == "linux"


def local_db(args: argparse.Namespace) -> str | None:
    """`--db` as given (":memory:" kept), else None: the user data directory's database."""
    db = getattr(args, "db", None)
    if db and db != ":memory:":
        return str(Path(db).expanduser())
    return db or None


def tiss_demo(args: argparse.Namespace) -> Connection:
    """`--tiss-demo`: the TISS counter on the local TISS operator in this process (no
    profile; the file's language and theme apply)."""
    from frontdesk.config.reading import effective_settings, load_config  # not tomlkit
    from frontdesk.local.embedded_operator import DEMO_OPERATOR

    if getattr(args, "url", None) or getattr(args, "profile", None):
        raise SetupError(t("counter.cli.demo_alone"))
    config = load_config()
    language, theme = effective_settings(config, None)
    return Connection(
        url=None,
        config_path=config.path,
        operator=DEMO_OPERATOR,
        language=cli_language(args) or language,
        theme=theme,
        kind="tiss",
    )


def run_app(args: argparse.Namespace) -> int:
    """Build the app and run it; returns the process exit code (2: the setup is not usable).

    The cyclic garbage collector is paused while the program starts: starting allocates
    tens of thousands of objects that all stay alive, so its passes find nothing, yet each
    one walks every object built so far (Textual's included): paused, the complete first
    screen comes sooner (docs/performance.md, "Start-up"). The app turns it back on with a
    collection and a freeze once the first screen is complete (`MemoryTidying.settle`), or after
    `START_PAUSE_LIMIT` seconds whatever happens; and it is back on when the app ends.
    """
    gc.disable()
    try:
        try:
            app = build_app(args)
        except SetupError as error:
            print(f"frontdesk: {error}", file=sys.stderr)
            return SETUP_ERROR_EXIT
        try:
            result = app.run()
        finally:
            if app.audit_trail.log is not None:  # its last lines written before the exit
                app.audit_trail.log.close()
        return ended(app, result)
    finally:
        gc.enable()


def ended(app: FrontdeskApp, result: object) -> int:
    """The exit status of an app that ran: its own, or `UNEXPECTED_EXIT` when it ended
    without exiting (its loop stopped on an error), never a silent 0; an app that ended
    on an error of its own says so."""
    from frontdesk.app.app import UNEXPECTED_EXIT

    code = result if isinstance(result, int) else app.return_code
    if code is None:
        code = UNEXPECTED_EXIT
    if code and (app.bugs or code == UNEXPECTED_EXIT):
        print(t("app.stopped"), file=sys.stderr)
    return code


def desk_audit_log(environ: Mapping[str, str], profile: str | None) -> AuditLog:
    """The desk's audit log: this machine's file. Under `frontdesk web`, each line names the
    signed-in web user (set by its server); with its `--database`, the lines go to that
    database's audit table, naming the web host, and what the database cannot take is
    kept in this machine's file (`config.shared_audit.DeskAudit`)."""
    user = environ.get(WEB_USER_ENV) or None
    url = environ.get(AUDIT_DATABASE_ENV)
    if not url:
        return AuditLog(profile=profile, user=user)
    from frontdesk.config.shared_audit import desk_audit

    here = AuditLog(profile=profile, user=user)
    table = desk_audit(url, here.keep, here.path)
    host = environ.get(AUDIT_HOST_ENV) or None
    return AuditLog(profile=profile, user=user, host=host, table=table)


def build_app(args: argparse.Namespace) -> FrontdeskApp:
    """The app `frontdesk ARGS` runs, not yet running: its connection, language and theme
    from the command line, the environment and the configuration file.

    Raises `SetupError` (before Textual is loaded) when the configuration cannot be used;
    its message names the file, the line and the key, in the language it chose.
    """
    environ = os.environ
    # Messages about the configuration itself: --lang, else the locale (no profile yet).
    set_language(choose_language(args, environ))
    connection = (
        tiss_demo(args)
        if getattr(args, "tiss_demo", False)
        else resolve(options=connection_options(args))
    )
    lang = choose_language(args, environ, connection.language)
    set_language(lang)
    db = local_db(args)  # --db is the local demonstration's, also when F9 switches to it
    env_theme = environ.get(THEME_ENV) or None  # e.g. ansi-dark for a 16-colour terminal

    # lazy: Textual and the desk's first screen load here, under run_app's paused collector
    # (docs/performance.md, "Lazy imports"), and only once the configuration is known to be usable.
    from frontdesk.app.app import FrontdeskApp
    from frontdesk.app.connector import connector_for
    from frontdesk.app.css_cache import FILE_NAME, ParsedStyles
    from frontdesk.config.paths import cache_dir

    console = linux_console(environ)
    if console:
        from frontdesk.app.console_font import use_whole_cell_scrollbars

        use_whole_cell_scrollbars()

    def connect(chosen: Connection) -> Connector:
        return connector_for(chosen, db)

    return FrontdeskApp(
        connector=connect(connection),
        connection=connection,
        connector_for=connect,
        audit=desk_audit_log(environ, connection.label),
        allow_insecure=bool(getattr(args, "insecure", False)),
        lang=lang,
        fixed_language=cli_language(args),
        theme=env_theme or connection.theme,
        fixed_theme=env_theme,
        cursor_blink=cursor_blink(environ),
        linux_console=console,
        friendly_errors=True,
        tidy_memory=True,
        parsed_styles=ParsedStyles(cache_dir() / FILE_NAME),
    )
