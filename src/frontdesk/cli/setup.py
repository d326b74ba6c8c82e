"""The technician's commands: `login`, `logout`, `profiles`, `doctor`, `audit`.

`add_parsers` declares them on the main parser (argparse only, so `--help` stays instant);
`run` executes one. Everything else is imported when a command runs, never Textual.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

COMMANDS = frozenset({"login", "logout", "profiles", "doctor", "audit"})


def _profile_option(parser: argparse.ArgumentParser) -> None:
    # SUPPRESS: not given here keeps the global `frontdesk --profile P` value.
    parser.add_argument(
        "--profile",
        default=argparse.SUPPRESS,
        help="profile to use (default: FRONTDESK_PROFILE, else the config file's default)",
    )


def add_parsers(sub: Any) -> None:
    """Add the tool subcommands to the main parser's subparsers object."""
    login = sub.add_parser(
        "login",
        help="ask for a profile's API key (no echo), check it with the backend and store it",
    )
    _profile_option(login)
    login.add_argument(
        "--key-file",
        action="store_true",
        help="store the key in <config dir>/keys/<profile>.key (mode 0600) instead of the "
        "keyring (for SSH sessions without a desktop keyring)",
    )
    logout = sub.add_parser("logout", help="forget a profile's stored API key")
    _profile_option(logout)

    profiles = sub.add_parser("profiles", help="list the connection profiles; add/set/remove one")
    actions = profiles.add_subparsers(dest="profiles_action", metavar="ACTION")
    add = actions.add_parser("add", help="add a profile")
    add.add_argument("name", help="profile name (letters, digits, '-', '_')")
    add.add_argument("--url", required=True, help="the backend's base URL, e.g. https://host/v1")
    add.add_argument("--operator", help="the operator's name as shown on screen")
    add.add_argument("--ca-bundle", help="PEM file with the operator's CA certificate(s)")
    add.add_argument("--connect-timeout", type=float, help="seconds (default 3)")
    add.add_argument("--read-timeout", type=float, help="seconds (default 10)")
    add.add_argument("--default", action="store_true", help="make it the default profile")
    change = actions.add_parser("set", help="change settings of a profile ('' removes one)")
    change.add_argument("name")
    change.add_argument("--url")
    change.add_argument("--operator")
    change.add_argument("--ca-bundle")
    change.add_argument("--connect-timeout", type=float)
    change.add_argument("--read-timeout", type=float)
    change.add_argument("--language", choices=["pt", "en", ""])
    change.add_argument("--theme")
    remove = actions.add_parser("remove", help="remove a profile and its stored key")
    remove.add_argument("name")
    default = actions.add_parser("default", help="make a profile the default")
    default.add_argument("name")

    doctor = sub.add_parser(
        "doctor", help="check the setup step by step (config, key, network, TLS, clock, terminal)"
    )
    _profile_option(doctor)
    doctor.add_argument("--json", action="store_true", help="machine-readable output")

    audit = sub.add_parser("audit", help="print the audit log as a table")
    audit.add_argument("--since", metavar="YYYY-MM-DD", help="only records from that day on")


def run(args: argparse.Namespace) -> int:
    """Run one tool command; a setup problem is printed (no traceback) with exit status 2."""
    from frontdesk.config.errors import SetupError
    from frontdesk.core.i18n import set_language

    lang = getattr(args, "lang", None)
    if lang in ("pt", "en"):
        set_language(lang)
    try:
        if args.command == "login":
            return _login(args)
        if args.command == "logout":
            return _logout(args)
        if args.command == "profiles":
            return _profiles(args)
        if args.command == "audit":
            return _audit(args)
        from frontdesk.cli.doctor import run as doctor_main

        return doctor_main(args)
    except SetupError as error:
        print(f"frontdesk: {error}", file=sys.stderr)
        return 2


def _say(text: str) -> None:
    print(text, flush=True)


def _ask_yes(question: str) -> bool:
    try:
        answer = input(question)
    except EOFError:
        print()
        return False
    return answer.strip().lower() in ("s", "sim", "y", "yes")


def _remote_profile(args: argparse.Namespace) -> tuple[Any, Any]:
    from frontdesk.config.errors import SetupError
    from frontdesk.config.profiles import load_config, select_profile
    from frontdesk.core.i18n import t

    config = load_config()
    profile, _how = select_profile(config, getattr(args, "profile", None))
    if profile is None:
        raise SetupError(t("setup.no_profile", file=config.path))
    return config, profile


async def _check_key(profile: Any, key: str, verify: bool | str) -> tuple[str, str]:
    """("ok" | "refused" | "unreachable" | "error", message) for `key` against the backend."""
    from frontdesk.client.client import FrontdeskClient
    from frontdesk.client.errors import BackendUnavailable, FrontdeskClientError, Unauthorized
    from frontdesk.core.i18n import t

    try:
        client = FrontdeskClient(
            profile.url,
            api_key=key,
            verify=verify,
            connect_timeout=profile.connect_timeout,
            read_timeout=profile.read_timeout,
            retries=1,
        )
    except FrontdeskClientError as error:
        return "unreachable", str(error)
    async with client:
        try:
            health = await client.health()
        except BackendUnavailable as error:
            return "unreachable", str(error)
        except FrontdeskClientError as error:
            return "error", str(error)
        try:
            guides = await client.list_guides(status="awaiting_token")
        except Unauthorized:
            return "refused", t("setup.login.refused")
        except FrontdeskClientError as error:
            return "error", str(error)
    return "ok", t("setup.login.accepted", v=health.version, n=len(guides))


def _login(args: argparse.Namespace) -> int:
    import asyncio
    import getpass

    from frontdesk.config.audit import AuditLog
    from frontdesk.config.connection import check_ca_bundle, check_transport
    from frontdesk.config.credentials import (
        API_KEY_ENV,
        check_key,
        key_file_path,
        store_key,
        write_key_file,
    )
    from frontdesk.config.errors import CredentialError, KeyringUnavailable
    from frontdesk.core.i18n import t

    config, profile = _remote_profile(args)
    insecure = check_transport(profile.url, insecure=bool(getattr(args, "insecure", False)))
    ca = check_ca_bundle(config, profile)
    audit = AuditLog(profile=profile.name)
    _say(t("setup.login.profile", p=profile.name, u=profile.url))
    if insecure:
        _say(t("setup.login.insecure"))
    try:
        if sys.stdin.isatty():
            typed = getpass.getpass(t("setup.login.prompt"))
        else:  # piped in (scripts): one line, nothing to hide
            typed = sys.stdin.readline()
            if not typed:
                raise EOFError
    except EOFError:
        print()
        _say(t("setup.login.nothing_typed"))
        return 1
    try:
        key = check_key(typed, t("setup.key.typed"))
    except CredentialError as error:
        _say(str(error))
        return 1

    verdict, message = asyncio.run(_check_key(profile, key, str(ca) if ca else True))
    if verdict != "ok":
        audit.record("login", outcome=verdict)
        _say(message)
        if verdict == "refused":
            _say(t("setup.login.refused_hint"))
        else:
            _say(t("setup.login.unreachable_hint", p=profile.name))
        return 1
    _say(message)

    if args.key_file:
        path = write_key_file(profile.name, key)
        outcome = "stored_file"
        _say(t("setup.login.stored_file", p=path))
    else:
        try:
            stored = store_key(profile.name, key)
        except KeyringUnavailable as problem:
            _say(t("setup.login.keyring_unusable", e=problem))
            path = key_file_path(profile.name)
            question = t("setup.login.ask_key_file", p=path)
            if not _ask_yes(question):
                audit.record("login", outcome="not_stored")
                _say(t("setup.login.not_stored", env=API_KEY_ENV))
                return 1
            written = write_key_file(profile.name, key)
            outcome = "stored_file"
            _say(t("setup.login.stored_file", p=written))
        else:
            outcome = "stored_keyring"
            old = key_file_path(profile.name)
            if os.path.lexists(old):
                old.unlink()
                _say(t("setup.login.old_file_removed", p=old))
            _say(t("setup.login.stored_keyring", b=stored.where))
    audit.record("login", outcome=outcome)
    if os.environ.get(API_KEY_ENV, "").strip():
        _say(t("setup.login.env_wins", env=API_KEY_ENV))
    _say(t("setup.login.done", p=profile.name))
    return 0


def _logout(args: argparse.Namespace) -> int:
    from frontdesk.config.audit import AuditLog
    from frontdesk.config.credentials import API_KEY_ENV, delete_key
    from frontdesk.core.i18n import t

    _config, profile = _remote_profile(args)
    removal = delete_key(profile.name)
    for place in removal.removed:
        _say(t("setup.logout.removed", w=place))
    if removal.keyring_problem is not None:
        _say(t("setup.logout.keyring_unknown", e=removal.keyring_problem))
    elif not removal.removed:
        _say(t("setup.logout.nothing", p=profile.name))
    if os.environ.get(API_KEY_ENV, "").strip():
        _say(t("setup.logout.env_still_set", env=API_KEY_ENV))
    AuditLog(profile=profile.name).record("logout", outcome="ok" if removal.removed else "none")
    return 0


def _ca_path(value: str) -> Path:
    from frontdesk.config.errors import SetupError
    from frontdesk.core.i18n import t

    path = Path(value).expanduser().absolute()
    if not path.exists():
        raise SetupError(t("setup.profiles.ca_missing", p=path))
    return path


def _url_note(url: str) -> None:
    from frontdesk.config.connection import check_transport
    from frontdesk.core.i18n import t

    if check_transport(url, insecure=True):
        _say(t("setup.profiles.http_note", u=url))


def _profiles(args: argparse.Namespace) -> int:
    from frontdesk.config import profiles as store
    from frontdesk.core.i18n import t

    action = getattr(args, "profiles_action", None)
    if action == "add":
        _url_note(args.url)
        config = store.add_profile(
            args.name,
            url=args.url,
            operator=args.operator,
            ca_bundle=_ca_path(args.ca_bundle) if args.ca_bundle else None,
            connect_timeout=args.connect_timeout,
            read_timeout=args.read_timeout,
            make_default=args.default,
        )
        default = t("setup.profiles.default_mark") if config.default == args.name else ""
        _say(t("setup.profiles.added", n=args.name, f=config.path, d=default))
        _say(t("setup.profiles.login_next", n=args.name))
        return 0
    if action == "set":
        values: dict[str, object] = {}
        for key in ("url", "operator", "language", "theme"):
            value = getattr(args, key)
            if value is not None:
                values[key] = value or None
        if args.ca_bundle is not None:
            values["ca_bundle"] = _ca_path(args.ca_bundle) if args.ca_bundle else None
        for key in ("connect_timeout", "read_timeout"):
            if getattr(args, key) is not None:
                values[key] = getattr(args, key)
        if isinstance(values.get("url"), str):
            _url_note(str(values["url"]))
        config = store.update_profile(args.name, values)
        _say(t("setup.profiles.updated", n=args.name, f=config.path))
        return 0
    if action == "remove":
        from frontdesk.config.credentials import delete_key

        config = store.remove_profile(args.name)
        _say(t("setup.profiles.removed", n=args.name, f=config.path))
        removal = delete_key(args.name)
        for place in removal.removed:
            _say(t("setup.logout.removed", w=place))
        return 0
    if action == "default":
        config = store.set_default(args.name)
        _say(t("setup.profiles.default_set", n=args.name, f=config.path))
        return 0
    return _list_profiles()


def _list_profiles() -> int:
    from frontdesk.config.profiles import load_config
    from frontdesk.core.i18n import t

    config = load_config()
    if not config.profiles:
        _say(t("setup.profiles.none", f=config.path))
        return 0
    _say(t("setup.profiles.listing", f=config.path))
    name_width = max(len(p.name) for p in config.profiles)
    operator_width = max(len(p.operator or "-") for p in config.profiles)
    for profile in config.profiles:
        mark = "*" if profile.name == config.default else " "
        extra = f"  CA: {profile.ca_bundle}" if profile.ca_bundle else ""
        _say(
            f"{mark} {profile.name:<{name_width}}  {profile.operator or '-':<{operator_width}}  "
            f"{profile.url}{extra}"
        )
    _say(t("setup.profiles.legend"))
    return 0


def _audit(args: argparse.Namespace) -> int:
    from frontdesk.config.audit import AuditLog, format_table, parse_since

    since = parse_since(args.since) if args.since else None
    log = AuditLog()
    records = log.read(since=since)
    print(format_table(records))
    return 0
