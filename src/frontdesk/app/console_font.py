"""The Linux text console (TERM=linux, a clinic PC without a desktop): its font has ASCII and
code page 437's line drawing, not the eighth blocks (▁▂▃…▇, ▏▎▍…▉) Textual draws the ends
of a scrollbar's thumb with. The borders are CSS (styles/terminals.tcss); the scrollbars
are this renderer, whose thumb fills whole cells.

`use_whole_cell_scrollbars` sets it for the process the way Textual documents
(`ScrollBar.renderer`): the command line calls it once, before the app runs.
"""

from __future__ import annotations

from typing import ClassVar

from textual.scrollbar import ScrollBar, ScrollBarRender


class WholeCellScrollBarRender(ScrollBarRender):
    """A scrollbar whose thumb starts and ends on cell boundaries: no partial blocks."""

    VERTICAL_BARS: ClassVar[list[str]] = [" "] * 8
    HORIZONTAL_BARS: ClassVar[list[str]] = [" "] * 8


def use_whole_cell_scrollbars() -> None:
    """Every scrollbar of this process, drawn with whole cells (the Linux console)."""
    ScrollBar.renderer = WholeCellScrollBarRender
