"""The local backend over HTTP: an ASGI app serving the contract (docs/api.md) under /v1.

Routing, requests and responses are `frontdesk.backend.http`'s. The bearer key is checked
first, in constant time, for every path but `/v1/health` (a 401 says nothing about which
paths or methods exist). Every routed request then goes through one wrapper that bounds
and parses the body, applies `Idempotency-Key` on POSTs (a replay, or 422
`idempotency_key_reused` for another body), maps `Problem` to problem+json, a store that
cannot write to 503 `storage_unavailable`, and any other failure to a 500 without a stack
trace. Unknown paths are 404 `not_found` (a trailing slash too: no redirect), wrong
methods 405 `method_not_allowed` with an `Allow` header. Logs name the route and the
guide (quoted, so no request value can forge a line), never a body, a query string, a
code or a contact.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import time
from collections.abc import Callable, Sequence
from typing import Any

from frontdesk.backend.http import (
    BodyTooLarge,
    ClientDisconnected,
    HttpApp,
    Request,
    Response,
    Route,
    routing_path,
)
from frontdesk.backend.idempotency import Replays, SecretAnswer
from frontdesk.backend.records import StorageUnavailable
from frontdesk.backend.service import LocalBackend, Problem
from frontdesk.backend.simulator import SacOpening
from frontdesk.backend.tiss.routes import tiss_routes
from frontdesk.core.attempts import Limits

MAX_BODY = 16 * 1024
STORAGE_RETRY_AFTER = 10  # seconds a client waits before retrying a write the store refused

access_log = logging.getLogger("frontdesk.access")
error_log = logging.getLogger("frontdesk.server")

Handler = Callable[[Request, Any], dict[str, Any]]

_CARD = re.compile(r"[0-9]")  # docs/openapi.yaml's CardNumber: at least one ASCII digit


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


def where(request: Request) -> str:
    """The request as logs name it: the route template and the guide, quoted (repr), or the
    raw path, quoted. A request value never reaches a log unescaped."""
    route = request.route
    if route is None:
        path, _ = routing_path(request.scope)
        return repr(path[:200])
    guide = request.params.get("number")
    return route.template + (f" guide={guide[:32]!r}" if guide is not None else "")


def _internal_error(request: Request, error: BaseException) -> Response:
    # The exception's type and the route only: its message or traceback could carry data.
    error_log.error("unhandled %s on %s %s", type(error).__name__, request.method, where(request))
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
        self.replays = Replays(backend.store, backend.clock)
        self._storage_down = False

    def authorized(self, request: Request) -> bool:
        header = request.header("authorization") or ""
        scheme, _, given = header.partition(" ")
        if scheme.lower() != "bearer":
            given = ""
        digest = hashlib.sha256(given.strip().encode()).digest()
        return hmac.compare_digest(digest, self._key_digest) and bool(given)

    def guard(self, request: Request) -> Response | None:
        """401 `unauthorized` unless the request carries the key (`HttpApp`'s guard)."""
        if self.authorized(request):
            return None
        problem = Problem("unauthorized", "a valid bearer API key is required")
        return _problem_response(problem, {"WWW-Authenticate": 'Bearer realm="frontdesk"'})

    async def _body(self, request: Request) -> Any:
        try:
            raw = await request.body(MAX_BODY)
        except BodyTooLarge:
            raise Problem("payload_too_large", f"bodies are limited to {MAX_BODY} bytes") from None
        if not raw:  # no body at all; white space alone is a malformed body like any other
            return None
        try:
            return json.loads(raw.decode("utf-8"))
        except (ValueError, RecursionError):
            # ValueError: not UTF-8, not JSON, or an integer over Python's 4300-digit limit.
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
        secret: SecretAnswer | None = None,
    ) -> Route:
        """`handler(request, body)` on `method template`; a POST's success is `status`.

        `secret`: its success carries a code, which an Idempotency-Key replay derives again
        instead of storing (codes are kept only as hashes).
        """

        async def endpoint(request: Request) -> Response:
            started = time.perf_counter()
            response = await self._handle(request, handler, method, status, secret)
            if self.log_access:
                access_log.info(
                    "%s %s %d %.1fms",
                    request.method,
                    where(request),
                    response.status,
                    (time.perf_counter() - started) * 1000,
                )
            return response

        return Route(template, method, endpoint, public=not auth)

    async def _handle(
        self,
        request: Request,
        handler: Handler,
        method: str,
        status: int,
        secret: SecretAnswer | None,
    ) -> Response:
        try:
            if method != "POST":
                response = _json(handler(request, None))
            else:
                key = request.header("idempotency-key")
                if key is not None and not _valid_idempotency_key(key):
                    raise Problem(
                        "invalid_idempotency_key", "Idempotency-Key must be 1–128 printable ASCII"
                    )
                body = await self._body(request)
                if key is None:
                    response = self._respond(request, handler, body, status)
                else:
                    response = self._idempotent(request, handler, body, status, key, secret)
        except Problem as problem:
            return _problem_response(problem)
        except ClientDisconnected:
            raise  # nobody to answer; the app drops the request
        except StorageUnavailable as error:
            return self._storage_unavailable(error)
        except Exception as error:
            return _internal_error(request, error)
        if self._storage_down and method == "POST":
            self._storage_down = False
            error_log.warning("storage: writes succeed again; serving normally")
        return response

    def _storage_unavailable(self, error: StorageUnavailable) -> Response:
        """503 `storage_unavailable` with Retry-After; one log line when the outage begins."""
        if not self._storage_down:
            self._storage_down = True
            error_log.error(
                "storage unavailable: database %s: %s; writes are answered 503 "
                "storage_unavailable until it recovers, reads are still served",
                error.path,
                error.cause,
            )
        return _problem_response(
            Problem(
                "storage_unavailable",
                "the backend cannot write to its database now; nothing was changed, retry",
                retry_after=STORAGE_RETRY_AFTER,
            )
        )

    @staticmethod
    def _respond(request: Request, handler: Handler, body: Any, status: int) -> Response:
        try:
            return _json(handler(request, body), status)
        except Problem as problem:
            return _problem_response(problem)

    def _idempotent(
        self,
        request: Request,
        handler: Handler,
        body: Any,
        status: int,
        key: str,
        secret: SecretAnswer | None,
    ) -> Response:
        def respond(seed: bytes | None) -> Response:
            if seed is not None:
                request.state["replay_seed"] = seed
            return self._respond(request, handler, body, status)

        return self.replays.answer(
            key, f"POST {request.path}", body, respond, secret=secret, where=where(request)
        )


def _object(body: Any, *members: str) -> dict[str, Any]:
    """The body as a JSON object whose members are all among `members`."""
    if not isinstance(body, dict):
        raise Problem("invalid_request", "the body must be a JSON object")
    unknown = sorted(set(body) - set(members))
    if unknown:
        raise Problem("invalid_request", f"unknown member {unknown[0][:32]!r}")
    return body


def _string(body: dict[str, Any], key: str, *, required: bool = True) -> str | None:
    """A string member. Its content (length included) is the operation's to judge, so a
    wrong value gets the contract's own code (`malformed_code`, `unknown_reason`, …)."""
    value = body.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise Problem("invalid_request", f"`{key}` must be a string")
    return value


def _card_filter(request: Request) -> str | None:
    """`GET /v1/guides`' `card`: up to 64 characters, at least one digit (openapi.yaml)."""
    card = request.query.get("card")
    if card is not None and (len(card) > 64 or _CARD.search(card) is None):
        raise Problem("invalid_request", "`card` must be a card number: 1–64 characters, digits")
    return card


def _number(request: Request) -> str:
    return request.params["number"]


def _not_found(request: Request) -> Response:
    return _problem_response(Problem("not_found", "no such path"))


def _method_not_allowed(request: Request, allowed: tuple[str, ...]) -> Response:
    problem = Problem("method_not_allowed", "method not allowed here")
    return _problem_response(problem, {"Allow": ", ".join(allowed)})


def create_app(
    backend: LocalBackend,
    *,
    api_key: str,
    log_access: bool = True,
    tiss_versions: Sequence[str] | None = None,
    tiss_limits: Limits | None = None,
) -> HttpApp:
    """The ASGI app serving `backend` under /v1, guarded by `api_key`; its local TISS
    operator accepts `tiss_versions` (None: every version; an unknown one is a ValueError)
    and limits wrong TISS passwords per address by `tiss_limits` (None: the defaults)."""
    api = Api(backend, api_key, log_access=log_access)
    b = backend

    def send(request: Request, body: Any) -> dict[str, Any]:
        d = _object(body, "channel_id", "channel", "destination")
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
        code = _string(_object(body, "code"), "code")
        assert code is not None
        return b.validate(_number(request), code)

    def absence(request: Request, body: Any) -> dict[str, Any]:
        reason = _string(_object(body, "reason"), "reason")
        assert reason is not None
        return b.absence(_number(request), reason)

    def cancel(request: Request, body: Any) -> dict[str, Any]:
        if body is not None and not isinstance(body, dict):
            raise Problem("invalid_request", "the body must be a JSON object, or nothing")
        return b.cancel(_number(request))

    def guides(request: Request, _: Any) -> dict[str, Any]:
        return b.list_guides(request.query.get("status"), _card_filter(request))

    def app_code(request: Request, _: Any) -> dict[str, Any]:
        card = request.query.get("card")
        if not card or len(card) > 64:
            raise Problem("invalid_request", "`card` is required: 1–64 characters")
        return b.sim_app_code(card)  # a card no beneficiary with the app has: 404

    def sac_code(request: Request, body: Any) -> dict[str, Any]:
        members = _object(body, "guide", "card", "type", "provider")
        guide = _string(members, "guide")
        assert guide is not None
        opening = SacOpening.parse(
            _string(members, "card", required=False),
            _string(members, "type", required=False),
            _string(members, "provider", required=False),
        )
        return b.sim_sac_code(guide, seed=request.state.get("replay_seed"), opening=opening)

    def clock(request: Request, body: Any) -> dict[str, Any]:
        seconds = _object(body, "advance_seconds").get("advance_seconds")
        # A JSON-Schema integer is any number with no fraction: 60 and 60.0 alike.
        if isinstance(seconds, float) and seconds.is_integer() and abs(seconds) < 2**53:
            seconds = int(seconds)
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
        # Its answer carries a code: a replay derives it again (codes are kept only hashed).
        api.route(
            "/v1/_local/sac-code",
            sac_code,
            method="POST",
            secret=SecretAnswer("code", b.engine.derived_code),
        ),
        api.route("/v1/_local/clock", clock, method="POST"),
    ]
    routes += tiss_routes(
        api, b, api_key, tiss_versions, tiss_limits
    )  # the local TISS operator (backend/tiss/)
    return HttpApp(
        routes,
        not_found=_not_found,
        method_not_allowed=_method_not_allowed,
        server_error=_internal_error,
        guard=api.guard,
    )
