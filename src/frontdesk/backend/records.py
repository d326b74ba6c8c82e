"""The local backend's records and the `Store` interface the service needs of persistence.

Frozen msgspec Structs, one per stored thing (a beneficiary, a contact, a guide, an
event, a simulator message, a stored answer for Idempotency-Key replays), and the
`Store` protocol `frontdesk.backend.store.SqliteStore` and
`frontdesk.backend.postgres.PostgresStore` implement.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any, Protocol

import msgspec

from frontdesk.backend.engine import Challenge


class BeneficiaryRecord(msgspec.Struct, frozen=True):
    card: str  # digits only
    card_display: str
    name: str
    social_name: str | None
    plan: str
    app_secret: str | None
    app_last_counter: int | None
    last_used_contact: str | None


class ContactRecord(msgspec.Struct, frozen=True):
    card: str
    position: int
    kind: str  # sms | email
    value: str  # unmasked

    @property
    def channel_id(self) -> str:
        return f"c{self.position}"


class GuideRecord(msgspec.Struct, frozen=True):
    number: str
    operator_number: str
    type: str
    status: str
    requested_at: float
    card: str
    provider_code: str
    provider_name: str
    procedures: list[dict[str, Any]]
    authorization_number: str | None
    authorization_valid_until: str | None
    absence_reason: str | None


class EventRecord(msgspec.Struct, frozen=True):
    at: float
    kind: str
    data: dict[str, Any]


class OutboxRecord(msgspec.Struct, frozen=True):
    id: int
    channel: str
    to: str
    body: str
    code: str
    guide: str
    sent_at: float


class StoredResponse(msgspec.Struct, frozen=True):
    status: int
    body: bytes
    headers: dict[str, str]
    created_at: float
    fingerprint: str


class StorageUnavailable(Exception):
    """The store cannot do its work now (disk full, I/O error, database locked or read-only).

    Nothing of the failed transaction was kept. `path` names the database, `cause` says
    what failed, in the database's words; neither holds request data.
    """

    def __init__(self, path: str, cause: str) -> None:
        super().__init__(f"{path}: {cause}")
        self.path = path
        self.cause = cause


class Store(Protocol):
    """What the backend needs of persistence. All calls happen inside `transaction()`.

    A store that cannot write (or read) now raises `StorageUnavailable`, from the call or
    from leaving `transaction()`, having kept nothing of the transaction. A transaction
    opened with `commit=False` is always rolled back: its writes are only seen inside it.
    """

    def transaction(self, *, commit: bool = True) -> AbstractContextManager[None]: ...
    def close(self) -> None: ...
    def secret_key(self) -> bytes: ...
    def lock_key(self, name: str) -> None:
        """Hold a lock named `name` until the transaction ends, so that two processes on one
        database serialise what no row guards yet (an Idempotency-Key, a TISS transaction
        number, first seeding)."""

    def is_empty(self) -> bool: ...

    def get_guide(self, number: str) -> GuideRecord | None: ...
    def list_guides(self, status: str | None, card: str | None) -> list[GuideRecord]: ...
    def put_guide(self, guide: GuideRecord) -> None: ...

    def get_beneficiary(self, card: str) -> BeneficiaryRecord | None: ...
    def put_beneficiary(self, beneficiary: BeneficiaryRecord) -> None: ...
    def contacts(self, card: str) -> list[ContactRecord]: ...
    def add_contact(self, contact: ContactRecord) -> None: ...

    def get_challenge(self, guide: str) -> Challenge | None: ...
    def put_challenge(self, guide: str, challenge: Challenge) -> None: ...
    def send_times(self, guide: str, since: float) -> list[float]: ...
    def add_send(self, guide: str, at: float) -> None: ...
    def failure_times(self, card: str, since: float) -> list[float]: ...
    def add_failure(self, card: str, at: float) -> None: ...

    def add_event(self, guide: str, at: float, kind: str, data: dict[str, Any]) -> None: ...
    def events(self, guide: str) -> list[EventRecord]: ...

    def add_outbox(
        self, channel: str, to: str, body: str, code: str, guide: str, at: float
    ) -> int: ...
    def outbox(self, limit: int) -> list[OutboxRecord]: ...

    def get_response(self, key: str, scope: str, since: float) -> StoredResponse | None: ...
    def put_response(self, key: str, scope: str, response: StoredResponse) -> None: ...
    def purge_responses(self, before: float) -> None: ...
