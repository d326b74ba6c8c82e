"""Helpers for the backend tests: demo data lookups, codes from the simulator, scanning text."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import pyotp

from frontdesk.backend.demo import BENEFICIARIES
from frontdesk.backend.service import LocalBackend
from frontdesk.client import AlreadyAuthorized, FrontdeskClient, Guide
from frontdesk.core.contacts import digits_only

MARIA = "Maria Aparecida Souza"  # 3 phones + e-mail + app, three guides awaiting a token
JOAO = "João Pedro Oliveira"  # 1 phone, no e-mail, no app
ANA = "Ana Beatriz Lima"  # no phone, e-mail + app
CARLOS = "Carlos Eduardo Santos"  # no phone, no e-mail, no app: SAC or absence only
LUIZ = "Luiz Henrique Ferreira"  # social name Luíza Ferreira; 1 phone + e-mail
FRANCISCA = "Francisca das Chagas Pereira"  # 2 phones + e-mail + app

UNKNOWN_GUIDE = "9999999999999"
WRONG_KEY = "not-the-key"

# Every registered contact of the demo data, unmasked (what must never leave the backend).
DEMO_PHONES: tuple[str, ...] = tuple(p for b in BENEFICIARIES for p in b.phones)
DEMO_EMAILS: tuple[str, ...] = tuple(b.email for b in BENEFICIARIES if b.email)


@dataclass(frozen=True)
class Demo:
    """The demo guides as the backend lists them, with lookups by beneficiary and status."""

    guides: tuple[Guide, ...]

    def numbers(self, name: str, status: str = "awaiting_token") -> list[str]:
        found = [g.number for g in self.guides if g.beneficiary.name == name and g.status == status]
        assert found, f"the demo data has no {status} guide of {name}"
        return sorted(found)

    def number(self, name: str, status: str = "awaiting_token") -> str:
        return self.numbers(name, status)[0]

    def with_status(self, status: str) -> Guide:
        found = [g for g in self.guides if g.status == status]
        assert found, f"the demo data has no {status} guide"
        return found[0]

    def awaiting(self) -> list[str]:
        return sorted(g.number for g in self.guides if g.status == "awaiting_token")

    def card(self, name: str) -> str:
        return next(g.beneficiary.card for g in self.guides if g.beneficiary.name == name)


async def load_demo(client: FrontdeskClient) -> Demo:
    return Demo(tuple(await client.list_guides()))


async def last_code(client: FrontdeskClient, number: str) -> str:
    """The code of the newest outbox message for a guide (what the patient reads out)."""
    for message in await client.outbox():
        if message.guide == number:
            return message.code
    raise AssertionError(f"no message for guide {number} in the outbox")


def wrong_code(*right: str, length: int = 6) -> str:
    """A well-formed code different from every given one."""
    for candidate in range(10**length):
        code = f"{candidate:0{length}d}"
        if code not in right:
            return code
    raise AssertionError("no wrong code left")


def app_secret(backend: LocalBackend, card: str) -> str:
    """The TOTP secret of the beneficiary's app (the simulator's phone)."""
    with backend.store.transaction(commit=False):  # a store is read inside a transaction
        beneficiary = backend.store.get_beneficiary(digits_only(card))
    assert beneficiary is not None and beneficiary.app_secret is not None
    return beneficiary.app_secret


def app_window(secret: str, now: float, step: int = 30) -> set[str]:
    """Every app code (RFC 6238) the backend accepts at `now`: one step either side."""
    totp = pyotp.TOTP(secret)
    return {totp.at(int(now) + offset * step) for offset in (-1, 0, 1)}


def code_pattern(codes: Iterable[str]) -> re.Pattern[str]:
    """Matches any of the codes as a whole run of digits (not inside a longer number)."""
    alternatives = "|".join(sorted({re.escape(c) for c in codes}))
    assert alternatives, "no codes collected"
    return re.compile(rf"(?<!\d)(?:{alternatives})(?!\d)")


def reveals_contact(text: str) -> str | None:
    """The demo contact that `text` shows unmasked (full phone digits or e-mail name), if any."""
    digits = digits_only(text)
    for phone in DEMO_PHONES:
        if phone in digits or phone[2:] in digits:
            return phone
    lowered = text.lower()
    for email in DEMO_EMAILS:
        name = email.split("@", 1)[0].lower()
        if name in lowered:
            return email
    return None


def one_winner(results: list[Guide | BaseException]) -> Guide:
    """Exactly one Guide among the results; every other is AlreadyAuthorized with its number."""
    winners = [r for r in results if isinstance(r, Guide)]
    losers = [r for r in results if isinstance(r, AlreadyAuthorized)]
    assert len(winners) == 1, results
    assert len(losers) == len(results) - 1, results
    [winner] = winners
    assert winner.status == "authorized" and winner.authorization is not None
    for loser in losers:
        assert (loser.status, loser.error_code) == (409, "already_authorized")
        assert loser.authorization == winner.authorization
    return winner
