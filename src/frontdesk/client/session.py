"""What `FrontdeskClient` sends requests through: httpx (imported only when built) or ASGI.

A session answers `request(...)` with an `Answer` or raises `TransportFailure` (no answer:
connect, timeout, broken connection), whose `error` is the transport's own exception.
"""

from __future__ import annotations

import os
import ssl
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Protocol

from frontdesk.client.client_errors import BackendUnavailable

if TYPE_CHECKING:
    from frontdesk.core._httpx import httpx


class Headers(Mapping[str, str]):
    """Header fields with case-insensitive names; a repeated field reads as "a, b" (as
    `httpx.Headers`): the answers of the sessions that do not go through httpx."""

    def __init__(self, raw: Iterable[tuple[bytes, bytes]] = ()) -> None:
        self.raw = [(bytes(name), bytes(value)) for name, value in raw]
        fields: dict[str, str] = {}
        for name, value in self.raw:
            key = name.decode("latin-1").lower()
            text = value.decode("latin-1")
            fields[key] = f"{fields[key]}, {text}" if key in fields else text
        self._fields = fields

    def __getitem__(self, name: str) -> str:
        return self._fields[name.lower()]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._fields

    def __iter__(self) -> Iterator[str]:
        return iter(self._fields)

    def __len__(self) -> int:
        return len(self._fields)

    def __repr__(self) -> str:
        return f"Headers({self._fields!r})"


class Answer(Protocol):
    """The parts of an HTTP answer the client reads (`httpx.Response` and `AsgiResponse`)."""

    @property
    def status_code(self) -> int: ...

    @property
    def reason_phrase(self) -> str: ...

    @property
    def is_success(self) -> bool: ...

    @property
    def headers(self) -> Mapping[str, str]: ...

    def json(self) -> Any: ...


class Session(Protocol):
    """Sends one request relative to the base URL; the client adds retries on top."""

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> Answer: ...

    async def aclose(self) -> None: ...


class TransportFailure(Exception):
    """No answer came back. `retryable`: the request may be sent again (same key)."""

    def __init__(
        self, error: Exception, *, retryable: bool, timeout: bool = False, connect: bool = False
    ) -> None:
        super().__init__(str(error))
        self.error = error
        self.retryable = retryable
        self.timeout = timeout
        self.connect = connect


def tls_for(base_url: str, verify: bool | str | ssl.SSLContext) -> bool | str | ssl.SSLContext:
    """What to give httpx as `verify` for `base_url`.

    A plain-HTTP backend (loopback, or `--insecure`) never uses TLS, yet httpx builds its
    default context for every client, reading certifi's CA bundle: ~3 MiB and tens of ms
    of a remote desk's start (docs/performance.md, "Start-up"). For `http://` it gets a
    context that trusts no certificate at all instead: should a request ever reach an
    `https://` address, its certificate is refused, never accepted unchecked.
    """
    if verify is True and base_url.lower().startswith("http://"):
        return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # verifies, with no CA: refuses all
    return verify


def ca_bundle_context(path: str) -> ssl.SSLContext:
    """A verifying context that trusts the CA bundle at `path` (a file, or a directory of
    hashed certificates, as `ssl.create_default_context` reads them)."""
    if os.path.isdir(path):
        return ssl.create_default_context(capath=path)
    return ssl.create_default_context(cafile=path)


class HttpxSession:
    """One `httpx.AsyncClient` (remote backends, or any httpx transport given by tests).

    Raises `BackendUnavailable` from the constructor for a bad URL or CA bundle.
    """

    def __init__(
        self,
        base_url: str,
        *,
        transport: httpx.AsyncBaseTransport | None,
        verify: bool | str | ssl.SSLContext,
        connect_timeout: float,
        read_timeout: float,
        headers: Mapping[str, str],
    ) -> None:
        # lazy (docs/performance.md, "Lazy imports"): httpx is heavy, and local mode must not
        # load it (tests/test_import_hygiene.py): only a remote
        # client builds this session.
        from frontdesk.core._httpx import httpx

        self._httpx = httpx
        # Failures after which the request may not have reached the backend, or its answer
        # was lost.
        self._retryable: tuple[type[Exception], ...] = (
            httpx.ConnectError,
            httpx.ConnectTimeout,
            httpx.ReadTimeout,
            httpx.RemoteProtocolError,
            httpx.ReadError,
            httpx.WriteError,
        )
        try:
            verify = tls_for(base_url, verify)
            # A CA bundle file or directory: httpx 0.28 deprecates strings, so make a context.
            if isinstance(verify, str):
                verify = ca_bundle_context(verify)
            self.http = httpx.AsyncClient(
                base_url=base_url,
                transport=transport,
                verify=verify,
                timeout=httpx.Timeout(
                    connect=connect_timeout,
                    read=read_timeout,
                    write=read_timeout,
                    pool=connect_timeout,
                ),
                headers=dict(headers),
            )
        except httpx.InvalidURL as exc:
            raise BackendUnavailable(f"invalid backend URL: {exc}") from exc
        except OSError as exc:  # includes ssl.SSLError
            raise BackendUnavailable(f"cannot load the TLS CA bundle: {exc}") from exc

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        httpx = self._httpx
        try:
            return await self.http.request(method, path, params=params, json=json, headers=headers)
        except self._retryable as exc:
            raise TransportFailure(
                exc,
                retryable=True,
                timeout=isinstance(exc, httpx.TimeoutException),
                connect=isinstance(exc, httpx.ConnectError),
            ) from exc
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            raise TransportFailure(exc, retryable=False) from exc

    async def aclose(self) -> None:
        await self.http.aclose()
