"""`Idempotency-Key` on POSTs (docs/api.md section 6; the IETF Idempotency-Key draft).

The first answer to a key and path is stored for 24 hours with a fingerprint of the
body; a repeat with the same body gets that answer again (`Idempotent-Replayed: true`)
and has no further effect; a repeat with another body is 422 `idempotency_key_reused`.
An answer that carries a code (`SecretAnswer`) is stored with the code masked: the
operation derived it from a seed made of the key, path, fingerprint and time, and a
replay derives it again. The lookup, the operation and the stored answer share one
transaction, so two requests with one key are serialised.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from typing import Any

import msgspec

from frontdesk.backend.clock import Clock
from frontdesk.backend.http import Response
from frontdesk.backend.problems import Problem
from frontdesk.backend.records import Store, StoredResponse

IDEMPOTENCY_TTL = 24 * 3600

error_log = logging.getLogger("frontdesk.server")


class SecretAnswer(msgspec.Struct, frozen=True):
    """A POST whose success carries a secret `member` (a code) that is never stored.

    With an Idempotency-Key the operation is given a seed (the key, the path, the body's
    fingerprint and the time of the first request, hashed) and must derive the secret
    from it with `derive(seed, length)`. The stored answer has the secret masked; a
    replay derives it again from the same seed.
    """

    member: str
    derive: Callable[[bytes, int], str]

    def redact(self, body: bytes) -> bytes:
        doc = json.loads(body)
        doc[self.member] = "*" * len(doc[self.member])
        return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()

    def restore(self, stored: bytes, seed: bytes) -> bytes:
        doc = json.loads(stored)
        doc[self.member] = self.derive(seed, len(doc[self.member]))
        return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()


def replay_seed(key: str, scope: str, fingerprint: str, created_at: float) -> bytes:
    text = "\x00".join((key, scope, fingerprint, repr(created_at)))
    return hashlib.sha256(text.encode()).digest()


class Replays:
    """The stored answers of one store, and the 24-hour window they are kept for."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock
        self._purged_at = 0.0

    def answer(
        self,
        key: str,
        scope: str,
        body: Any,
        respond: Callable[[bytes | None], Response],
        *,
        secret: SecretAnswer | None = None,
        where: str = "",
    ) -> Response:
        """The answer to POST `scope` with `key` and `body`: `respond(seed)` the first time
        (seed: for a `secret` answer, else None), then that answer again; raises Problem
        `idempotency_key_reused` for another body. `where` names the request in the log
        (already quoted)."""
        store = self.store
        fingerprint = hashlib.sha256(
            json.dumps(body, sort_keys=True, ensure_ascii=False).encode()
        ).hexdigest()
        now = self.clock.now()
        with store.transaction():
            if now - self._purged_at > 3600:  # keep the table to about a day of POSTs
                store.purge_responses(now - IDEMPOTENCY_TTL)
                self._purged_at = now
            store.lock_key(f"idempotency\n{scope}\n{key}")  # one process per key at a time
            stored = store.get_response(key, scope, now - IDEMPOTENCY_TTL)
            if stored is None:
                seed = None if secret is None else replay_seed(key, scope, fingerprint, now)
                response = respond(seed)
                kept_body = response.body
                if secret is not None and response.status < 300:
                    kept_body = secret.redact(response.body)
                # Stored header names are lower-case, as the Starlette version stored them.
                kept = {
                    k.lower(): v for k, v in response.headers.items() if k.lower() == "retry-after"
                }
                store.put_response(
                    key,
                    scope,
                    StoredResponse(
                        status=response.status,
                        body=kept_body,
                        headers={"content-type": response.media_type or "", **kept},
                        created_at=now,
                        fingerprint=fingerprint,
                    ),
                )
                return response
        if stored.fingerprint != fingerprint:
            error_log.warning("Idempotency-Key reused with a different body on POST %s", where)
            raise Problem(
                "idempotency_key_reused",
                "this Idempotency-Key was used on this path with another body in the last "
                "24 hours; send a fresh key for a new request",
            )
        replayed = stored.body
        if secret is not None and stored.status < 300:
            seed = replay_seed(key, scope, fingerprint, stored.created_at)
            replayed = secret.restore(stored.body, seed)
        headers = {k: v for k, v in stored.headers.items() if k != "content-type"}
        headers["Idempotent-Replayed"] = "true"
        return Response(
            stored.status,
            replayed,
            media_type=stored.headers.get("content-type") or "application/json",
            headers=headers,
        )
