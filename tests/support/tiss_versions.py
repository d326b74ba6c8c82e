"""An operator that speaks one TISS version, written here from the protocol module alone.

It is not the local operator (`backend/tiss`): it checks the request against its own
version's schemas first, then answers VerificaElegibilidade in that version. A request in
another version gets, as operators do, either a `VersaoInvalida` fault ("fault": its text
names the version it takes, or nothing when `names_version` is False) or a normal answer in
its own version ("reply"). Served three ways, each injected, never patched: an httpx
transport (`transport`), a plain function (`answer`), or an HTTP server on a loopback
port (`served_operator`, a thread stopped on exit).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Literal

import httpx

from frontdesk.tiss.message import ELIGIBILITY, read_header
from frontdesk.tiss.models import Eligibility, Header, Party
from frontdesk.tiss.replies import build_eligibility_reply
from frontdesk.tiss.requests import read_eligibility
from frontdesk.tiss.schema import errors_of
from frontdesk.tiss.soap import body_of, envelope, fault_envelope
from frontdesk.tiss.transport import HttpxTransport

REGISTRO_ANS = "999999"
BENEFICIARY = "MARIA APARECIDA SOUZA"


@dataclass
class VersionedOperator:
    """An operator that takes only TISS `speaks`."""

    speaks: str
    otherwise: Literal["fault", "reply"] = "fault"
    names_version: bool = True
    paths: list[str] = field(default_factory=list)  # every request's URL path
    received: list[str] = field(default_factory=list)  # every request's Padrao

    def answer(self, path: str, body: bytes) -> tuple[int, bytes]:
        self.paths.append(path)
        message = body_of(body)
        header = read_header(message)
        self.received.append(header.version)
        if header.version != self.speaks and self.otherwise == "fault":
            said = f"versao aceita: {self.speaks}" if self.names_version else "versao invalida"
            return 500, fault_envelope("VersaoInvalida", said)
        if header.version == self.speaks:
            problems = errors_of(message, self.speaks)
            assert problems == (), problems  # the client sent a message valid in its version
        query = read_eligibility(message)
        reply_header = Header(
            transaction=ELIGIBILITY.reply_transactions[0],
            sequence=header.sequence,
            date=header.date,
            time=header.time,
            origin=Party(registro_ans=REGISTRO_ANS),
            destination=header.origin,
            version=self.speaks,
        )
        result = Eligibility(True, query.card, beneficiary_name=BENEFICIARY)
        reply = build_eligibility_reply(reply_header, REGISTRO_ANS, result)
        assert errors_of(reply, self.speaks) == ()
        return 200, envelope(reply)

    def transport(self) -> HttpxTransport:
        def handle(request: httpx.Request) -> httpx.Response:
            status, data = self.answer(request.url.path, request.content)
            return httpx.Response(status, content=data, headers={"content-type": "text/xml"})

        return HttpxTransport(transport=httpx.MockTransport(handle))


@contextmanager
def served_operator(operator: VersionedOperator) -> Iterator[str]:
    """`operator` on http://127.0.0.1:PORT (yielded), until the block ends."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            status, data = operator.answer(self.path, self.rfile.read(length))
            self.send_response(status)
            self.send_header("content-type", "text/xml; charset=ISO-8859-1")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            """Quiet: the test says what matters."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
