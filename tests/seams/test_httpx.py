"""Guard of the httpx module that `frontdesk.core._httpx` hides (docs/architecture.md,
"Private seams")."""

from __future__ import annotations

import importlib.util
import inspect
import subprocess
import sys

import httpx

from seams.guard import Seam

CLI = Seam("httpx", 'sys.modules["httpx._main"]', "frontdesk/core/_httpx.py")


def test_httpx_still_loads_its_command_line_tool_from_httpx_main() -> None:
    """httpx imports `httpx._main` (click, pygments, rich) when it can: the module hidden
    while frontdesk imports httpx. Renamed, the hiding would hide nothing."""
    if importlib.util.find_spec("httpx._main") is None:
        CLI.fail("there is no module httpx._main any more")
    if "from ._main import" not in inspect.getsource(httpx):
        CLI.fail("httpx/__init__.py no longer imports httpx._main")
    probe = (
        "import sys; import frontdesk.core._httpx; "
        "print(sorted({'httpx._main', 'rich', 'click'} & set(sys.modules)))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.strip()
    if loaded != "[]":
        CLI.fail(f"importing httpx through frontdesk.core._httpx still loads {loaded}")
