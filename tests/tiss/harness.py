"""The local TISS operator in this process, and TISS clients of it with a scriptable transport.

`Recorder` stands between a client and the operator: it records every call by service and
can, per call, lose the answer after delivering the request (`lose`, `reset`), lose the
request itself on the way while the client cannot know it (`drop`), fail before sending
(`refuse`), answer as a gateway would (`gateway`), or hand the reply to a function that
changes it. Nothing is patched: the transport is injected.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from frontdesk.backend.clock import ManualClock
from frontdesk.backend.local import open_backend
from frontdesk.backend.server import create_app
from frontdesk.backend.service import LocalBackend
from frontdesk.backend.tiss.records import TissRecords
from frontdesk.tiss import VERSION as LOCAL_VERSION  # the version the local operator answers in
from frontdesk.tiss.client import TissClient
from frontdesk.tiss.sequence import MemorySequence, SequenceSource
from frontdesk.tiss.tiss_settings import TissSettings
from frontdesk.tiss.transport import (
    HttpReply,
    HttpxTransport,
    Transport,
    TransportFailure,
    TransportTimeout,
)

KEY = "tiss-local-key-0123"
BASE = "http://127.0.0.1/v1"
TEMPLATE = "/tiss/v{version}/{{operation}}"

Action = str | Callable[[HttpReply], HttpReply]


@dataclass
class Recorder:
    """A transport that records calls and plays a script of failures per service."""

    inner: Transport
    script: dict[str, list[Action]] = field(default_factory=dict)
    edit: Callable[[bytes], bytes] | None = None  # changes every request body on the way
    calls: list[str] = field(default_factory=list)
    bodies: list[bytes] = field(default_factory=list)

    async def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> HttpReply:
        service = url.rsplit("/", 1)[-1]
        self.calls.append(service)
        self.bodies.append(body)
        actions = self.script.get(service) or []
        action: Action = actions.pop(0) if actions else "pass"
        if action == "refuse":
            raise TransportTimeout("connect timeout (scripted)", sent=False)
        if action == "drop":
            raise TransportTimeout("read timeout (scripted, request lost)", sent=True)
        if action == "gateway":
            return HttpReply(503, "text/plain", b"Service Unavailable")
        if self.edit is not None:
            body = self.edit(body)
        reply = await self.inner.post(url, body, headers)
        if action == "lose":
            raise TransportTimeout("read timeout (scripted, after delivery)", sent=True)
        if action == "reset":
            raise TransportFailure("connection reset (scripted, after delivery)", sent=True)
        if callable(action):
            return action(reply)
        return reply

    async def aclose(self) -> None:
        await self.inner.aclose()


@dataclass
class LocalTiss:
    """A demo backend with its HTTP app (the JSON contract and the TISS operator)."""

    backend: LocalBackend
    app: Any
    clock: ManualClock

    def transactions(self, service: str | None = None) -> int:
        with self.backend.store.transaction():
            return TissRecords(self.backend.store).count(service)  # type: ignore[arg-type]

    def settings(self, base: str = BASE, **changes: Any) -> TissSettings:
        """The demo clinic's settings, in the local operator's version unless `version`."""
        version = changes.get("version", LOCAL_VERSION)
        values: dict[str, Any] = {
            "url": base + TEMPLATE.format(version=version),
            "registro_ans": "999999",
            "prestador_kind": "codigo",
            "prestador": "123456",
            "version": version,
        }
        values.update(changes)
        return TissSettings(**values)

    def transport(self) -> HttpxTransport:
        return HttpxTransport(transport=httpx.ASGITransport(app=self.app))

    def client(
        self,
        *,
        password: str = KEY,
        recorder: Recorder | None = None,
        sequence: SequenceSource | None = None,
        **changes: Any,
    ) -> TissClient:
        return TissClient(
            self.settings(**changes),
            password,
            sequence=sequence or MemorySequence(),
            transport=recorder or self.transport(),
            sleep=no_sleep,
        )


async def no_sleep(seconds: float) -> None:
    """The retries' backoff, without waiting (injected, never patched)."""


def local_tiss(clock: ManualClock, **options: Any) -> LocalTiss:
    backend = open_backend(":memory:", clock=clock, deterministic=True, **options)
    return LocalTiss(backend, create_app(backend, api_key=KEY, log_access=False), clock)
