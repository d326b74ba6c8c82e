"""`frontdesk serve`: the local backend on an HTTP socket (uvicorn), loopback by default.

Prints one startup line with the URL once the socket is bound (and the API key once,
when it made one); shuts down cleanly on Ctrl-C / SIGTERM, closing the database after
the last request. Never imports Textual.
"""

from __future__ import annotations

import argparse
import ipaddress
import logging
import os
import secrets
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import uvicorn

    from frontdesk.backend.policy import Policy

LOOPBACK_NAMES = {"localhost", "localhost.localdomain"}


def is_loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def configure_logging(access: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    for name in ("frontdesk.server", "frontdesk.access"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.propagate = False
        logger.setLevel(logging.INFO)
    logging.getLogger("frontdesk.access").disabled = not access


def load_policy(path: str) -> Policy:
    """The policy in a TOML file (a top-level table, or a `[policy]` table)."""
    import tomllib

    from frontdesk.backend.policy import Policy, PolicyError

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
) -> uvicorn.Config:
    """uvicorn's settings for the local backend (shared by `serve`, tests and benches)."""
    import uvicorn

    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_config=None,
        log_level="warning",
        access_log=False,  # our own access log names routes, never bodies or queries
        server_header=False,
        lifespan="off",
        # h11, not httptools even when installed: httptools rejects malformed header bytes
        # with a bare text 400, and every error here must be a problem+json document.
        http="h11",
        ssl_certfile=ssl_certfile,
        ssl_keyfile=ssl_keyfile,
    )


def run_server(args: argparse.Namespace) -> int:
    import uvicorn

    from frontdesk.backend.local import default_db_path, open_backend
    from frontdesk.backend.policy import PolicyError
    from frontdesk.backend.server import create_app
    from frontdesk.backend.store import SchemaTooNew

    host: str = args.host
    port: int = args.port
    if not 0 <= port <= 65535:
        print(f"frontdesk serve: port {port} is not between 0 and 65535", file=sys.stderr)
        return 2
    tls = bool(getattr(args, "tls_cert", None))
    if not is_loopback(host) and not tls:
        print(
            f"frontdesk serve: warning: serving plain HTTP on {host}; anyone on the network "
            "can read API keys and guides. Use --tls-cert/--tls-key or a TLS proxy.",
            file=sys.stderr,
        )

    key: str | None = args.api_key or os.environ.get("FRONTDESK_API_KEY") or None
    generated = key is None
    api_key = key or secrets.token_urlsafe(24)

    db = args.serve_db
    try:
        policy = load_policy(args.policy) if getattr(args, "policy", None) else None
        backend = open_backend(db if db else None, policy=policy, background_checkpoints=True)
    except (SchemaTooNew, PolicyError, OSError) as error:
        print(f"frontdesk serve: {error}", file=sys.stderr)
        return 1
    except Exception as error:  # sqlite3.DatabaseError and kin: say what, never a traceback
        print(f"frontdesk serve: cannot open the database: {error}", file=sys.stderr)
        return 1

    configure_logging(access=args.access_log)
    app = create_app(backend, api_key=api_key, log_access=args.access_log)
    config = server_config(
        app,
        host=host,
        port=port,
        ssl_certfile=getattr(args, "tls_cert", None),
        ssl_keyfile=getattr(args, "tls_key", None),
    )
    where = db or str(default_db_path())
    scheme = "https" if tls else "http"

    class Server(uvicorn.Server):
        def handle_exit(self, sig: int, frame: Any) -> None:
            super().handle_exit(sig, frame)
            # uvicorn re-raises a captured signal once it has shut down, which would end the
            # process before the database is closed and "stopped" is printed: this stop is
            # the asked-for one, so do not re-raise it (exit 0).
            # `_captured_signals` is uvicorn's (0.29+) private list; tolerate its absence.
            captured = getattr(self, "_captured_signals", None)
            if isinstance(captured, list):
                captured.clear()

        async def startup(self, sockets: Any = None) -> None:
            await super().startup(sockets=sockets)
            if not self.started:
                return
            bound = self.servers[0].sockets[0].getsockname()
            shown = f"[{bound[0]}]" if ":" in bound[0] else bound[0]
            print(
                f"frontdesk local backend serving on {scheme}://{shown}:{bound[1]}/v1 "
                f"(database: {where}; Ctrl-C to stop)",
                flush=True,
            )
            if generated:
                print(
                    f"API key (shown once; clients send 'Authorization: Bearer <key>'): {api_key}",
                    flush=True,
                )

    server = Server(config)
    try:
        server.run()
    finally:
        backend.close()
    if not server.started:
        print(f"frontdesk serve: could not listen on {host}:{port}", file=sys.stderr)
        return 1
    print("frontdesk local backend stopped; database closed.", flush=True)
    return 0
