"""Web users' passwords: the TISS rules they must meet, and a memory-hard hash (scrypt).

Why `hashlib.scrypt` rather than argon2-cffi: it is in the standard library of every CPython
3.11 built with OpenSSL 1.1 or later (python.org's installers, Debian, Windows), so a thin-
client server needs no compiled extra dependency; it is memory-hard, and the parameters are
stored with each hash so they can be raised later without breaking old ones. The cost is
one of OWASP's equivalent scrypt settings (N=2^15, r=8, p=3: 32 MiB, about 0.2 s here); argon2id
would be OWASP's first choice, and the store can take it later under another prefix.

The rules are the TISS security standard's (Padrão TISS Segurança, May 2023): requirement 67
(at least 8 characters, with an upper-case and a lower-case letter, a digit and a symbol;
this also meets issue 13's "at least one that is not a letter"), requirement 75 (different
from the last three) and requirement 77 (a hash of at least 256 bits: 32 bytes here).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import unicodedata
from collections.abc import Iterable
from typing import Final

from frontdesk.core.i18n import t

MIN_LENGTH: Final = 8
MAX_LENGTH: Final = 256  # a bound on the work one login can ask for
HISTORY: Final = 3  # TISS 75: different from the last three passwords

SCHEME: Final = "scrypt"
N: Final = 2**15
R: Final = 8
P: Final = 3
DKLEN: Final = 32  # TISS 77: at least 256 bits
SALT_BYTES: Final = 16
_MAXMEM: Final = 64 * 1024 * 1024


class PasswordRejected(ValueError):
    """A password that breaks a rule; the message (in the user's language) says which."""


def _normal(password: str) -> bytes:
    # The same password typed on another keyboard (composed or decomposed accents) matches.
    return unicodedata.normalize("NFC", password).encode("utf-8")


def check_rules(password: str, *, user: str = "") -> None:
    """Raise `PasswordRejected` unless `password` meets TISS requirement 67 (and is not the
    user's own name)."""
    if len(password) < MIN_LENGTH:
        raise PasswordRejected(t("web.password.short", min=MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        raise PasswordRejected(t("web.password.long", max=MAX_LENGTH))
    missing = []
    if not any(c.isupper() for c in password):
        missing.append(t("web.password.upper"))
    if not any(c.islower() for c in password):
        missing.append(t("web.password.lower"))
    if not any(c.isdigit() for c in password):
        missing.append(t("web.password.digit"))
    if all(c.isalnum() for c in password):
        missing.append(t("web.password.symbol"))
    if missing:
        raise PasswordRejected(t("web.password.kinds", missing=", ".join(missing)))
    if user and user.casefold() in password.casefold():
        raise PasswordRejected(t("web.password.name"))


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def hash_password(password: str) -> str:
    """`scrypt$N$r$p$salt$hash`: the parameters, a random salt and the 32-byte hash."""
    salt = secrets.token_bytes(SALT_BYTES)
    digest = hashlib.scrypt(
        _normal(password), salt=salt, n=N, r=R, p=P, maxmem=_MAXMEM, dklen=DKLEN
    )
    return f"{SCHEME}${N}${R}${P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    """Whether `password` matches `stored` (constant-time comparison); False for a stored
    value that is not a hash this module made (never an exception)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != SCHEME:
            return False
        cost = (int(n), int(r), int(p))
        expected = _unb64(digest)
        raw_salt = _unb64(salt)
    except ValueError:
        return False
    if not (2 <= cost[0] <= 2**20 and 1 <= cost[1] <= 32 and 1 <= cost[2] <= 16):
        return False
    if len(password) > MAX_LENGTH:
        password = password[:MAX_LENGTH]  # still costs a hash; never matches a real one
        stored = ""
    try:
        found = hashlib.scrypt(
            _normal(password),
            salt=raw_salt,
            n=cost[0],
            r=cost[1],
            p=cost[2],
            maxmem=_MAXMEM * 4,
            dklen=len(expected) or DKLEN,
        )
    except (ValueError, MemoryError):
        return False
    return hmac.compare_digest(found, expected) and bool(stored)


def reused(password: str, history: Iterable[str]) -> bool:
    """Whether `password` is one of the hashes in `history` (TISS 75)."""
    return any(verify_password(password, old) for old in history)


DUMMY_HASH: Final = f"{SCHEME}${N}${R}${P}${_b64(b'frontdesk-dummy!')}${_b64(b'x' * DKLEN)}"
"""Verified against when the user does not exist, so that a login costs the same either way."""
