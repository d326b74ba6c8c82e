"""What the app and the tools connect to: a profile (or `--url`, or nothing: local mode),
its key, TLS settings and timeouts, with plain HTTP refused off this machine. A TISS
profile's connection (`kind` "tiss") carries its TISS part and its TISS password.

`resolve(options=ConnectionOptions(...))` is the one call: it reads the configuration,
picks the profile (`--profile`, `FRONTDESK_PROFILE`, the file's `default`), checks the
transport, finds the key, and returns a `Connection`; anything wrong raises a `SetupError`
whose message can be printed as it is. The options are typed values, built by `cli/` from
its arguments (or by the app's profile switcher): nothing here knows argparse.
"""

from __future__ import annotations

import os
import ssl
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar
from urllib.parse import urlsplit

import msgspec

from frontdesk.config.credentials import API_KEY_ENV, KEYRING_TIMEOUT, ApiKey, check_key, load_key
from frontdesk.config.frozen import Frozen
from frontdesk.config.reading import (
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_READ_TIMEOUT,
    Config,
    Profile,
    ProfileKind,
    effective_settings,
    load_config,
    select_profile,
)
from frontdesk.config.setup_errors import ConfigError, CredentialError, SetupError, TransportError
from frontdesk.core.i18n import Language, t
from frontdesk.core.net import is_loopback

if TYPE_CHECKING:
    from frontdesk.client.client import FrontdeskClient
    from frontdesk.config.tiss_reading import TissProfileData


class ConnectionOptions(msgspec.Struct, frozen=True):
    """What the connection is asked to be: `--profile`, `--url`, `--insecure`, `--lang`.

    All unset (the default) is the file's choice: its `default` profile, else local mode.
    """

    profile: str | None = None
    url: str | None = None
    insecure: bool = False
    lang: Language | None = None


NO_OPTIONS = ConnectionOptions()


class Connection(Frozen, frozen=True):
    """Everything needed to open the client; `url` None means the embedded local backend.

    `insecure` is True only when plain HTTP to another machine was allowed by `--insecure`:
    the app must show it on screen. `verify` is True or the profile's CA bundle path.
    `kind` "tiss": an operator's TISS web services (`url` is the URL template, `tiss` the
    profile's TISS part, `api_key` the TISS password).
    """

    _not_compared: ClassVar[frozenset[str]] = frozenset({"tiss"})
    _not_shown: ClassVar[frozenset[str]] = frozenset({"api_key", "tiss"})

    url: str | None
    config_path: Path
    profile: str | None = None
    operator: str | None = None
    api_key: str | None = None
    key_source: str | None = None
    verify: bool | str = True
    ca_bundle: Path | None = None
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
    read_timeout: float = DEFAULT_READ_TIMEOUT
    insecure: bool = False
    language: Language | None = None
    theme: str | None = None
    kind: ProfileKind = "contract"
    tiss: TissProfileData | None = None

    @property
    def is_tiss(self) -> bool:
        return self.kind == "tiss"

    @property
    def is_local(self) -> bool:
        return self.url is None

    @property
    def label(self) -> str:
        """Short name for the header and the audit log: profile, "local", or the URL's host."""
        if self.profile:
            return self.profile
        if self.url is None:
            return "local"
        return urlsplit(self.url).hostname or self.url

    @property
    def display_name(self) -> str:
        """The operator's label where there is one, else `label`."""
        return self.operator or self.label

    def client(self, *, retries: int = 2, quick_start: bool = False) -> FrontdeskClient:
        """A `FrontdeskClient` for this remote connection (not for local mode); `quick_start`:
        the desk's, whose first GETs go out before httpx is loaded (`FrontdeskClient`)."""
        if self.url is None:
            raise ValueError("local mode: use frontdesk.local.embedded_client.embedded_client")
        if self.kind == "tiss":
            raise ValueError("a TISS profile: use frontdesk.counter")
        # lazy: the app's start resolves its connection with this module, and its first
        # screen must not load the client (tests/test_import_hygiene.py); httpx comes later
        # still, with a remote session.
        from frontdesk.client.client import FrontdeskClient

        return FrontdeskClient(
            self.url,
            api_key=self.api_key,
            verify=self.verify,
            connect_timeout=self.connect_timeout,
            read_timeout=self.read_timeout,
            retries=retries,
            quick_start=quick_start,
        )


def check_transport(url: str, *, insecure: bool = False) -> bool:
    """Refuse `http://` except to loopback unless `insecure`; returns whether it is insecure.

    https:// is always fine (and `--insecure` does not weaken its certificate checks).
    """
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme == "https":
        return False
    if parts.scheme != "http" or not host:
        raise TransportError(t("setup.transport.bad_address", url=url))
    if is_loopback(host):
        return False
    if insecure:
        return True
    raise TransportError(t("setup.transport.plain_http", url=url))


def check_ca_bundle(config: Config, profile: Profile) -> Path | None:
    """The profile's CA bundle, checked: a readable PEM file (or directory) TLS can load."""
    path = profile.ca_bundle
    if path is None:
        return None
    keypath = ("profiles", profile.name, "ca_bundle")
    if not path.exists():
        raise config.error(
            keypath,
            t("setup.ca.missing", path=path),
        )
    try:
        if path.is_dir():
            ssl.create_default_context(capath=str(path))
        else:
            ssl.create_default_context(cafile=str(path))
    except (OSError, ssl.SSLError) as exc:
        raise config.error(
            keypath,
            t(
                "setup.ca.unusable",
                path=path,
                reason=getattr(exc, "reason", None) or exc.strerror or type(exc).__name__,
            ),
        ) from None
    return path


def resolve(
    *,
    options: ConnectionOptions = NO_OPTIONS,
    need_key: bool = True,
    config: Config | None = None,
    keyring_timeout: float = KEYRING_TIMEOUT,
) -> Connection:
    """The connection `options` ask for (the profile switcher gives `profile` alone).

    With a `url` no profile is used and the key comes from FRONTDESK_API_KEY. With no
    profile at all, the result is local mode (`url` None). Raises `SetupError`.
    """
    profile = options.profile or None
    url = options.url or None
    insecure = options.insecure
    lang = options.lang
    config = config or load_config()

    if url:
        if profile:
            raise SetupError(t("setup.url_or_profile"))
        language, theme = effective_settings(config, None)
        is_insecure = check_transport(url, insecure=insecure)
        key = _env_key(url) if need_key else None
        return Connection(
            url=url.rstrip("/"),
            config_path=config.path,
            api_key=key.value if key else None,
            key_source=key.describe() if key else None,
            insecure=is_insecure,
            language=lang or language,
            theme=theme,
        )

    chosen, _how = select_profile(config, profile)
    if chosen is None:
        language, theme = effective_settings(config, None)
        return Connection(url=None, config_path=config.path, language=lang or language, theme=theme)
    language, theme = effective_settings(config, chosen)
    if chosen.kind == "tiss":
        return _tiss_connection(config, chosen, lang or language, theme, need_key=need_key)
    is_insecure = check_transport(chosen.url, insecure=insecure)
    ca = check_ca_bundle(config, chosen)
    key = load_key(chosen.name, timeout=keyring_timeout) if need_key else None
    return Connection(
        url=chosen.url,
        config_path=config.path,
        profile=chosen.name,
        operator=chosen.operator,
        api_key=key.value if key else None,
        key_source=key.describe() if key else None,
        verify=str(ca) if ca else True,
        ca_bundle=ca,
        connect_timeout=chosen.connect_timeout,
        read_timeout=chosen.read_timeout,
        insecure=is_insecure,
        language=lang or language,
        theme=theme,
    )


def _tiss_connection(
    config: Config,
    chosen: Profile,
    language: Language | None,
    theme: str | None,
    *,
    need_key: bool,
) -> Connection:
    """A TISS profile's connection: its settings were checked when read (https, or http to
    this machine only; `--insecure` does not apply to TISS); the password is TISS's."""
    from frontdesk.config.tiss_profile import PASSWORD_ENV, tiss_password

    ca = check_ca_bundle(config, chosen)
    password = tiss_password(chosen.name) if need_key else None
    source = None
    if password is not None:
        source = PASSWORD_ENV if os.environ.get(PASSWORD_ENV, "").strip() else chosen.name
    return Connection(
        url=chosen.url,
        config_path=config.path,
        profile=chosen.name,
        operator=chosen.operator,
        api_key=password,
        key_source=source,
        verify=str(ca) if ca else True,
        ca_bundle=ca,
        connect_timeout=chosen.connect_timeout,
        read_timeout=chosen.read_timeout,
        language=language,
        theme=theme,
        kind="tiss",
        tiss=chosen.tiss,
    )


def _env_key(url: str) -> ApiKey:
    value = os.environ.get(API_KEY_ENV, "")
    if not value.strip():
        raise CredentialError(t("setup.key.env_missing", env=API_KEY_ENV, url=url))
    return ApiKey(check_key(value, API_KEY_ENV), "env", API_KEY_ENV)


__all__ = [
    "ConfigError",
    "Connection",
    "ConnectionOptions",
    "SetupError",
    "check_ca_bundle",
    "check_transport",
    "resolve",
]
