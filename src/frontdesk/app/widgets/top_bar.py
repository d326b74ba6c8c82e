"""The one-line title bar: program and place, the active profile and its health, and markers.

Left: "Frontdesk · place". Right: the simulator hint (local mode), INSEGURO (http) when
plain HTTP to another machine was allowed, the profile with the backend's health ("local ·
ok", "unimed · SEM CONEXÃO"), and the local-mode marker. On a short line the title loses
"Frontdesk · " first, then the hint goes and the local-mode marker shortens (DEMO), so the
place (a guide's number) stays whole; only when even that does not fit is it cut.

It is one widget that renders one line (not a row of widgets): every screen has one, and on
a thin client each widget costs time to build and style. It follows the app's reactive
attributes, so it repaints only when one of them changes.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.app import RenderResult
from textual.color import Color
from textual.widget import Widget

from frontdesk.app.desk_app import desk_app
from frontdesk.core.i18n import t

LIGHT_ANSI = frozenset({2, 3, 6, 7})


def on_its_background(style: Style) -> Style:
    """`style` with a text colour that reads on its own background (a marker: red, yellow).

    CSS `color: auto` would contrast with the bar's background, not the marker's."""
    bgcolor = style.bgcolor
    if bgcolor is None:
        return style
    if bgcolor.triplet is None and bgcolor.number is not None:  # an ANSI theme's colour
        light = bgcolor.number % 8 in LIGHT_ANSI  # yellow, green, cyan, white: black text
        return style + Style(color="black" if light else "bright_white")
    background = Color.from_rich_color(bgcolor)
    return style + Style(color=background.get_contrast_text(0.9).rich_color)


class TopBar(Widget):
    """Title on the left; hint, insecure marker, profile · health and local marker on the right."""

    COMPONENT_CLASSES = {  # noqa: RUF012
        "top-bar--title",
        "top-bar--hint",
        "top-bar--insecure",
        "top-bar--connection",
        "top-bar--checking",
        "top-bar--offline",
        "top-bar--local",
    }

    def __init__(self, place: str = "") -> None:
        super().__init__(id="top-bar")
        self.place = place

    def on_mount(self) -> None:
        for name in ("local_mode", "insecure", "profile_label", "health_state"):
            self.watch(desk_app(self), name, self._changed, init=False)

    def _changed(self, _: object) -> None:
        self.refresh()

    def set_place(self, place: str) -> None:
        if place != self.place:
            self.place = place
            self.refresh()

    def parts(self) -> dict[str, str]:
        """The texts shown on the right, by name ("" when a part is not shown)."""
        desk = desk_app(self)
        local = desk.local_mode
        state = desk.health_state
        label = desk.profile_label
        if state == "ok":
            health = t("app.online")
        elif state == "offline":
            health = t("app.offline")
        else:
            health = t("app.connecting")
        return {
            "hint": t("app.local_hint") if local else "",
            "insecure": t("app.insecure") if desk.insecure else "",
            "connection": t("app.connection", profile=label, health=health) if label else health,
            "mode": t("app.local_mode") if local else "",
        }

    def title_text(self, width: int) -> str:
        """ "Frontdesk · place" when it fits in `width` cells, else the place alone."""
        full = t("app.title") + (f" · {self.place}" if self.place else "")
        if not self.place or cell_len(full) <= width:
            return full
        return self.place

    def fitted(self, width: int) -> tuple[str, dict[str, str]]:
        """The title and the right-hand parts for a line `width` cells wide: whole while
        they fit; then without the simulator hint, then with the short local-mode marker."""
        parts = self.parts()

        def right(chosen: dict[str, str]) -> int:
            return sum(cell_len(text) + 2 for text in chosen.values() if text)

        shorter = [parts, {**parts, "hint": ""}]
        if parts["mode"]:
            shorter.append({**parts, "hint": "", "mode": t("app.local_mode_short")})
        for chosen in shorter:
            room = max(0, width - right(chosen) - 2)
            title = self.title_text(room)
            if cell_len(title) <= room:
                return title, chosen
        return self.title_text(room), chosen

    def render(self) -> RenderResult:
        style = self.get_component_rich_style
        state = desk_app(self).health_state
        styles: dict[str, Style] = {
            "hint": style("top-bar--hint"),
            "insecure": on_its_background(style("top-bar--insecure")),
            "connection": style("top-bar--connection")
            + (
                on_its_background(style("top-bar--offline"))
                if state == "offline"
                else style("top-bar--checking")
                if state == "checking"
                else Style()
            ),
            "mode": on_its_background(style("top-bar--local")),
        }
        width = self.size.width
        title_text, parts = self.fitted(width)
        right = Text(no_wrap=True, end="")
        for name, text in parts.items():
            if text:
                right.append(f" {text} ", style=styles[name])
        room = max(0, width - right.cell_len - 2)
        title = Text(title_text, style=style("top-bar--title"), no_wrap=True, end="")
        title.truncate(room, overflow="ellipsis")
        line = Text(" ", no_wrap=True, end="")
        line.append_text(title)
        line.pad_right(max(0, width - right.cell_len - line.cell_len))
        line.append_text(right)
        return line
