"""The local TISS operator's routes, for `backend.server.create_app` to append.

    POST /v1/tiss/v4.01.00/{service}   SOAP 1.1; {service}: tissVerificaElegibilidade,
                                       tissSolicitacaoProcedimento,
                                       tissSolicitacaoStatusAutorizacao, tissCancelaGuia
    GET  /v1/_local/tiss               (simulator, bearer key) the operator's registro ANS,
                                       the prestador's code and its login

The TISS routes take no bearer key: TISS authenticates inside the message (login and MD5
password). Importing this module loads no XML library: the operator (and lxml) is built
on the first TISS request, so local mode and a `frontdesk serve` nobody sends TISS to
never load it. The access log names the service and the outcome, never a body.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from typing import TYPE_CHECKING, Any, Final

from frontdesk.backend.http import BodyTooLarge, Request, Response, Route
from frontdesk.backend.problems import Problem
from frontdesk.backend.tiss.identity import LOGIN, PRESTADOR_CODE, REGISTRO_ANS

if TYPE_CHECKING:
    from frontdesk.backend.server import Api
    from frontdesk.backend.service import LocalBackend
    from frontdesk.backend.tiss.operator import LocalOperator

PATH: Final = "/v1/tiss/v4.01.00/{service}"
SERVICES: Final = (
    "tissVerificaElegibilidade",
    "tissSolicitacaoProcedimento",
    "tissSolicitacaoStatusAutorizacao",
    "tissCancelaGuia",
)
MAX_BODY: Final = 256 * 1024
XML: Final = "text/xml; charset=ISO-8859-1"

access_log = logging.getLogger("frontdesk.access")


def tiss_routes(api: Api, backend: LocalBackend, api_key: str) -> list[Route]:
    """The TISS routes over `backend`; the prestador's password is `api_key` (as MD5)."""
    password_md5 = hashlib.md5(api_key.encode("utf-8"), usedforsecurity=False).hexdigest()
    operator: list[LocalOperator] = []  # built on first use

    def the_operator() -> LocalOperator:
        if not operator:
            # lazy: the operator loads lxml and the TISS protocol (20 ms, 41 modules after
            # the backend's app); local mode and a `frontdesk serve` nobody sends TISS to
            # never do (tests/test_import_hygiene.py).
            from frontdesk.backend.tiss.operator import LocalOperator

            operator.append(LocalOperator(backend, password_md5))
        return operator[0]

    async def soap(request: Request) -> Response:
        started = time.perf_counter()
        service = request.params.get("service", "")
        response, outcome = await _soap(request, service, the_operator)
        if api.log_access:
            access_log.info(
                "POST %s %s %d %.1fms",
                PATH.format(service=service if service in SERVICES else "?"),
                outcome,
                response.status,
                (time.perf_counter() - started) * 1000,
            )
        return response

    def identity(request: Request, _: Any) -> dict[str, Any]:
        if not backend.settings.simulator:
            raise Problem("not_found", "the simulator paths exist only on the local backend")
        return {"registro_ans": REGISTRO_ANS, "prestador": PRESTADOR_CODE, "login": LOGIN}

    # The SOAP path is public to the bearer-key guard: TISS carries its own login and password.
    return [Route(PATH, "POST", soap, public=True), api.route("/v1/_local/tiss", identity)]


async def _soap(request: Request, service: str, operator: Any) -> tuple[Response, str]:
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
    try:
        raw = await request.body(MAX_BODY)
    except BodyTooLarge:
        from frontdesk.tiss.soap import fault_envelope  # lazy: lxml, as `the_operator`

        fault = fault_envelope("SchemaInvalido", f"messages are limited to {MAX_BODY} bytes")
        return Response(413, fault, media_type=XML), "fault:SchemaInvalido"
    answer = operator().handle(service, raw, request.header("content-type"))
    return Response(answer.status, answer.body, media_type=XML), answer.outcome
