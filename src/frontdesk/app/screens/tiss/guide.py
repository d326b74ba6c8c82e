"""The guide at a TISS counter: the usual guide screen, saying what E and C do with this
operator (no code is pending anywhere to count down), and R for the operator's answer
(the senha, each glosa, the next status check) once there is one."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import Static

from frontdesk.app.formatting import label
from frontdesk.app.screens.guide import GuideScreen, outcome_text
from frontdesk.app.widgets.token_panel import TokenPanel
from frontdesk.client.models import Guide
from frontdesk.core.i18n import t


class TissGuideScreen(GuideScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "r",
            "answer",
            "counter.key.result",
            id="counter-result",
            tooltip="counter.key.result.tip",
            key_display="R",
        ),
    ]

    def show_guide(self, guide: Guide) -> None:
        super().show_guide(guide)
        self.query_one("#guide-token", TokenPanel).display = False
        if guide.status == "awaiting_token":
            text = t("counter.guide.next")
        else:
            lines = [t("guide.not_awaiting", status=label("status", guide.status))]
            outcome = outcome_text(guide)
            if outcome:
                lines.append(outcome)
            lines.append(t("counter.guide.answered"))
            text = "\n".join(lines)
        nxt = self.query_one("#guide-next", Static)
        if nxt.content != text:
            nxt.update(text)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "answer":
            return not self.awaiting
        return super().check_action(action, parameters)

    def action_answer(self) -> None:
        if not self.awaiting:
            self.desk.navigation.show_result(self.guide)
