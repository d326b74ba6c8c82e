"""The benchmark's yardstick: a trivial raw ASGI app served by uvicorn like `frontdesk serve`.

`python bench/_baseline_app.py --port 0` prints "baseline serving on http://127.0.0.1:PORT/v1"
once the socket is bound. GET /v1/ping returns a fixed JSON document; POST /v1/echo reads
a small JSON body and returns the same fixed document (the shape of a validate call
without any work behind it). It is plain ASGI, no framework, as the local backend's app
is (frontdesk.backend.http), and uvicorn runs it with `frontdesk.cli.serve`'s own
settings (`server_config`: h11, no lifespan, no access log), so the difference between
the two is the backend's work.
"""

from __future__ import annotations

import argparse
import contextlib
import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import uvicorn

from frontdesk.backend.serving import server_config

Message = MutableMapping[str, Any]

_DOC = json.dumps(
    {"number": "2026112200017", "status": "awaiting_token", "token": {"state": "none"}},
    separators=(",", ":"),
).encode()
_BAD = b'{"code":"invalid_request"}'
_MISSING = b'{"code":"not_found"}'


async def app(
    scope: Message,
    receive: Callable[[], Awaitable[Message]],
    send: Callable[[Message], Awaitable[None]],
) -> None:
    if scope["type"] != "http":
        return  # lifespan is off; nothing else is served
    status, body = 404, _MISSING
    if scope["method"] == "GET" and scope["path"] == "/v1/ping":
        status, body = 200, _DOC
    elif scope["method"] == "POST" and scope["path"] == "/v1/echo":
        chunks = []
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        doc = json.loads(b"".join(chunks) or b"null")
        status, body = (200, _DOC) if isinstance(doc, dict) else (400, _BAD)
    headers = [(b"content-length", str(len(body)).encode()), (b"content-type", b"application/json")]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    config = server_config(app, host=args.host, port=args.port)

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
