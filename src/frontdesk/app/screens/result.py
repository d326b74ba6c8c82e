"""The outcome: AUTORIZADA with the authorization number large and copyable, or EM ANÁLISE."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Vertical
from textual.widgets import Static

from frontdesk.app.formatting import date_text, label
from frontdesk.app.screens.base import DeskScreen
from frontdesk.app.widgets.banner import ConnectionBanner
from frontdesk.app.widgets.key_bar import KeyBar
from frontdesk.app.widgets.top_bar import TopBar
from frontdesk.client.models import Guide
from frontdesk.core.i18n import t


def headline(status: str) -> str:
    if status == "authorized":
        return t("result.authorized")
    if status == "partially_authorized":
        return t("result.partial")
    if status == "under_review":
        return t("result.under_review")
    return t("result.other", status=label("status", status))


def spaced(number: str) -> str:
    """The authorization number with room between characters, easy to read aloud and copy."""
    return " ".join(number)


class ResultScreen(DeskScreen[None]):
    """Enter (or Esc) goes back to an empty lookup; C copies the authorization number."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "next", "key.next", id="result.next", tooltip="key.next.tip"),
        Binding("escape", "next", "key.next", id="result.next_esc", show=False),
        Binding(
            "c,C", "copy", "key.copy", id="result.copy", tooltip="key.copy.tip", key_display="C"
        ),
    ]

    def __init__(self, guide: Guide) -> None:
        super().__init__()
        self.guide = guide

    def compose(self) -> ComposeResult:
        guide = self.guide
        auth = guide.authorization
        yield TopBar()
        yield ConnectionBanner()
        with Vertical(id="result-box", classes=f"-{guide.status}"):
            yield Static(headline(guide.status), id="result-status", markup=False)
            yield Static(
                f"{t('guide.title', number=guide.number)} · {guide.beneficiary.display_name}",
                id="result-guide",
                markup=False,
            )
            if auth is not None:
                yield Static(t("result.auth_label"), id="result-auth-label", markup=False)
                with Center():
                    yield Static(spaced(auth.number), id="result-auth", markup=False)
                yield Static(
                    t("result.valid_until", date=date_text(auth.valid_until)),
                    id="result-valid",
                    markup=False,
                )
            elif guide.status == "under_review":
                yield Static(t("result.under_review_text"), id="result-review", markup=False)
            if guide.absence_reason:
                code = guide.absence_reason
                yield Static(
                    t("guide.absence", code=code, reason=label("reason", code)),
                    id="result-absence",
                    markup=False,
                )
            # C only where there is a senha to copy (EM ANÁLISE has none).
            words = "result.next_copy" if auth is not None else "result.next"
            yield Static(t(words), id="result-next", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.desk.simulator.show_guide(self.guide)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "copy":
            return self.guide.authorization is not None
        return True

    def action_next(self) -> None:
        self.desk.navigation.back_to_lookup()

    def action_copy(self) -> None:
        auth = self.guide.authorization
        if auth is not None:
            self.app.copy_to_clipboard(auth.number)
            self.notify(t("app.copied", number=auth.number))
