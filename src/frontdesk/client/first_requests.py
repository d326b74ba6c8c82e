"""A remote desk's first requests, sent before httpx is loaded (`StartupSession`).

httpx, httpcore and anyio's asyncio backend are ~75 ms of imports on the desk's event loop
(docs/performance.md, "Start-up"), and the receptionist waits for the first health check
and the queue behind them. Until `warm()` has loaded them (the desk calls it once the first
queue is on screen), a `GET` goes out over asyncio's own streams: one connection per
request (`Connection: close`), the same base URL, headers, TLS context and timeouts as the
httpx session built afterwards, the answer parsed by h11 (the HTTP/1.1 parser httpcore uses).

Anything this path does not do goes through httpx from the start, as before: a proxy
configured (environment, or Windows' and macOS' system settings, as httpx reads them), a
scheme other than http/https, a request with a body, a header or target that is not plain
ASCII, an answer that is not plain (a content coding, an upgrade). A `GET` that this path
sent and then declined is sent again by httpx: the contract's `GET`s change nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import json as jsonlib
import os
import ssl
import sys
from collections.abc import Callable, Iterator, Mapping
from typing import Any
from urllib.parse import SplitResult, urlencode, urlsplit

import h11

from frontdesk.client.session import Answer, HttpxSession, TransportFailure

READ_CHUNK = 65536
MAX_ANSWER_BYTES = 32 * 1024 * 1024  # a queue of guides is a few kB; nothing real comes near
MAX_HEAD_BYTES = 64 * 1024


class _Declined(Exception):
    """This path does not send or read that request: httpx does."""


class QuickAnswer:
    """An answer read by the quick path: what `Answer` promises, as httpx gives it."""

    def __init__(self, status: int, reason: str, headers: dict[str, str], body: bytes) -> None:
        self.status_code = status
        self.reason_phrase = reason
        self.headers: Mapping[str, str] = _Headers(headers)
        self.body = body

    @property
    def is_success(self) -> bool:
        return 200 <= self.status_code < 300

    def json(self) -> Any:
        return jsonlib.loads(self.body)


class _Headers(Mapping[str, str]):
    """Names compared without case; repeated headers joined with ", " (as `httpx.Headers`)."""

    def __init__(self, items: dict[str, str]) -> None:
        self._items = items  # lower-case names

    def __getitem__(self, name: str) -> str:
        return self._items[name.lower()]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)


def proxies_configured(
    environ: Mapping[str, str], platform: str, system_proxies: Callable[[], Mapping[str, str]]
) -> bool:
    """Whether httpx would send through a proxy (its `trust_env`: `urllib.request.getproxies`).

    On Linux that is the environment's `*_proxy` variables, read here without importing
    `urllib.request`; on Windows and macOS the system's settings too (`system_proxies`)."""
    if platform in ("win32", "darwin"):
        found = system_proxies()
        return any(found.get(scheme) for scheme in ("http", "https", "all"))
    names = {name.lower() for name, value in environ.items() if value}
    return bool(names & {"http_proxy", "https_proxy", "all_proxy"})


def _system_proxies() -> Mapping[str, str]:
    import urllib.request

    return urllib.request.getproxies()


def tls_context(verify: bool | str | ssl.SSLContext, environ: Mapping[str, str]) -> ssl.SSLContext:
    """The context httpx would build for `verify` (its `create_ssl_context`, trust_env on):
    given once to both paths, so the quick path trusts exactly what httpx does."""
    if isinstance(verify, ssl.SSLContext):
        return verify
    if isinstance(verify, str):
        if os.path.isdir(verify):
            return ssl.create_default_context(capath=verify)
        return ssl.create_default_context(cafile=verify)
    if verify is False:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context
    if environ.get("SSL_CERT_FILE"):
        return ssl.create_default_context(cafile=environ["SSL_CERT_FILE"])
    if environ.get("SSL_CERT_DIR"):
        return ssl.create_default_context(capath=environ["SSL_CERT_DIR"])
    import certifi

    return ssl.create_default_context(cafile=certifi.where())


def _plain(text: str) -> bool:
    return text.isascii() and text.isprintable()


class StartupSession:
    """Sends `GET`s over asyncio's streams until `warm()`; then everything through httpx.

    `make_httpx` builds the `HttpxSession` (the imports are in there); `environ`,
    `platform` and `system_proxies` decide whether a proxy applies (injected by tests).
    """

    def __init__(
        self,
        base_url: str,
        *,
        make_httpx: Callable[[ssl.SSLContext | None], HttpxSession],
        verify: bool | str | ssl.SSLContext,
        connect_timeout: float,
        read_timeout: float,
        headers: Mapping[str, str],
        environ: Mapping[str, str] = os.environ,
        platform: str = sys.platform,
        system_proxies: Callable[[], Mapping[str, str]] = _system_proxies,
    ) -> None:
        self._make_httpx = make_httpx
        self._httpx: HttpxSession | None = None
        self._verify = verify
        self._environ = environ
        self._context: ssl.SSLContext | None = None
        self._connect_timeout = connect_timeout
        self._read_timeout = read_timeout
        self._headers = dict(headers)
        self._origin = self._quick_origin(base_url, environ, platform, system_proxies)
        if self._origin is None:
            self.warm()  # httpx from the start: its own checks of the URL apply at once

    @staticmethod
    def _quick_origin(
        base_url: str,
        environ: Mapping[str, str],
        platform: str,
        system_proxies: Callable[[], Mapping[str, str]],
    ) -> SplitResult | None:
        try:
            parts = urlsplit(base_url)
            parts.port  # noqa: B018  (raises ValueError for a bad port)
        except ValueError:
            return None
        if parts.scheme not in ("http", "https") or not parts.hostname or not _plain(base_url):
            return None
        if parts.username is not None or parts.query or parts.fragment:
            return None
        if proxies_configured(environ, platform, system_proxies):
            return None
        return parts

    @property
    def quick(self) -> bool:
        """Whether the next `GET` goes out without httpx."""
        return self._httpx is None

    def warm(self) -> None:
        """Build the httpx session now (its imports: ~75 ms on the loop), for what follows."""
        if self._httpx is not None:
            return
        context = None
        if self._origin is not None and self._origin.scheme == "https":
            context = self._tls()
        self._httpx = self._make_httpx(context)
        # What httpx's first request would load between its request and its answer:
        # anyio's asyncio backend (~30 modules). Only a warm-up: another anyio layout loads
        # what it needs on that request instead.
        with contextlib.suppress(ImportError):
            importlib.import_module("anyio._backends._asyncio")

    def _tls(self) -> ssl.SSLContext:
        if self._context is None:
            self._context = tls_context(self._verify, self._environ)
        return self._context

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> Answer:
        if self._httpx is None and method == "GET" and json is None:
            try:
                return await self._quick_get(path, params, headers or {})
            except _Declined:
                pass
        self.warm()
        assert self._httpx is not None
        return await self._httpx.request(method, path, params=params, json=json, headers=headers)

    async def aclose(self) -> None:
        if self._httpx is not None:
            await self._httpx.aclose()

    # -- the quick path --------------------------------------------------------------------

    def _request(
        self, path: str, params: Mapping[str, str] | None, extra: Mapping[str, str]
    ) -> tuple[h11.Connection, bytes]:
        """h11's client side, and the request's head as h11 writes (and checks) it."""
        origin = self._origin
        assert origin is not None
        target = origin.path.rstrip("/") + "/" + path.lstrip("/")
        if params:
            target += "?" + urlencode(dict(params))
        fields = {**self._headers, **extra, "Accept-Encoding": "identity", "Connection": "close"}
        headers = [("Host", origin.netloc)]
        headers += [(name, value) for name, value in fields.items() if name.lower() != "host"]
        connection = h11.Connection(h11.CLIENT, max_incomplete_event_size=MAX_HEAD_BYTES)
        if not all(_plain(name) and _plain(value) for name, value in headers):
            raise _Declined
        try:
            head = connection.send(h11.Request(method="GET", target=target, headers=headers))
            connection.send(h11.EndOfMessage())
        except h11.LocalProtocolError:  # a target or header h11 will not write
            raise _Declined from None
        assert head is not None
        return connection, head

    async def _quick_get(
        self, path: str, params: Mapping[str, str] | None, extra: Mapping[str, str]
    ) -> QuickAnswer:
        origin = self._origin
        assert origin is not None and origin.hostname is not None
        connection, head = self._request(path, params, extra)
        context = self._tls() if origin.scheme == "https" else None
        if context is not None:
            context.set_alpn_protocols(["http/1.1"])  # as httpcore does for HTTP/1.1
        host = origin.hostname
        try:
            async with asyncio.timeout(self._connect_timeout):
                if context is None:
                    reader, writer = await asyncio.open_connection(host, origin.port or 80)
                else:
                    reader, writer = await asyncio.open_connection(
                        host, origin.port or 443, ssl=context, server_hostname=host
                    )
        except TimeoutError as exc:
            raise TransportFailure(exc, retryable=True, timeout=True) from exc
        except OSError as exc:  # refused, unreachable, unknown host, TLS (ssl.SSLError)
            raise TransportFailure(exc, retryable=True, connect=True) from exc
        try:
            writer.write(head)
            async with asyncio.timeout(self._read_timeout):
                await writer.drain()
            return await self._answer(connection, reader)
        except TimeoutError as exc:
            raise TransportFailure(exc, retryable=True, timeout=True) from exc
        except OSError as exc:  # reset, broken pipe
            raise TransportFailure(exc, retryable=True) from exc
        finally:
            writer.close()

    async def _answer(
        self, connection: h11.Connection, reader: asyncio.StreamReader
    ) -> QuickAnswer:
        """The answer, read until its end; `_Declined` for one this path does not read."""
        status, reason, fields, body = 0, "", {}, bytearray()
        while True:
            try:
                event = connection.next_event()
            except h11.RemoteProtocolError as exc:
                raise TransportFailure(exc, retryable=True) from exc
            if event is h11.NEED_DATA:
                async with asyncio.timeout(self._read_timeout):
                    data = await reader.read(READ_CHUNK)
                connection.receive_data(data)
            elif isinstance(event, h11.Response):
                status, reason = event.status_code, event.reason.decode("ascii", "replace")
                fields = _fields(event.headers)
                if fields.get("content-encoding", "identity").lower() != "identity":
                    raise _Declined
            elif isinstance(event, h11.Data):
                body += event.data
                if len(body) > MAX_ANSWER_BYTES:
                    raise _Declined
            elif isinstance(event, h11.EndOfMessage):
                return QuickAnswer(status, reason, fields, bytes(body))
            elif isinstance(event, h11.ConnectionClosed):
                error = ConnectionResetError("the backend closed the connection mid-answer")
                raise TransportFailure(error, retryable=True)
            elif not isinstance(event, h11.InformationalResponse):
                raise _Declined


def _fields(headers: Any) -> dict[str, str]:
    fields: dict[str, str] = {}
    for name, value in headers:
        key, text = name.decode("ascii").lower(), value.decode("latin-1")
        fields[key] = f"{fields[key]}, {text}" if key in fields else text
    return fields
