"""The command palette (Ctrl+P) and the theme list in the desk's language, drawn with
characters every terminal font has.

Textual's own palette says "Search for commands…" behind a 🔎, which PuTTY's and the Linux
console's fonts draw as a box. `DeskPalette` is that palette with the desk's placeholder and
a plain `>` for the icon.
"""

from __future__ import annotations

from textual.command import CommandPalette, ProviderSource, SearchIcon

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
