"""`frontdesk` with no command: the terminal app, on the embedded local backend or a remote one."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from frontdesk.app.i18n import Language, detect_language

if TYPE_CHECKING:
    from frontdesk.app.app import Connector


def choose_language(args: argparse.Namespace, environ: Mapping[str, str]) -> Language:
    lang = getattr(args, "lang", None)
    if lang in ("pt", "en"):
        return "en" if lang == "en" else "pt"
    return detect_language(environ)


def cursor_blink(environ: Mapping[str, str]) -> bool:
    """No blinking over SSH (an idle screen writes nothing) unless FRONTDESK_CURSOR_BLINK=1."""
    wanted = environ.get("FRONTDESK_CURSOR_BLINK")
    if wanted is not None:
        return wanted == "1"
    return not environ.get("SSH_CONNECTION")


def local_connector(db: str | None) -> Connector:
    """The embedded local backend on `db` (None: the user data directory's database)."""
    from frontdesk.app.app import Connector

    holder: dict[str, object] = {}

    def preload() -> None:
        import frontdesk.backend.embedded  # noqa: F401 (warms starlette, sqlite, pyotp)

    def make() -> FrontdeskClient:
        from frontdesk.backend.embedded import embedded_client

        client, backend = embedded_client(db)
        holder["backend"] = backend
        return client

    def close() -> None:
        backend = holder.get("backend")
        closer = getattr(backend, "close", None)
        if callable(closer):
            closer()

    return Connector(make=make, preload=preload, close=close, label="local")


def remote_connector(url: str, api_key: str | None) -> Connector:
    """A remote backend at `url`; only httpx is imported (never starlette or uvicorn)."""
    from frontdesk.app.app import Connector

    def preload() -> None:
        import frontdesk.client.client  # noqa: F401

    def make() -> FrontdeskClient:
        from frontdesk.client.client import FrontdeskClient

        return FrontdeskClient(url, api_key=api_key)

    return Connector(make=make, preload=preload, label=url)


def run_app(args: argparse.Namespace) -> int:
    """Run the terminal app; returns the process exit code."""
    environ = os.environ
    lang = choose_language(args, environ)
    url = getattr(args, "url", None)
    if url:
        connector = remote_connector(url, environ.get("FRONTDESK_API_KEY") or None)
    else:
        db = getattr(args, "db", None)
        if db and db != ":memory:":
            db = str(Path(db).expanduser())
        connector = local_connector(db)  # None: the backend's file in the user data directory

    from frontdesk.app.app import FrontdeskApp

    app = FrontdeskApp(
        connector=connector,
        lang=lang,
        cursor_blink=cursor_blink(environ),
        friendly_errors=True,
        theme=environ.get("FRONTDESK_THEME") or None,  # e.g. ansi-dark for 16-colour terminals
    )
    result = app.run()
    code = result if isinstance(result, int) else app.return_code or 0
    if code and app.bugs:
        from frontdesk.app.i18n import t

        print(t("app.unexpected"), file=sys.stderr)
    return code


if TYPE_CHECKING:
    from frontdesk.client.client import FrontdeskClient
