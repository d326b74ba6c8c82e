"""F1: the keys of the screen underneath, and the counter flow step by step."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from frontdesk.app.screens.base import DeskModal
from frontdesk.core.i18n import t


class HelpScreen(DeskModal[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "cancel", "key.cancel", id="help.close", show=False),
    ]

    def __init__(self, keys: list[tuple[str, str, str]], *, local: bool) -> None:
        super().__init__()
        self.keys = keys
        self.local = local

    def compose(self) -> ComposeResult:
        table = Table(box=None, padding=(0, 1), show_header=False, expand=True)
        table.add_column(style="bold", no_wrap=True)
        table.add_column(no_wrap=True)
        table.add_column(style="dim", ratio=1)
        for key, description, tooltip in self.keys:
            table.add_row(key, description, tooltip)
        with VerticalScroll(id="dialog", classes="dialog help"):
            yield Static(t("help.keys"), classes="dialog-question", markup=False)
            yield Static(table, id="help-keys")
            yield Static(t("help.flow"), id="help-flow", markup=False)
            if self.local:
                yield Static(t("help.local"), id="help-local", markup=False)
            yield Static(t("help.close"), id="help-close", markup=False)

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = t("help.title")
