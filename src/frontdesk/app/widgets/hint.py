"""The line under a field or a list: what to do next, or what is wrong with what was typed."""

from __future__ import annotations

from textual.widgets import Static


class HintLine(Static):
    """Plain text (never markup) that `say` replaces, in the error style for a problem.

    `collapse`: hidden while it says nothing, so in a dialog an empty line takes no room
    (until the first `say`, it shows as composed).

    A new text lays the screen out only when it takes another number of lines (as typed
    digits change the hint, every one of them did: bench/key_cpu.py).
    """

    def __init__(self, text: str = "", *, id: str, collapse: bool = False) -> None:
        super().__init__(text, id=id, markup=False)
        self.collapse = collapse

    def say(self, text: str, *, error: bool = False) -> None:
        self.update(text, layout=False)
        width, height = self.content_size
        if not width or self.get_content_height(self.content_size, self.app.size, width) != height:
            self.refresh(layout=True)  # not laid out yet, or another number of lines
        self.set_class(error, "-error")
        if self.collapse:
            self.display = bool(text)
