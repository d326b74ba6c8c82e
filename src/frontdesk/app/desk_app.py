"""How widgets and screens reach the running front desk, typed: `desk_app(node)`."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.message_pump import MessagePump

    from frontdesk.app.app import FrontdeskApp


def desk_app(node: MessagePump) -> FrontdeskApp:
    """The app `node` runs in: the front desk (its widgets and screens run in no other)."""
    # Imported here: frontdesk.app.app imports the screens, which import this module.
    from frontdesk.app.app import FrontdeskApp

    app = node.app
    if not isinstance(app, FrontdeskApp):
        raise TypeError(f"{type(node).__name__} runs in FrontdeskApp, not {type(app).__name__}")
    return app
