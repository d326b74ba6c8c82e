"""Guards of uvicorn's private names that `frontdesk serve` relies on (docs/architecture.md,
"Private seams")."""

from __future__ import annotations

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol, RequestResponseCycle

from seams.guard import Seam

PROTOCOL = Seam("uvicorn", "H11Protocol", "frontdesk/backend/connection.py")
SIGNALS = Seam("uvicorn", "Server._captured_signals", "frontdesk/backend/serving.py")


def test_h11_protocol_keeps_what_the_hardened_protocol_overrides_and_calls() -> None:
    """`ProblemH11Protocol` overrides these methods and reads these attributes."""
    for method, parameters in [
        ("connection_made", ("self", "transport")),
        ("connection_lost", ("self", "exc")),
        ("eof_received", ("self",)),
        ("data_received", ("self", "data")),
        ("on_response_complete", ("self",)),
        ("shutdown", ("self",)),
        ("send_400_response", ("self", "msg")),
        ("_unset_keepalive_if_required", ("self",)),
    ]:
        PROTOCOL.parameters(PROTOCOL.attribute(H11Protocol, method), *parameters)
    # What h11 refuses reaches send_400_response (answered with a problem document).
    PROTOCOL.calls(H11Protocol.handle_events, "self.send_400_response")
    PROTOCOL.assigns(H11Protocol.__init__, "loop", "conn", "connections", "transport", "cycle")
    PROTOCOL.assigns(H11Protocol.connection_made, "transport")
    PROTOCOL.assigns(
        RequestResponseCycle.__init__,
        "response_started",
        "response_complete",
        "disconnected",
        "message_event",
    )


def test_the_server_keeps_its_captured_signals_list() -> None:
    """`LocalServer.handle_exit` empties it so that an asked-for stop is not re-raised."""
    SIGNALS.parameters(SIGNALS.attribute(uvicorn.Server, "handle_exit"), "self", "sig", "frame")
    SIGNALS.assigns(uvicorn.Server.__init__, "_captured_signals")
    SIGNALS.calls(uvicorn.Server.handle_exit, "self._captured_signals.append")
