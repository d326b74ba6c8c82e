"""`frontdesk profiles [add|set|remove|default]`: list the connection profiles (token-contract
and TISS profiles together, each with its operator), or change one.

The file is edited in place with its comments kept (`frontdesk.config.profile_editing`); removing
a profile also forgets its stored key. `add --tiss` writes a TISS profile and `set` changes
one; the options only a TISS profile takes (`profile_schema.TISS_ONLY_KEYS`) are refused on a
contract profile. A token backend's address without /v1 is said at once, with the address
that has it offered instead. Whatever is written, the app's own reader checks first: a value
it refuses is said with the option it came from, and nothing is written.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Final
from urllib.parse import urlsplit, urlunsplit

from frontdesk.cli.console import Console
from frontdesk.config.connection import check_transport
from frontdesk.config.credentials import delete_key
from frontdesk.config.profile_editing import (
    Config,
    add_profile,
    add_tiss_profile,
    load_config,
    remove_profile,
    set_default,
    update_profile,
)
from frontdesk.config.profile_schema import PROFILE_KEYS, TISS_ONLY_KEYS
from frontdesk.config.setup_errors import ChangeRefused, SetupError
from frontdesk.core import cnpj
from frontdesk.core.i18n import t

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

TISS_REQUIRED: Final = ("registro_ans", "prestador")
"""What `add --tiss` needs besides its URL (the reader's required keys; prestador_type is
"codigo" unless said)."""
_DEST_OF_KEY: Final = {"sac_phones": "sac_phone"}
"""The option (argparse `dest`) that writes a profile key, where its name is not the key's."""
_OPTION_OF_KEY: Final = {"sac_phones": "--sac-phone"}
_TISS_DESTS: Final = tuple(_DEST_OF_KEY.get(key, key) for key in TISS_ONLY_KEYS)
"""The TISS-only keys as options (those without an option, the clinic's, are never given)."""
_TISS_TEXT: Final = tuple(
    dest
    for dest in _TISS_DESTS
    if dest not in ("code_length", "sac_phone", "import_folder", "export_folder")
)
"""The TISS-only options written as given (text): the others are a number, a list, folders."""
_SET_DESTS: Final = (*(key for key in PROFILE_KEYS if key != "kind"), *_TISS_DESTS)
"""What `profiles set` may change, each as its option or as `KEY VALUE` (if it has one)."""


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


def _api_url(url: str, console: Console) -> str:
    """A token backend's address, which ends in /v1 (the contract's base). Without it the
    technician is told at once and offered the address with /v1 (asked on a terminal;
    a script is refused, nothing written). An address that is not http(s) is left to the
    reader, which says what is wrong with it."""
    parts = urlsplit(url.strip())
    path = parts.path.rstrip("/")
    if parts.scheme not in ("http", "https") or not parts.netloc or path.endswith("/v1"):
        return url
    suggested = urlunsplit(parts._replace(path=path + "/v1"))
    console.say(t("setup.profiles.no_v1", u=url, s=suggested))
    if console.interactive() and console.ask_yes(t("setup.profiles.use_v1", s=suggested)):
        return suggested
    raise SetupError(t("setup.profiles.no_v1_refused", s=suggested))


def _url_note(url: str, console: Console) -> None:
    """Plain http:// to another machine is saved, with a word that it needs --insecure."""
    if check_transport(url, insecure=True):
        console.say(t("setup.profiles.http_note", u=url))


def _option(key: str) -> str:
    """The command-line option that writes the profile key `key`."""
    return _OPTION_OF_KEY.get(key, "--" + key.replace("_", "-"))


def _options(dests: list[str]) -> str:
    return ", ".join(_option(dest) for dest in dests)


def _saved(name: str, save: Callable[[], Config]) -> Config:
    """`save()`; a value the reader refuses is said with its option (nothing was written)."""
    try:
        return save()
    except ChangeRefused as refused:
        table, profile, key = (*(refused.key or "").split(".", 2), "", "")[:3]
        if (table, profile) != ("profiles", name) or not key:
            raise  # not one of the profile's values: said as it is
        option = _option(key)
        problem = refused.problem.rstrip(".")
        raise SetupError(t("setup.profiles.refused", o=option, p=problem, f=refused.path)) from None


def _folder(value: str) -> Path:
    return Path(value).expanduser().absolute()


def _tiss_values(args: argparse.Namespace) -> dict[str, object]:
    """The TISS-only settings given ('' in `set`: None, the setting removed)."""
    values: dict[str, object] = {}
    for key in _TISS_TEXT:
        value = getattr(args, key, None)
        if value is not None:
            values[key] = value.strip() or None
    if args.code_length is not None:
        values["code_length"] = args.code_length
    if args.sac_phone is not None:
        values["sac_phones"] = [phone.strip() for phone in args.sac_phone if phone.strip()] or None
    for key in ("import_folder", "export_folder"):
        value = getattr(args, key)
        if value is not None:
            values[key] = _folder(value) if value.strip() else None
    return values


def _cnpj_written_plain(values: dict[str, object], kind: str | None) -> None:
    """A CNPJ given with punctuation or in lower case is written in its normal form
    (`12.abc.345/01de-35` -> `12ABC34501DE35`); one the reader refuses stays as typed, for
    its message."""
    prestador = values.get("prestador")
    if kind == "cnpj" and isinstance(prestador, str) and cnpj.is_valid(prestador):
        values["prestador"] = cnpj.normalize(prestador)


def _given(args: argparse.Namespace) -> list[str]:
    """The TISS-only options given."""
    return [dest for dest in _TISS_DESTS if getattr(args, dest, None) is not None]


def _url(args: argparse.Namespace) -> str:
    """The profile's address: `--url`, or a TISS profile's `--tiss URL_TEMPLATE`."""
    given = args.tiss if isinstance(args.tiss, str) else None
    if given and args.url and given != args.url:
        raise SetupError(t("setup.profiles.url_twice", a=given, b=args.url))
    url = given or args.url
    if not url:
        raise SetupError(t("setup.profiles.url_missing"))
    return str(url)


def _add(args: argparse.Namespace, console: Console) -> int:
    args.url = _url(args)
    if args.tiss:
        return _add_tiss(args, console)
    if given := _given(args):
        raise SetupError(t("setup.profiles.tiss_only_add", o=_options(given)))
    args.url = _api_url(args.url, console)
    _url_note(args.url, console)
    config = _saved(
        args.name,
        lambda: add_profile(
            args.name,
            url=args.url,
            operator=args.operator,
            ca_bundle=_ca_path(args.ca_bundle) if args.ca_bundle else None,
            connect_timeout=args.connect_timeout,
            read_timeout=args.read_timeout,
            make_default=args.default,
        ),
    )
    default = t("setup.profiles.default_mark") if config.default == args.name else ""
    console.say(t("setup.profiles.added", n=args.name, f=config.path, d=default))
    console.say(t("setup.profiles.login_next", n=args.name))
    return 0


def _add_tiss(args: argparse.Namespace, console: Console) -> int:
    missing = [dest for dest in TISS_REQUIRED if not (getattr(args, dest) or "").strip()]
    if missing:
        raise SetupError(t("setup.profiles.tiss_missing", o=_options(missing)))
    if not args.prestador_type:
        args.prestador_type = "codigo"  # the form: --prestador CODE at the operator
    values: dict[str, object] = {
        "operator": args.operator,
        "url": args.url,
        "ca_bundle": _ca_path(args.ca_bundle) if args.ca_bundle else None,
        "connect_timeout": args.connect_timeout,
        "read_timeout": args.read_timeout,
        **_tiss_values(args),
    }
    _cnpj_written_plain(values, args.prestador_type)
    config = _saved(
        args.name,
        lambda: add_tiss_profile(args.name, values, make_default=args.default),
    )
    default = t("setup.profiles.default_mark") if config.default == args.name else ""
    console.say(t("setup.profiles.added", n=args.name, f=config.path, d=default))
    console.say(t("setup.profiles.tiss_next", n=args.name))
    return 0


def _pairs(args: argparse.Namespace) -> None:
    """`set NAME KEY VALUE …`: each pair given as its option would be (`tiss_version 4.02.00`
    is `--tiss-version 4.02.00`); the reader checks the values like any other."""
    pairs: list[str] = list(getattr(args, "pairs", None) or [])
    if len(pairs) % 2:
        raise SetupError(t("setup.profiles.pair_odd", k=pairs[-1]))
    for key, value in zip(pairs[::2], pairs[1::2], strict=True):
        dest = _DEST_OF_KEY.get(key, key.replace("-", "_"))
        if dest not in _SET_DESTS or not hasattr(args, dest):
            keys = {d: k for k, d in _DEST_OF_KEY.items()}
            known = ", ".join(keys.get(d, d) for d in _SET_DESTS if hasattr(args, d))
            raise SetupError(t("setup.profiles.pair_unknown", k=key, known=known))
        if getattr(args, dest) is not None:
            raise SetupError(t("setup.profiles.pair_twice", k=key, o=_option(dest)))
        setattr(args, dest, _pair_value(key, dest, value))


def _pair_value(key: str, dest: str, value: str) -> object:
    if dest == "sac_phone":
        return [value]
    kinds: dict[str, type[float] | type[int]] = {
        "connect_timeout": float,
        "read_timeout": float,
        "code_length": int,
    }
    if dest not in kinds:
        return value
    try:
        return kinds[dest](value)
    except ValueError:
        raise SetupError(t("setup.profiles.pair_number", k=key, v=value)) from None


def _set(args: argparse.Namespace, console: Console) -> int:
    _pairs(args)
    profile = load_config().get(args.name)  # None: update_profile says it does not exist
    is_tiss = profile is not None and profile.kind == "tiss"
    given = _given(args)
    if given and profile is not None and not is_tiss:
        raise SetupError(t("setup.profiles.tiss_only_set", o=_options(given), n=args.name))
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
    if is_tiss:
        assert profile is not None and profile.tiss is not None
        values.update(_tiss_values(args))
        _cnpj_written_plain(values, args.prestador_type or profile.tiss.settings.prestador_kind)
    elif isinstance(values.get("url"), str):
        values["url"] = _api_url(str(values["url"]), console)
        _url_note(str(values["url"]), console)
    config = _saved(args.name, lambda: update_profile(args.name, values))
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
            settings = profile.tiss.settings
            extra += "  " + t(
                "setup.profiles.tiss_mark", r=settings.registro_ans, v=settings.version
            )
        console.say(
            f"{mark} {profile.name:<{name_width}}  {profile.operator or '-':<{operator_width}}  "
            f"{profile.url}{extra}"
        )
    console.say(t("setup.profiles.legend"))
    return 0
