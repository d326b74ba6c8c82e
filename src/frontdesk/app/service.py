"""What the desk asks of its backend, whichever it is: the calls the screens make.

`FrontdeskClient` (the token contract, remote or embedded) and
`frontdesk.counter.tiss_desk.TissDesk` (an operator's TISS web services) both answer them with
the same result types and errors (`frontdesk.client.models`,
`frontdesk.client.client_errors`), so a screen never asks which one it has;
the few TISS screens ask the app for its `TissDesk` (`FrontdeskApp.backend.tiss_desk`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from frontdesk.client.models import (
        Channels,
        Event,
        Guide,
        Health,
        OutboxMessage,
        Token,
    )


class DeskService(Protocol):
    async def health(self) -> Health: ...

    async def list_guides(
        self, *, status: str | None = None, card: str | None = None
    ) -> list[Guide]: ...

    async def get_guide(self, number: str) -> Guide: ...

    async def channels(self, number: str) -> Channels: ...

    async def send_token(
        self,
        number: str,
        *,
        channel_id: str | None = None,
        channel: str | None = None,
        destination: str | None = None,
        idempotency_key: str | None = None,
    ) -> Token: ...

    async def get_token(self, number: str) -> Token: ...

    async def validate(
        self, number: str, code: str, *, idempotency_key: str | None = None
    ) -> Guide: ...

    async def cancel_token(self, number: str, *, idempotency_key: str | None = None) -> Token: ...

    async def absence(
        self, number: str, reason: str, *, idempotency_key: str | None = None
    ) -> Guide: ...

    async def events(self, number: str) -> list[Event]: ...

    async def outbox(self) -> list[OutboxMessage]: ...

    async def app_code(self, card: str) -> str: ...

    async def sac_code(self, guide: str) -> str: ...

    async def advance_clock(self, seconds: int) -> None: ...

    def warm(self) -> bool:
        """Load one part of what later requests need, now that the first screen is complete
        (the desk is idle), and say whether a part remains; nothing to do for most backends."""
        ...

    async def aclose(self) -> None: ...
