"""Every command's arguments, declared with argparse alone: what `frontdesk --help` loads.

The runners (`cli/app.py`, `serve.py`, `web.py`, `tiss.py` and the technician's commands
`login.py`, `profiles.py`, `doctor.py`, `audit.py`) import what their command needs at
their top; `frontdesk.cli.main` imports one of them once the arguments are parsed. So
`--help`, and a mistyped option, cost argparse and this module only (tests/
test_import_hygiene.py pins it), and the app's start never loads a server's runner.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Final

from frontdesk import __version__

if TYPE_CHECKING:
    from frontdesk.core.i18n import Language

# The technician's commands: command -> the module of frontdesk.cli that runs it
# (frontdesk.cli.setup.run gives each a Console and the keyring).
TOOLS: Final[dict[str, str]] = {
    "login": "login",
    "logout": "login",
    "profiles": "profiles",
    "doctor": "doctor",
    "audit": "audit",
}

# Every command's name (a token equal to one sends `argv` to the whole parser).
COMMANDS: Final = ("serve", *TOOLS, "tiss", "web")

# Defaults of `frontdesk serve`'s connection limits (frontdesk.backend.connection's
# ConnectionLimits has the same): the parser must not import the backend.
HEADER_TIMEOUT: Final = 10.0
BODY_TIMEOUT: Final = 10.0
MAX_CONNECTIONS: Final = 100


def parse_arguments(argv: Sequence[str]) -> argparse.Namespace:
    """`argv` parsed. When it names no command and asks for no help (the app's start), the
    app's own options are parsed alone: building every command's parser is 2.8 ms, 2 % of
    the first screen's budget, for options the app never reads (0.1 ms alone). Anything
    that parser does not take exactly goes to the whole one, which says what is wrong."""
    if not any(token in COMMANDS or token in ("-h", "--help") for token in argv):
        app_only = _app_parser(exit_on_error=False)
        try:
            args, extra = app_only.parse_known_args(argv)
        except argparse.ArgumentError:
            extra = ["?"]
        if not extra:
            args.command = None
            return args
    return build_parser().parse_args(argv)


def _app_parser(*, exit_on_error: bool = True) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="frontdesk",
        exit_on_error=exit_on_error,
        description=(
            "Release health-plan guides with a one-time token. With no options it opens "
            "on the embedded local backend with demo data."
        ),
    )
    parser.add_argument("--version", action="version", version=f"frontdesk {__version__}")
    parser.add_argument("--url", help="base URL of a remote token backend (key: FRONTDESK_API_KEY)")
    parser.add_argument(
        "--lang",
        choices=["pt", "en"],
        help="interface language (default: from the locale, else pt)",
    )
    parser.add_argument(
        "--db", help="local mode: database path (default: user data dir; ':memory:' for fresh demo)"
    )
    parser.add_argument(
        "--profile",
        help="connection profile from the config file (default: FRONTDESK_PROFILE, else the "
        "file's default; none: the embedded local backend)",
    )
    parser.add_argument(
        "--insecure",
        action="store_true",
        help="allow plain http:// to another machine (shown on screen; never weakens https)",
    )
    parser.add_argument(
        "--tiss-demo",
        action="store_true",
        help="the counter on the local TISS operator, offline: demo exports, the simulator "
        "(with --db as for local mode)",
    )
    return parser


def build_parser() -> argparse.ArgumentParser:
    """The whole command line: the app's options and every command's."""
    parser = _app_parser()
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    _serve(sub)
    _login(sub)
    _profiles(sub)
    _doctor(sub)
    _audit(sub)
    _tiss(sub)
    _web(sub)
    return parser


def cli_language(args: argparse.Namespace) -> Language | None:
    """`--lang`, if given."""
    lang = getattr(args, "lang", None)
    if lang == "pt":
        return "pt"
    if lang == "en":
        return "en"
    return None


def profile_option(parser: argparse.ArgumentParser) -> None:
    """`--profile P` on a subcommand; not given there, the global `frontdesk --profile P` holds."""
    parser.add_argument(
        "--profile",
        default=argparse.SUPPRESS,
        help="profile to use (default: FRONTDESK_PROFILE, else the config file's default)",
    )


# -- frontdesk serve (cli/serve.py) -----------------------------------------------------------


def _serve(sub: Any) -> None:
    serve = sub.add_parser("serve", help="serve the local backend over HTTP")
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: loopback)"
    )
    serve.add_argument("--port", type=int, default=8765, help="port (default: 8765)")
    serve.add_argument(
        "--db", dest="serve_db", help="database path (default: user data dir; ':memory:' for demo)"
    )
    serve.add_argument(
        "--api-key",
        help="API key clients must present (default: FRONTDESK_API_KEY, else one is made and "
        "printed once)",
    )
    serve.add_argument(
        "--policy",
        help="TOML file with the operator's token policy (code_length, lifetime_seconds, "
        "max_attempts, resend_wait_seconds, sends_per_hour, card_failures_per_day, ...)",
    )
    serve.add_argument("--tls-cert", help="PEM certificate to serve HTTPS (with --tls-key)")
    serve.add_argument("--tls-key", help="PEM private key for --tls-cert")
    serve.add_argument(
        "--access-log",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="log one line per request: route, guide, status, time (never bodies)",
    )
    serve.add_argument(
        "--simulator",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="serve the simulator paths /v1/_local/* (default: only on a loopback address)",
    )
    serve.add_argument(
        "--tiss-versions",
        metavar="VERSIONS",
        help="TISS versions the local operator accepts, comma-separated, e.g. 4.03.00,4.02.00 "
        "(default: every version frontdesk speaks); another version's path answers "
        "VersaoInvalida",
    )
    serve.add_argument(
        "--header-timeout",
        type=float,
        default=HEADER_TIMEOUT,
        metavar="SECONDS",
        help=f"close a connection whose request headers are not complete in this time "
        f"(default: {HEADER_TIMEOUT:g})",
    )
    serve.add_argument(
        "--body-timeout",
        type=float,
        default=BODY_TIMEOUT,
        metavar="SECONDS",
        help=f"close a connection whose request body stalls this long (default: {BODY_TIMEOUT:g})",
    )
    serve.add_argument(
        "--max-connections",
        type=int,
        default=MAX_CONNECTIONS,
        metavar="N",
        help=f"connections open at once; more are refused with 503 (default: {MAX_CONNECTIONS})",
    )


# -- the technician's commands (cli/login.py, profiles.py, doctor.py, audit.py) ---------------


def _login(sub: Any) -> None:
    login = sub.add_parser(
        "login",
        help="ask for a profile's API key (no echo), check it with the backend and store it",
    )
    profile_option(login)
    login.add_argument(
        "--key-file",
        action="store_true",
        help="store the key in <config dir>/keys/<profile>.key (mode 0600) instead of the "
        "keyring (for SSH sessions without a desktop keyring)",
    )
    logout = sub.add_parser("logout", help="forget a profile's stored API key")
    profile_option(logout)


def _profiles(sub: Any) -> None:
    profiles = sub.add_parser("profiles", help="list the connection profiles; add/set/remove one")
    actions = profiles.add_subparsers(dest="profiles_action", metavar="ACTION")
    add = actions.add_parser(
        "add",
        help="add a profile (a token backend; with --tiss an operator's TISS web services)",
    )
    add.add_argument("name", help="profile name (letters, digits, '-', '_')")
    add.add_argument(
        "--url",
        help="the backend's base URL, e.g. https://host/v1 (required; TISS: or after --tiss)",
    )
    add.add_argument("--operator", help="the operator's name as shown on screen")
    add.add_argument("--ca-bundle", help="PEM file with the operator's CA certificate(s)")
    add.add_argument("--connect-timeout", type=float, help="seconds (default 3; TISS 5)")
    add.add_argument("--read-timeout", type=float, help="seconds (default 10; TISS 30)")
    add.add_argument("--default", action="store_true", help="make it the default profile")
    add.add_argument(
        "--tiss",
        nargs="?",
        const=True,
        metavar="URL_TEMPLATE",
        help="a TISS profile at the operator's web services' URL ({operation} standing for "
        "each service's name; or give it with --url): needs --registro-ans and --prestador "
        "(the password: `frontdesk login --profile NAME`)",
    )
    _tiss_options(add.add_argument_group("TISS profiles (with --tiss)"), removable=False)
    change = actions.add_parser(
        "set",
        help="change settings of a profile, as options or as KEY VALUE pairs of the file's "
        "keys, e.g. `set NAME tiss_version 4.02.00` ('' removes one)",
    )
    change.add_argument("name")
    change.add_argument(
        "pairs",
        nargs="*",
        metavar="KEY VALUE",
        help="a setting by its key in the file (tiss_version 4.02.00 is --tiss-version 4.02.00)",
    )
    change.add_argument("--url")
    change.add_argument("--operator")
    change.add_argument("--ca-bundle")
    change.add_argument("--connect-timeout", type=float)
    change.add_argument("--read-timeout", type=float)
    change.add_argument("--language", choices=["pt", "en", ""])
    change.add_argument("--theme")
    _tiss_options(change.add_argument_group("TISS profiles"), removable=True)
    remove = actions.add_parser("remove", help="remove a profile and its stored key")
    remove.add_argument("name")
    default = actions.add_parser("default", help="make a profile the default")
    default.add_argument("name")


TISS_OPTIONS: Final = (
    "test_url",
    "environment",
    "registro_ans",
    "prestador_type",
    "prestador",
    "login",
    "cnes",
    "code_length",
    "code_chars",
    "app_name",
    "sac_phone",
    "portal",
    "import_folder",
    "export_folder",
    "tiss_version",
)
"""The options (argparse `dest`s) of `profiles add`/`set` that only a TISS profile takes."""


def _tiss_options(group: Any, *, removable: bool) -> None:
    """`removable` (`profiles set`): '' is also a choice, removing the setting."""
    empty = [""] if removable else []
    group.add_argument("--test-url", help="the operator's test (homologação) web services' URL")
    group.add_argument(
        "--environment",
        choices=["production", "test", *empty],
        help="which URL to use: production (default), or test (--test-url)",
    )
    group.add_argument("--registro-ans", metavar="NNNNNN", help="the operator's ANS registration")
    group.add_argument(
        "--prestador-type",
        choices=["codigo", "cnpj", "cpf"],
        help="how the operator knows the clinic: its code there (add: the default), its CNPJ "
        "or CPF",
    )
    group.add_argument("--prestador", metavar="CODE", help="that code, CNPJ or CPF")
    group.add_argument("--login", help="the TISS login (default: the prestador)")
    group.add_argument("--cnes", help="the clinic's CNES (7 digits)")
    group.add_argument("--code-length", type=int, metavar="N", help="the operator's code length")
    group.add_argument(
        "--code-chars",
        choices=["digits", "letters", *empty],
        help="the operator's codes: digits (default), or letters and digits",
    )
    group.add_argument("--app-name", help="the operator's app, where the patient makes the code")
    group.add_argument(
        "--sac-phone",
        action="append",
        metavar="PHONE",
        help="the operator's SAC phone (repeat for more; set: replaces the list)",
    )
    group.add_argument("--portal", metavar="URL", help="where the operator sends SMS codes from")
    group.add_argument("--import-folder", metavar="DIR", help="the practice system's TISS exports")
    group.add_argument("--export-folder", metavar="DIR", help="where answers are written back")
    group.add_argument(
        "--tiss-version",
        metavar="VERSION",
        help="the TISS version the operator speaks, e.g. 4.02.00 (default: the version in "
        "force; `frontdesk doctor` says whether the operator takes it)",
    )


def _doctor(sub: Any) -> None:
    doctor = sub.add_parser(
        "doctor", help="check the setup step by step (config, key, network, TLS, clock, terminal)"
    )
    profile_option(doctor)
    doctor.add_argument("--json", action="store_true", help="machine-readable output")


def _audit(sub: Any) -> None:
    audit = sub.add_parser("audit", help="print the audit log as a table")
    audit.add_argument("--since", metavar="YYYY-MM-DD", help="only records from that day on")


# -- frontdesk tiss (cli/tiss.py) -------------------------------------------------------------


def _tiss(sub: Any) -> None:
    tiss = sub.add_parser(
        "tiss", help="TISS with an operator, in its profile's version: check eligibility"
    )
    actions = tiss.add_subparsers(dest="tiss_action", metavar="ACTION", required=True)
    check = actions.add_parser(
        "elegibilidade",
        help="one real VerificaElegibilidade: is the card covered, is the code good",
    )
    check.add_argument("--profile", required=True, help='a [profiles.NAME] with kind = "tiss"')
    check.add_argument("--card", required=True, help="the beneficiary's card number")
    proof = check.add_mutually_exclusive_group(required=True)
    proof.add_argument("--token", metavar="CODE", help="the code the patient carries (1–10)")
    proof.add_argument("--reason", metavar="NN", help="no code: TUSS table 74 reason, 01–07")
    check.add_argument("--ident", metavar="NN", help="how the patient was identified (table 72)")
    check.add_argument("--json", action="store_true", help="machine-readable output")
    demo = actions.add_parser(
        "demo-files",
        help="write the demo clinic's TISS XML exports (for `frontdesk serve`'s guides) into DIR",
    )
    demo.add_argument("folder", metavar="DIR", help="the TISS counter's import folder")
    demo.add_argument(
        "--db", help="the local backend's database (default: the one `frontdesk serve` uses)"
    )
    login = actions.add_parser("login", help="store a TISS profile's password (no echo)")
    login.add_argument("--profile", required=True)
    login.add_argument(
        "--key-file",
        action="store_true",
        help="store it in <config dir>/keys/<profile>.key (mode 0600) instead of the keyring",
    )


# -- frontdesk web (cli/web.py) ---------------------------------------------------------------


def _web(sub: Any) -> None:
    web = sub.add_parser(
        "web",
        help="serve the desk to browsers (thin clients), behind a sign-in",
        description="Serve the desk to browsers through textual-serve, behind a sign-in. "
        "Loopback by default; any other address needs --tls-cert and --tls-key.",
    )
    web.add_argument("--host", default="127.0.0.1", help="address to listen on (default: loopback)")
    web.add_argument("--port", type=int, default=8080, help="port (default: 8080)")
    where = web.add_mutually_exclusive_group()
    where.add_argument(
        "--profile", dest="web_profile", metavar="P", help="the desk's connection profile"
    )
    where.add_argument(
        "--db",
        dest="web_db",
        metavar="PATH",
        help="local mode: the database (default: the user data dir's)",
    )
    web.add_argument(
        "--tls-cert", metavar="PEM", help="certificate to serve HTTPS (with --tls-key)"
    )
    web.add_argument("--tls-key", metavar="PEM", help="private key for --tls-cert")
    web.add_argument(
        "--max-sessions",
        type=int,
        default=8,
        metavar="N",
        help="most desks (app processes) running at once (default: 8)",
    )
    web.add_argument(
        "--idle-minutes",
        type=float,
        default=15.0,
        metavar="MIN",
        help="minutes without use before a session ends and its desk closes (default: 15, "
        "at most 30)",
    )
    web.add_argument(
        "--trusted-proxy",
        metavar="ADDR",
        help="the load balancer's address: its X-Forwarded-For names the client (the sign-in "
        "limits count by it); nobody else's is believed",
    )
    users_sub = web.add_subparsers(dest="web_command", metavar="users")
    users = users_sub.add_parser("users", help="add, remove, unlock or list web users")
    action = users.add_subparsers(dest="users_command", metavar="ACTION", required=True)
    add = action.add_parser(
        "add", help="add a user or change its password (prompted, or one line on stdin)"
    )
    add.add_argument("name")
    remove = action.add_parser("remove", help="deactivate a user (kept on record, no sign-in)")
    remove.add_argument("name")
    unlock = action.add_parser("unlock", help="lift a lock after wrong passwords")
    unlock.add_argument("name")
    action.add_parser("list", help="list the users")
