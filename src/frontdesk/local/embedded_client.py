"""The embedded mode: the one client, calling the local backend's ASGI app in-process.

No httpx here: the client's in-process ASGI caller speaks HTTP to the app directly.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from frontdesk.backend.clock import Clock
from frontdesk.backend.local import open_backend
from frontdesk.backend.policy import Policy
from frontdesk.backend.server import create_app
from frontdesk.backend.service import LocalBackend
from frontdesk.client.client import FrontdeskClient

EMBEDDED_URL = "http://frontdesk.local"


def embedded_client(
    db: str | Path | None = ":memory:",
    *,
    policy: Policy | None = None,
    clock: Clock | None = None,
    api_key: str | None = None,
    deterministic: bool = False,
    backend: LocalBackend | None = None,
) -> tuple[FrontdeskClient, LocalBackend]:
    """A client whose requests go straight into a local backend in this process."""
    backend = backend or open_backend(db, policy=policy, clock=clock, deterministic=deterministic)
    key = api_key or secrets.token_urlsafe(24)
    app = create_app(backend, api_key=key, log_access=False)
    return FrontdeskClient(EMBEDDED_URL, api_key=key, asgi_app=app, retries=0), backend
