"""Enviar Token at a TISS counter: how the patient gets the code from this operator.

A TISS operator sends nothing at the counter's request: the patient generates the code in
the operator's app ("Gerar token"), or has the SAC dictate one, or (where the operator does
it) receives an SMS sent from its portal. The modal says so from the profile, in the same
place and with the same keys as Enviar Token: Enter goes on to type the code, Esc goes back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Static

from frontdesk.app.screens.base import DeskModal
from frontdesk.app.screens.send_token import SendOutcome
from frontdesk.app.widgets.key_bar import KeyBar
from frontdesk.core.i18n import t

if TYPE_CHECKING:
    from frontdesk.client.models import Guide
    from frontdesk.counter.tiss_desk import Instructions


def steps(how: Instructions) -> str:
    """The instructions for the patient, one numbered line per way, from the profile."""
    if how.code_length:
        key = "counter.token.size_letters" if how.letters else "counter.token.size"
        size = t(key, n=how.code_length)
    else:
        size = t("counter.token.size_any")
    app = how.app_name or t("counter.token.app_unnamed")
    lines = [t("counter.token.app", app=app, size=size)]
    if how.sac_phones:
        lines.append(t("counter.token.sac", phones=" · ".join(how.sac_phones)))
    if how.portal:
        lines.append(t("counter.token.portal", portal=how.portal))
    return "\n".join(f"{n}. {line}" for n, line in enumerate(lines, 1))


class TissTokenModal(DeskModal[SendOutcome]):
    """Where the patient gets the code; Enter: type it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "go_on", "key.code", id="counter-token-code", tooltip="key.code.tip"),
    ]

    def __init__(self, guide: Guide, how: Instructions) -> None:
        super().__init__()
        self.guide = guide
        self.how = how

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Static(
                t("counter.token.question", operator=self.how.operator),
                classes="dialog-question",
                markup=False,
            )
            yield Static(steps(self.how), id="tiss-token-steps", markup=False)
            yield Static(t("counter.token.then"), id="tiss-token-then", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = t("send.title")

    def action_go_on(self) -> None:
        self.desk.audit_trail.record(
            "send", guide=self.guide.number, channel="app", outcome="instructed"
        )
        self.dismiss(SendOutcome("app"))
