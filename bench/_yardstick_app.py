"""The outside yardstick of issue 8: a Textual app with a Header, an Input, a 50-row DataTable
and a Footer, the shape of the front desk's lookup screen with Textual's stock widgets.

`python bench/_yardstick_app.py` shows it; its first frame is complete (the header, the
focused Input, the table's first rows and the footer's keys). Like the front desk, the
Input's cursor does not blink when `SSH_CONNECTION` is set. Ctrl+Q quits.
"""

from __future__ import annotations

import os

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Input

NAMES = ("Maria Aparecida Souza", "João Pedro Oliveira", "Ana Beatriz Lima", "Luíza Ferreira")
STATUSES = ("AGUARDANDO TOKEN", "EM ANÁLISE", "AUTORIZADA", "NEGADA")
TYPES = ("Odonto", "Consulta", "SP/SADT")
ROWS = [(f"20261122{i:05d}", STATUSES[i % 4], NAMES[i % 4], TYPES[i % 3]) for i in range(17, 67)]
FIRST_SCREEN = ("Número da guia", "Maria Aparecida Souza", "Ajuda")  # Input, a row, the footer


class YardstickApp(App[None]):
    """Header, Input, a 50-row DataTable, Footer."""

    TITLE = "Yardstick"
    BINDINGS = [  # noqa: RUF012 (Textual's own pattern)
        Binding("f1", "help", "Ajuda"),
        Binding("f3", "card", "Carteirinha"),
        Binding("escape", "clear", "Limpar"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        field = Input(placeholder="Número da guia")
        field.cursor_blink = not os.environ.get("SSH_CONNECTION")
        yield field
        yield DataTable(cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Guia", "Situação", "Beneficiário", "Tipo")
        table.add_rows(ROWS)

    def action_help(self) -> None:
        self.bell()

    def action_card(self) -> None:
        self.bell()

    def action_clear(self) -> None:
        self.query_one(Input).value = ""


if __name__ == "__main__":
    YardstickApp().run()
