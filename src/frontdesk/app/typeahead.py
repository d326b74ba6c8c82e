"""Keys typed ahead of the screen: a form must take them in order, in the right fields.

Textual hands each key to the widget focused when the app reads it, and a widget handles
its keys in its own task, later. A key that moves focus (Tab, F4 opening a form) is then
handled after the app has already handed the next keys to the old widget: typed fast (or
pasted, or sent by a scanner), the next values land in the wrong field. So a form's keys
that move focus are priority bindings (the app runs them as it reads them, holding the
next keys) that first wait, with `caught_up`, until the focused widget has handled what it
was given; and its fields run their own bindings in their own turn (`run_own_binding`).
"""

from __future__ import annotations

import asyncio
import contextlib

from textual import events
from textual.message_pump import MessagePump
from textual.widget import Widget

CATCH_UP_SECONDS = 1.0


async def caught_up(*pumps: MessagePump | None, timeout: float = CATCH_UP_SECONDS) -> None:
    """Once each of `pumps` (a widget, a screen) has handled every message already queued
    for it, keys included; at most `timeout` seconds each (a stuck widget never hangs the
    app)."""
    for pump in pumps:
        if pump is None:
            continue
        done = asyncio.Event()
        if not pump.call_later(done.set):
            continue  # closed: nothing more will be handled there
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(done.wait(), timeout)


async def run_own_binding(widget: Widget, event: events.Key) -> None:
    """Run `widget`'s own binding for `event` in the widget's turn, and keep the key there.

    Textual resolves a widget's bindings (Backspace, arrows, Enter) only when the unhandled
    key has bubbled back to the app, against whatever has the focus by then; a form's fields
    call this from `on_key` so that their keys act on them, in the order they were typed.
    Printable keys are left to the widget (an Input inserts them itself).
    """
    if event.is_printable:
        return
    # Textual 8's private seam, as `Screen._binding_chain` reads it: a node's `_bindings`
    # with the app's `_keymap` applied (guarded by tests/app/test_tiss_counter.py's
    # typed-at-once and remapped-key tests).
    bindings = widget._bindings.copy()
    if widget.app._keymap:
        bindings.apply_keymap(widget.app._keymap)
    for binding in bindings.key_to_bindings.get(event.key, ()):
        if not binding.priority and await widget.app.run_action(binding.action, widget):
            event.stop()
            event.prevent_default()
            return
