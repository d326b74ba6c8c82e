"""F4 at a TISS lookup: a guide started by hand from the card, with the few fields an SP/SADT
or odonto request needs; the clinic's fixed data (CNES, the requesting professional, his
conselho and CBO, the dentist) come from the profile. Enter saves it into the queue and
opens it; a field that is wrong is said and focused, nothing typed is lost.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from frontdesk.app.screens.base import DeskModal
from frontdesk.app.widgets.banner import ConnectionBanner
from frontdesk.app.widgets.hint import HintLine
from frontdesk.app.widgets.inputs import DeskInput
from frontdesk.app.widgets.key_bar import KeyBar
from frontdesk.core.i18n import t

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


class NewGuideModal(DeskModal[str]):
    """Kind (arrows), then the fields (Tab); Enter saves; answers the new guide's number."""

    def __init__(self, card: str = "") -> None:
        super().__init__()
        self.card = card
        self.kind = "sp_sadt"
        self.busy = False

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog tiss-new"):
            yield ConnectionBanner()
            yield OptionList(
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
        (self.query_one("#tiss-new-code", Input) if self.card else kinds).focus()

    @on(OptionList.OptionHighlighted, "#tiss-new-kind")
    def _kind(self, event: OptionList.OptionHighlighted) -> None:
        self.kind = event.option.id or "sp_sadt"
        self._show_kind()

    @on(OptionList.OptionSelected, "#tiss-new-kind")
    def _kind_chosen(self) -> None:
        self.query_one("#tiss-new-card", Input).focus()

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
        # modal: the counter's form and the client's errors are 23–25 ms with lxml.
        from frontdesk.client.errors import FrontdeskClientError
        from frontdesk.counter.manual import FormProblem, GuideForm

        desk = self.desk.tiss_desk
        if desk is None:
            return
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
            self.query_one(target).focus()
            return
        except FrontdeskClientError as exc:
            self.busy = False
            trouble = self.report(exc, retry=self.save)
            self.hint.say(trouble.text, error=True)
            return
        self.busy = False
        self.desk.audit_record("new_guide", guide=guide.number, outcome="created")
        self.dismiss(guide.number)
