"""A small table drawn as plain lines of text: columns sized to their content, one column
that takes the rest of the width and wraps under itself.

The guide screen shows two such tables (the beneficiary's details and the procedures) for
every lookup. Rich's `Table` measures and renders them on each layout pass, which was a
fifth of a lookup's time; this widget lays its rows out once per width and keeps the lines.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.console import Console
from rich.style import Style
from rich.text import Text
from textual.app import RenderResult
from textual.geometry import Size
from textual.widget import Widget

Cell = str | Text
MIN_FLEX = 10


class TextTable(Widget):
    """Rows of cells; column `flex` wraps, the others are as wide as their widest cell."""

    DEFAULT_CSS = """
    TextTable {
        height: auto;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._rows: tuple[tuple[Text, ...], ...] = ()
        self._flex = 0
        self._right: frozenset[int] = frozenset()
        self._gap = 1
        self._indent = 0
        self._column_styles: tuple[Style | str, ...] = ()
        self._lines: dict[int, list[Text]] = {}

    def set_rows(
        self,
        rows: Sequence[Sequence[Cell]],
        *,
        flex: int,
        right: frozenset[int] = frozenset(),
        gap: int = 1,
        indent: int = 0,
        column_styles: Sequence[Style | str] = (),
    ) -> None:
        """Show `rows` (a header row is just the first row, styled by its cells)."""
        self._rows = tuple(tuple(Text(c) if isinstance(c, str) else c for c in row) for row in rows)
        self._flex = flex
        self._right = right
        self._gap = gap
        self._indent = indent
        self._column_styles = tuple(column_styles)
        self._lines = {}
        self.refresh(layout=True)

    def plain(self) -> str:
        """The table's text at its current width (tests, the history)."""
        return "\n".join(line.plain.rstrip() for line in self.lines(self.size.width or 80))

    def lines(self, width: int) -> list[Text]:
        """The table laid out in `width` cells, one `Text` per line."""
        if width not in self._lines:
            self._lines = {width: self._layout(width)}
        return self._lines[width]

    def _layout(self, width: int) -> list[Text]:
        rows = self._rows
        if not rows:
            return []
        widths = self._widths(width)
        console = self.app.console
        out: list[Text] = []
        for row in rows:
            cells = [self._cell_lines(row, i, widths[i], console) for i in range(len(widths))]
            out.extend(self._line(cells, n, widths) for n in range(max(map(len, cells))))
        return out

    def _widths(self, width: int) -> list[int]:
        """Each column as wide as its widest cell; the flexible one takes the rest."""
        rows = self._rows
        columns = max(len(row) for row in rows)
        widths = [
            max((r[i].cell_len for r in rows if i < len(r)), default=0) for i in range(columns)
        ]
        fixed = sum(w for i, w in enumerate(widths) if i != self._flex)
        room = width - self._indent - fixed - self._gap * (columns - 1)
        widths[self._flex] = max(MIN_FLEX, room)
        return widths

    def _cell_lines(
        self, row: tuple[Text, ...], i: int, width: int, console: Console
    ) -> list[Text]:
        """Cell `i` of `row`, styled: wrapped in the flexible column, else cut to `width`."""
        cell = row[i].copy() if i < len(row) else Text()
        if i < len(self._column_styles) and self._column_styles[i]:
            cell.stylize_before(self._column_styles[i])
        if i == self._flex:
            return list(cell.wrap(console, width, overflow="fold")) or [Text()]
        cell.truncate(width, overflow="ellipsis")
        return [cell]

    def _line(self, cells: list[list[Text]], n: int, widths: list[int]) -> Text:
        """Line `n` of a row whose cells are `cells` (a cell with fewer lines is blank)."""
        last = len(cells) - 1
        line = Text(" " * self._indent, end="", no_wrap=True)
        for i, parts in enumerate(cells):
            part = parts[n].copy() if n < len(parts) else Text()
            pad = " " * max(0, widths[i] - cell_len(part.plain))
            if i in self._right:
                line.append(pad)
                line.append_text(part)
            else:
                line.append_text(part)
                if i < last:
                    line.append(pad)
            if i < last:
                line.append(" " * self._gap)
        return line

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return container.width

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.lines(width))

    def render(self) -> RenderResult:
        return Text("\n", no_wrap=True).join(self.lines(self.content_region.width))
