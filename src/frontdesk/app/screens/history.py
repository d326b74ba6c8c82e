"""Histórico: the guide's token events, oldest first, masked, with local times.

The time and event columns are as wide as their widest cell; the detail takes the rest of
the width and wraps under itself, so nothing is cut at 80 columns (an e-mail destination
and its delivery are the longest cells).
"""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

from frontdesk.app.formatting import label, local_datetime
from frontdesk.app.problems import attempts_text
from frontdesk.app.screens.base import DeskScreen
from frontdesk.app.widgets.banner import ConnectionBanner
from frontdesk.app.widgets.key_bar import KeyBar
from frontdesk.app.widgets.top_bar import TopBar
from frontdesk.client.client_errors import FrontdeskClientError
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


CELL_PADDING = 2  # a DataTable pads each cell with one cell either side
SCROLLBAR = 2
MIN_DETAIL = 20


class HistoryTable(DataTable[object]):
    """The events; tells the screen when its width changes, so the detail is refitted."""

    class Resized(Message):
        pass

    def on_resize(self) -> None:
        self.post_message(self.Resized())


class HistoryScreen(DeskScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "key.back", id="history.back", tooltip="key.back.tip"),
    ]

    def __init__(self, guide: Guide) -> None:
        super().__init__()
        self.guide = guide
        self.events: list[Event] = []
        self._detail_width = 0

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
            yield HistoryTable(id="history", cursor_type="row", zebra_stripes=True)
            yield Static("", id="history-empty", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self._start()

    def _start(self) -> None:
        table = self.query_one("#history", DataTable)
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
        self._fill()
        self.query_one("#history-empty", Static).update("" if events else t("history.empty"))

    def _rows(self) -> list[tuple[str, str, str]]:
        return [
            (local_datetime(e.at, seconds=True), label("event", e.kind), event_detail(e))
            for e in self.events
        ]

    @staticmethod
    def _widths(rows: list[tuple[str, str, str]], width: int) -> tuple[int, int, int]:
        """(time, event, detail) widths for a table `width` cells wide."""
        at = max([cell_len(t("history.col.at")), *(cell_len(r[0]) for r in rows)])
        kind = max([cell_len(t("history.col.event")), *(cell_len(r[1]) for r in rows)])
        detail = max(MIN_DETAIL, width - at - kind - 3 * CELL_PADDING - SCROLLBAR)
        return at, kind, detail

    def _fill(self) -> None:
        """The events as rows: time and event as wide as they need, the detail wrapping in
        what is left of the table's width."""
        table = self.query_one("#history", DataTable)
        rows = self._rows()
        at, kind, detail = self._widths(rows, table.size.width or self.size.width)
        self._detail_width = detail
        table.clear(columns=True)
        # Text, never str: DataTable reads a str as Rich markup (see LookupScreen._populate).
        table.add_column(Text(t("history.col.at")), key="at", width=at)
        table.add_column(Text(t("history.col.event")), key="event", width=kind)
        table.add_column(Text(t("history.col.detail")), key="detail", width=detail)
        for index, (when, what, more) in enumerate(rows):
            table.add_row(Text(when), Text(what), Text(more), key=str(index), height=None)

    @on(HistoryTable.Resized)
    def _refit(self) -> None:
        """The terminal was resized: lay the rows out again if the detail's width changed."""
        table = self.query_one("#history", DataTable)
        if self.events and self._widths(self._rows(), table.size.width)[2] != self._detail_width:
            self._fill()
