"""The line under a field or a list: what to do next, or what is wrong with what was typed."""

from __future__ import annotations

from textual.widgets import Static


class HintLine(Static):
    """Plain text (never markup) that `say` replaces, in the error style for a problem.

    `collapse`: hidden while it says nothing, so in a dialog an empty line takes no room
    (until the first `say`, it shows as composed).
    """

    def __init__(self, text: str = "", *, id: str, collapse: bool = False) -> None:
        super().__init__(text, id=id, markup=False)
        self.collapse = collapse

    def say(self, text: str, *, error: bool = False) -> None:
        self.update(text)
        self.set_class(error, "-error")
        if self.collapse:
            self.display = bool(text)
