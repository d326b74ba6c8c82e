"""Network names: is a host this machine (loopback)?"""

from __future__ import annotations

import ipaddress
from typing import Final

LOOPBACK_NAMES: Final[frozenset[str]] = frozenset(
    {"localhost", "localhost.localdomain", "ip6-localhost"}
)


def is_loopback(host: str) -> bool:
    """True for this machine: localhost, 127.0.0.0/8, ::1 (brackets and a final dot allowed)."""
    name = host.strip().strip("[]").lower().rstrip(".")
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False
