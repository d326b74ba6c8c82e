"""Local mode's simulator panel: the patient's phone and mailbox (outbox) and app code."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from frontdesk.app.formatting import channel_label, local_time
from frontdesk.app.i18n import t

if TYPE_CHECKING:
    from frontdesk.client.models import OutboxMessage

MESSAGES_SHOWN = 4


@dataclass(frozen=True)
class SimState:
    """What the simulator shows; the app fetches it and sets it on every panel."""

    messages: tuple[OutboxMessage, ...] = ()
    guide: str | None = None
    beneficiary: str | None = None
    app_code: str | None = None
    has_app: bool = False
    sac_code: str | None = None
    error: str | None = None


def message_text(message: OutboxMessage, *, current: bool) -> Text:
    """One outbox message as the patient would read it, the code highlighted."""
    head = Text(
        f"{channel_label(message.channel)} → {message.to} · {local_time(message.sent_at)}",
        style="bold" if current else "dim",
    )
    body = Text(message.body)
    body.highlight_words([message.code], style="bold reverse")
    return Text.assemble(head, "\n", body)


class SimulatorPanel(Vertical):
    """Shows a `SimState`; hidden unless the app is in local mode and the user toggled it."""

    def __init__(self) -> None:
        super().__init__(id="simulator")
        self.border_title = t("sim.title")
        self.state = SimState()
        self._drawn: SimState | None = None

    def compose(self) -> ComposeResult:
        yield Static(t("sim.outbox"), classes="sim-heading")
        with VerticalScroll(id="sim-outbox"):
            yield Static(t("sim.outbox_empty"), id="sim-messages")
        yield Static(t("sim.no_guide"), id="sim-app", classes="sim-heading")
        yield Static("", id="sim-sac")
        yield Static(t("sim.keys"), id="sim-keys")

    def show_state(self, state: SimState) -> None:
        """Draw `state`; the outbox is redrawn only when it (or the guide on screen) changed."""
        self.state = state
        if not self.children:
            return  # on_mount draws it
        drawn = self._drawn
        if drawn is None or drawn.messages != state.messages or drawn.guide != state.guide:
            self._draw_messages(state)
        self._drawn = state
        self.query_one("#sim-app", Static).update(self._app_text(state))
        sac = self.query_one("#sim-sac", Static)
        sac.update(t("sim.sac_code", code=state.sac_code) if state.sac_code else "")
        sac.display = state.sac_code is not None

    def on_mount(self) -> None:
        self.watch(self.app, "sim_state", self.show_state)
        self.watch(self.app, "simulator_visible", self._sync_display)
        self.watch(self.app, "local_mode", self._sync_display)

    def _sync_display(self, _: bool) -> None:
        self.display = bool(
            getattr(self.app, "local_mode", False) and getattr(self.app, "simulator_visible", False)
        )

    def _draw_messages(self, state: SimState) -> None:
        target = self.query_one("#sim-messages", Static)
        if state.error:
            target.update(state.error)
            return
        if not state.messages:
            target.update(t("sim.outbox_empty"))
            return
        parts: list[Text] = []
        for message in state.messages[:MESSAGES_SHOWN]:
            parts.append(message_text(message, current=message.guide == state.guide))
        target.update(Text("\n\n").join(parts))

    @staticmethod
    def _app_text(state: SimState) -> Text:
        if state.beneficiary is None:
            return Text(t("sim.no_guide"))
        title = t("sim.app", name=state.beneficiary)
        if not state.has_app:
            return Text(f"{title}: {t('sim.no_app')}")
        code = state.app_code or "…"
        return Text.assemble(title, "\n", (t("sim.app_code", code=code), "bold"))
