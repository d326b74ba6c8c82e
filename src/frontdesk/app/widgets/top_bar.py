"""The one-line title bar: program, place, and which backend (local demonstration or remote)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from frontdesk.app.i18n import t


class TopBar(Horizontal):
    """Title on the left, the backend's label on the right (bold when in local mode)."""

    def __init__(self, place: str = "") -> None:
        super().__init__(id="top-bar")
        self._place = place

    def compose(self) -> ComposeResult:
        title = t("app.title") + (f" · {self._place}" if self._place else "")
        yield Static(title, id="top-title", markup=False)
        yield Static("", id="top-hint", markup=False)
        yield Static("", id="top-mode", markup=False)

    def on_mount(self) -> None:
        self.watch(self.app, "backend_label", self._show_label)
        self.watch(self.app, "local_mode", self._show_local)

    def _show_label(self, label: str) -> None:
        mode = self.query_one("#top-mode", Static)
        mode.update(label)
        mode.set_class(label == t("app.offline"), "-offline")

    def _show_local(self, local: bool) -> None:
        self.query_one("#top-mode", Static).set_class(local, "-local")
        hint = self.query_one("#top-hint", Static)
        hint.update(t("app.local_hint") if local else "")
        hint.display = local
