"""The guide: who and what it is for, its status and token state, and the next actions."""

from __future__ import annotations

from typing import ClassVar

from msgspec.structs import replace
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Static

from frontdesk.app.formatting import date_text, label, local_datetime
from frontdesk.app.screens.base import DeskScreen, GuideChanged
from frontdesk.app.widgets.banner import ConnectionBanner
from frontdesk.app.widgets.key_bar import KeyBar
from frontdesk.app.widgets.status_badge import StatusBadge
from frontdesk.app.widgets.text_table import TextTable
from frontdesk.app.widgets.token_panel import DELIVERY_POLL_SECONDS, TokenPanel
from frontdesk.app.widgets.top_bar import TopBar
from frontdesk.client.client_errors import FrontdeskClientError
from frontdesk.client.models import Channels, Guide
from frontdesk.core.i18n import t


def details_rows(guide: Guide) -> list[tuple[str, Text]]:
    """Beneficiary (social name first), card, plan, type, dates: a label and a value a row."""
    b = guide.beneficiary
    name = Text(b.display_name, style="bold")
    if b.social_name and b.social_name != b.name:
        name.append(f"  ({t('guide.civil_name', name=b.name)})", style="dim")
    return [
        (t("guide.beneficiary"), name),
        (t("guide.card"), Text(f"{b.card}   {t('guide.plan')}: {b.plan}")),
        (
            t("guide.type"),
            Text(
                f"{label('type', guide.type)}   {t('guide.requested')}: "
                f"{local_datetime(guide.requested_at)}"
            ),
        ),
        (
            t("guide.provider"),
            Text(f"{guide.provider.name}   {t('guide.operator_number')}: {guide.operator_number}"),
        ),
    ]


def show_details(table: TextTable, guide: Guide) -> None:
    table.set_rows(details_rows(guide), flex=1, column_styles=("bold",))


def show_procedures(table: TextTable, guide: Guide) -> None:
    """TUSS code, description (wraps), quantity: a bold header row, then one per procedure."""
    header = [
        Text(t("guide.col.code"), style="bold"),
        Text(t("guide.col.description"), style="bold"),
        Text(t("guide.col.qty"), style="bold"),
    ]
    rows = [header] + [
        [Text(p.code), Text(p.description), Text(str(p.quantity))] for p in guide.procedures
    ]
    table.set_rows(rows, flex=1, right=frozenset({2}), gap=2, indent=1)


def outcome_text(guide: Guide) -> str:
    """For a guide that needs no token: its authorization or absence reason, in words."""
    lines: list[str] = []
    if guide.authorization is not None:
        lines.append(
            t(
                "guide.authorized",
                number=guide.authorization.number,
                date=date_text(guide.authorization.valid_until),
            )
        )
    if guide.absence_reason:
        code = guide.absence_reason
        lines.append(t("guide.absence", code=code, reason=label("reason", code)))
    return "\n".join(lines)


class GuideScreen(DeskScreen[None]):
    """One guide; E sends a token, C types a code, S releases without one, H shows history."""

    HAS_SIMULATOR = True
    BINDINGS: ClassVar[list[BindingType]] = [
        # Both cases: a hint says "E", and Caps Lock is often on at a counter.
        Binding(
            "e,E", "send", "key.send", id="guide.send", tooltip="key.send.tip", key_display="E"
        ),
        Binding(
            "c,C", "code", "key.code", id="guide.code", tooltip="key.code.tip", key_display="C"
        ),
        Binding(
            "s,S",
            "absence",
            "key.absence",
            id="guide.absence",
            tooltip="key.absence.tip",
            key_display="S",
        ),
        Binding(
            "h,H",
            "history",
            "key.history",
            id="guide.history",
            tooltip="key.history.tip",
            key_display="H",
        ),
        Binding("escape", "back", "key.back", id="guide.back", tooltip="key.back.tip"),
    ]

    def __init__(self, guide: Guide, *, fresh: bool = True) -> None:
        """`fresh`: `guide` was just fetched (the lookup's), so showing the screen does not
        fetch it again; it is fetched again each time the screen comes back."""
        super().__init__()
        self.guide = guide
        self._fresh = fresh
        self._shown: Guide | None = None
        self.channels: Channels | None = None

    def compose(self) -> ComposeResult:
        yield TopBar(t("guide.title", number=self.guide.number))
        yield ConnectionBanner()
        with Horizontal(id="body"), VerticalScroll(id="main"):
            with Horizontal(id="guide-head"):
                yield Static(t("guide.title", number=self.guide.number), id="guide-number")
                yield StatusBadge(self.guide.status, id="guide-status")
            yield TextTable(id="guide-details")
            yield Static(t("guide.procedures"), classes="section-title")
            yield TextTable(id="guide-procedures")
            with Vertical(id="token-box"):
                yield TokenPanel(self.desk.monotonic, id="guide-token")
                yield Static("", id="guide-next", markup=False)
        yield KeyBar()

    def prepare(self, guide: Guide) -> None:
        """Fill this (kept) screen with another guide, just fetched, before it is shown."""
        self.workers.cancel_node(self)  # nothing of the last guide may land on this one
        self.guide = guide
        self._fresh = True
        self._shown = None
        self.channels = None
        self.forget_problem()
        if not self.is_mounted:
            return  # on_mount shows it
        title = t("guide.title", number=guide.number)
        self.query_one(TopBar).set_place(title)
        self.query_one("#guide-number", Static).update(title)
        self.query_one("#main", VerticalScroll).scroll_home(animate=False, immediate=True)
        self.show_guide(guide)
        self.load_channels()

    def on_mount(self) -> None:
        self.query_one("#token-box").border_title = t("guide.token")
        self.show_guide(self.guide)
        self.set_interval(DELIVERY_POLL_SECONDS, self._poll_token)
        self.load_channels()

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        self.desk.simulator.show_guide(self.guide)
        fresh, self._fresh = self._fresh, False
        if self.is_mounted:
            # Its timer paused while another screen hid this one.
            self.query_one("#guide-token", TokenPanel).catch_up()
            if not fresh:
                self.load_guide()

    def reload(self) -> None:
        self.load_guide()
        self.load_channels()

    async def relabel(self) -> None:
        kept = self.query_one("#guide-token", TokenPanel).countdowns()
        await super().relabel()
        self.query_one("#token-box").border_title = t("guide.token")
        self._shown = None
        self.show_guide(self.guide)
        self.query_one("#guide-token", TokenPanel).resume(kept)

    def show_guide(self, guide: Guide) -> None:
        previous, self.guide = self._shown, guide
        self._shown = guide
        self.query_one("#guide-status", StatusBadge).status = guide.status
        if previous is None or replace(previous, token=guide.token) != guide:
            # Only a new token (a countdown, a delivery) does not redraw the details.
            show_details(self.query_one("#guide-details", TextTable), guide)
            show_procedures(self.query_one("#guide-procedures", TextTable), guide)
        self.query_one("#guide-token", TokenPanel).set_token(
            guide.token if guide.status == "awaiting_token" else None
        )
        nxt = self.query_one("#guide-next", Static)
        if guide.status != "awaiting_token":
            text = t("guide.not_awaiting", status=label("status", guide.status))
            outcome = outcome_text(guide)
            next_text = text + ("\n" + outcome if outcome else "")
        elif guide.token.state == "pending":
            next_text = t("guide.next_code")
        else:
            next_text = t("guide.next_send")
        if nxt.content != next_text:  # no repaint when nothing changed
            nxt.update(next_text)
        self.desk.simulator.show_guide(guide)
        self.refresh_bindings()

    @property
    def awaiting(self) -> bool:
        return self.guide.status == "awaiting_token"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """E, C and S only while the guide waits for a token: otherwise they are not shown
        (a key that cannot act is not offered; the next-step line says why)."""
        if action in {"send", "code", "absence"}:
            return self.awaiting
        return True

    # -- actions ---------------------------------------------------------------------------

    def action_send(self) -> None:
        if self.awaiting:
            self.desk.navigation.open_send_token(self.guide, self.channels)

    def action_code(self) -> None:
        if self.awaiting:
            self.desk.navigation.open_code_entry(self.guide, self.guide.token, via=None)

    def action_absence(self) -> None:
        if self.awaiting:
            self.desk.navigation.open_absence(self.guide)

    def action_history(self) -> None:
        self.desk.navigation.open_history(self.guide)

    def action_back(self) -> None:
        self.dismiss(None)

    def on_guide_changed(self, event: GuideChanged) -> None:
        if event.number == self.guide.number:
            self.load_guide()

    # -- work ------------------------------------------------------------------------------

    @work(exclusive=True, exit_on_error=False, group="guide", description="load guide")
    async def load_guide(self) -> None:
        try:
            client = await self.client()
            guide = await client.get_guide(self.guide.number)
        except FrontdeskClientError as exc:
            trouble = self.report(exc, retry=self.load_guide)
            if not trouble.banner:
                self.query_one("#guide-next", Static).update(trouble.text)
            return
        self.clear_problem()
        self.show_guide(guide)

    @work(exclusive=True, exit_on_error=False, group="channels", description="load channels")
    async def load_channels(self) -> None:
        if not self.awaiting:
            return
        try:
            client = await self.client()
            self.channels = await client.channels(self.guide.number)
        except FrontdeskClientError:
            self.channels = None  # the Enviar Token modal loads them again and reports

    async def _poll_token(self) -> None:
        """While a code is pending and not yet delivered, follow its delivery status."""
        if not self.is_active or self.has_problem:  # covered, or the app is closing
            return
        if not (self.awaiting and self.query_one("#guide-token", TokenPanel).follows_delivery):
            return
        self.refresh_token()

    @work(exclusive=True, exit_on_error=False, group="token", description="refresh token")
    async def refresh_token(self) -> None:
        try:
            client = await self.client()
            token = await client.get_token(self.guide.number)
        except FrontdeskClientError:
            return  # a background refresh: the next user action reports any trouble
        if token != self.guide.token:
            self.show_guide(replace(self.guide, token=token))
