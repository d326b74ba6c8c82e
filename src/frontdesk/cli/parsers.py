"""Every command's arguments, declared with argparse alone: what `frontdesk --help` loads.

Everything argparse shows is in the technician's language (`--lang`, else the locale's, as
the desk): each help, description and section title here is a `cli.` catalog key that the
formatter (`Formatter`) looks up only when a help or a usage is printed, and argparse's own
words (usage, options, its errors) are put in that language by `Parser`. So the app's start,
which parses its own options and prints nothing, loads no catalog.

The runners (`cli/app.py`, `serve.py`, `web.py`, `tiss.py` and the technician's commands
`login.py`, `profiles_command.py`, `doctor.py`, `audit.py`) import what their command needs at
their top; `frontdesk.cli.main` imports one of them once the arguments are parsed. So
`--help`, and a mistyped option, cost argparse and this module only (tests/
test_import_hygiene.py pins it), and the app's start never loads a server's runner.
"""

from __future__ import annotations

import argparse
import functools
import re
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Final, NoReturn

from frontdesk import __version__

if TYPE_CHECKING:
    from frontdesk.core.i18n import Language

# The technician's commands: command -> the module of frontdesk.cli that runs it
# (frontdesk.cli.setup.run gives each a Console and the keyring).
TOOLS: Final[dict[str, str]] = {
    "login": "login",
    "logout": "login",
    "profiles": "profiles_command",
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


def said(text: str, **values: object) -> str:
    """A `cli.` catalog key in the current language (the catalog loads here, on first use);
    any other text as it is."""
    if not text.startswith("cli."):
        return text
    from frontdesk.core.i18n import t  # lazy: only a help, a usage or an error reads it

    return t(text, **values)


class Formatter(argparse.HelpFormatter):
    """argparse's help in the current language: keys looked up, its own words translated."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        return said(action.help) if action.help else action.help

    def add_usage(
        self,
        usage: str | None,
        actions: Any,
        groups: Any,
        prefix: str | None = None,
    ) -> None:
        super().add_usage(usage, actions, groups, said("cli.usage") if prefix is None else prefix)

    def start_section(self, heading: str | None) -> None:
        super().start_section(said(heading) if heading else heading)

    def add_text(self, text: str | None) -> None:
        super().add_text(said(text) if text and text is not argparse.SUPPRESS else text)


# argparse's error messages (Python 3.11's wording) -> the catalog key saying them; an
# unknown one is shown as argparse wrote it. Compiled on the first error, not at the app's
# start, which parses its options without one.
ARGPARSE_ERRORS: Final = (
    (r"argument (?P<argument>[^:]+): (?P<message>.+)", "cli.error.argument"),
    (r"the following arguments are required: (?P<names>.+)", "cli.error.required"),
    (r"one of the arguments (?P<names>.+) is required", "cli.error.one_required"),
    (r"unrecognized arguments: (?P<names>.+)", "cli.error.unrecognized"),
    (r"not allowed with argument (?P<other>.+)", "cli.error.not_allowed_with"),
    (
        r"invalid choice: (?P<value>.+) \(choose from (?P<choices>.+)\)",
        "cli.error.invalid_choice",
    ),
    (r"invalid int value: (?P<value>.+)", "cli.error.not_integer"),
    (r"invalid float value: (?P<value>.+)", "cli.error.not_number"),
    (r"invalid (?P<type>\S+) value: (?P<value>.+)", "cli.error.invalid_value"),
    (r"expected one argument", "cli.error.expected_one"),
    (r"expected at most one argument", "cli.error.expected_at_most_one"),
    (r"expected at least one argument", "cli.error.expected_at_least_one"),
    (r"expected (?P<n>\d+) arguments?", "cli.error.expected_n"),
    (r"ambiguous option: (?P<option>\S+) could match (?P<matches>.+)", "cli.error.ambiguous"),
    (r"ignored explicit argument (?P<value>.+)", "cli.error.explicit_value"),
    (r"unexpected option string: (?P<option>.+)", "cli.error.unexpected_option"),
)


@functools.cache
def _error_patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple((re.compile(pattern), key) for pattern, key in ARGPARSE_ERRORS)


def argparse_error(message: str) -> str:
    """One of argparse's error messages in the current language."""
    for pattern, key in _error_patterns():
        found = pattern.fullmatch(message)
        if found is None:
            continue
        values = found.groupdict()
        if "message" in values:
            values["message"] = argparse_error(values["message"])
        return said(key, **values)
    return message


class Parser(argparse.ArgumentParser):
    """An ArgumentParser that speaks the current language (its help through `Formatter`,
    its errors through `argparse_error`); its subcommands' parsers are Parsers too."""

    def __init__(self, *, add_help: bool = True, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", Formatter)
        super().__init__(add_help=False, **kwargs)
        self._positionals.title = "cli.section.positionals"
        self._optionals.title = "cli.section.options"
        self.add_help = add_help
        if add_help:
            self.add_argument(
                "-h", "--help", action="help", default=argparse.SUPPRESS, help="cli.help.help"
            )

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, said("cli.error", prog=self.prog, message=argparse_error(message)))


def command(sub: Any, name: str, key: str, **options: Any) -> argparse.ArgumentParser:
    """A subcommand: `key` its line in the list of commands, and (unless given) its
    `--help`'s description."""
    options.setdefault("description", key)
    parser: argparse.ArgumentParser = sub.add_parser(name, help=key, **options)
    return parser


def use_language(argv: Sequence[str]) -> None:
    """`--lang` (before the command) for what the parser says; without it, the locale's."""
    for index, word in enumerate(argv):
        if word in COMMANDS:
            return
        lang = argv[index + 1] if word == "--lang" and index + 1 < len(argv) else None
        if word.startswith("--lang="):
            lang = word.removeprefix("--lang=")
        if lang in ("pt", "en"):
            from frontdesk.core.i18n import set_language  # lazy: the whole parser's path only

            set_language("pt" if lang == "pt" else "en")
            return


FREE_VALUE_OPTIONS = ("--api-key",)
"""Options whose value may begin with "-": a key from `secrets.token_urlsafe` does one time
in 64, and argparse would take `--api-key -x…` for an option without its value."""


def with_free_values(argv: Sequence[str]) -> list[str]:
    """`argv` with each FREE_VALUE_OPTIONS option and its value as one `--option=value`."""
    joined: list[str] = []
    words = iter(argv)
    for word in words:
        value = next(words, None) if word in FREE_VALUE_OPTIONS else None
        joined.append(word if value is None else f"{word}={value}")
    return joined


def parse_arguments(argv: Sequence[str]) -> argparse.Namespace:
    """`argv` parsed. When it names no command and asks for no help (the app's start), the
    app's own options are parsed alone: building every command's parser costs the first
    screen time for options the app never reads (docs/performance.md). Anything
    that parser does not take exactly goes to the whole one, which says what is wrong."""
    argv = with_free_values(argv)
    if not any(token in COMMANDS or token in ("-h", "--help") for token in argv):
        app_only = _app_parser(exit_on_error=False)
        try:
            args, extra = app_only.parse_known_args(argv)
        except argparse.ArgumentError:
            extra = ["?"]
        if not extra:
            args.command = None
            return args
    use_language(argv)
    return build_parser().parse_args(argv)


def _app_parser(*, exit_on_error: bool = True) -> argparse.ArgumentParser:
    parser = Parser(prog="frontdesk", exit_on_error=exit_on_error, description="cli.help.app")
    parser.add_argument(
        "--version", action="version", version=f"frontdesk {__version__}", help="cli.help.version"
    )
    parser.add_argument("--url", help="cli.help.url")
    parser.add_argument("--lang", choices=["pt", "en"], help="cli.help.lang")
    parser.add_argument("--db", help="cli.help.db")
    parser.add_argument("--profile", help="cli.help.profile")
    parser.add_argument("--insecure", action="store_true", help="cli.help.insecure")
    parser.add_argument("--tiss-demo", action="store_true", help="cli.help.tiss_demo")
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
        help="cli.help.profile_option",
    )


# -- frontdesk serve (cli/serve.py) -----------------------------------------------------------


def _serve(sub: Any) -> None:
    serve = command(sub, "serve", "cli.help.serve")
    serve.add_argument("--host", default="127.0.0.1", help="cli.help.serve.host")
    serve.add_argument("--port", type=int, default=8765, help="cli.help.serve.port")
    serve.add_argument("--db", dest="serve_db", help="cli.help.serve.db")
    serve.add_argument("--database", metavar="URL", help="cli.help.serve.database")
    serve.add_argument("--migrate", action="store_true", help="cli.help.serve.migrate")
    serve.add_argument("--api-key", help="cli.help.serve.api_key")
    serve.add_argument("--policy", help="cli.help.serve.policy")
    serve.add_argument("--tls-cert", help="cli.help.serve.tls_cert")
    serve.add_argument("--tls-key", help="cli.help.serve.tls_key")
    serve.add_argument(
        "--access-log",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="cli.help.serve.access_log",
    )
    serve.add_argument(
        "--simulator",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="cli.help.serve.simulator",
    )
    serve.add_argument(
        "--tiss-versions",
        metavar="VERSIONS",
        help="cli.help.serve.tiss_versions",
    )
    serve.add_argument(
        "--header-timeout",
        type=float,
        default=HEADER_TIMEOUT,
        metavar="SECONDS",
        help="cli.help.serve.header_timeout",
    )
    serve.add_argument(
        "--body-timeout",
        type=float,
        default=BODY_TIMEOUT,
        metavar="SECONDS",
        help="cli.help.serve.body_timeout",
    )
    serve.add_argument(
        "--max-connections",
        type=int,
        default=MAX_CONNECTIONS,
        metavar="N",
        help="cli.help.serve.max_connections",
    )


# -- the technician's commands (cli/login.py, profiles_command.py, doctor.py, audit.py) -------


def _login(sub: Any) -> None:
    login = command(sub, "login", "cli.help.login")
    profile_option(login)
    login.add_argument("--key-file", action="store_true", help="cli.help.login.key_file")
    logout = command(sub, "logout", "cli.help.logout")
    profile_option(logout)


def _profiles(sub: Any) -> None:
    profiles = command(sub, "profiles", "cli.help.profiles")
    actions = profiles.add_subparsers(dest="profiles_action", metavar="ACTION")
    add = command(actions, "add", "cli.help.profiles.add")
    add.add_argument("name", help="cli.help.profiles.name")
    _profile_settings(add)
    add.add_argument("--default", action="store_true", help="cli.help.profiles.default")
    add.add_argument(
        "--tiss", nargs="?", const=True, metavar="URL_TEMPLATE", help="cli.help.profiles.tiss"
    )
    _tiss_options(add.add_argument_group("cli.section.tiss_add"), removable=False)
    change = command(actions, "set", "cli.help.profiles.set")
    change.add_argument("name", help="cli.help.profiles.name")
    change.add_argument("pairs", nargs="*", metavar="KEY VALUE", help="cli.help.profiles.pairs")
    _profile_settings(change)
    change.add_argument("--language", choices=["pt", "en", ""], help="cli.help.profiles.language")
    change.add_argument("--theme", help="cli.help.profiles.theme")
    _tiss_options(change.add_argument_group("cli.section.tiss_set"), removable=True)
    remove = command(actions, "remove", "cli.help.profiles.remove")
    remove.add_argument("name", help="cli.help.profiles.name")
    default = command(actions, "default", "cli.help.profiles.make_default")
    default.add_argument("name", help="cli.help.profiles.name")


def _profile_settings(parser: argparse.ArgumentParser) -> None:
    """The settings `profiles add` and `profiles set` both take."""
    parser.add_argument("--url", help="cli.help.profiles.url")
    parser.add_argument("--operator", help="cli.help.profiles.operator")
    parser.add_argument("--ca-bundle", help="cli.help.profiles.ca_bundle")
    parser.add_argument("--connect-timeout", type=float, help="cli.help.profiles.connect_timeout")
    parser.add_argument("--read-timeout", type=float, help="cli.help.profiles.read_timeout")


def _tiss_options(group: Any, *, removable: bool) -> None:
    """The options that write a TISS profile's own keys (`config.profile_schema`: an option
    is the key with '-' for '_'; `sac_phones` is `--sac-phone`, given once per phone).
    `removable` (`profiles set`): '' is also a choice, removing the setting."""
    empty = [""] if removable else []
    group.add_argument("--test-url", help="cli.help.tiss.test_url")
    group.add_argument(
        "--environment", choices=["production", "test", *empty], help="cli.help.tiss.environment"
    )
    group.add_argument("--registro-ans", metavar="NNNNNN", help="cli.help.tiss.registro_ans")
    group.add_argument(
        "--prestador-type", choices=["codigo", "cnpj", "cpf"], help="cli.help.tiss.prestador_type"
    )
    group.add_argument("--prestador", metavar="CODE", help="cli.help.tiss.prestador")
    group.add_argument("--login", help="cli.help.tiss.login")
    group.add_argument("--cnes", help="cli.help.tiss.cnes")
    group.add_argument("--code-length", type=int, metavar="N", help="cli.help.tiss.code_length")
    group.add_argument(
        "--code-chars", choices=["digits", "letters", *empty], help="cli.help.tiss.code_chars"
    )
    group.add_argument("--app-name", help="cli.help.tiss.app_name")
    group.add_argument(
        "--sac-phone", action="append", metavar="PHONE", help="cli.help.tiss.sac_phone"
    )
    group.add_argument("--portal", metavar="URL", help="cli.help.tiss.portal")
    group.add_argument("--import-folder", metavar="DIR", help="cli.help.tiss.import_folder")
    group.add_argument("--export-folder", metavar="DIR", help="cli.help.tiss.export_folder")
    group.add_argument("--tiss-version", metavar="VERSION", help="cli.help.tiss.tiss_version")


def _doctor(sub: Any) -> None:
    doctor = command(sub, "doctor", "cli.help.doctor")
    profile_option(doctor)
    doctor.add_argument("--json", action="store_true", help="cli.help.json")


def _audit(sub: Any) -> None:
    audit = command(sub, "audit", "cli.help.audit")
    audit.add_argument("--since", metavar="YYYY-MM-DD", help="cli.help.audit.since")
    audit.add_argument(
        "--database", dest="audit_database", metavar="URL", help="cli.help.audit.database"
    )


# -- frontdesk tiss (cli/tiss.py) -------------------------------------------------------------


def _tiss(sub: Any) -> None:
    tiss = command(sub, "tiss", "cli.help.tiss")
    actions = tiss.add_subparsers(dest="tiss_action", metavar="ACTION", required=True)
    check = command(actions, "elegibilidade", "cli.help.tiss.elegibilidade")
    check.add_argument("--profile", required=True, help="cli.help.tiss.profile")
    check.add_argument("--card", required=True, help="cli.help.tiss.card")
    proof = check.add_mutually_exclusive_group(required=True)
    proof.add_argument("--token", metavar="CODE", help="cli.help.tiss.token")
    proof.add_argument("--reason", metavar="NN", help="cli.help.tiss.reason")
    check.add_argument("--ident", metavar="NN", help="cli.help.tiss.ident")
    check.add_argument("--json", action="store_true", help="cli.help.json")
    demo = command(actions, "demo-files", "cli.help.tiss.demo_files")
    demo.add_argument("folder", metavar="DIR", help="cli.help.tiss.folder")
    demo.add_argument("--db", help="cli.help.tiss.db")
    login = command(actions, "login", "cli.help.tiss.login_command")
    login.add_argument("--profile", required=True, help="cli.help.tiss.profile")
    login.add_argument("--key-file", action="store_true", help="cli.help.tiss.key_file")


# -- frontdesk web (cli/web.py) ---------------------------------------------------------------


def _web(sub: Any) -> None:
    web = command(sub, "web", "cli.help.web", description="cli.help.web.description")
    web.add_argument("--host", default="127.0.0.1", help="cli.help.serve.host")
    web.add_argument("--port", type=int, default=8080, help="cli.help.web.port")
    where = web.add_mutually_exclusive_group()
    where.add_argument("--profile", dest="web_profile", metavar="P", help="cli.help.web.profile")
    where.add_argument("--db", dest="web_db", metavar="PATH", help="cli.help.web.db")
    web.add_argument("--database", dest="web_database", metavar="URL", help="cli.help.web.database")
    web.add_argument("--name", dest="web_name", metavar="NAME", help="cli.help.web.name")
    web.add_argument("--tls-cert", metavar="PEM", help="cli.help.web.tls_cert")
    web.add_argument("--tls-key", metavar="PEM", help="cli.help.web.tls_key")
    web.add_argument(
        "--max-sessions", type=int, default=24, metavar="N", help="cli.help.web.max_sessions"
    )
    web.add_argument("--spawn-desks", action="store_true", help="cli.help.web.spawn_desks")
    web.add_argument(
        "--idle-minutes", type=float, default=15.0, metavar="MIN", help="cli.help.web.idle_minutes"
    )
    web.add_argument(
        "--trusted-proxy",
        metavar="ADDR",
        help="cli.help.web.trusted_proxy",
    )
    users_sub = web.add_subparsers(dest="web_command", metavar="users")
    users = command(users_sub, "users", "cli.help.web.users")
    action = users.add_subparsers(dest="users_command", metavar="ACTION", required=True)
    for name, key in (
        ("add", "cli.help.web.users.add"),
        ("remove", "cli.help.web.users.remove"),
        ("unlock", "cli.help.web.users.unlock"),
    ):
        _database_option(command(action, name, key)).add_argument(
            "name", help="cli.help.web.users.name"
        )
    _database_option(command(action, "list", "cli.help.web.users.list"))
    _database_option(command(action, "migrate", "cli.help.web.users.migrate"))


def _database_option(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """`--database URL` on a `web users` action (`frontdesk web users list --database …`);
    set only when given, so `frontdesk web --database … users list` holds too."""
    parser.add_argument(
        "--database",
        dest="web_database",
        metavar="URL",
        default=argparse.SUPPRESS,
        help="cli.help.web.database",
    )
    return parser
