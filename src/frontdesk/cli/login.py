"""`frontdesk login` and `frontdesk logout`: store a profile's API key, or forget it.

`login` asks for the key without echo (or reads one line piped in), checks it against the
backend, then stores it in the system keyring, or in the 0600 key file (`--key-file`, or
when there is no keyring and the technician agrees). Nothing is stored for a key the
backend refuses. Every outcome goes to the audit log; the key never goes anywhere else.

A TISS profile's password (`login --profile TISS`, or `frontdesk tiss login`) is asked and
stored the same way, in the password's words; no call is made (`frontdesk tiss
elegibilidade` or doctor check it with the operator).
"""

from __future__ import annotations

import argparse
import asyncio
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from frontdesk.audit_log import AuditLog
from frontdesk.cli.console import Console
from frontdesk.client.client import FrontdeskClient
from frontdesk.client.client_errors import BackendUnavailable, FrontdeskClientError, Unauthorized
from frontdesk.config.connection import check_ca_bundle, check_transport
from frontdesk.config.credentials import (
    API_KEY_ENV,
    check_key,
    delete_key,
    key_file_path,
    store_key,
    write_key_file,
)
from frontdesk.config.reading import Config, Profile, load_config, select_profile
from frontdesk.config.setup_errors import CredentialError, KeyringUnavailable, SetupError
from frontdesk.config.tiss_profile import PASSWORD_ENV, load_tiss_profile
from frontdesk.core.i18n import t

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

EXIT_INPUT: Final = 2


@dataclass(frozen=True)
class SecretWords:
    """How the messages name what is stored: a contract's API key or a TISS password."""

    stored_file: str
    stored_keyring: str
    ask_key_file: str
    not_stored: str
    env: str


API_KEY_WORDS: Final = SecretWords(
    "setup.login.stored_file",
    "setup.login.stored_keyring",
    "setup.login.ask_key_file",
    "setup.login.not_stored",
    API_KEY_ENV,
)
PASSWORD_WORDS: Final = SecretWords(
    "tiss.login.stored_file",
    "tiss.login.stored_keyring",
    "tiss.login.ask_key_file",
    "tiss.login.not_stored",
    PASSWORD_ENV,
)


def run(args: argparse.Namespace, console: Console, keyring: KeyringBackend | None = None) -> int:
    """`keyring`: where keys are stored (None: the one the keyring library picks)."""
    if args.command == "logout":
        return logout(args, console, keyring)
    return login(args, console, keyring)


def remote_profile(args: argparse.Namespace) -> tuple[Config, Profile]:
    """The configuration and the profile asked for; SetupError when there is none."""
    config = load_config()
    profile, _how = select_profile(config, getattr(args, "profile", None))
    if profile is None:
        raise SetupError(t("setup.no_profile", file=config.path))
    return config, profile


async def check_with_backend(profile: Profile, key: str, verify: bool | str) -> tuple[str, str]:
    """("ok" | "refused" | "unreachable" | "error", message) for `key` against the backend."""
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


def _read_secret(console: Console, prompt: str) -> str:
    """A secret typed at the hidden prompt, or piped in (scripts); EOFError if nothing came."""
    if console.interactive():
        return console.ask_secret(prompt)
    typed = console.read_line()  # piped in: one line, nothing to hide
    if not typed:
        raise EOFError
    return typed


def _typed_key(console: Console) -> str | None:
    """The key as typed at the hidden prompt, or piped in (scripts); None if nothing came."""
    try:
        return _read_secret(console, t("setup.login.prompt"))
    except EOFError:
        console.say()
        return None


def login(args: argparse.Namespace, console: Console, keyring: KeyringBackend | None = None) -> int:
    config, profile = remote_profile(args)
    if profile.kind == "tiss":  # its password, as `frontdesk tiss login` keeps it
        return _tiss_login(args, profile, console, keyring)
    insecure = check_transport(profile.url, insecure=bool(getattr(args, "insecure", False)))
    ca = check_ca_bundle(config, profile)
    audit = AuditLog(profile=profile.name)
    console.say(t("setup.login.profile", p=profile.name, u=profile.url))
    if insecure:
        console.say(t("setup.login.insecure"))
    typed = _typed_key(console)
    if typed is None:
        console.say(t("setup.login.nothing_typed"))
        return 1
    try:
        key = check_key(typed, t("setup.key.typed"))
    except CredentialError as error:
        console.say(str(error))
        return 1

    verdict, message = asyncio.run(check_with_backend(profile, key, str(ca) if ca else True))
    console.say(message)
    if verdict != "ok":
        audit.record("login", outcome=verdict)
        if verdict == "refused":
            console.say(t("setup.login.refused_hint"))
        else:
            console.say(t("setup.login.unreachable_hint", p=profile.name))
        return 1

    if args.key_file:
        path = write_key_file(profile.name, key)
        console.say(t("setup.login.stored_file", p=path))
        stored: str | None = "stored_file"
    else:
        stored = _store_in_keyring(profile.name, key, console, keyring)
    if stored is None:
        audit.record("login", outcome="not_stored")
        console.say(t("setup.login.not_stored", env=API_KEY_ENV))
        return 1
    audit.record("login", outcome=stored)
    if os.environ.get(API_KEY_ENV, "").strip():
        console.say(t("setup.login.env_wins", env=API_KEY_ENV))
    console.say(t("setup.login.done", p=profile.name))
    return 0


def _tiss_login(
    args: argparse.Namespace,
    profile: Profile,
    console: Console,
    keyring: KeyringBackend | None,
) -> int:
    return tiss_login(args.key_file, profile.name, console, keyring)


def tiss_login(key_file: bool, name: str, console: Console, keyring: KeyringBackend | None) -> int:
    """A TISS profile's password: asked like an API key and stored where one would be (the
    keyring; without one, the key file when the technician agrees, as for a contract)."""
    load_tiss_profile(name)  # a profile that is not TISS, or is broken: SetupError, said
    try:
        password = _read_secret(console, t("tiss.login.prompt", profile=name)).rstrip("\r\n")
    except EOFError:
        console.say()
        password = ""
    if not password.strip():
        console.complain(t("tiss.login.empty"))
        return EXIT_INPUT
    audit = AuditLog(profile=name)
    if key_file:
        console.say(t(PASSWORD_WORDS.stored_file, p=write_key_file(name, password)))
        stored: str | None = "stored_file"
    else:
        stored = _store_in_keyring(name, password, console, keyring, PASSWORD_WORDS)
    if stored is None:
        audit.record("login", outcome="not_stored")
        console.say(t(PASSWORD_WORDS.not_stored, env=PASSWORD_ENV))
        return 1
    audit.record("login", outcome=stored)
    return 0


def _store_in_keyring(
    profile: str,
    key: str,
    console: Console,
    keyring: KeyringBackend | None,
    words: SecretWords = API_KEY_WORDS,
) -> str | None:
    """Store `key` in the keyring, or (asked) in the key file; the outcome, None if neither."""
    try:
        stored = store_key(profile, key, backend=keyring)
    except KeyringUnavailable as problem:
        console.say(t("setup.login.keyring_unusable", e=problem))
        if not console.ask_yes(t(words.ask_key_file, p=key_file_path(profile))):
            return None
        written = write_key_file(profile, key)
        console.say(t(words.stored_file, p=written))
        return "stored_file"
    old = key_file_path(profile)
    if os.path.lexists(old):  # it would win over the keyring at the next lookup
        old.unlink()
        console.say(t("setup.login.old_file_removed", p=old))
    console.say(t(words.stored_keyring, b=stored.where))
    return "stored_keyring"


def logout(
    args: argparse.Namespace, console: Console, keyring: KeyringBackend | None = None
) -> int:
    _config, profile = remote_profile(args)
    removal = delete_key(profile.name, backend=keyring)
    for place in removal.removed:
        console.say(t("setup.logout.removed", w=place))
    if removal.keyring_problem is not None:
        console.say(t("setup.logout.keyring_unknown", e=removal.keyring_problem))
    elif not removal.removed:
        console.say(t("setup.logout.nothing", p=profile.name))
    if os.environ.get(API_KEY_ENV, "").strip():
        console.say(t("setup.logout.env_still_set", env=API_KEY_ENV))
    AuditLog(profile=profile.name).record("logout", outcome="ok" if removal.removed else "none")
    return 0
