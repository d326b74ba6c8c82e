"""The embedded mode: the one client, over an in-process ASGI transport to the local backend."""

from __future__ import annotations

import secrets
from pathlib import Path

from frontdesk._httpx import httpx
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
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    return FrontdeskClient(EMBEDDED_URL, api_key=key, transport=transport, retries=0), backend
