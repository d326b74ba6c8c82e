"""The embedded client's in-process caller: no httpx, and the same HTTP as httpx would carry."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import httpx

from frontdesk.backend.embedded import EMBEDDED_URL
from frontdesk.client.asgi import AsgiSession

from .conftest import Env
from .helpers import MARIA, UNKNOWN_GUIDE

NO_HTTPX_PROBE = textwrap.dedent(
    """
    import asyncio, json, sys

    from frontdesk.backend.embedded import embedded_client
    from frontdesk.client import InvalidCode

    async def main() -> dict:
        client, backend = embedded_client(":memory:")
        async with client:
            health = await client.health()
            guides = await client.list_guides(status="awaiting_token")
            number = next(g.number for g in guides if g.beneficiary.name == sys.argv[1])
            guide = await client.get_guide(number)
            token = await client.send_token(number, channel_id="c1")
            code = next(m.code for m in await client.outbox() if m.guide == number)
            wrong = "000000" if code != "000000" else "111111"
            try:
                await client.validate(number, wrong)
            except InvalidCode as error:
                rejected = [error.status, error.code, error.attempts_left]
            else:
                rejected = []
        backend.close()
        return {
            "health": [health.status, health.mode],
            "guide": guide.number == number,
            "token": token.state,
            "rejected": rejected,
            "loaded": sorted(
                name for name in ("httpx", "httpcore", "h11", "certifi", "idna", "http.cookiejar")
                if name in sys.modules
            ),
        }

    print(json.dumps(asyncio.run(main())))
    """
)


def test_the_embedded_client_never_imports_httpx() -> None:
    out = subprocess.run(
        [sys.executable, "-c", NO_HTTPX_PROBE, MARIA],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    result = json.loads(out)
    assert result == {
        "health": ["ok", "local"],
        "guide": True,
        "token": "pending",
        "rejected": [422, "invalid_code", 4],
        "loaded": [],
    }


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
