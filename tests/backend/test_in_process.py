"""The embedded client's in-process caller: no httpx, and the same HTTP as httpx would carry."""

from __future__ import annotations

import httpx

from frontdesk.client.asgi import AsgiSession
from frontdesk.local.embedded_client import EMBEDDED_URL
from support.demo import MARIA, UNKNOWN_GUIDE

from .conftest import Env


async def test_answers_match_httpx_asgi_transport(embedded_env: Env) -> None:
    """Same requests, same backend: status, headers and body as httpx.ASGITransport gives."""
    env = embedded_env
    number = (await env.demo()).number(MARIA)
    auth = env.auth()
    session = AsgiSession(env.app, EMBEDDED_URL)
    env.log.attach(session)
    requests: list[tuple[str, str, dict[str, str] | None, dict[str, str]]] = [
        ("GET", "/v1/health", None, {}),
        ("GET", "/v1/guides", {"status": "awaiting_token"}, auth),
        ("GET", "/v1/guides", {"card": "0064 8000 1234 5678"}, auth),
        ("GET", "/v1/guides", {"status": "no-such-status"}, auth),
        ("GET", f"/v1/guides/{number}", None, auth),
        ("GET", f"/v1/guides/{number}/token/channels", None, auth),
        ("GET", f"/v1/guides/{UNKNOWN_GUIDE}", None, auth),
        ("GET", "/v1/guides", None, {}),
        ("GET", "/v1/no-such-path", None, auth),
        ("DELETE", f"/v1/guides/{number}", None, auth),
    ]
    for method, path, params, headers in requests:
        ours = await session.request(method, path, params=params, headers=headers)
        theirs = await env.raw.request(method, path, params=params, headers=headers)
        what = f"{method} {path} {params}"
        assert ours.status_code == theirs.status_code, what
        assert ours.reason_phrase == theirs.reason_phrase, what
        assert dict(ours.headers) == dict(theirs.headers), what
        assert ours.content == theirs.content, what


async def test_a_replayed_post_says_so_in_its_headers(embedded_env: Env) -> None:
    env = embedded_env
    number = (await env.demo()).number(MARIA)
    session = AsgiSession(env.app, EMBEDDED_URL)
    env.log.attach(session)
    headers = env.auth(Idempotency_Key="replay-1")
    path = f"/v1/guides/{number}/token"
    first = await session.request("POST", path, json={"channel_id": "c1"}, headers=headers)
    second = await session.request("POST", path, json={"channel_id": "c1"}, headers=headers)
    assert (first.status_code, second.status_code) == (201, 201)
    assert "Idempotent-Replayed" not in first.headers
    assert second.headers["Idempotent-Replayed"] == second.headers["idempotent-replayed"] == "true"
    assert first.json() == second.json()
    assert len(await env.client.outbox()) == 1


async def test_the_openapi_log_sees_the_embedded_client(embedded_env: Env) -> None:
    env = embedded_env
    before = len(env.log.seen)
    await env.client.health()
    await env.client.list_guides()
    seen = env.log.seen[before:]
    assert [(s.method, s.path, s.status) for s in seen] == [
        ("GET", "/v1/health", 200),
        ("GET", "/v1/guides", 200),
    ]


async def test_the_raw_client_is_httpx_and_still_checked(embedded_env: Env) -> None:
    """The raw client keeps httpx.ASGITransport: an independent client for the same app."""
    env = embedded_env
    assert isinstance(env.raw, httpx.AsyncClient)
    before = len(env.log.seen)
    await env.raw.get("/v1/health")
    assert len(env.log.seen) == before + 1
