"""A guide's status in the GLOSSARY's words, as a coloured badge (and as a table cell), in the
same colours in every theme, and told apart without colour too (NO_COLOR)."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from frontdesk.app.formatting import label
from frontdesk.core.domain import GUIDE_STATUSES
from frontdesk.core.i18n import has_text, t

# The statuses' colours, the same in every theme (the badges' are in styles/app.tcss):
# waiting is yellow, refused red. Colours that a 16-colour terminal rounds to its own
# yellow, cyan, green and red (a theme's orange would become bright red, its pink magenta).
CELL_STYLES: dict[str, str] = {
    "awaiting_token": "bold #000000 on #d7af00",
    "under_review": "bold #000000 on #2aa1b3",
    "authorized": "bold #000000 on #3a9a3a",
    "partially_authorized": "bold #000000 on #3a9a3a",
    "denied": "bold #ffffff on #c62828",
    "cancelled": "dim",
}
# An ANSI theme (ansi-dark, ansi-light): the terminal's own colours, by name.
ANSI_CELL_STYLES: dict[str, str] = {
    "awaiting_token": "bold black on yellow",
    "under_review": "bold black on cyan",
    "authorized": "bold black on green",
    "partially_authorized": "bold black on green",
    "denied": "bold bright_white on red",
    "cancelled": "dim",
}
# NO_COLOR: the words, and an attribute where colour said more than the words.
PLAIN_CELL_STYLES: dict[str, str] = {
    "awaiting_token": "bold underline",
    "under_review": "none",
    "authorized": "bold",
    "partially_authorized": "bold",
    "denied": "underline",
    "cancelled": "dim",
}


def status_words(status: str, *, short: bool = False) -> str:
    """The status in the GLOSSARY's words; `short`: the narrow table's (`AUTORIZADA PARC.`)
    where the catalog has one, so one long status does not take the names' room."""
    key = f"status_short.{status}"
    if short and has_text(key):
        return t(key)
    return label("status", status)


def status_cell(
    status: str, *, short: bool = False, ansi: bool = False, no_color: bool = False
) -> Text:
    """The status as a badge-like `Text` for a DataTable cell: `ansi` in an ANSI theme,
    `no_color` without colours (the app's `native_ansi_color` and `no_color`)."""
    styles = PLAIN_CELL_STYLES if no_color else ANSI_CELL_STYLES if ansi else CELL_STYLES
    return Text(f" {status_words(status, short=short)} ", style=styles.get(status, "bold"))


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
