"""The fork server's first import: the environment of textual's web driver, which Textual
reads when it is imported (textual.constants), so every forked desk starts with it.

Each desk's own variables (COLUMNS, ROWS, FRONTDESK_WEB_USER) are set again in the child.
"""

from __future__ import annotations

import os

from textual_serve.app_service import AppService


def web_driver_environment() -> dict[str, str]:
    """textual-serve's environment for an app process (this process's, plus the driver's)."""
    service = AppService.__new__(AppService)
    service.debug = False
    return service._build_environment()


os.environ.update(web_driver_environment())
