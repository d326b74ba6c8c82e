"""Async HTTP client for the token backend (docs/api.md): typed results and errors, safe retries.

Importing this module does not import httpx: a remote client loads it when built, and a
client over an in-process ASGI app (the embedded mode) never does.
"""

from __future__ import annotations

import asyncio
import logging
import random
import ssl
import uuid
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self, TypeVar
from urllib.parse import quote

from frontdesk import __version__
from frontdesk.client.client_errors import (
    ApiError,
    BackendUnavailable,
    MalformedResponse,
    error_from_problem,
)
from frontdesk.client.models import Channels, Event, Guide, Health, OutboxMessage, Token
from frontdesk.client.session import Answer, HttpxSession, Session, TransportFailure

if TYPE_CHECKING:
    from frontdesk.core._httpx import httpx
    from frontdesk.core.asgi import ASGIApp

log = logging.getLogger("frontdesk.client")

T = TypeVar("T")

_RETRY_STATUSES = frozenset({502, 503, 504})
# Codes for error answers without a problem document (a proxy's page, a bare 404).
_BARE_CODES = {
    401: "unauthorized",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
}


def _segment(value: str, what: str) -> str:
    """One path segment, percent-encoded so that "/", "?", "#" or ".." cannot change the path."""
    if not value:
        raise ValueError(f"{what} must not be empty")
    encoded = quote(value, safe="")
    return encoded.replace(".", "%2E") if encoded in {".", ".."} else encoded


def _printable_ascii(value: str) -> bool:
    return value.isascii() and value.isprintable()


def _tls_error(exc: BaseException) -> ssl.SSLError | None:
    """The `ssl.SSLError` behind a connect error, if there is one."""
    current: BaseException | None = exc
    for _ in range(8):
        if current is None or isinstance(current, ssl.SSLError):
            return current
        current = current.__cause__ or current.__context__
    return None


def request_headers(user_agent: str | None = None) -> dict[str, str]:
    """What the client's sessions send with every request (a request's own headers win)."""
    return {
        "User-Agent": user_agent or f"frontdesk/{__version__}",
        "Accept": "application/json, application/problem+json",
    }


def _unavailable(failure: TransportFailure, attempts: int) -> BackendUnavailable:
    exc = failure.error
    if _tls_error(exc) is not None:
        what = "TLS connection to the backend failed"
    elif failure.timeout:
        what = "the backend did not answer in time"
    elif failure.connect:
        what = "could not connect to the backend"
    else:
        what = "the connection to the backend broke"
    tries = "attempt" if attempts == 1 else "attempts"
    detail = str(exc) or type(exc).__name__
    message = f"{what} after {attempts} {tries}: {detail}"
    return BackendUnavailable(message, timeout=failure.timeout)


def _list_of(key: str, parse: Callable[[Any], T]) -> Callable[[Any], list[T]]:
    def parse_list(data: Any) -> list[T]:
        items = data.get(key) if isinstance(data, dict) else None
        if not isinstance(items, list):
            raise ValueError(f"expected an object with a list {key!r}")
        return [parse(item) for item in items]

    return parse_list


def _code(data: Any) -> str:
    code = data.get("code") if isinstance(data, dict) else None
    if not isinstance(code, str):
        raise ValueError("expected an object with a string 'code'")
    return code


def _ignore(data: Any) -> None:
    return None


class FrontdeskClient:
    """Typed client of the contract (docs/api.md) over one `httpx.AsyncClient`, or over an ASGI app.

    `asgi_app=` calls that app in this process without httpx (the embedded mode; `verify`
    and the timeouts do not apply); otherwise an `httpx.AsyncClient` reaches `base_url`
    (over `transport=` if given: tests pass `httpx.MockTransport` or `ASGITransport`).
    `quick_start` (the desk's remote client): the first GETs go out before httpx is
    loaded, until `warm()` (`client.first_requests`).
    `session=` sends through a session of the caller's, as it is (tests wrap the
    in-process `AsgiSession` to fail like a network; `request_headers` are what the
    client's own sessions send with every request).

    Every POST carries an `Idempotency-Key` (the caller's, else a fresh one) that is reused
    on its own retries, so a lost answer never sends a second SMS or counts a second attempt.
    Connect/read failures and 502/503/504 answers are retried `retries` times with
    exponential backoff (`sleep` and `jitter` are injectable: random jitter of up to a quarter
    of `backoff`, not security-related). When the tries run out, a transport failure raises
    `BackendUnavailable`, while a 502/503/504 that is still there raises `ServerError`
    carrying that status (and the backend's problem document if it sent one): something did
    answer, a proxy or the backend, and the app may tell the two apart. Other error answers
    raise the `ApiError` subclass of their `code` (401/404/413 without a problem document
    get `unauthorized`/`not_found`/`payload_too_large`); a 2xx that is not the contract's
    shape raises `MalformedResponse`. Bad URLs or CA bundles raise `BackendUnavailable`
    from the constructor. The client logs method, path template and status only.
    """

    def __init__(
        self,
        base_url: str,
        *,
        api_key: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        asgi_app: ASGIApp | None = None,
        session: Session | None = None,
        connect_timeout: float = 3.0,
        read_timeout: float = 10.0,
        retries: int = 2,
        backoff: float = 0.25,
        verify: bool | str | ssl.SSLContext = True,
        user_agent: str | None = None,
        quick_start: bool = False,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        jitter: Callable[[float, float], float] = random.uniform,
    ) -> None:
        base = base_url.strip().rstrip("/")
        if base.endswith("/v1"):
            base = base[:-3].rstrip("/")
        self.base_url = base
        if api_key and not (_printable_ascii(api_key) and " " not in api_key):
            raise ValueError("api_key must be printable ASCII without spaces")
        self._api_key = api_key or None
        self._retries = max(0, retries)
        self._backoff = max(0.0, backoff)
        # Injected, never patched: tests pass their own instead of replacing asyncio.sleep
        # for every thread of the process.
        self._sleep = sleep
        self._jitter = jitter
        headers = request_headers(user_agent)
        self._session: Session
        self._warm: Callable[[], bool] | None = None
        if session is not None:
            if transport is not None or asgi_app is not None:
                raise ValueError("give one of transport, asgi_app and session")
            self._session = session
            warm = getattr(session, "warm_step", None)  # a `StartupSession` of the caller's
            self._warm = warm if callable(warm) else None
        elif asgi_app is not None:
            if transport is not None:
                raise ValueError("give either transport or asgi_app, not both")
            # Only the embedded mode's client: a remote one never loads it.
            from frontdesk.client.asgi import AsgiSession

            try:
                self._session = AsgiSession(asgi_app, self.base_url, headers=headers)
            except ValueError as exc:
                raise BackendUnavailable(f"invalid backend URL: {exc}") from exc
        else:

            def make_httpx(context: ssl.SSLContext | None = None) -> HttpxSession:
                return HttpxSession(
                    self.base_url,
                    transport=transport,
                    verify=verify if context is None else context,
                    connect_timeout=connect_timeout,
                    read_timeout=read_timeout,
                    headers=headers,
                )

            if quick_start and transport is None:
                # Only a desk's remote client: see `warm`.
                from frontdesk.client.first_requests import StartupSession

                self._session = startup = StartupSession(
                    self.base_url,
                    make_httpx=make_httpx,
                    verify=verify,
                    connect_timeout=connect_timeout,
                    read_timeout=read_timeout,
                    headers=headers,
                )
                self._warm = startup.warm_step
            else:
                self._session = make_httpx()

    def warm(self) -> bool:
        """Load one part of what later requests need, once the first answers are on screen,
        and say whether a part remains: a `quick_start` client's httpx session (its first
        GETs went out without it), then anyio's asyncio backend (~50 and ~22 ms of imports,
        `client.first_requests`). Nothing for any other client."""
        return self._warm() if self._warm is not None else False

    async def aclose(self) -> None:
        await self._session.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    # -- the contract --------------------------------------------------------------------

    async def health(self) -> Health:
        return await self._call("GET", "/v1/health", Health.parse, auth=False)

    async def list_guides(
        self, *, status: str | None = None, card: str | None = None
    ) -> list[Guide]:
        params = {k: v for k, v in (("status", status), ("card", card)) if v is not None}
        return await self._call("GET", "/v1/guides", _list_of("items", Guide.parse), params=params)

    async def get_guide(self, number: str) -> Guide:
        return await self._call("GET", "/v1/guides/{number}", Guide.parse, number=number)

    async def channels(self, number: str) -> Channels:
        template = "/v1/guides/{number}/token/channels"
        return await self._call("GET", template, Channels.parse, number=number)

    async def send_token(
        self,
        number: str,
        *,
        channel_id: str | None = None,
        channel: str | None = None,
        destination: str | None = None,
        idempotency_key: str | None = None,
    ) -> Token:
        fields = {"channel_id": channel_id, "channel": channel, "destination": destination}
        body = {k: v for k, v in fields.items() if v is not None}
        return await self._call(
            "POST",
            "/v1/guides/{number}/token",
            Token.parse,
            number=number,
            json=body,
            idempotency_key=idempotency_key,
        )

    async def get_token(self, number: str) -> Token:
        return await self._call("GET", "/v1/guides/{number}/token", Token.parse, number=number)

    async def validate(
        self, number: str, code: str, *, idempotency_key: str | None = None
    ) -> Guide:
        return await self._call(
            "POST",
            "/v1/guides/{number}/token/validate",
            Guide.parse,
            number=number,
            json={"code": code},
            idempotency_key=idempotency_key,
        )

    async def cancel_token(self, number: str, *, idempotency_key: str | None = None) -> Token:
        return await self._call(
            "POST",
            "/v1/guides/{number}/token/cancel",
            Token.parse,
            number=number,
            json={},
            idempotency_key=idempotency_key,
        )

    async def absence(
        self, number: str, reason: str, *, idempotency_key: str | None = None
    ) -> Guide:
        return await self._call(
            "POST",
            "/v1/guides/{number}/token/absence",
            Guide.parse,
            number=number,
            json={"reason": reason},
            idempotency_key=idempotency_key,
        )

    async def events(self, number: str) -> list[Event]:
        template = "/v1/guides/{number}/events"
        return await self._call("GET", template, _list_of("events", Event.parse), number=number)

    # -- the local backend's simulator (NotFound on a remote backend) ---------------------

    async def outbox(self) -> list[OutboxMessage]:
        parse = _list_of("messages", OutboxMessage.parse)
        return await self._call("GET", "/v1/_local/outbox", parse)

    async def app_code(self, card: str) -> str:
        return await self._call("GET", "/v1/_local/app-code", _code, params={"card": card})

    async def sac_code(
        self, guide: str, *, card: str | None = None, kind: str | None = None, provider: str = ""
    ) -> str:
        """The code the call centre dictates for `guide`; with `card` and `kind` (the guide's
        type), a guide the operator has not seen yet is opened for that card first (a TISS
        counter's guide started by hand)."""
        body: dict[str, str] = {"guide": guide}
        if card is not None and kind is not None:
            body.update(card=card, type=kind, provider=provider)
        return await self._call("POST", "/v1/_local/sac-code", _code, json=body)

    async def advance_clock(self, seconds: int) -> None:
        body = {"advance_seconds": seconds}
        await self._call("POST", "/v1/_local/clock", _ignore, json=body)

    # -- plumbing --------------------------------------------------------------------------

    async def _call(
        self,
        method: str,
        template: str,
        parse: Callable[[Any], T],
        *,
        number: str | None = None,
        params: dict[str, str] | None = None,
        json: dict[str, Any] | None = None,
        auth: bool = True,
        idempotency_key: str | None = None,
    ) -> T:
        path = template
        if number is not None:
            path = template.replace("{number}", _segment(number, "guide number"))
        headers: dict[str, str] = {}
        if auth and self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        if method == "POST":
            key = idempotency_key or uuid.uuid4().hex
            if len(key) > 128 or not _printable_ascii(key):
                raise ValueError("idempotency_key must be 1-128 printable ASCII characters")
            headers["Idempotency-Key"] = key
        response = await self._send(method, template, path, params, json, headers)
        if not response.is_success:
            raise self._error(response)
        try:
            return parse(response.json())
        except (ValueError, TypeError) as exc:
            raise MalformedResponse(
                f"{method} {template}: the answer is not the contract's shape ({exc})",
                status=response.status_code,
            ) from exc

    async def _send(
        self,
        method: str,
        template: str,
        path: str,
        params: dict[str, str] | None,
        json: dict[str, Any] | None,
        headers: dict[str, str],
    ) -> Answer:
        """One request with its retries; the same headers (and Idempotency-Key) each time."""
        attempt = 0
        while True:
            try:
                response = await self._session.request(
                    method, path, params=params, json=json, headers=headers
                )
            except TransportFailure as failure:
                exc = failure.error
                if not failure.retryable:
                    message = f"{method} {template}: {type(exc).__name__}: {exc}"
                    raise BackendUnavailable(message) from exc
                certificate = isinstance(_tls_error(exc), ssl.SSLCertVerificationError)
                if attempt >= self._retries or certificate:
                    raise _unavailable(failure, attempt + 1) from exc
                log.info("%s %s failed (%s), retrying", method, template, type(exc).__name__)
            else:
                status = response.status_code
                log.debug("%s %s -> %d", method, template, status)
                if status not in _RETRY_STATUSES or attempt >= self._retries:
                    return response
                log.info("%s %s answered %d, retrying", method, template, status)
            jitter = self._jitter(0, self._backoff / 4)
            await self._sleep(self._backoff * 2**attempt + jitter)
            attempt += 1

    @staticmethod
    def _error(response: Answer) -> ApiError:
        """The typed exception for an error answer, with or without a problem document."""
        status = response.status_code
        try:
            body = response.json()
        except ValueError:
            body = None
        problem: dict[str, Any] = dict(body) if isinstance(body, dict) else {}
        if not isinstance(problem.get("code"), str) and status in _BARE_CODES:
            problem["code"] = _BARE_CODES[status]
        problem.setdefault("title", response.reason_phrase)
        retry_after = response.headers.get("Retry-After", "")
        if "retry_after" not in problem and retry_after.isdigit():
            problem["retry_after"] = int(retry_after)
        return error_from_problem(status, problem)
