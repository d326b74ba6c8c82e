"""The one-line title bar: program and place, the active profile and its health, and markers.

Left: "Frontdesk · place" (only the place when the line is short). Right: the simulator hint
(local mode), INSEGURO (http) when plain HTTP to another machine was allowed, the profile
with the backend's health ("local · ok", "unimed · SEM CONEXÃO"), and the local-mode marker.
Every part follows the app's reactive attributes, so it repaints only when one changes.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import ComposeResult, RenderResult
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Static

from frontdesk.app.i18n import t


class PlaceTitle(Widget):
    """ "Frontdesk · place", or just the place when the bar has no room for both."""

    def __init__(self, place: str) -> None:
        super().__init__(id="top-title")
        self.place = place

    @property
    def full_text(self) -> str:
        return t("app.title") + (f" · {self.place}" if self.place else "")

    def render(self) -> RenderResult:
        full = self.full_text
        if not self.place or cell_len(full) <= self.content_region.width:
            return full
        return self.place


class TopBar(Horizontal):
    """Title on the left; hint, insecure marker, profile · health and local marker on the right."""

    def __init__(self, place: str = "") -> None:
        super().__init__(id="top-bar")
        self._place = place

    def compose(self) -> ComposeResult:
        yield PlaceTitle(self._place)
        yield Static("", id="top-hint", markup=False)
        yield Static(t("app.insecure"), id="top-insecure", markup=False)
        yield Static("", id="top-connection", markup=False)
        yield Static("", id="top-mode", markup=False)

    def on_mount(self) -> None:
        self.watch(self.app, "local_mode", self._show_local)
        self.watch(self.app, "insecure", self._show_insecure)
        self.watch(self.app, "profile_label", self._show_connection)
        self.watch(self.app, "health_state", self._show_connection)

    def _show_local(self, local: bool) -> None:
        mode = self.query_one("#top-mode", Static)
        mode.update(t("app.local_mode") if local else "")
        mode.set_class(local, "-local")
        mode.display = local
        hint = self.query_one("#top-hint", Static)
        hint.update(t("app.local_hint") if local else "")
        hint.display = local

    def _show_insecure(self, insecure: bool) -> None:
        self.query_one("#top-insecure", Static).display = insecure

    def _show_connection(self, _: str) -> None:
        state = str(getattr(self.app, "health_state", "checking"))
        label = str(getattr(self.app, "profile_label", ""))
        if state == "ok":
            health = t("app.online")
        elif state == "offline":
            health = t("app.offline")
        else:
            health = t("app.connecting")
        text = t("app.connection", profile=label, health=health) if label else health
        segment = self.query_one("#top-connection", Static)
        segment.update(text)
        segment.set_class(state == "offline", "-offline")
        segment.set_class(state == "checking", "-checking")
