"""A yes/no question over the current screen: Enter confirms, Esc cancels."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Static

from frontdesk.app.screens.base import DeskModal
from frontdesk.app.widgets.banner import ConnectionBanner
from frontdesk.app.widgets.key_bar import KeyBar
from frontdesk.core.i18n import t


class ConfirmModal(DeskModal[bool]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "confirm",
            "key.confirm",
            id="confirm.yes",
            tooltip="key.confirm.tip",
        ),
        # "Esc Cancelar" beside "Cancelar o código?" reads as "cancel the code": Esc goes back.
        Binding("escape", "cancel", "key.back", id="confirm.back", tooltip="key.back.tip"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield ConnectionBanner()
            yield Static(self.question, id="confirm-question", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = t("key.confirm")

    def action_confirm(self) -> None:
        self.dismiss(True)
