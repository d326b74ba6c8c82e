"""F4 at a TISS lookup: a guide started by hand from the card, with the few fields an SP/SADT
or odonto request needs; the clinic's fixed data (CNES, the requesting professional, his
conselho and CBO, the dentist) come from the profile. Enter saves it into the queue and
opens it; a field that is wrong is said and focused, nothing typed is lost.
"""

from __future__ import annotations

from typing import ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from frontdesk.app.screens.base import DeskModal
from frontdesk.app.typeahead import caught_up, run_own_binding
from frontdesk.app.widgets.banner import ConnectionBanner
from frontdesk.app.widgets.hint import HintLine
from frontdesk.app.widgets.inputs import DeskInput
from frontdesk.app.widgets.key_bar import KeyBar
from frontdesk.core.i18n import t
from frontdesk.core.tuss import DENTAL_PREFIX

CODE_DIGITS = 8  # a TUSS code
FIELDS = ("card", "code", "description", "quantity", "value", "tooth", "plan", "indication")
ODONTO_ONLY = frozenset({"value", "tooth", "plan"})
SADT_ONLY = frozenset({"indication"})


class FormField(DeskInput):
    """A field of the form: Enter saves the whole form. Focus never selects what is in it
    (an error focuses the field to fix: the next key must not replace what was typed)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter", "submit", "key.save", id="counter-new-save", tooltip="counter.key.new_save.tip"
        ),
    ]

    async def on_key(self, event: events.Key) -> None:
        await run_own_binding(self, event)


class KindList(OptionList):
    """SP/SADT or odonto: arrows choose, in the order typed (`run_own_binding`)."""

    async def on_key(self, event: events.Key) -> None:
        await run_own_binding(self, event)


class NewGuideModal(DeskModal[str]):
    """Kind (arrows), then the fields (Tab); Enter saves; answers the new guide's number."""

    # Priority, and each waits for the field it leaves (app/typeahead.py): typed at once,
    # every value lands in its own field.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "tab",
            "next_field",
            "counter.key.next_field",
            id="counter-new-next",
            tooltip="counter.key.next_field.tip",
            key_display="Tab",
            show=False,
            priority=True,
        ),
        Binding(
            "shift+tab",
            "previous_field",
            "counter.key.previous_field",
            id="counter-new-previous",
            tooltip="counter.key.previous_field.tip",
            key_display="Shift+Tab",
            show=False,
            priority=True,
        ),
        # Enter on the kind list (only there: a field's Enter saves, in its own turn).
        Binding(
            "enter",
            "kind_chosen",
            "counter.key.kind",
            id="counter-new-kind",
            tooltip="counter.key.kind.tip",
            show=False,
            priority=True,
        ),
    ]

    def __init__(self, card: str = "") -> None:
        super().__init__()
        self.card = card
        self.kind = "sp_sadt"
        self.busy = False
        self.filled: dict[str, str] = {}  # field -> what the code put there (still replaceable)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog tiss-new"):
            yield ConnectionBanner()
            yield KindList(
                Option(t("type.sp_sadt"), id="sp_sadt"),
                Option(t("type.odonto"), id="odonto"),
                id="tiss-new-kind",
            )
            for name in FIELDS:
                with Horizontal(classes="tiss-new-row", id=f"tiss-new-row-{name}"):
                    yield Static(t(f"counter.new.{name}"), classes="tiss-new-label", markup=False)
                    yield FormField(
                        id=f"tiss-new-{name}", compact=True, max_length=150, select_on_focus=False
                    )
            yield HintLine(t("counter.new.hint"), id="tiss-new-hint")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = t("counter.new.title")
        kinds = self.query_one("#tiss-new-kind", OptionList)
        kinds.highlighted = 0
        self.query_one("#tiss-new-card", Input).value = self.card
        self.query_one("#tiss-new-quantity", Input).value = "1"
        self._show_kind()
        # At once, not after a refresh (`focus()`): F4 awaits this mount so the keys typed
        # after it reach the right field.
        self.set_focus(self.query_one("#tiss-new-code", Input) if self.card else kinds)

    async def action_next_field(self) -> None:
        await self._caught_up()
        self._move(1)

    async def action_previous_field(self) -> None:
        await self._caught_up()
        self._move(-1)

    def _move(self, step: int) -> None:
        """Focus the next (`step` 1) or previous (-1) field of the kind, in the form's own
        order: Textual's focus chain follows the layout, which lags behind a kind's rows
        just shown."""
        order = ["kind", *(name for name in FIELDS if self._shown(name))]
        focused = self.focused
        here = (focused.id or "").removeprefix("tiss-new-") if focused is not None else "kind"
        index = order.index(here) if here in order else 0
        self.set_focus(self.query_one(f"#tiss-new-{order[(index + step) % len(order)]}"))

    def _shown(self, name: str) -> bool:
        if name in ODONTO_ONLY:
            return self.kind == "odonto"
        return name not in SADT_ONLY or self.kind == "sp_sadt"

    async def _caught_up(self) -> None:
        """The focused field has taken its keys, and the rows shown are the kind's."""
        kinds = self.query_one("#tiss-new-kind", OptionList)
        await caught_up(self.focused)
        option = kinds.highlighted_option
        if option is not None and option.id != self.kind:
            self._set_kind(option.id or "sp_sadt")
        self._fill_from_code()

    def _set_kind(self, kind: str) -> None:
        self.kind = kind
        kinds = self.query_one("#tiss-new-kind", OptionList)
        index = 1 if kind == "odonto" else 0
        if kinds.highlighted != index:
            kinds.highlighted = index
        self._show_kind()

    @on(Input.Changed, "#tiss-new-code")
    def _fill_from_code(self) -> None:
        """A complete TUSS code chooses the kind (dental codes are 8xxxxxxx) and fills the
        description (and an odonto value) from the clinic's own guides, or TUSS's name,
        unless the receptionist typed something there."""
        code = self.value("code").strip()
        desk = self.desk.backend.tiss_desk
        if len(code) != CODE_DIGITS or not code.isdigit() or desk is None:
            return
        kind = "odonto" if code.startswith(DENTAL_PREFIX) else "sp_sadt"
        if kind != self.kind:
            self._set_kind(kind)
        known = desk.known_procedure(code)
        self._fill("description", known.description if known else "")
        self._fill("value", (known.value or "") if known else "")

    def _fill(self, name: str, value: str) -> None:
        field = self.query_one(f"#tiss-new-{name}", Input)
        if field.value in ("", self.filled.get(name)) and field.value != value:
            field.value = value
            field.cursor_position = len(value)
        self.filled[name] = value

    @on(OptionList.OptionHighlighted, "#tiss-new-kind")
    def _kind(self, event: OptionList.OptionHighlighted) -> None:
        if (event.option.id or "sp_sadt") != self.kind:
            self._set_kind(event.option.id or "sp_sadt")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "kind_chosen":  # otherwise Enter goes on to the focused field
            return isinstance(self.focused, KindList)
        return super().check_action(action, parameters)

    async def action_kind_chosen(self) -> None:
        await self._caught_up()
        self.set_focus(self.query_one("#tiss-new-card", Input))

    def _show_kind(self) -> None:
        for name in ODONTO_ONLY:
            self.query_one(f"#tiss-new-row-{name}").display = self.kind == "odonto"
        for name in SADT_ONLY:
            self.query_one(f"#tiss-new-row-{name}").display = self.kind == "sp_sadt"

    @on(Input.Submitted)
    def _submitted(self) -> None:
        if not self.busy:
            self.save()

    def value(self, name: str) -> str:
        return self.query_one(f"#tiss-new-{name}", Input).value

    @work(exclusive=True, exit_on_error=False, group="new", description="new guide")
    async def save(self) -> None:
        # Loaded with the first guide saved, not with the TISS lookup that imports this
        # modal: the counter's form and the client's errors bring lxml.
        from frontdesk.client.client_errors import FrontdeskClientError
        from frontdesk.counter.manual import FormProblem, GuideForm

        desk = self.desk.backend.tiss_desk
        if desk is None:
            return
        self._fill_from_code()
        form = GuideForm(
            kind="odonto" if self.kind == "odonto" else "sp_sadt",
            card=self.value("card"),
            code=self.value("code"),
            description=self.value("description"),
            quantity=self.value("quantity"),
            value=self.value("value"),
            tooth=self.value("tooth"),
            plan=self.value("plan"),
            indication=self.value("indication"),
        )
        self.busy = True
        try:
            guide = await desk.start_guide(form)
        except FormProblem as problem:
            self.busy = False
            self.hint.say(str(problem), error=True)
            target = f"#tiss-new-{problem.field}" if problem.field in FIELDS else "#tiss-new-kind"
            self.set_focus(self.query_one(target))
            return
        except FrontdeskClientError as exc:
            self.busy = False
            trouble = self.report(exc, retry=self.save)
            self.hint.say(trouble.text, error=True)
            return
        self.busy = False
        self.desk.audit_trail.record("new_guide", guide=guide.number, outcome="created")
        self.dismiss(guide.number)
