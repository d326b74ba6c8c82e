"""F8 at a TISS lookup: what the last import of the practice system's files found.

For each file of the import folder: its lote and TISS version (files in different versions
may sit side by side; the write-back keeps each one's), how many guides went to the queue,
and each guide left out with what is wrong with it (the schemas' complaints said with the
field's name and what to fix, and the line: `counter.schema_words`), so the clinic's system
can be fixed; the guides that carry no code (honorários) are noted. Read-only: Esc goes back.
"""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from frontdesk.app.screens.base import DeskModal
from frontdesk.app.widgets.key_bar import KeyBar
from frontdesk.core.i18n import t


class ImportReportModal(DeskModal[None]):
    """The report, scrollable; Esc closes it."""

    # A report answers nothing: "Esc Cancelar" would read as undoing the import.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "key.back", id="import.back", tooltip="key.back.tip"),
    ]

    def compose(self) -> ComposeResult:
        with (
            Vertical(id="dialog", classes="dialog tiss-import"),
            VerticalScroll(id="tiss-import-scroll"),
        ):
            yield Static(t("counter.import.loading"), id="tiss-import-report", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = t("counter.import.title")
        self.load()

    @work(exclusive=True, exit_on_error=False, group="import", description="import report")
    async def load(self) -> None:
        # The client's errors load after the first frame: docs/performance.md, "Lazy imports".
        from frontdesk.client.client_errors import FrontdeskClientError
        from frontdesk.counter.schema_words import in_words

        desk = self.desk.backend.tiss_desk
        if desk is None:
            return
        try:
            reports = await desk.import_reports()
        except FrontdeskClientError as exc:
            self.query_one("#tiss-import-report", Static).update(str(exc))
            return
        folder = desk.counter.import_folder
        lines = [t("counter.import.folder_line", folder=folder or t("counter.import.no_folder"))]
        for report in reports:
            lines.append("")
            lines.append(
                t(
                    "counter.import.file",
                    file=report.name,
                    lote=report.lote or "?",
                    version=report.version or "?",
                    n=len(report.accepted),
                )
            )
            for number, problems in report.rejected:
                lines.append(t("counter.import.rejected", guide=number))
                lines.extend(f"    {in_words(p)}" for p in problems)
            lines.extend(f"  {in_words(p)}" for p in report.problems)
            lines.extend(f"  {n}" for n in report.notes)
        if not reports:
            lines.append(t("counter.import.none"))
        self.query_one("#tiss-import-report", Static).update("\n".join(lines))
