"""HTTP for the TISS client: one POST, TLS verified, timeouts, a bounded reply; no retries.

`HttpxTransport` is the only module of `frontdesk.tiss` that imports httpx. TLS is always
verified: with the profile's CA bundle when the operator uses a private CA, else httpx's
trust store. A failure says whether the request may have reached the operator (`sent`),
which is what decides whether a SolicitacaoProcedimento may be asked about again.
`Transport` is what the client needs, so tests can put a transport of their own in between.
Importing this module does not import httpx (a transport of its own, like the local
operator's in `--tiss-demo`, never loads it): `HttpxTransport` loads it with its client.
"""

from __future__ import annotations

import ssl
import threading
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from frontdesk.tiss.safexml import MAX_XML_BYTES

if TYPE_CHECKING:
    import httpx


@dataclass(frozen=True)
class HttpReply:
    status: int
    content_type: str | None
    body: bytes


class TransportFailure(Exception):
    """No usable HTTP answer. `sent`: the request may have reached the operator;
    `retryable`: False when trying again cannot help (TLS verification failed)."""

    def __init__(self, detail: str, *, sent: bool, retryable: bool = True) -> None:
        self.detail = detail
        self.sent = sent
        self.retryable = retryable
        super().__init__(detail)


class TransportTimeout(TransportFailure):
    """No answer in time (connect: `sent` is False; read or write: True)."""


class Transport(Protocol):
    async def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> HttpReply: ...

    async def aclose(self) -> None: ...


def tls_context(ca_bundle: Path | None) -> ssl.SSLContext | bool:
    """A context trusting `ca_bundle` (a PEM file or a directory), else httpx's default."""
    if ca_bundle is None:
        return True
    try:
        if ca_bundle.is_dir():
            return ssl.create_default_context(capath=str(ca_bundle))
        return ssl.create_default_context(cafile=str(ca_bundle))
    except (OSError, ssl.SSLError) as error:
        raise TransportFailure(
            f"cannot load the CA bundle {ca_bundle}: {error}", sent=False
        ) from None


def _describe(error: Exception) -> str:
    """What went wrong, without the request (no body, no header) in it."""
    current: BaseException | None = error
    while current is not None:
        if isinstance(current, ssl.SSLCertVerificationError):
            return f"TLS certificate not trusted ({current.verify_message})"
        if isinstance(current, ssl.SSLError):
            return f"TLS failed ({current.reason or current})"
        current = current.__cause__ or current.__context__
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}: {text[:160]}" if text else type(error).__name__


class HttpxTransport:
    """An `httpx.AsyncClient` (or any httpx transport a test gives it) with TISS's limits.

    The client is built on the first `post` (or by `warm`, off the event loop), not with
    the transport: building it imports httpx and loads the trust store (certifi's bundle
    into an SSL context; its cost: docs/performance.md, "TISS counter"), which the
    counter's queue does not need.
    A profile's own CA bundle is still read here, so an unreadable one is said before any
    call."""

    def __init__(
        self,
        *,
        ca_bundle: Path | None = None,
        connect_timeout: float = 5.0,
        read_timeout: float = 30.0,
        transport: httpx.AsyncBaseTransport | None = None,
        max_reply: int = MAX_XML_BYTES,
    ) -> None:
        self.max_reply = max_reply
        self._verify = tls_context(ca_bundle)
        self._transport = transport
        self._timeouts = (connect_timeout, read_timeout)
        self._http: httpx.AsyncClient | None = None
        self._building = threading.Lock()

    @property
    def built(self) -> bool:
        """Whether the HTTP client (its TLS context) has been built."""
        return self._http is not None

    def warm(self) -> None:
        """Build the HTTP client now (in a thread: it blocks while the trust store loads); a
        failure is said by the first `post`."""
        with suppress(OSError, ssl.SSLError, ValueError):
            self._client()

    def _client(self) -> httpx.AsyncClient:
        with self._building:
            if self._http is None:
                from frontdesk.core._httpx import httpx

                connect, read = self._timeouts
                self._http = httpx.AsyncClient(
                    transport=self._transport,
                    verify=self._verify,
                    timeout=httpx.Timeout(connect=connect, read=read, write=read, pool=connect),
                    follow_redirects=False,
                )
            return self._http

    async def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> HttpReply:
        try:
            http = self._client()
        except (OSError, ssl.SSLError, ValueError) as error:  # the trust store will not load
            raise TransportFailure(_describe(error), sent=False, retryable=False) from None
        from frontdesk.core._httpx import httpx

        try:
            async with http.stream("POST", url, content=body, headers=dict(headers)) as reply:
                chunks: list[bytes] = []
                size = 0
                async for chunk in reply.aiter_bytes():
                    size += len(chunk)
                    if size > self.max_reply:
                        raise TransportFailure(
                            f"the reply is over {self.max_reply} bytes", sent=True
                        )
                    chunks.append(chunk)
                return HttpReply(
                    reply.status_code, reply.headers.get("content-type"), b"".join(chunks)
                )
        except (httpx.ConnectTimeout, httpx.PoolTimeout) as error:
            raise TransportTimeout(_describe(error), sent=False) from None
        except httpx.TimeoutException as error:
            raise TransportTimeout(_describe(error), sent=True) from None
        except (httpx.ConnectError, httpx.InvalidURL, httpx.UnsupportedProtocol) as error:
            detail = _describe(error)
            retryable = not detail.startswith("TLS") and not isinstance(error, httpx.InvalidURL)
            raise TransportFailure(detail, sent=False, retryable=retryable) from None
        except httpx.HTTPError as error:
            raise TransportFailure(_describe(error), sent=True) from None

    async def aclose(self) -> None:
        if self._http is not None:
            await self._http.aclose()
