"""A stand-in for the desk in the web server's tests: speaks the web driver's protocol, no UI.

Prints the `__GANGLION__` prelude, one data packet naming its user (FRONTDESK_WEB_USER) and
its size, then echoes every key packet back as data, and every resize as "resize:WxH". A
"quit" meta packet ends it with exit status 0, as the real app does. With `--stubborn` it
ignores "quit" (the server must terminate it); with `--crash` it exits with status 3 after
the first key. With `--probe` its first packet also carries what a forked desk must not
share with another (`probe()`).
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import sys


def packet(kind: bytes, payload: bytes) -> bytes:
    return kind + len(payload).to_bytes(4, "big") + payload


def probe() -> dict[str, object]:
    """This process's open descriptors, `random`'s next draw, its user, whether an event
    loop exists, and which of the server's or keyring's modules it holds."""
    listing = os.listdir("/proc/self/fd")  # its own descriptor is closed once it returns
    fds = sorted(int(fd) for fd in listing if os.path.exists(f"/proc/self/fd/{fd}"))
    policy = asyncio.get_event_loop_policy()
    local = getattr(policy, "_local", None)
    return {
        "pid": os.getpid(),
        "fds": {fd: os.readlink(f"/proc/self/fd/{fd}") for fd in fds},
        "random": random.getrandbits(64),
        "user": os.environ.get("FRONTDESK_WEB_USER"),
        "loop": getattr(local, "_loop", None) is not None,
        "modules": sorted(
            m for m in sys.modules if m.startswith(("keyring", "frontdesk.web.server", "aiohttp"))
        ),
    }


def main() -> int:
    stubborn = "--stubborn" in sys.argv
    crash = "--crash" in sys.argv
    out = sys.stdout.buffer
    out.write(b"__GANGLION__\n")
    user = os.environ.get("FRONTDESK_WEB_USER", "?")
    size = f"{os.environ.get('COLUMNS')}x{os.environ.get('ROWS')}"
    first = f"fake desk for {user} at {size} argv={sys.argv[1:]}"
    if "--probe" in sys.argv:
        first += " probe=" + json.dumps(probe()) + " end"
    out.write(packet(b"D", first.encode()))
    out.flush()
    source = sys.stdin.buffer
    while True:
        header = source.read(5)
        if len(header) < 5:
            return 0
        kind, size_bytes = header[:1], header[1:]
        payload = source.read(int.from_bytes(size_bytes, "big"))
        if kind == b"D":
            if crash:
                return 3
            out.write(packet(b"D", b"echo:" + payload))
            out.flush()
        elif kind == b"M":
            meta = json.loads(payload)
            if meta.get("type") == "resize":
                said = f"resize:{meta.get('width')}x{meta.get('height')}"
                out.write(packet(b"D", said.encode()))
                out.flush()
            elif meta.get("type") == "quit" and not stubborn:
                out.write(packet(b"M", json.dumps({"type": "exit"}).encode()))
                out.flush()
                return 0


if __name__ == "__main__":
    sys.exit(main())
