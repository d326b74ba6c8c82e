"""Local mode's simulator panel: the patient's phone and mailbox (outbox) and app code."""

from __future__ import annotations

from typing import TYPE_CHECKING

import msgspec
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from frontdesk.app.desk_app import desk_app
from frontdesk.app.formatting import label, local_time
from frontdesk.core.i18n import t

if TYPE_CHECKING:
    from frontdesk.client.models import OutboxMessage

MESSAGES_SHOWN = 4


class SimState(msgspec.Struct, frozen=True):
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
        f"{label('channel', message.channel)} → {message.to} · {local_time(message.sent_at)}",
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
        # Four widgets in all (each one costs memory on a thin client): the outbox, which
        # scrolls, and one text for the app code, the SAC code and the keys.
        with VerticalScroll(id="sim-outbox"):
            yield Static(self._messages_text(self.state), id="sim-messages")
        yield Static(self._app_text(self.state), id="sim-app")

    def show_state(self, state: SimState) -> None:
        """Draw `state`; the outbox is redrawn only when it (or the guide on screen) changed."""
        self.state = state
        if not self.children:
            return  # compose draws it
        drawn = self._drawn
        if drawn is None or drawn.messages != state.messages or drawn.guide != state.guide:
            self.query_one("#sim-messages", Static).update(self._messages_text(state))
        self._drawn = state
        self.query_one("#sim-app", Static).update(self._app_text(state))

    def on_mount(self) -> None:
        desk = desk_app(self)
        self.watch(desk, "sim_state", self.show_state)
        self.watch(desk, "simulator_visible", self._sync_display)
        self.watch(desk, "local_mode", self._sync_display)

    def _sync_display(self, _: bool) -> None:
        desk = desk_app(self)
        self.display = desk.local_mode and desk.simulator_visible

    @staticmethod
    def _messages_text(state: SimState) -> Text:
        """The phone and mailbox: with a guide open, only that guide's patient's messages
        (another patient's code beside them invites a mistake); else everyone's, newest first."""
        messages = state.messages
        heading = Text(t("sim.outbox"), style="bold")
        empty = t("sim.outbox_empty")
        if state.guide is not None:
            messages = tuple(m for m in messages if m.guide == state.guide)
            heading = Text(t("sim.outbox_guide"), style="bold")
            empty = t("sim.outbox_guide_empty")
        if state.error:
            body = Text(state.error)
        elif not messages:
            body = Text(empty)
        else:
            parts = [
                message_text(message, current=message.guide == state.guide)
                for message in messages[:MESSAGES_SHOWN]
            ]
            body = Text("\n\n").join(parts)
        return Text.assemble(heading, "\n", body)

    @staticmethod
    def _app_text(state: SimState) -> Text:
        """The beneficiary's app code, the SAC code when one was dictated, and the keys."""
        if state.beneficiary is None:
            text = Text(t("sim.no_guide"), style="bold")
        elif not state.has_app:
            text = Text(f"{t('sim.app', name=state.beneficiary)}: {t('sim.no_app')}", style="bold")
        else:
            code = state.app_code or "…"
            text = Text(t("sim.app", name=state.beneficiary), style="bold")
            text.append("\n")
            text.append(t("sim.app_code", code=code), style="bold")
        if state.sac_code:
            text.append("\n")
            text.append(t("sim.sac_code", code=state.sac_code), style="bold")
        text.append("\n")
        text.append(t("sim.keys"), style="dim")
        return text
