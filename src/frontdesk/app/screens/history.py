"""Histórico: the guide's token events, oldest first, masked, with local times."""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from frontdesk.app.formatting import label, local_datetime
from frontdesk.app.problems import attempts_text
from frontdesk.app.screens.base import DeskScreen
from frontdesk.app.widgets.banner import ConnectionBanner
from frontdesk.app.widgets.key_bar import KeyBar
from frontdesk.app.widgets.top_bar import TopBar
from frontdesk.client.errors import FrontdeskClientError
from frontdesk.client.models import Event, Guide
from frontdesk.core.i18n import t


def event_detail(event: Event) -> str:
    """What else the event says, in words: where the code went, attempts, reason, number."""
    parts: list[str] = []
    if event.channel and event.destination:
        parts.append(
            t(
                "event.detail.to",
                channel=label("channel", event.channel),
                destination=event.destination,
            )
        )
    elif event.channel:
        parts.append(label("channel", event.channel))
    if event.delivery:
        parts.append(label("delivery", event.delivery))
    if event.attempts_left is not None:
        parts.append(attempts_text(event.attempts_left))
    if event.reason:
        parts.append(t("event.detail.reason", code=event.reason))
    if event.authorization:
        parts.append(t("event.detail.authorization", number=event.authorization))
    return " · ".join(parts)


class HistoryScreen(DeskScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "key.back", id="history.back", tooltip="key.back.tip"),
    ]

    def __init__(self, guide: Guide) -> None:
        super().__init__()
        self.guide = guide
        self.events: list[Event] = []

    def compose(self) -> ComposeResult:
        yield TopBar(t("key.history"))
        yield ConnectionBanner()
        with Vertical(id="main"):
            yield Static(
                f"{t('history.title', number=self.guide.number)} · "
                f"{self.guide.beneficiary.display_name}",
                id="history-title",
                markup=False,
            )
            yield DataTable(id="history", cursor_type="row", zebra_stripes=True)
            yield Static("", id="history-empty", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self._start()

    def _start(self) -> None:
        table = self.query_one("#history", DataTable)
        table.add_column(t("history.col.at"), key="at")
        table.add_column(t("history.col.event"), key="event")
        table.add_column(t("history.col.detail"), key="detail")
        table.loading = True
        table.focus()
        self.load_events()

    async def relabel(self) -> None:
        await super().relabel()
        self._start()

    def reload(self) -> None:
        self.load_events()

    def action_back(self) -> None:
        self.dismiss(None)

    @work(exclusive=True, exit_on_error=False, group="events", description="load events")
    async def load_events(self) -> None:
        try:
            client = await self.client()
            events = await client.events(self.guide.number)
        except FrontdeskClientError as exc:
            trouble = self.report(exc, retry=self.load_events)
            table = self.query_one("#history", DataTable)  # after the wait: may be redrawn
            table.loading = False
            if not trouble.banner:
                self.query_one("#history-empty", Static).update(trouble.text)
            return
        self.clear_problem()
        self.events = events
        table = self.query_one("#history", DataTable)
        table.loading = False
        table.clear()
        for index, event in enumerate(events):
            table.add_row(
                local_datetime(event.at, seconds=True),
                label("event", event.kind),
                event_detail(event),
                key=str(index),
            )
        self.query_one("#history-empty", Static).update("" if events else t("history.empty"))
