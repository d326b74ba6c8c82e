"""Fixtures shared by the whole suite: a fixed clock, and OpenAPI checks of every response seen."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from frontdesk.backend.clock import ManualClock
from frontdesk.client.asgi import AsgiResponse, AsgiSession
from frontdesk.client.client import FrontdeskClient
from frontdesk.client.session import HttpxSession
from openapi_check import validate_response

# 2026-11-18T11:06:40Z: a fixed "now" so demo guide numbers and countdowns are reproducible.
FIXED_EPOCH = 1_795_000_000.0


@pytest.fixture
def manual_clock() -> ManualClock:
    """A clock that stands still at FIXED_EPOCH until the test moves it."""
    return ManualClock(FIXED_EPOCH)


@dataclass(frozen=True)
class SeenResponse:
    """One HTTP answer as the test suite saw it."""

    method: str
    path: str
    status: int
    body: Any
    content_type: str
    headers: dict[str, str]


class OpenApiLog:
    """Records every response of the clients attached to it; `check()` validates them all.

    Attach a `FrontdeskClient` (over httpx or in-process ASGI), an `AsgiSession`, or an
    httpx client (sync or async) with `attach(...)`, which adds a response hook; the httpx
    hook reads the body, so streaming callers are not supported.
    """

    def __init__(self) -> None:
        self.seen: list[SeenResponse] = []
        self.undecodable: list[str] = []

    def record(self, response: httpx.Response | AsgiResponse) -> None:
        raw = response.content
        method = response.request.method
        if isinstance(response, AsgiResponse):
            target = response.request.raw_path
        else:
            target = response.request.url.raw_path
        path = target.decode("ascii").split("?", 1)[0]
        body: Any = None
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                self.undecodable.append(f"{method} {path}: {raw[:200]!r}")
                return
        self.seen.append(
            SeenResponse(
                method=method,
                path=path,
                status=response.status_code,
                body=body,
                content_type=response.headers.get("content-type", ""),
                headers=dict(response.headers),
            )
        )

    def attach(
        self,
        client: FrontdeskClient | AsgiSession | HttpxSession | httpx.Client | httpx.AsyncClient,
    ) -> None:
        if isinstance(client, FrontdeskClient):
            session = client._session
            if isinstance(session, AsgiSession | HttpxSession):
                self.attach(session)
                return
            raise TypeError(f"cannot watch a {type(session).__name__}")
        if isinstance(client, HttpxSession):
            client = client.http
        if isinstance(client, AsgiSession):
            client.response_hooks.append(self.record)
        elif isinstance(client, httpx.AsyncClient):

            async def async_hook(response: httpx.Response) -> None:
                await response.aread()
                self.record(response)

            client.event_hooks["response"] = [*client.event_hooks["response"], async_hook]
        else:

            def sync_hook(response: httpx.Response) -> None:
                response.read()
                self.record(response)

            client.event_hooks["response"] = [*client.event_hooks["response"], sync_hook]

    def failures(self) -> list[str]:
        problems = [f"not JSON: {item}" for item in self.undecodable]
        for seen in self.seen:
            try:
                validate_response(
                    seen.method,
                    seen.path,
                    seen.status,
                    seen.body,
                    seen.content_type,
                    headers=seen.headers,
                )
            except AssertionError as error:
                problems.append(str(error))
        return problems

    def check(self) -> None:
        problems = self.failures()
        if problems:
            shown = "\n".join(problems[:10])
            raise AssertionError(
                f"{len(problems)} of {len(self.seen)} responses do not match docs/openapi.yaml:"
                f"\n{shown}"
            )


@pytest.fixture
def openapi_log() -> Iterator[OpenApiLog]:
    """Attach clients to it; at teardown every response they saw must match the OpenAPI doc."""
    log = OpenApiLog()
    yield log
    log.check()
