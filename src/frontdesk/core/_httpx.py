"""httpx, imported without its optional command-line tool.

httpx imports `httpx._main` (click, pygments, rich: ~0.1 s) whenever those are installed.
Headless code (client, server, `frontdesk serve`, the technician's commands) must not
import rich, so every frontdesk module takes httpx from here.
"""

from __future__ import annotations

import sys

_hide_cli = "httpx" not in sys.modules and "httpx._main" not in sys.modules
if _hide_cli:
    sys.modules["httpx._main"] = None  # type: ignore[assignment]
try:
    import httpx
finally:
    if _hide_cli:
        del sys.modules["httpx._main"]

__all__ = ["httpx"]
