"""A guide's status in the GLOSSARY's words, as a coloured badge (and as a table cell)."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from frontdesk.app.formatting import label
from frontdesk.core.domain import GUIDE_STATUSES

# Rich styles for table cells: ANSI colour names, so 16-colour terminals show them as is.
CELL_STYLES: dict[str, str] = {
    "awaiting_token": "bold black on yellow",
    "under_review": "bold black on cyan",
    "authorized": "bold black on green",
    "partially_authorized": "bold black on green",
    "denied": "bold white on red",
    "cancelled": "dim",
}


def status_cell(status: str) -> Text:
    """The status as a badge-like `Text` for a DataTable cell."""
    return Text(f" {label('status', status)} ", style=CELL_STYLES.get(status, "bold"))


class StatusBadge(Static):
    """Shows `status` as `AGUARDANDO TOKEN` etc., styled by the class `-<status>`."""

    status: reactive[str] = reactive("", layout=True)

    def __init__(self, status: str = "", *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self.set_reactive(StatusBadge.status, status)

    def on_mount(self) -> None:
        self.watch_status(self.status)

    def watch_status(self, status: str) -> None:
        for known in GUIDE_STATUSES:
            self.set_class(known == status, f"-{known}")
        self.update(f" {label('status', status)} " if status else "")
