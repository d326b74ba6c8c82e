"""The local TISS operator's routes, for `backend.server.create_app` to append.

    POST /v1/tiss/v{version}/{service} SOAP 1.1; {version}: 4.03.00, 4.02.00 or 4.01.00
                                       (those the operator accepts); {service}:
                                       tissVerificaElegibilidade, tissSolicitacaoProcedimento,
                                       tissSolicitacaoStatusAutorizacao, tissCancelaGuia
    GET  /v1/_local/tiss               (simulator, bearer key) the operator's registro ANS,
                                       the prestador's code and its login, the versions
                                       it accepts

Each version's path validates and answers in that version; a version the operator does not
accept answers `VersaoInvalida`, as an operator that moved on does. The TISS routes take no
bearer key: TISS authenticates inside the message (login and MD5 password). Importing this
module loads no XML library and no TISS module: the operator (and lxml) is built on the
first TISS request, so local mode and a `frontdesk serve` nobody sends TISS to never load
it. The access log names the version, the service and the outcome, never a body.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Final

from frontdesk.backend.http import BodyTooLarge, Request, Response, Route
from frontdesk.backend.problems import Problem
from frontdesk.backend.tiss.identity import LOGIN, PRESTADOR_CODE, REGISTRO_ANS
from frontdesk.core.attempts import AddressLimiter, Limits

if TYPE_CHECKING:
    from frontdesk.backend.server import Api
    from frontdesk.backend.service import LocalBackend
    from frontdesk.backend.tiss.operator import LocalOperator

PATH: Final = "/v1/tiss/v{version}/{service}"
SERVICES: Final = (
    "tissVerificaElegibilidade",
    "tissSolicitacaoProcedimento",
    "tissSolicitacaoStatusAutorizacao",
    "tissCancelaGuia",
)
MAX_BODY: Final = 256 * 1024
XML: Final = "text/xml; charset=ISO-8859-1"

access_log = logging.getLogger("frontdesk.access")


def accepted_versions(asked: Sequence[str] | None = None) -> tuple[str, ...]:
    """The versions an operator accepting `asked` (None: every version) speaks, newest first.

    `frontdesk.tiss.versions.UnknownVersion` (a ValueError) names a version frontdesk has no
    schemas for; an empty choice is a ValueError too.
    """
    from frontdesk.tiss.versions import get, numbers  # stdlib only; loaded when asked

    if asked is None:
        return numbers()
    chosen = {get(number).number for number in asked}
    if not chosen:
        raise ValueError("an operator accepts at least one TISS version")
    return tuple(number for number in numbers() if number in chosen)


def tiss_routes(
    api: Api,
    backend: LocalBackend,
    api_key: str,
    versions: Sequence[str] | None = None,
    limits: Limits | None = None,
) -> list[Route]:
    """The TISS routes over `backend`; the prestador's password is `api_key` (sent as MD5).

    `versions`: the TISS versions the operator accepts (None: every one frontdesk has
    schemas for); checked here when given, so a bad choice fails at start. Wrong passwords
    are limited per client address as `frontdesk web`'s sign-ins are (`limits`): past a few
    a growing delay, then 429 with Retry-After and a `LoginInvalido` fault, on the backend's
    clock.
    """
    logins = AddressLimiter(limits or Limits(), now=backend.clock.now)
    fixed = accepted_versions(versions) if versions is not None else None
    operator: list[LocalOperator] = []  # built on first use

    def accepted() -> tuple[str, ...]:
        return fixed if fixed is not None else accepted_versions()

    def the_operator() -> LocalOperator:
        if not operator:
            # lazy: the operator loads lxml and the TISS protocol; local mode and a
            # `frontdesk serve` nobody sends TISS to never do (tests/test_import_hygiene.py).
            from frontdesk.backend.tiss.operator import LocalOperator

            operator.append(LocalOperator(backend, api_key, accepted()))
        return operator[0]

    async def soap(request: Request) -> Response:
        started = time.perf_counter()
        version = request.params.get("version", "")
        service = request.params.get("service", "")
        response, outcome = await _soap(request, version, service, the_operator, logins)
        if api.log_access:
            known = service in SERVICES and version in accepted_versions()  # not a raw path
            shown = version if known else "?"
            access_log.info(
                "POST %s %s %d %.1fms",
                PATH.format(version=shown, service=service if service in SERVICES else "?"),
                outcome,
                response.status,
                (time.perf_counter() - started) * 1000,
            )
        return response

    def identity(request: Request, _: Any) -> dict[str, Any]:
        if not backend.settings.simulator:
            raise Problem("not_found", "the simulator paths exist only on the local backend")
        return {
            "registro_ans": REGISTRO_ANS,
            "prestador": PRESTADOR_CODE,
            "login": LOGIN,
            "versions": list(accepted()),
        }

    # The SOAP path is public to the bearer-key guard: TISS carries its own login and password.
    return [Route(PATH, "POST", soap, public=True), api.route("/v1/_local/tiss", identity)]


async def _soap(
    request: Request, version: str, service: str, operator: Any, logins: AddressLimiter
) -> tuple[Response, str]:
    if service not in SERVICES:
        body = json.dumps(
            {
                "type": "urn:frontdesk:problem:not_found",
                "title": "Not found",
                "status": 404,
                "detail": f"TISS services here: {', '.join(SERVICES)}",
                "code": "not_found",
            }
        ).encode()
        return Response(404, body, media_type="application/problem+json"), "unknown"
    address = client_address(request)
    wait = logins.retry_after(address)
    if wait is not None:  # too many wrong passwords from there: not even read
        from frontdesk.tiss.soap import fault_envelope  # lazy: lxml, as `the_operator`

        fault = fault_envelope("LoginInvalido", f"too many failed logins; retry after {wait} s")
        headers = {"Retry-After": str(wait)}
        return Response(429, fault, media_type=XML, headers=headers), "throttled"
    delay = logins.delay(address)
    if delay:
        await asyncio.sleep(delay)
    try:
        raw = await request.body(MAX_BODY)
    except BodyTooLarge:
        from frontdesk.tiss.soap import fault_envelope  # lazy: lxml, as `the_operator`

        fault = fault_envelope("SchemaInvalido", f"messages are limited to {MAX_BODY} bytes")
        return Response(413, fault, media_type=XML), "fault:SchemaInvalido"
    answer = operator().handle(version, service, raw, request.header("content-type"))
    if answer.outcome == "fault:LoginInvalido":
        logins.failed(address)
    return Response(answer.status, answer.body, media_type=XML), answer.outcome


def client_address(request: Request) -> str:
    """The socket's peer address (the ASGI `client`), or "unknown"."""
    client = request.scope.get("client")
    return str(client[0]) if client else "unknown"
