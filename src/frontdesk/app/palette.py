"""The command palette (Ctrl+P) and the theme list in the desk's language, drawn with
characters every terminal font has.

Textual's own palette says "Search for commands…" behind a 🔎, which PuTTY's and the Linux
console's fonts draw as a box. `DeskPalette` is that palette with the desk's placeholder and
a plain `>` for the icon.
"""

from __future__ import annotations

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette, ProviderSource, SearchIcon
from textual.widgets.option_list import Option

from frontdesk.core.i18n import t

SEARCH_ICON = ">"


class DeskPalette(CommandPalette):
    """Textual's command palette with a placeholder in the desk's words and an ASCII icon."""

    def __init__(
        self, placeholder: str, providers: ProviderSource | None = None, *, id: str | None = None
    ) -> None:
        super().__init__(providers, placeholder=placeholder, id=id)

    def on_mount(self) -> None:
        for icon in self.query(SearchIcon):
            icon.icon = SEARCH_ICON

    # Textual has no public way to word "No matches found": this overrides the private
    # method that adds it (checked against Textual 8.2.8, `textual/command.py`). Should it
    # be renamed, the palette says it in English again and
    # tests/app/test_every_counter.py::test_a_search_that_finds_nothing_says_so_in_portuguese
    # fails.
    def _start_no_matches_countdown(self, search_value: str) -> None:
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if not search_value:  # browsing, not searching: nothing to say
                self._list_visible = False
                return
            self.query_one(CommandList).add_option(
                Option(
                    Align.center(Text(t("palette.no_matches"), style="not bold")),
                    disabled=True,
                    id=self._NO_MATCHES,
                )
            )
            self._list_visible = True

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)
