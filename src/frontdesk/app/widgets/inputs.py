"""Inputs that suit the counter: no cursor blink over SSH, and Enter shown in the footer.

Enter is handled by the focused widget itself (Input.Submitted, OptionList.OptionSelected),
never by a priority binding: a barcode scanner's burst of digits and Enter must reach the
field in order, and only a message from the field is queued behind the digits.
"""

from __future__ import annotations

from dataclasses import replace

from textual.widget import Widget
from textual.widgets import Input

from frontdesk.core.i18n import t


def show_enter(widget: Widget, label_key: str, binding_id: str, tooltip_key: str = "") -> None:
    """Show the widget's own Enter binding in the footer, as `label_key` in the user's words."""
    for binding in widget._bindings.key_to_bindings.get("enter", []):
        widget._bindings.key_to_bindings["enter"] = [
            replace(
                binding,
                description=t(label_key),
                tooltip=t(tooltip_key) if tooltip_key else "",
                show=True,
                id=binding_id,
                key_display=None,
            )
        ]
        break


class DeskInput(Input):
    """`Input` whose cursor blinks only when the app says so (`App.input_cursor_blink`)."""

    def on_mount(self) -> None:
        self.cursor_blink = bool(getattr(self.app, "input_cursor_blink", True))
