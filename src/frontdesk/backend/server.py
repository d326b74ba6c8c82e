"""The local backend over HTTP: an ASGI app serving the contract (docs/api.md) under /v1.

Routing, requests and responses are `frontdesk.backend.http`'s. Every request goes through
one wrapper that checks the bearer key in constant time, bounds and parses the body,
applies `Idempotency-Key` on POSTs, maps `Problem` to problem+json and any other failure
to a 500 without a stack trace. Unknown paths are 404 `not_found` (a trailing slash too:
no redirect), wrong methods 405 `method_not_allowed` with an `Allow` header. The access
log names the route and the guide, never a body, a query string, a code or a contact.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from collections.abc import Callable
from typing import Any

from frontdesk.backend.http import (
    BodyTooLarge,
    ClientDisconnected,
    HttpApp,
    Request,
    Response,
    Route,
)
from frontdesk.backend.service import LocalBackend, Problem
from frontdesk.backend.store import StoredResponse
from frontdesk.backend.tiss.routes import tiss_routes

MAX_BODY = 16 * 1024
IDEMPOTENCY_TTL = 24 * 3600

access_log = logging.getLogger("frontdesk.access")
error_log = logging.getLogger("frontdesk.server")

Handler = Callable[[Request, Any], dict[str, Any]]


def _json(doc: Any, status: int = 200) -> Response:
    body = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()
    return Response(status, body)


def _problem_response(problem: Problem, headers: dict[str, str] | None = None) -> Response:
    body = json.dumps(problem.document(), ensure_ascii=False, separators=(",", ":")).encode()
    return Response(
        problem.status,
        body,
        media_type="application/problem+json",
        headers={**problem.headers(), **(headers or {})},
    )


def _internal_error(request: Request, error: BaseException) -> Response:
    # The exception's type and the path only: its message or traceback could carry data.
    error_log.error(
        "unhandled %s on %s %s", type(error).__name__, request.method, request.path[:200]
    )
    return _problem_response(Problem("internal_error", "the server failed; try again"))


def _valid_idempotency_key(key: str) -> bool:
    return 1 <= len(key) <= 128 and all(" " <= ch <= "~" for ch in key)


class Api:
    """Routes and the request wrapper around one `LocalBackend`."""

    def __init__(self, backend: LocalBackend, api_key: str, *, log_access: bool = True) -> None:
        if not api_key:
            raise ValueError("an API key is required")
        self.backend = backend
        self._key_digest = hashlib.sha256(api_key.encode()).digest()
        self.log_access = log_access
        self._purged_at = 0.0

    def _authorized(self, request: Request) -> bool:
        header = request.header("authorization") or ""
        scheme, _, given = header.partition(" ")
        if scheme.lower() != "bearer":
            given = ""
        digest = hashlib.sha256(given.strip().encode()).digest()
        return hmac.compare_digest(digest, self._key_digest) and bool(given)

    async def _body(self, request: Request) -> Any:
        try:
            raw = await request.body(MAX_BODY)
        except BodyTooLarge:
            raise Problem("payload_too_large", f"bodies are limited to {MAX_BODY} bytes") from None
        try:
            return json.loads(raw.decode("utf-8")) if raw.strip() else None
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
            # RecursionError: nesting deeper than the parser's stack (`[[[[…`), still < 16 KiB.
            raise Problem("invalid_request", "the body must be a JSON object") from None

    def route(
        self,
        template: str,
        handler: Handler,
        *,
        method: str = "GET",
        auth: bool = True,
        status: int = 200,
        replay: bool = True,
    ) -> Route:
        """`handler(request, body)` on `method template`; a POST's success is `status`.

        `replay=False`: its answers are never stored for an Idempotency-Key replay (they
        carry a code, and codes are kept only as hashes).
        """

        async def endpoint(request: Request) -> Response:
            started = time.perf_counter()
            response = await self._handle(request, handler, method, auth, status, replay)
            if self.log_access:
                guide = request.params.get("number")
                access_log.info(
                    "%s %s%s %d %.1fms",
                    request.method,
                    template,
                    f" guide={guide[:32]!r}" if guide is not None else "",
                    response.status,
                    (time.perf_counter() - started) * 1000,
                )
            return response

        return Route(template, method, endpoint)

    async def _handle(
        self,
        request: Request,
        handler: Handler,
        method: str,
        auth: bool,
        status: int,
        replay: bool,
    ) -> Response:
        try:
            if auth and not self._authorized(request):
                problem = Problem("unauthorized", "a valid bearer API key is required")
                return _problem_response(problem, {"WWW-Authenticate": 'Bearer realm="frontdesk"'})
            if method != "POST":
                return _json(handler(request, None))
            key = request.header("idempotency-key")
            if key is not None and not _valid_idempotency_key(key):
                raise Problem(
                    "invalid_idempotency_key", "Idempotency-Key must be 1–128 printable ASCII"
                )
            body = await self._body(request)
            if key is None or not replay:
                return self._respond(request, handler, body, status)
            return self._idempotent(request, handler, body, status, key)
        except Problem as problem:
            return _problem_response(problem)
        except ClientDisconnected:
            raise  # nobody to answer; the app drops the request
        except Exception as error:
            return _internal_error(request, error)

    @staticmethod
    def _respond(request: Request, handler: Handler, body: Any, status: int) -> Response:
        try:
            return _json(handler(request, body), status)
        except Problem as problem:
            return _problem_response(problem)

    def _idempotent(
        self, request: Request, handler: Handler, body: Any, status: int, key: str
    ) -> Response:
        """Same key and path within 24 h: the first response again, and no further effect."""
        store = self.backend.store
        scope = f"POST {request.path}"
        fingerprint = hashlib.sha256(
            json.dumps(body, sort_keys=True, ensure_ascii=False).encode()
        ).hexdigest()
        now = self.backend.clock.now()
        with store.transaction():
            if now - self._purged_at > 3600:  # keep the table to about a day of POSTs
                store.purge_responses(now - IDEMPOTENCY_TTL)
                self._purged_at = now
            stored = store.get_response(key, scope, now - IDEMPOTENCY_TTL)
            if stored is None:
                response = self._respond(request, handler, body, status)
                # Stored header names are lower-case, as the Starlette version stored them.
                kept = {
                    k.lower(): v for k, v in response.headers.items() if k.lower() == "retry-after"
                }
                store.put_response(
                    key,
                    scope,
                    StoredResponse(
                        status=response.status,
                        body=response.body,
                        headers={"content-type": response.media_type or "", **kept},
                        created_at=now,
                        fingerprint=fingerprint,
                    ),
                )
                return response
        if stored.fingerprint != fingerprint:
            error_log.warning("Idempotency-Key reused with a different body on %s", scope)
        headers = {k: v for k, v in stored.headers.items() if k != "content-type"}
        headers["Idempotent-Replayed"] = "true"
        return Response(
            stored.status,
            stored.body,
            media_type=stored.headers.get("content-type") or "application/json",
            headers=headers,
        )


def _object(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise Problem("invalid_request", "the body must be a JSON object")
    return body


def _string(
    body: dict[str, Any], key: str, *, required: bool = True, limit: int = 256
) -> str | None:
    value = body.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise Problem("invalid_request", f"`{key}` must be a string")
    if len(value) > limit:
        raise Problem("invalid_request", f"`{key}` is too long")
    return value


def _number(request: Request) -> str:
    return request.params["number"]


def _not_found(request: Request) -> Response:
    return _problem_response(Problem("not_found", "no such path"))


def _method_not_allowed(request: Request, allowed: tuple[str, ...]) -> Response:
    problem = Problem("method_not_allowed", "method not allowed here")
    return _problem_response(problem, {"Allow": ", ".join(allowed)})


def create_app(backend: LocalBackend, *, api_key: str, log_access: bool = True) -> HttpApp:
    """The ASGI app serving `backend` under /v1, guarded by `api_key`."""
    api = Api(backend, api_key, log_access=log_access)
    b = backend

    def send(request: Request, body: Any) -> dict[str, Any]:
        d = _object(body)
        channel_id = _string(d, "channel_id", required=False)
        channel = _string(d, "channel", required=False)
        destination = _string(d, "destination", required=False)
        if channel_id is not None and (channel is not None or destination is not None):
            raise Problem(
                "invalid_request", "give either `channel_id` or `channel` + `destination`"
            )
        if channel_id is None and (channel is None or destination is None):
            raise Problem(
                "invalid_request", "`channel_id`, or `channel` and `destination`, required"
            )
        return b.send(
            _number(request), channel_id=channel_id, channel=channel, destination=destination
        )

    def validate(request: Request, body: Any) -> dict[str, Any]:
        code = _string(_object(body), "code", limit=64)
        assert code is not None
        return b.validate(_number(request), code)

    def absence(request: Request, body: Any) -> dict[str, Any]:
        reason = _string(_object(body), "reason", limit=8)
        assert reason is not None
        return b.absence(_number(request), reason)

    def cancel(request: Request, body: Any) -> dict[str, Any]:
        if body is not None:
            _object(body)
        return b.cancel(_number(request))

    def guides(request: Request, _: Any) -> dict[str, Any]:
        q = request.query
        return b.list_guides(q.get("status"), q.get("card"))

    def app_code(request: Request, _: Any) -> dict[str, Any]:
        card = request.query.get("card")
        if not card or len(card) > 64:
            raise Problem("invalid_request", "`card` is required")
        return b.sim_app_code(card)

    def sac_code(request: Request, body: Any) -> dict[str, Any]:
        guide = _string(_object(body), "guide", limit=64)
        assert guide is not None
        return b.sim_sac_code(guide)

    def clock(request: Request, body: Any) -> dict[str, Any]:
        seconds = _object(body).get("advance_seconds")
        if isinstance(seconds, bool) or not isinstance(seconds, int):
            raise Problem("invalid_request", "`advance_seconds` must be a whole number")
        if not 0 <= seconds <= 365 * 86_400:
            raise Problem("invalid_request", "`advance_seconds` must be between 0 and 31536000")
        return b.sim_clock(seconds)

    g = "/v1/guides/{number}"
    routes = [
        api.route("/v1/health", lambda r, _: b.health(), auth=False),
        api.route("/v1/guides", guides),
        api.route(g, lambda r, _: b.get_guide(_number(r))),
        api.route(g + "/token/channels", lambda r, _: b.channels(_number(r))),
        api.route(g + "/token", send, method="POST", status=201),
        api.route(g + "/token", lambda r, _: b.get_token(_number(r))),
        api.route(g + "/token/validate", validate, method="POST"),
        api.route(g + "/token/cancel", cancel, method="POST"),
        api.route(g + "/token/absence", absence, method="POST"),
        api.route(g + "/events", lambda r, _: b.events(_number(r))),
        api.route("/v1/_local/outbox", lambda r, _: b.sim_outbox()),
        api.route("/v1/_local/app-code", app_code),
        # Its answer carries a code: never stored for replay (codes are kept only as hashes).
        api.route("/v1/_local/sac-code", sac_code, method="POST", replay=False),
        api.route("/v1/_local/clock", clock, method="POST"),
    ]
    routes += tiss_routes(api, b, api_key)  # the local TISS operator (backend/tiss/)
    return HttpApp(
        routes,
        not_found=_not_found,
        method_not_allowed=_method_not_allowed,
        server_error=_internal_error,
    )
