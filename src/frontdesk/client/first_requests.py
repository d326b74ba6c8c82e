"""A remote desk's first requests, sent before httpx is loaded (`StartupSession`).

httpx, httpcore and anyio's asyncio backend are ~75 ms of imports on the desk's event loop
(docs/performance.md, "Start-up"), and the receptionist waits for the first health check
and the queue behind them. Until `warm()` has loaded them (the desk calls it once the first
queue is on screen), a `GET` goes out over asyncio's own streams: one connection per
request (`Connection: close`), the same base URL, headers, TLS context and timeouts as the
httpx session built afterwards. Its answer is read here (`_Answer`), not by h11: h11's own
import is ~10 ms, and an answer this reader does not expect is simply left to httpx.

Anything this path does not do goes through httpx from the start, as before: a proxy
configured (environment, or Windows' and macOS' system settings, as httpx reads them), a
scheme other than http/https, a request with a body, a header or target that is not plain
ASCII, an answer that is not plain (an interim 1xx, a content coding, a transfer coding but
chunked, a folded header line, an oversized head or body). A `GET` that this path sent and
then declined is sent again by httpx: the contract's `GET`s change nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import json as jsonlib
import os
import re
import ssl
import sys
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar
from urllib.parse import SplitResult, urlencode, urlsplit

from frontdesk.client.session import (
    Answer,
    Headers,
    HttpxSession,
    TransportFailure,
    ca_bundle_context,
)

T = TypeVar("T")
READ_CHUNK = 65536
MAX_ANSWER_BYTES = 32 * 1024 * 1024  # a queue of guides is a few kB; nothing real comes near
MAX_HEAD_BYTES = 64 * 1024  # a line of the answer's head, or of a chunk's size
HAPPY_EYEBALLS_DELAY = 0.25  # seconds (RFC 8305's recommended value; anyio's default)
_TOKEN = re.compile(rb"[!#$%&'*+.^_`|~0-9A-Za-z-]+")  # a field name (RFC 9110)


class _Declined(Exception):
    """This path does not send or read that request: httpx does."""


class QuickAnswer:
    """An answer read by the quick path: what `Answer` promises, as httpx gives it."""

    def __init__(self, status: int, reason: str, headers: Headers, body: bytes) -> None:
        self.status_code = status
        self.reason_phrase = reason
        self.headers: Mapping[str, str] = headers
        self.body = body

    @property
    def is_success(self) -> bool:
        return 200 <= self.status_code < 300

    def json(self) -> Any:
        return jsonlib.loads(self.body)


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
        return ca_bundle_context(verify)
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
        """Build the httpx session now (its imports: ~50 ms on the loop), for what follows."""
        if self._httpx is not None:
            return
        context = None
        if self._origin is not None and self._origin.scheme == "https":
            context = self._tls()
        self._httpx = self._make_httpx(context)

    def warm_step(self) -> bool:
        """One part of what later requests need per call, so that the desk's loop is held
        by one part at a time: the httpx session (`warm`), then anyio's asyncio backend
        (~30 modules, ~22 ms), which httpx's first request would load between its request
        and its answer. Only a warm-up: another anyio layout loads what it needs on that
        request instead. True while a part remains."""
        if self._httpx is None:
            self.warm()
            return True
        with contextlib.suppress(ImportError):  # once loaded, a lookup in sys.modules
            importlib.import_module("anyio._backends._asyncio")
        return False

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

    def _head(self, path: str, params: Mapping[str, str] | None, extra: Mapping[str, str]) -> bytes:
        """The request's head: printable ASCII only (so no CR or LF can split it)."""
        origin = self._origin
        assert origin is not None
        target = origin.path.rstrip("/") + "/" + path.lstrip("/")
        if params:
            target += "?" + urlencode(dict(params))
        fields = {**self._headers, **extra, "Accept-Encoding": "identity", "Connection": "close"}
        lines = [f"GET {target} HTTP/1.1", f"Host: {origin.netloc}"]
        lines += [f"{name}: {value}" for name, value in fields.items() if name.lower() != "host"]
        if " " in target or not all(_plain(line) for line in lines):
            raise _Declined
        return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii")

    async def _quick_get(
        self, path: str, params: Mapping[str, str] | None, extra: Mapping[str, str]
    ) -> QuickAnswer:
        origin = self._origin
        assert origin is not None and origin.hostname is not None
        head = self._head(path, params, extra)
        context = self._tls() if origin.scheme == "https" else None
        if context is not None:
            context.set_alpn_protocols(["http/1.1"])  # as httpcore does for HTTP/1.1
        host = origin.hostname
        try:
            async with asyncio.timeout(self._connect_timeout):
                # Happy eyeballs as anyio connects for httpx (0.25 s): a name with an IPv6
                # address that does not answer still reaches its IPv4 one in time.
                if context is None:
                    reader, writer = await asyncio.open_connection(
                        host, origin.port or 80, limit=MAX_HEAD_BYTES,
                        happy_eyeballs_delay=HAPPY_EYEBALLS_DELAY,
                    )  # fmt: skip
                else:
                    reader, writer = await asyncio.open_connection(
                        host, origin.port or 443, ssl=context, server_hostname=host,
                        limit=MAX_HEAD_BYTES, happy_eyeballs_delay=HAPPY_EYEBALLS_DELAY,
                    )  # fmt: skip
        except TimeoutError as exc:
            raise TransportFailure(exc, retryable=True, timeout=True) from exc
        except OSError as exc:  # refused, unreachable, unknown host, TLS (ssl.SSLError)
            raise TransportFailure(exc, retryable=True, connect=True) from exc
        try:
            writer.write(head)
            await self._within(writer.drain())
            return await _Answer(reader, self._within).read()
        except TimeoutError as exc:
            raise TransportFailure(exc, retryable=True, timeout=True) from exc
        except (OSError, asyncio.IncompleteReadError) as exc:  # reset, cut short
            raise TransportFailure(exc, retryable=True) from exc
        finally:
            writer.close()

    async def _within(self, step: Awaitable[T]) -> T:
        """One read or write, given `read_timeout` (as httpx times each one)."""
        async with asyncio.timeout(self._read_timeout):
            return await step


class _Answer:
    """Reads one HTTP/1.x answer to a GET: a status line, header fields, and a body framed by
    `Content-Length`, `Transfer-Encoding: chunked` or the connection's end. Anything else (an
    interim 1xx answer, a folded header line, another transfer coding, a content coding, an
    oversized head or body) is `_Declined`: httpx sends the GET again and reads it."""

    def __init__(
        self,
        reader: asyncio.StreamReader,
        within: Callable[[Awaitable[bytes]], Awaitable[bytes]],
    ) -> None:
        self._reader, self._within = reader, within

    async def _line(self) -> bytes:
        try:
            return await self._within(self._reader.readuntil(b"\r\n"))
        except asyncio.LimitOverrunError:
            raise _Declined from None

    async def read(self) -> QuickAnswer:
        status, reason = _status_line(await self._line())
        raw: list[tuple[bytes, bytes]] = []
        while (line := await self._line()) != b"\r\n":
            raw.append(_field(line))
        fields = Headers(raw)
        if fields.get("content-encoding", "identity").lower() != "identity":
            raise _Declined
        return QuickAnswer(status, reason, fields, await self._body(status, fields))

    async def _body(self, status: int, fields: Mapping[str, str]) -> bytes:
        if status in (204, 304):
            return b""
        coding = fields.get("transfer-encoding")
        if coding is not None:
            if coding.lower() != "chunked":
                raise _Declined
            return await self._chunks()
        length = fields.get("content-length")
        if length is not None:
            if not (length.isascii() and length.isdigit()) or int(length) > MAX_ANSWER_BYTES:
                raise _Declined  # also two different lengths, joined by ", "
            return await self._within(self._reader.readexactly(int(length)))
        body = bytearray()  # delimited by the connection's end
        while chunk := await self._within(self._reader.read(READ_CHUNK)):
            body += chunk
            if len(body) > MAX_ANSWER_BYTES:
                raise _Declined
        return bytes(body)

    async def _chunks(self) -> bytes:
        body = bytearray()
        while True:
            size = (await self._line())[:-2].split(b";", 1)[0].strip()
            if not size or size.strip(b"0123456789abcdefABCDEF") or len(size) > 8:
                raise _Declined
            if not (count := int(size, 16)):
                break
            body += await self._within(self._reader.readexactly(count))
            if len(body) > MAX_ANSWER_BYTES or await self._line() != b"\r\n":
                raise _Declined
        while await self._line() != b"\r\n":  # trailer fields: not read
            pass
        return bytes(body)


def _status_line(line: bytes) -> tuple[int, str]:
    """`HTTP/1.1 200 OK` → (200, "OK"); an interim (1xx) or odd status line is declined."""
    version, _, rest = line[:-2].partition(b" ")
    code, _, reason = rest.partition(b" ")
    if version not in (b"HTTP/1.1", b"HTTP/1.0") or not (len(code) == 3 and code.isdigit()):
        raise _Declined
    if int(code) < 200:
        raise _Declined
    return int(code), reason.decode("ascii", "replace")


def _field(line: bytes) -> tuple[bytes, bytes]:
    """A header line as (name, value); a folded or malformed one is declined."""
    name, colon, value = line[:-2].partition(b":")
    if not colon or not name or not _TOKEN.fullmatch(name):
        raise _Declined
    return name, value.strip(b" \t")
