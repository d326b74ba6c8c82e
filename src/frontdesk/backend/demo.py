"""Demo data for a fresh local backend: realistic beneficiaries, contacts and guides.

It exercises every path of the contract: guides in every status; beneficiaries with 0, 1
and 3 phones, with and without e-mail, with and without the app (and one with a social
name); one beneficiary with several guides awaiting a token. Times are relative to the
backend's clock, so "today's queue" is today's.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec

from frontdesk.backend.store import BeneficiaryRecord, ContactRecord, GuideRecord, Store
from frontdesk.core.tuss import PROCEDURE_NAMES

PROVIDER = ("123456", "Clínica Sorriso")

TUSS = PROCEDURE_NAMES  # TUSS table 22: the demo guides' procedures are among these


class DemoBeneficiary(msgspec.Struct, frozen=True):
    card: str
    name: str
    social_name: str | None
    plan: str
    phones: Sequence[str]
    email: str | None
    has_app: bool


BENEFICIARIES: tuple[DemoBeneficiary, ...] = (
    DemoBeneficiary(
        "0064 8000 1234 5678",
        "Maria Aparecida Souza",
        None,
        "Odonto Clássico",
        ("43991231234", "43988708870", "43999015566"),
        "maria.souza@email.com",
        True,
    ),
    DemoBeneficiary(
        "0064 8000 2345 6781",
        "João Pedro Oliveira",
        None,
        "Saúde Essencial",
        ("11987654321",),
        None,
        False,
    ),
    DemoBeneficiary(
        "0064 8000 3456 7812",
        "Ana Beatriz Lima",
        None,
        "Saúde Executivo",
        (),
        "ana.lima@uol.com.br",
        True,
    ),
    DemoBeneficiary(
        "0064 8000 4567 8123",
        "Carlos Eduardo Santos",
        None,
        "Saúde Essencial",
        (),
        None,
        False,
    ),
    DemoBeneficiary(
        "0064 8000 5678 1234",
        "Luiz Henrique Ferreira",
        "Luíza Ferreira",
        "Odonto Master",
        ("21976543210",),
        "luiza.ferreira@gmail.com",
        False,
    ),
    DemoBeneficiary(
        "0064 8000 6781 2345",
        "Francisca das Chagas Pereira",
        None,
        "Saúde Executivo",
        ("85996321478", "85991112233"),
        "francisca.pereira@bol.com.br",
        True,
    ),
    DemoBeneficiary(
        "0064 8000 7812 3456",
        "Antônio Carlos Ribeiro",
        None,
        "Odonto Clássico",
        ("41984561230",),
        None,
        True,
    ),
)


class DemoGuide(msgspec.Struct, frozen=True):
    card: str
    type: str
    status: str
    minutes_ago: int
    procedures: Sequence[tuple[str, int]]
    authorization: str | None = None
    absence_reason: str | None = None


GUIDES: tuple[DemoGuide, ...] = (
    DemoGuide("0064 8000 1234 5678", "odonto", "awaiting_token", 2, (("81000065", 1),)),
    DemoGuide("0064 8000 2345 6781", "consulta", "awaiting_token", 5, (("10101012", 1),)),
    DemoGuide(
        "0064 8000 3456 7812",
        "sp_sadt",
        "awaiting_token",
        8,
        (("40304361", 1), ("40302040", 1), ("40316521", 1)),
    ),
    DemoGuide("0064 8000 4567 8123", "sp_sadt", "awaiting_token", 11, (("40901122", 1),)),
    DemoGuide("0064 8000 5678 1234", "odonto", "awaiting_token", 14, (("84000198", 1),)),
    DemoGuide(
        "0064 8000 1234 5678", "odonto", "awaiting_token", 16, (("85100099", 2), ("81000421", 2))
    ),
    DemoGuide("0064 8000 1234 5678", "odonto", "awaiting_token", 19, (("84000198", 1),)),
    DemoGuide("0064 8000 6781 2345", "sp_sadt", "awaiting_token", 23, (("40101010", 1),)),
    DemoGuide(
        "0064 8000 6781 2345",
        "sp_sadt",
        "under_review",
        48,
        (("40901122", 1),),
        absence_reason="07",
    ),
    DemoGuide(
        "0064 8000 7812 3456",
        "odonto",
        "authorized",
        65,
        (("81000065", 1),),
        authorization="Q7K2M9XA",
    ),
    DemoGuide(
        "0064 8000 6781 2345",
        "sp_sadt",
        "partially_authorized",
        90,
        (("40304361", 1), ("40316521", 1)),
        authorization="H3W8T4NR",
    ),
    DemoGuide("0064 8000 4567 8123", "consulta", "denied", 130, (("10101012", 1),)),
    DemoGuide("0064 8000 2345 6781", "sp_sadt", "cancelled", 150, (("40302040", 1),)),
)


def _app_secret(card: str, deterministic: bool) -> str:
    if not deterministic:
        # 160 random bits in base32, as pyotp.random_base32() and RFC 4226 advise; without
        # pyotp, which the engine loads with the first app code (see engine.py).
        return base64.b32encode(secrets.token_bytes(20)).decode()
    # Tests and snapshots: a fixed secret per card, so the app's code is reproducible.
    return base64.b32encode(hashlib.sha256(f"demo-app:{card}".encode()).digest()[:20]).decode()


def seed_demo(store: Store, now: float, *, deterministic: bool = False) -> None:
    """Fill an empty store with the demo data (inside one transaction).

    `deterministic` fixes the app secrets (tests, snapshots); otherwise they are random.
    """
    today = datetime.fromtimestamp(now, tz=UTC)
    valid_until = (today + timedelta(days=30)).date().isoformat()
    with store.transaction():
        for b in BENEFICIARIES:
            card = "".join(ch for ch in b.card if ch.isdigit())
            store.put_beneficiary(
                BeneficiaryRecord(
                    card=card,
                    card_display=b.card,
                    name=b.name,
                    social_name=b.social_name,
                    plan=b.plan,
                    app_secret=_app_secret(card, deterministic) if b.has_app else None,
                    app_last_counter=None,
                    last_used_contact=None,
                )
            )
            position = 1
            for phone in b.phones:
                store.add_contact(ContactRecord(card, position, "sms", phone))
                position += 1
            if b.email:
                store.add_contact(ContactRecord(card, position, "email", b.email))
        for index, g in enumerate(GUIDES):
            number = f"{today:%Y%m%d}{17 + index:05d}"
            procedures: list[dict[str, Any]] = [
                {"table": "22", "code": code, "description": TUSS[code], "quantity": qty}
                for code, qty in g.procedures
            ]
            store.put_guide(
                GuideRecord(
                    number=number,
                    operator_number=f"88{(12345 + 7919 * index) % 100_000:05d}",
                    type=g.type,
                    status=g.status,
                    requested_at=now - 60 * g.minutes_ago,
                    card="".join(ch for ch in g.card if ch.isdigit()),
                    provider_code=PROVIDER[0],
                    provider_name=PROVIDER[1],
                    procedures=procedures,
                    authorization_number=g.authorization,
                    authorization_valid_until=valid_until if g.authorization else None,
                    absence_reason=g.absence_reason,
                )
            )
