"""`frontdesk profiles [add|set|remove|default]`: list the connection profiles (token-contract
and TISS profiles together, each with its operator), or change one.

The file is edited in place with its comments kept (`frontdesk.config.profiles`); removing
a profile also forgets its stored key.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from frontdesk.cli.console import Console
from frontdesk.config.connection import check_transport
from frontdesk.config.credentials import delete_key
from frontdesk.config.errors import SetupError
from frontdesk.config.profiles import (
    add_profile,
    load_config,
    remove_profile,
    set_default,
    update_profile,
)
from frontdesk.core.i18n import t

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend


def run(args: argparse.Namespace, console: Console, keyring: KeyringBackend | None = None) -> int:
    """`keyring`: where `remove` forgets the key (None: the one the keyring library picks)."""
    action = getattr(args, "profiles_action", None)
    if action == "add":
        return _add(args, console)
    if action == "set":
        return _set(args, console)
    if action == "remove":
        return _remove(args, console, keyring)
    if action == "default":
        return _default(args, console)
    return _list(console)


def _ca_path(value: str) -> Path:
    path = Path(value).expanduser().absolute()
    if not path.exists():
        raise SetupError(t("setup.profiles.ca_missing", p=path))
    return path


def _url_note(url: str, console: Console) -> None:
    """Plain http:// to another machine is saved, with a word that it needs --insecure."""
    if check_transport(url, insecure=True):
        console.say(t("setup.profiles.http_note", u=url))


def _add(args: argparse.Namespace, console: Console) -> int:
    _url_note(args.url, console)
    config = add_profile(
        args.name,
        url=args.url,
        operator=args.operator,
        ca_bundle=_ca_path(args.ca_bundle) if args.ca_bundle else None,
        connect_timeout=args.connect_timeout,
        read_timeout=args.read_timeout,
        make_default=args.default,
    )
    default = t("setup.profiles.default_mark") if config.default == args.name else ""
    console.say(t("setup.profiles.added", n=args.name, f=config.path, d=default))
    console.say(t("setup.profiles.login_next", n=args.name))
    return 0


def _set(args: argparse.Namespace, console: Console) -> int:
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
        _url_note(str(values["url"]), console)
    config = update_profile(args.name, values)
    console.say(t("setup.profiles.updated", n=args.name, f=config.path))
    return 0


def _remove(args: argparse.Namespace, console: Console, keyring: KeyringBackend | None) -> int:
    config = remove_profile(args.name)
    console.say(t("setup.profiles.removed", n=args.name, f=config.path))
    for place in delete_key(args.name, backend=keyring).removed:
        console.say(t("setup.logout.removed", w=place))
    return 0


def _default(args: argparse.Namespace, console: Console) -> int:
    config = set_default(args.name)
    console.say(t("setup.profiles.default_set", n=args.name, f=config.path))
    return 0


def _list(console: Console) -> int:
    config = load_config()
    if not config.profiles:
        console.say(t("setup.profiles.none", f=config.path))
        return 0
    console.say(t("setup.profiles.listing", f=config.path))
    name_width = max(len(p.name) for p in config.profiles)
    operator_width = max(len(p.operator or "-") for p in config.profiles)
    for profile in config.profiles:
        mark = "*" if profile.name == config.default else " "
        extra = f"  CA: {profile.ca_bundle}" if profile.ca_bundle else ""
        if profile.tiss is not None:  # a TISS profile: the standard and the operator's ANS number
            registro = profile.tiss.settings.registro_ans
            extra += "  " + t("setup.profiles.tiss_mark", r=registro)
        console.say(
            f"{mark} {profile.name:<{name_width}}  {profile.operator or '-':<{operator_width}}  "
            f"{profile.url}{extra}"
        )
    console.say(t("setup.profiles.legend"))
    return 0
