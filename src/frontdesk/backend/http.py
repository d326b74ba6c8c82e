"""A small ASGI HTTP layer: a route table over the raw path, requests, whole responses.

Just what the local backend's JSON API needs, with no web framework: `HttpApp` is a plain
ASGI 3 application. It answers `lifespan` scopes, refuses `websocket` scopes, and for
`http` scopes picks the route whose compiled pattern matches the *raw* (still
percent-encoded) path, so that an encoded `/` (`%2F`) stays inside one path parameter;
each captured parameter is then percent-decoded (UTF-8, invalid bytes replaced). A GET
route answers HEAD too (same headers, no body). Unless the path is a public route's, the
app's `guard` sees the request first and may answer it (authentication before routing: a
401 reveals neither a path nor a method). A path no route matches, or a method its routes
do not take, or an endpoint that raises, is answered by the responders the app was built
with; a client that disconnects before its body is complete gets no answer.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from functools import cached_property
from typing import Any
from urllib.parse import parse_qsl, unquote_to_bytes

import msgspec

from frontdesk.core.asgi import Receive, Scope, Send

_PARAMETER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


class BodyTooLarge(Exception):
    """The request body is over the limit, by its Content-Length or as it streamed in."""


class ClientDisconnected(Exception):
    """The client went away before its request body was complete: nobody to answer."""


class Response(msgspec.Struct):
    """A whole response: status, body, extra headers; Content-Length and -Type are added."""

    status: int
    body: bytes = b""
    media_type: str | None = "application/json"
    headers: dict[str, str] = msgspec.field(default_factory=dict)

    def raw_headers(self) -> list[tuple[bytes, bytes]]:
        """The header fields as ASGI sends them: lower-case names, latin-1 bytes."""
        raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in self.headers.items()]
        raw.append((b"content-length", str(len(self.body)).encode("ascii")))
        if self.media_type is not None:
            raw.append((b"content-type", self.media_type.encode("latin-1")))
        return raw

    async def send_to(self, send: Send, *, head: bool = False) -> None:
        """Send it; for a HEAD request the headers are a GET's, the body is left out."""
        await send(
            {"type": "http.response.start", "status": self.status, "headers": self.raw_headers()}
        )
        await send({"type": "http.response.body", "body": b"" if head else self.body})


class Request:
    """One HTTP request: its method, headers, query, path parameters, and body on demand."""

    __slots__ = ("_query", "_receive", "method", "params", "route", "scope", "state")

    def __init__(self, scope: Scope, receive: Receive) -> None:
        self.scope = scope
        self._receive = receive
        self.method: str = scope["method"]
        self.route: Route | None = None  # set once routed
        self.params: dict[str, str] = {}  # the route's path parameters, decoded
        self._query: dict[str, str] | None = None
        self.state: dict[str, Any] = {}  # what the layers above attach to this request

    def header(self, name: str) -> str | None:
        """The first field called `name` (any case), decoded as latin-1; None if absent."""
        wanted = name.lower().encode("latin-1")
        for key, value in self.scope["headers"]:
            if key.lower() == wanted:
                return bytes(value).decode("latin-1")
        return None

    @property
    def query(self) -> dict[str, str]:
        """The query string's parameters (blank values kept; a repeated name: the last one)."""
        if self._query is None:
            text = bytes(self.scope.get("query_string", b"")).decode("latin-1")
            self._query = dict(parse_qsl(text, keep_blank_values=True))
        return self._query

    @property
    def path(self) -> str:
        """The routed path with the decoded parameters put back (the template if unrouted)."""
        if self.route is None:
            return str(self.scope.get("path", ""))
        return self.route.template.format_map(self.params)

    async def body(self, limit: int) -> bytes:
        """The whole body; `BodyTooLarge` past `limit` bytes, `ClientDisconnected` if cut off.

        A Content-Length over the limit (or not a number) is refused before anything is
        read; without one the body is counted as it arrives.
        """
        length = self.header("content-length")
        if length is not None and (
            not (length.isascii() and length.isdigit())
            or len(length) > 18  # int() of thousands of digits costs, or raises ValueError
            or int(length) > limit
        ):
            raise BodyTooLarge
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await self._receive()
            kind = message["type"]
            if kind == "http.disconnect":
                raise ClientDisconnected
            if kind != "http.request":
                continue
            chunk = bytes(message.get("body", b""))
            size += len(chunk)
            if size > limit:
                raise BodyTooLarge
            chunks.append(chunk)
            if not message.get("more_body", False):
                return chunks[0] if len(chunks) == 1 else b"".join(chunks)


Endpoint = Callable[[Request], Awaitable[Response]]


def compile_template(template: str) -> re.Pattern[str]:
    """`/v1/guides/{number}` → a pattern for the whole raw path; a parameter is one segment."""
    pattern, last = [], 0
    for found in _PARAMETER.finditer(template):
        pattern.append(re.escape(template[last : found.start()]))
        pattern.append(f"(?P<{found.group(1)}>[^/]+)")
        last = found.end()
    pattern.append(re.escape(template[last:]))
    return re.compile("".join(pattern))


class Route(msgspec.Struct, frozen=True, dict=True):
    """One method on one path template; `endpoint` makes the response. A `public` route's
    path is not guarded (see `HttpApp`). Its compiled `pattern` is no field (not compared,
    not shown): it is kept in the instance's `__dict__` (`dict=True`), compiled when the
    route is built."""

    template: str
    method: str
    endpoint: Endpoint
    public: bool = False

    def __post_init__(self) -> None:
        self.pattern  # noqa: B018 (compiled now: a bad template fails where it is written)

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        return compile_template(self.template)

    def accepts(self, method: str) -> bool:
        return method == self.method or (method == "HEAD" and self.method == "GET")


def routing_path(scope: Scope) -> tuple[str, bool]:
    """The path to route on, and whether it is still percent-encoded.

    `raw_path` when the server gives it (some servers append the query string: cut off
    at "?", which cannot appear in a raw path), else the decoded `path`; without the
    `root_path` prefix the app is mounted under.
    """
    raw = scope.get("raw_path")
    if raw is not None:
        path = bytes(raw).split(b"?", 1)[0].decode("latin-1")
        encoded = True
    else:
        path = str(scope.get("path", ""))
        encoded = False
    root = str(scope.get("root_path", "") or "")
    if root and path.startswith(root) and path[len(root) : len(root) + 1] in ("", "/"):
        path = path[len(root) :]
    return path, encoded


def _decode(segment: str) -> str:
    # The raw path was read as latin-1, so this gives back its bytes (raw UTF-8 included).
    return unquote_to_bytes(segment.encode("latin-1")).decode("utf-8", errors="replace")


NotFound = Callable[[Request], Response]
MethodNotAllowed = Callable[[Request, tuple[str, ...]], Response]
ServerError = Callable[[Request, Exception], Response]
Guard = Callable[[Request], Response | None]


class HttpApp:
    """The ASGI app: routes in order, the first whose pattern and method match wins.

    `guard(request)`, when given, runs first for every path but a public route's: an
    answer it returns is the response (nothing is routed). `not_found(request)` answers a
    path no route matches; `method_not_allowed(request, allowed)` a path whose routes take
    other methods (`allowed`, HEAD included where GET is); `server_error(request,
    exception)` an endpoint (or the guard) that raised.
    """

    def __init__(
        self,
        routes: Sequence[Route],
        *,
        not_found: NotFound,
        method_not_allowed: MethodNotAllowed,
        server_error: ServerError,
        guard: Guard | None = None,
    ) -> None:
        self.routes = tuple(routes)
        self.not_found = not_found
        self.method_not_allowed = method_not_allowed
        self.server_error = server_error
        self.guard = guard

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "http":
            await self._http(scope, receive, send)
        elif kind == "lifespan":
            await _lifespan(receive, send)
        elif kind == "websocket":
            await _refuse_websocket(receive, send)
        else:
            raise ValueError(f"unsupported ASGI scope type {kind!r}")

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        try:
            response = await self._dispatch(request)
        except ClientDisconnected:
            return
        except Exception as error:
            response = self.server_error(request, error)
        await response.send_to(send, head=request.method == "HEAD")

    async def _dispatch(self, request: Request) -> Response:
        path, encoded = routing_path(request.scope)
        allowed: list[str] = []
        guarded = self.guard is None
        for route in self.routes:
            found = route.pattern.fullmatch(path)
            if found is None:
                continue
            if not guarded:
                # A path's routes are all public or none is (one template, one rule).
                guarded = True
                denied = None if route.public else self._guard(request)
                if denied is not None:
                    return denied
            if not route.accepts(request.method):
                allowed.append(route.method)
                continue
            request.route = route
            params = found.groupdict()
            request.params = {k: _decode(v) for k, v in params.items()} if encoded else params
            return await route.endpoint(request)
        if not guarded:
            denied = self._guard(request)
            if denied is not None:
                return denied
        if not allowed:
            return self.not_found(request)
        if "GET" in allowed:
            allowed.append("HEAD")
        return self.method_not_allowed(request, tuple(sorted(set(allowed))))

    def _guard(self, request: Request) -> Response | None:
        assert self.guard is not None
        return self.guard(request)


async def _lifespan(receive: Receive, send: Send) -> None:
    """Nothing to start or stop: acknowledge both."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


async def _refuse_websocket(receive: Receive, send: Send) -> None:
    """No WebSocket endpoints: close before accepting (the server answers 403)."""
    message = await receive()
    if message["type"] == "websocket.connect":
        await send({"type": "websocket.close", "code": 1008})
