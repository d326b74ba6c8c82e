"""The benchmark's yardstick: a trivial Starlette app served by uvicorn like `frontdesk serve`.

`python bench/_baseline_app.py --port 0` prints "serving on http://127.0.0.1:PORT/v1" once
the socket is bound. GET /v1/ping returns a fixed JSON document; POST /v1/echo reads a
small JSON body and returns a fixed JSON document (the shape of a validate call without
any work behind it).
"""

from __future__ import annotations

import argparse
import contextlib
import json
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

_DOC = json.dumps(
    {"number": "2026112200017", "status": "awaiting_token", "token": {"state": "none"}},
    separators=(",", ":"),
).encode()


async def ping(request: Request) -> Response:
    return Response(_DOC, media_type="application/json")


async def echo(request: Request) -> Response:
    body = json.loads(await request.body() or b"null")
    if not isinstance(body, dict):
        return Response(b'{"code":"invalid_request"}', status_code=400)
    return Response(_DOC, media_type="application/json")


app = Starlette(
    routes=[Route("/v1/ping", ping, methods=["GET"]), Route("/v1/echo", echo, methods=["POST"])]
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    # The same uvicorn settings as frontdesk.backend.serve.run_server.
    config = uvicorn.Config(
        app,
        host=args.host,
        port=args.port,
        log_level="warning",
        access_log=False,
        server_header=False,
        lifespan="off",
    )

    class Server(uvicorn.Server):
        async def startup(self, sockets: Any = None) -> None:
            await super().startup(sockets=sockets)
            if self.started:
                host, port = self.servers[0].sockets[0].getsockname()[:2]
                print(f"baseline serving on http://{host}:{port}/v1", flush=True)

    with contextlib.suppress(KeyboardInterrupt):  # uvicorn re-raises the Ctrl-C it caught
        Server(config).run()


if __name__ == "__main__":
    main()
