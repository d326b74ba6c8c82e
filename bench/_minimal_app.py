"""The app benchmark's yardstick: a minimal Textual app with one Input and one DataTable.

`python bench/_minimal_app.py` shows an Input (focused) above a DataTable with a few rows,
nothing else: no header, no footer, no CSS file, no handlers. Like the front desk, the
Input's cursor does not blink when `SSH_CONNECTION` is set, so both apps are compared
under the same rule. Ctrl+Q quits (Textual's default binding).
"""

from __future__ import annotations

import os

from textual.app import App, ComposeResult
from textual.widgets import DataTable, Input

ROWS = [
    ("2026112200017", "AGUARDANDO TOKEN", "Maria Aparecida Souza", "Odonto"),
    ("2026112200018", "AGUARDANDO TOKEN", "João Pedro Oliveira", "Consulta"),
    ("2026112200019", "AGUARDANDO TOKEN", "Ana Beatriz Lima", "SP/SADT"),
    ("2026112200025", "EM ANÁLISE", "Francisca das Chagas", "SP/SADT"),
    ("2026112200026", "AUTORIZADA", "Antônio Carlos Ribeiro", "Odonto"),
    ("2026112200029", "CANCELADA", "Luíza Ferreira", "SP/SADT"),
]
LAST_ROW_TEXT = "Luíza Ferreira"  # what the benchmark waits for: the table is drawn


class MinimalApp(App[None]):
    """One Input and one DataTable."""

    def compose(self) -> ComposeResult:
        field = Input(placeholder="Número da guia")
        field.cursor_blink = not os.environ.get("SSH_CONNECTION")
        yield field
        yield DataTable(cursor_type="row")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Guia", "Situação", "Beneficiário", "Tipo")
        table.add_rows(ROWS)


if __name__ == "__main__":
    MinimalApp().run()
