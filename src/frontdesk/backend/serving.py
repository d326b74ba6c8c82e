"""Serving the local backend over HTTP with uvicorn: its settings, its policy file, its server,
and the one-line log format.

`frontdesk.cli.serve` parses the command line and prints; this module returns values and
raises typed errors (`PolicyError`). Never imports Textual.
"""

from __future__ import annotations

import logging
import re
import tomllib
from collections.abc import Callable
from typing import Any

import uvicorn

from frontdesk.backend.connection import MAX_HEAD_BYTES, ConnectionLimits, protocol_class
from frontdesk.backend.policy import Policy, PolicyError

# C0 and C1 controls, DEL, and the format and separator characters that can reorder or
# break a line on a terminal (soft hyphen, bidi marks and overrides, zero-width
# characters, U+2028/2029, BOM, interlinear annotation).
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\xad\u061c\u180e\u200b-\u200f\u2028-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]"
)


def escape_controls(text: str) -> str:
    """`text` with every control or line-breaking character escaped (`\\x0a`, `\\u2028`):
    whatever a log message holds, it stays one line and cannot fake another."""

    def escape(found: re.Match[str]) -> str:
        code = ord(found.group())
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return _UNSAFE.sub(escape, text)


class OneLineFormatter(logging.Formatter):
    """A formatter whose every record is one line: controls escaped (`escape_controls`),
    the traceback of a record that has one included, on the same line."""

    def format(self, record: logging.LogRecord) -> str:
        return escape_controls(super().format(record))


def load_policy(path: str) -> Policy:
    """The policy in a TOML file (a top-level table, or a `[policy]` table)."""
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except OSError as error:
        raise PolicyError(f"{path}: cannot read the policy file: {error.strerror}") from None
    except tomllib.TOMLDecodeError as error:
        raise PolicyError(f"{path}: not valid TOML: {error}") from None
    table = data.get("policy", data)
    if not isinstance(table, dict):
        raise PolicyError(f"{path}: [policy] must be a table")
    try:
        return Policy.from_mapping(table)
    except PolicyError as error:
        raise PolicyError(f"{path}: {error}") from None
    except TypeError as error:
        raise PolicyError(f"{path}: {error}") from None


def server_config(
    app: Any,
    *,
    host: str,
    port: int,
    ssl_certfile: str | None = None,
    ssl_keyfile: str | None = None,
    limits: ConnectionLimits | None = None,
) -> uvicorn.Config:
    """uvicorn's settings for the local backend (shared by `serve`, tests and benches)."""
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_config=None,
        log_level="warning",
        access_log=False,  # our own access log names routes, never bodies or queries
        server_header=False,
        lifespan="off",
        # h11, not httptools even when installed: uvicorn's h11 protocol, subclassed so that
        # what the parser refuses is a problem+json document too, with request timeouts and
        # a bound on open connections (frontdesk.backend.connection).
        http=protocol_class(limits or ConnectionLimits()),
        # h11 refuses an incomplete head past this; the protocol refuses a complete one too.
        h11_max_incomplete_event_size=MAX_HEAD_BYTES,
        ssl_certfile=ssl_certfile,
        ssl_keyfile=ssl_keyfile,
    )


class LocalServer(uvicorn.Server):
    """A uvicorn server that calls `on_started(host, port)` once its socket is bound, and
    that ends with exit status 0 on Ctrl-C / SIGTERM (the asked-for stop)."""

    def __init__(self, config: uvicorn.Config, on_started: Callable[[str, int], None]) -> None:
        super().__init__(config)
        self.on_started = on_started

    def handle_exit(self, sig: int, frame: Any) -> None:
        super().handle_exit(sig, frame)
        # uvicorn re-raises a captured signal once it has shut down, which would end the
        # process before the database is closed: this stop is the asked-for one, so do
        # not re-raise it. `_captured_signals` is uvicorn's private list (a seam: pinned,
        # guarded by tests/seams/test_uvicorn.py; docs/architecture.md); tolerate its absence.
        captured = getattr(self, "_captured_signals", None)
        if isinstance(captured, list):
            captured.clear()

    async def startup(self, sockets: Any = None) -> None:
        await super().startup(sockets=sockets)
        if not self.started:
            return
        bound = self.servers[0].sockets[0].getsockname()
        self.on_started(str(bound[0]), int(bound[1]))


def local_server(config: uvicorn.Config, on_started: Callable[[str, int], None]) -> LocalServer:
    """The server `frontdesk serve` runs (`LocalServer`)."""
    return LocalServer(config, on_started)
