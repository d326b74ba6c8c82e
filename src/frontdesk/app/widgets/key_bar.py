"""The key bar at the bottom of every screen: one widget that draws the screen's keys.

Textual's `Footer` builds one `FooterKey` widget per key and rebuilds them all (a recompose:
remove, mount, restyle) each time the bindings change, and it shows its keys only one
refresh after the first frame. The front desk changes bindings often (a guide loads, a
countdown lets Reenviar through), and a thin client feels every widget, so this bar is a
single widget: it renders the keys as one line of text, is complete in the first frame,
repaints only when the line really changes, and maps a click back to its key.

When the keys do not fit, they shorten first (`E Enviar` for `E Enviar Token`, from the
catalog's `key.send.short`), from the last one back; then the last ones are dropped (the
app-wide keys come last), and a key dropped gives its room back to a shortened one. Esc
(back, cancel, clear) and F1 (help, which lists every key) are never dropped.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.app import RenderResult
from textual.screen import Screen
from textual.widget import Widget

from frontdesk.app.keys import DeskKey, bar_keys

HELP_ACTIONS = frozenset({"help", "app.help"})
KEPT_KEYS = frozenset({"escape"})
DIM = Style(dim=True)


class KeyBar(Widget, can_focus=False):
    """The screen's keys (bindings with `show=True`) on one line, docked at the bottom."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"key-bar--key", "key-bar--description"}  # noqa: RUF012
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        width: 1fr;
        color: $footer-foreground;
        background: $footer-background;
        text-wrap: nowrap;
        text-overflow: clip;
        & > .key-bar--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .key-bar--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._keys: tuple[DeskKey, ...] | None = None  # as last worked out (None: not yet)
        self._spans: list[tuple[int, int, DeskKey]] = []

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if screen is not self.screen:
            return
        keys = self.keys()
        if keys != self._keys:
            self._keys = keys
            self.refresh()

    def keys(self) -> tuple[DeskKey, ...]:
        """The keys to show, one per action, in the user's words (`frontdesk.app.keys`)."""
        return tuple(bar_keys(self.screen))

    @staticmethod
    def kept(key: DeskKey) -> bool:
        """Esc and F1 are never dropped: the way back and the list of every key."""
        return key.action in HELP_ACTIONS or key.key in KEPT_KEYS

    @classmethod
    def fit(cls, keys: tuple[DeskKey, ...], width: int) -> list[tuple[DeskKey, str]]:
        """The keys that fit in `width` cells, each with the description it shows.

        First every description whole; then shortened, from the last key back; then the
        last droppable keys go, and what they free is given back (whole descriptions again,
        from the first key on). Esc and F1 stay whatever the width.
        """

        def cells(chosen: list[tuple[DeskKey, str]]) -> int:
            return sum(cell_len(k.display) + 1 + cell_len(d) + 1 for k, d in chosen) - 1

        chosen = [(k, k.description) for k in keys]
        for index in reversed(range(len(chosen))):
            if cells(chosen) <= width:
                return chosen
            key = chosen[index][0]
            chosen[index] = (key, key.short)
        while cells(chosen) > width:
            droppable = [i for i, (k, _) in enumerate(chosen) if not cls.kept(k)]
            if not droppable:
                break
            del chosen[droppable[-1]]
        for index, (key, shown) in enumerate(chosen):
            if shown != key.description:
                longer = [*chosen[:index], (key, key.description), *chosen[index + 1 :]]
                if cells(longer) <= width:
                    chosen = longer
        return chosen

    def render(self) -> RenderResult:
        if self._keys is None:
            self._keys = self.keys()
        keys = self._keys
        key_style = self.get_component_rich_style("key-bar--key")
        description_style = self.get_component_rich_style("key-bar--description")
        line = Text(no_wrap=True, overflow="crop", end="")
        spans: list[tuple[int, int, DeskKey]] = []
        for key, description in self.fit(keys, self.size.width):
            start = line.cell_len
            dim = Style() if key.enabled else DIM
            line.append(key.display, style=key_style + dim)
            line.append(" " + description, style=description_style + dim)
            spans.append((start, line.cell_len, key))
            line.append(" ")
        self._spans = spans
        return line

    def key_at(self, x: int) -> DeskKey | None:
        for start, end, key in self._spans:
            if start <= x < end:
                return key
        return None

    def on_click(self, event: events.Click) -> None:
        key = self.key_at(event.x)
        if key is None:
            return
        if key.enabled:
            self.app.simulate_key(key.key)
        else:
            self.app.bell()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        key = self.key_at(event.x)
        self.tooltip = (key.tooltip or key.description) if key is not None else None
