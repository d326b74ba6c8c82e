"""Inputs and lists that suit the counter: no cursor blink over SSH, Enter in the key bar.

Enter is handled by the focused widget itself (Input.Submitted, OptionList.OptionSelected),
never by a priority binding: a barcode scanner's burst of digits and Enter must reach the
field in order, and only a message from the field is queued behind the digits. So each
field and list that Enter acts on is a small subclass whose own Enter binding says, in the
key bar, what Enter does there (Textual's own is hidden: "Submit" means nothing at a desk).
"""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.reactive import Reactive
from textual.widgets import Input, OptionList

from frontdesk.app.desk_app import desk_app
from frontdesk.core.domain import ABSENCE_REASONS


class DeskInput(Input):
    """`Input` whose cursor blinks only when the app says so (`App.input_cursor_blink`),
    whose placeholder is the longest of its wordings that fits (`set_placeholders`): a
    placeholder cannot wrap, and the simulator narrows the field; and whose typing lays
    nothing out (`virtual_size`)."""

    _placeholders: tuple[str, ...] = ()
    # Textual's Input sets its virtual width to its value's at every character, a reactive
    # that lays the whole screen out (a fifth of a digit's CPU, bench/key_cpu.py). The
    # field's own size never follows its value (its width and height are set, never
    # auto; an auto-sized Input lays itself out), and its scrolling reads this attribute,
    # not the layout: a repaint is enough.
    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)

    def on_mount(self) -> None:
        self.cursor_blink = desk_app(self).input_cursor_blink

    def set_placeholders(self, *wordings: str) -> None:
        """The placeholder's wordings, longest first; the last one is used if none fits."""
        self._placeholders = wordings
        self._fit_placeholder()

    def on_resize(self) -> None:
        self._fit_placeholder()

    def _fit_placeholder(self) -> None:
        if not self._placeholders:
            return
        width = self.content_size.width
        fits = [w for w in self._placeholders if cell_len(w) <= width] if width else []
        self.placeholder = fits[0] if fits else self._placeholders[-1]


class GuideField(DeskInput):
    """The lookup's guide number (or card) field: Enter opens the guide (or searches).

    Focusing it never selects what it holds: digits typed elsewhere on the lookup are
    brought here (`take`), and a selection would let the next digit replace them.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "submit", "key.open", id="lookup.open", tooltip="key.open.tip"),
    ]

    def __init__(self, *, id: str, max_length: int) -> None:
        super().__init__(id=id, max_length=max_length, select_on_focus=False)

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
    """The TISS absence reasons: Enter chooses the highlighted one; a digit chooses the
    reason of that number (7: reason 07), as the receptionist reads it in the list."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "key.choose", id="absence.choose", tooltip="key.choose.tip"),
        # One key in the bar ("1–7 Nº do motivo"), one binding per digit.
        *[
            Binding(
                str(n),
                f"choose_number({n})",
                "key.choose_number",
                id="absence.choose_" + str(n),  # a binding id, not a catalog key
                tooltip="key.choose_number.tip",
                show=n == 1,
                key_display=f"1–{len(ABSENCE_REASONS)}",
            )
            for n in range(1, len(ABSENCE_REASONS) + 1)
        ],
    ]

    def action_choose_number(self, number: int) -> None:
        """Highlight and choose the option whose id is `number` (`07` for 7), if any."""
        for index in range(self.option_count):
            option_id = self.get_option_at_index(index).id
            if option_id is not None and option_id.isdigit() and int(option_id) == number:
                self.highlighted = index
                self.action_select()
                return


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
