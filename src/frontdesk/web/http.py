"""HTTP plumbing of `frontdesk web`: security headers, origin and host checks, static files,
downloads, TLS, and running the aiohttp application on a socket.

Nothing here knows about users or sessions (`frontdesk.web.server` does).
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Final
from urllib.parse import quote

import textual_serve
from aiohttp import web
from textual_serve.download_manager import Download, DownloadManager
from yarl import URL

from frontdesk.core.i18n import Language
from frontdesk.core.net import is_loopback
from frontdesk.web.pages import CSP

STATIC_DIR: Final = Path(textual_serve.__file__).parent / "static"
"""textual-serve's terminal script (textual.js), its styles and the Roboto Mono font."""
ASSETS_DIR: Final = Path(__file__).parent / "static"
ASSETS: Final = {"pages.css": "text/css", "desk.css": "text/css", "desk.js": "text/javascript"}


def security_headers(*, tls: bool) -> Callable[[web.Request, web.StreamResponse], Awaitable[None]]:
    """An `on_response_prepare` hook: the CSP and its companions on every response."""

    async def add(request: web.Request, response: web.StreamResponse) -> None:
        headers = response.headers
        headers["Server"] = "frontdesk"  # no versions for a scanner to match (aiohttp's default)
        headers["Content-Security-Policy"] = CSP
        headers["X-Content-Type-Options"] = "nosniff"
        headers["X-Frame-Options"] = "DENY"
        headers["Referrer-Policy"] = "same-origin"  # "no-referrer" would make Origin "null"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        headers["Cross-Origin-Resource-Policy"] = "same-origin"
        if tls:
            headers["Strict-Transport-Security"] = "max-age=31536000"
        if request.path.startswith(("/static/", "/assets/")) and response.status == 200:
            headers["Cache-Control"] = "private, max-age=3600"
        else:
            headers["Cache-Control"] = "no-store"  # TISS 76 b: no screen kept by the browser

    return add


def host_is_loopback(request: web.Request) -> bool:
    """Whether the Host header names this machine (a page on another name that resolves here,
    DNS rebinding, is refused)."""
    try:
        host = URL(f"http://{request.host}").host
    except ValueError:
        return False
    return host is not None and is_loopback(host)


def same_origin(request: web.Request) -> bool:
    """False when a browser says the request comes from another origin. No Origin header:
    not a browser's cross-site request (the CSRF token still applies)."""
    origin = request.headers.get("Origin")
    return origin is None or origin == f"{request.scheme}://{request.host}"


def see_other(location: str) -> web.Response:
    """A 303 to `location` that can still take cookies (a raised HTTPSeeOther cannot)."""
    return web.Response(status=303, headers={"Location": location})


def language(value: str | None) -> Language | None:
    if value == "pt":
        return "pt"
    if value == "en":
        return "en"
    return None


def bounded(value: object, default: int, low: int, high: int) -> int:
    """`value` as an int within [low, high]; `default` if it is not a number."""
    try:
        number = int(str(value))
    except ValueError:
        return default
    return max(low, min(high, number))


async def asset(request: web.Request) -> web.StreamResponse:
    """One of this package's static files (`ASSETS`)."""
    name = request.match_info["name"]
    kind = ASSETS.get(name)
    if kind is None:
        raise web.HTTPNotFound()
    body = (ASSETS_DIR / name).read_bytes()
    return web.Response(body=body, content_type=kind, charset="utf-8")


async def stream_download(
    request: web.Request, downloads: DownloadManager, meta: Download
) -> web.StreamResponse:
    """A file the app delivers (Textual's `deliver_*`), streamed as it arrives."""
    response = web.StreamResponse()
    kind = meta.mime_type + (f"; charset={meta.encoding}" if meta.encoding else "")
    response.headers["Content-Type"] = kind
    disposition = "inline" if meta.open_method == "browser" else "attachment"
    response.headers["Content-Disposition"] = (
        f"{disposition}; filename*=UTF-8''{quote(meta.file_name, safe='')}"
    )
    await response.prepare(request)
    async for chunk in downloads.download(meta.delivery_key):
        await response.write(chunk)
    await response.write_eof()
    return response


def tls_context(cert: str, key: str) -> ssl.SSLContext:
    """A server context from PEM files, TLS 1.2 at least (TISS 71). Raises OSError or
    ssl.SSLError."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert, key)
    return context


async def serve(
    app: web.Application,
    host: str,
    port: int,
    *,
    ssl_context: ssl.SSLContext | None,
    started: Callable[[str], None],
    stop: asyncio.Event,
) -> None:
    """Listen on `host:port` until `stop` is set; `started(url)` once the socket is bound.
    Raises OSError when it cannot listen. The app's shutdown hooks run before it returns."""
    runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=10)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port, ssl_context=ssl_context)
        await site.start()
        bound = runner.addresses[0]
        shown = f"[{bound[0]}]" if ":" in str(bound[0]) else str(bound[0])
        scheme = "https" if ssl_context is not None else "http"
        started(f"{scheme}://{shown}:{bound[1]}/")
        await stop.wait()
    finally:
        await runner.cleanup()
