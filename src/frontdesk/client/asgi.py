"""An in-process HTTP caller of an ASGI app: the embedded mode's transport, without httpx.

`AsgiSession` builds the ASGI scope the way `httpx.ASGITransport` does (HTTP/1.1, raw
percent-encoded path, urlencoded query string, lower-case byte headers), sends the body in
one `http.request` message and then `http.disconnect` once the answer is complete. An
exception the app raises before its answer is complete becomes a plain 500, as a server
would send (and as `ASGITransport(raise_app_exceptions=False)` does): callers see an HTTP
error, never the app's traceback.
"""

from __future__ import annotations

import asyncio
import json as jsonlib
import logging
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import unquote, urlencode, urlsplit

import msgspec

from frontdesk.client.session import Headers
from frontdesk.core.asgi import ASGIApp, Message, Scope

log = logging.getLogger("frontdesk.client")

_FAILED_BODY = b"Internal Server Error"
_FAILED_HEADERS = (
    (b"content-type", b"text/plain; charset=utf-8"),
    (b"content-length", str(len(_FAILED_BODY)).encode("ascii")),
)


class AsgiRequest(msgspec.Struct, frozen=True):
    """One request as it was handed to the app."""

    method: str
    raw_path: bytes  # percent-encoded path, then "?" and the query string if there is one
    headers: Headers
    content: bytes

    @property
    def path(self) -> str:
        """The decoded path, without the query string."""
        return unquote(self.raw_path.split(b"?", 1)[0].decode("ascii"))


class AsgiResponse:
    """The app's answer: what `FrontdeskClient` reads of an `httpx.Response`, and no more."""

    def __init__(
        self, status_code: int, headers: Headers, content: bytes, request: AsgiRequest
    ) -> None:
        self.status_code = status_code
        self.headers = headers
        self.content = content
        self.request = request

    @property
    def reason_phrase(self) -> str:
        # lazy (docs/performance.md, "Lazy imports"): the stdlib's status table (~1 ms) is
        # read for an error's title only, never on the local desk's way to its first queue.
        from http import HTTPStatus

        try:
            return HTTPStatus(self.status_code).phrase
        except ValueError:
            return ""

    @property
    def is_success(self) -> bool:
        return 200 <= self.status_code < 300

    def json(self) -> Any:
        """The body as JSON; `ValueError` if it is not JSON (or not UTF-8/16/32)."""
        return jsonlib.loads(self.content)

    def __repr__(self) -> str:
        return f"<AsgiResponse [{self.status_code} {self.reason_phrase}]>"


ResponseHook = Callable[[AsgiResponse], None]


class AsgiSession:
    """Requests to an ASGI app in this process, relative to `base_url` (http or https).

    `headers` are sent with every request (a request's own headers win, by name). Hooks in
    `response_hooks` see every answer, complete, before it is returned. Raises
    `ValueError` for a base URL that is not http(s) or has a bad port.
    """

    def __init__(
        self,
        app: ASGIApp,
        base_url: str,
        *,
        headers: Mapping[str, str] | None = None,
        client: tuple[str, int] = ("127.0.0.1", 123),
        root_path: str = "",
    ) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {base_url!r}")
        port = parts.port  # ValueError for a port that is not a number in range
        default_port = 443 if parts.scheme == "https" else 80
        self.app = app
        self.scheme = parts.scheme
        self.host = parts.hostname
        self.port = None if port == default_port else port
        self.authority = self.host if self.port is None else f"{self.host}:{self.port}"
        self.prefix = parts.path.rstrip("/")
        self.client = client
        self.root_path = root_path
        self.headers = dict(headers or {})
        self.response_hooks: list[ResponseHook] = []
        self.closed = False

    async def aclose(self) -> None:
        self.closed = True

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        content: bytes | None = None,
    ) -> AsgiResponse:
        """One request; `path` is percent-encoded already, `params` become the query string;
        the body is `json`, or the bytes `content` as they are (with the caller's headers)."""
        if self.closed:
            raise RuntimeError("the session is closed")
        method = method.upper()
        fields: dict[str, tuple[str, str]] = {"host": ("host", self.authority)}
        for name, value in (*self.headers.items(), *(headers or {}).items()):
            fields[name.lower()] = (name, value)
        body = b""
        if json is not None:
            text = jsonlib.dumps(json, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
            body = text.encode("utf-8")
            fields["content-length"] = ("content-length", str(len(body)))
            fields["content-type"] = ("content-type", "application/json")
        elif content is not None:
            body = content
            fields["content-length"] = ("content-length", str(len(body)))
        raw_headers = Headers(
            (name.lower().encode("ascii"), value.encode("ascii")) for name, value in fields.values()
        )
        query = urlencode(dict(params)).encode("ascii") if params else b""
        raw_path = (self.prefix + path).encode("ascii")
        target = raw_path + b"?" + query if query else raw_path
        request = AsgiRequest(method, target, raw_headers, body)
        response = await self._run(request, raw_path, query)
        for hook in self.response_hooks:
            hook(response)
        return response

    async def _run(self, request: AsgiRequest, raw_path: bytes, query: bytes) -> AsgiResponse:
        scope: Scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": request.method,
            "scheme": self.scheme,
            "path": request.path,
            "raw_path": raw_path,
            "query_string": query,
            "root_path": self.root_path,
            "headers": list(request.headers.raw),
            "server": (self.host, self.port),
            "client": self.client,
        }
        body_sent = False
        complete = asyncio.Event()
        status: int | None = None
        answer_headers: list[tuple[bytes, bytes]] = []
        chunks: list[bytes] = []

        async def receive() -> Message:
            nonlocal body_sent
            if body_sent:
                await complete.wait()
                return {"type": "http.disconnect"}
            body_sent = True
            return {"type": "http.request", "body": request.content, "more_body": False}

        async def send(message: Message) -> None:
            nonlocal status
            kind = message["type"]
            if kind == "http.response.start":
                if status is not None:
                    raise RuntimeError("the response was already started")
                status = int(message["status"])
                answer_headers.extend(message.get("headers", ()))
            elif kind == "http.response.body":
                if status is None or complete.is_set():
                    raise RuntimeError("a response body outside a started response")
                body = message.get("body", b"")
                if body and request.method != "HEAD":
                    chunks.append(bytes(body))
                if not message.get("more_body", False):
                    complete.set()

        failure = "returned before answering"
        try:
            await self.app(scope, receive, send)
        except Exception as exc:
            failure = f"raised {type(exc).__name__}"  # the name only: no message, no traceback
        if status is None or not complete.is_set():
            complete.set()  # releases a receive() still waiting for the disconnect
            log.warning("%s: the in-process backend %s, answering 500", request.method, failure)
            return AsgiResponse(500, Headers(_FAILED_HEADERS), _FAILED_BODY, request)
        return AsgiResponse(status, Headers(answer_headers), b"".join(chunks), request)
