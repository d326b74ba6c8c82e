"""`frontdesk serve`: the local backend on an HTTP socket (uvicorn), loopback by default.

Prints one startup line with the URL once the socket is bound (and the API key once, when it
made one); shuts down cleanly on Ctrl-C / SIGTERM, closing the database after the last
request. Never imports Textual.
"""

from __future__ import annotations

import argparse
import logging
import os
import secrets
import sys

from frontdesk.core.net import is_loopback


def configure_logging(access: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    for name in ("frontdesk.server", "frontdesk.access"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.propagate = False
        logger.setLevel(logging.INFO)
    logging.getLogger("frontdesk.access").disabled = not access


def run_server(args: argparse.Namespace) -> int:
    from frontdesk.backend.local import default_db_path, open_backend
    from frontdesk.backend.policy import PolicyError
    from frontdesk.backend.server import create_app
    from frontdesk.backend.serving import load_policy, local_server, server_config
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

    def started(bound_host: str, bound_port: int) -> None:
        shown = f"[{bound_host}]" if ":" in bound_host else bound_host
        print(
            f"frontdesk local backend serving on {scheme}://{shown}:{bound_port}/v1 "
            f"(database: {where}; Ctrl-C to stop)",
            flush=True,
        )
        if generated:
            print(
                f"API key (shown once; clients send 'Authorization: Bearer <key>'): {api_key}",
                flush=True,
            )

    server = local_server(config, started)
    try:
        server.run()
    finally:
        backend.close()
    if not server.started:
        print(f"frontdesk serve: could not listen on {host}:{port}", file=sys.stderr)
        return 1
    print("frontdesk local backend stopped; database closed.", flush=True)
    return 0
