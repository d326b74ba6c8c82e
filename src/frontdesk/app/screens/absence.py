"""Sem token: release (or queue for review) with a TISS absence reason, after confirming."""

from __future__ import annotations

import uuid
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from frontdesk.app.formatting import label
from frontdesk.app.screens.base import DeskModal, audit_outcome
from frontdesk.app.widgets.banner import ConnectionBanner
from frontdesk.app.widgets.hint import HintLine
from frontdesk.app.widgets.inputs import ReasonList
from frontdesk.app.widgets.key_bar import KeyBar
from frontdesk.client.client_errors import FrontdeskClientError
from frontdesk.client.models import Guide
from frontdesk.core.domain import ABSENCE_REASONS
from frontdesk.core.i18n import t


class AbsenceModal(DeskModal[Guide]):
    """Pick a reason (Enter), confirm it (Enter again); answers the updated guide."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "confirm",
            "key.confirm",
            id="absence.confirm",
            tooltip="key.confirm.tip",
        ),
    ]

    def __init__(self, guide: Guide) -> None:
        super().__init__()
        self.guide = guide
        self.reason: str | None = None
        self.sending = False

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield ConnectionBanner()
            yield Static(t("absence.question"), classes="dialog-question", markup=False)
            yield ReasonList(
                *[Option(f"{code} – {label('reason', code)}", id=code) for code in ABSENCE_REASONS],
                id="absence-options",
            )
            yield HintLine(id="absence-detail", collapse=True)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = t("absence.title")
        options = self.query_one("#absence-options", OptionList)
        options.highlighted = 0
        options.focus()

    def action_confirm(self) -> None:
        if self.sending:
            return
        if self.reason is None:
            options = self.query_one("#absence-options", OptionList)
            if options.highlighted is not None:
                option = options.get_option_at_index(options.highlighted)
                if option.id is not None:
                    self._choose(option.id)
            return
        self.submit(self.reason, uuid.uuid4().hex)

    @on(OptionList.OptionSelected, "#absence-options")
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        if self.reason is None and event.option.id is not None:
            self._choose(event.option.id)

    def _choose(self, code: str) -> None:
        self.reason = code
        self.query_one("#absence-options", OptionList).disabled = True
        self.hint.say(t("absence.confirm", code=code, reason=label("reason", code)))

    def action_cancel(self) -> None:
        if self.sending:
            return
        if self.reason is not None:
            self.reason = None
            options = self.query_one("#absence-options", OptionList)
            options.disabled = False
            options.focus()
            self.hint.say("")
            return
        self.dismiss(None)

    @work(exclusive=True, exit_on_error=False, group="absence", description="absence")
    async def submit(self, reason: str, idempotency_key: str) -> None:
        self.sending = True
        self.hint.say(t("absence.sending"))
        try:
            client = await self.client()
            guide = await client.absence(self.guide.number, reason, idempotency_key=idempotency_key)
        except FrontdeskClientError as exc:
            self.desk.audit_trail.record(
                "absence", guide=self.guide.number, reason=reason, outcome=audit_outcome(exc)
            )
            self.sending = False
            trouble = self.report(exc, retry=lambda: self.submit(reason, idempotency_key))
            if not trouble.banner:  # the banner says it, with F5
                self.hint.say(trouble.text, error=True)
            else:
                self.hint.say(t("absence.confirm", code=reason, reason=label("reason", reason)))
            return
        self.desk.audit_trail.record(
            "absence", guide=self.guide.number, reason=reason, outcome=guide.status
        )
        self.sending = False
        self.dismiss(guide)
