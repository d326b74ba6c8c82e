"""Inputs and lists that suit the counter: no cursor blink over SSH, Enter in the key bar.

Enter is handled by the focused widget itself (Input.Submitted, OptionList.OptionSelected),
never by a priority binding: a barcode scanner's burst of digits and Enter must reach the
field in order, and only a message from the field is queued behind the digits. So each
field and list that Enter acts on is a small subclass whose own Enter binding says, in the
key bar, what Enter does there (Textual's own is hidden: "Submit" means nothing at a desk).
"""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import Input, OptionList

from frontdesk.app.desk import desk_app


class DeskInput(Input):
    """`Input` whose cursor blinks only when the app says so (`App.input_cursor_blink`)."""

    def on_mount(self) -> None:
        self.cursor_blink = desk_app(self).input_cursor_blink


class GuideField(DeskInput):
    """The lookup's guide number (or card) field: Enter opens the guide (or searches).

    Focusing it never selects what it holds: digits typed elsewhere on the lookup are
    brought here (`take`), and a selection would let the next digit replace them.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "submit", "key.open", id="lookup.open", tooltip="key.open.tip"),
    ]

    def __init__(self, *, placeholder: str, id: str, max_length: int) -> None:
        super().__init__(
            placeholder=placeholder, id=id, max_length=max_length, select_on_focus=False
        )

    def take(self, text: str) -> None:
        """`text` typed while another widget had the focus: added at the cursor, and the
        focus here at once (the next keys come here, after it)."""
        self.screen.set_focus(self)
        self.insert_text_at_cursor(text)


class CodeField(DeskInput):
    """The code the patient reads out: Enter validates it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "submit", "key.validate", id="code.validate", tooltip="key.validate.tip"),
    ]


class DestinationField(DeskInput):
    """A phone or e-mail the patient dictates: Enter sends the code there."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter", "submit", "key.send_confirm", id="send.typed", tooltip="key.send_confirm.tip"
        ),
    ]


class ReasonList(OptionList):
    """The TISS absence reasons: Enter chooses the highlighted one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "key.choose", id="absence.choose", tooltip="key.choose.tip"),
    ]


class ProfileList(OptionList):
    """The configured profiles and the local demonstration: Enter switches to one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "key.switch", id="profiles.choose", tooltip="key.switch.tip"),
    ]


class SettingList(OptionList):
    """A setting's choices (the language, the theme): Enter saves the settings."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "key.save", id="settings.choose", tooltip="key.save.tip"),
    ]
