"""The outcome at a TISS counter, in the app's words: AUTORIZADA with the senha (C copies it)
and the operator's guide number; NEGADA with each glosa and its description (and the field
to check, when a glosa points at one); EM ANÁLISE with the next status check, which runs
quietly in the background when it is due, or at once with V; and what was written back to
the clinic's system (or why nothing could be).
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Horizontal, Vertical
from textual.widgets import Static

from frontdesk.app.formatting import date_text, label
from frontdesk.app.screens.base import DeskScreen
from frontdesk.app.screens.result import headline, spaced
from frontdesk.app.widgets.banner import ConnectionBanner
from frontdesk.app.widgets.key_bar import KeyBar
from frontdesk.app.widgets.top_bar import TopBar
from frontdesk.client.client_errors import FrontdeskClientError
from frontdesk.core.i18n import t
from frontdesk.counter.counter_errors import glosa_line
from frontdesk.counter.entries import format_card
from frontdesk.counter.guides import TissGuide

POLL_TICK = 5.0  # seconds between looks at the clock for a due status check


def glosa_lines(guide: TissGuide) -> str:
    if not guide.tiss.glosas:
        return ""
    lines = [glosa_line(g) for g in guide.tiss.glosas]
    return "\n".join([t("counter.result.glosas"), *lines])


def clock_text(moment: float) -> str:
    return datetime.fromtimestamp(moment).astimezone().strftime("%H:%M")


def write_text(guide: TissGuide) -> str:
    """What went back to the clinic's system."""
    facts = guide.tiss
    if facts.write_state == "written" and facts.written:
        return t("counter.result.written", file=facts.written.replace("\\", "/").rsplit("/", 1)[-1])
    if facts.write_state == "not_exported":
        if guide.status == "denied":  # no senha to record, no file: nothing to say
            return ""
        key = (
            "counter.result.card_only" if facts.source == "card" else "counter.result.not_exported"
        )
        return t(key)
    if facts.write_state in ("failed", "no_field"):
        return t("counter.result.write_failed", problem=facts.write_problem or "?")
    return ""


class TissResultScreen(DeskScreen[None]):
    """Enter (or Esc): next patient; C copies the senha; V asks the operator again.

    The simulator panel is here too (a guide EM ANÁLISE waits for the operator's clock)."""

    HAS_SIMULATOR = True

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "next", "key.next", id="result.next", tooltip="key.next.tip"),
        Binding("escape", "next", "key.next", id="result.next_esc", show=False),
        Binding("c", "copy", "key.copy", id="result.copy", tooltip="key.copy.tip", key_display="C"),
        Binding(
            "v",
            "check_status",
            "counter.key.status",
            id="counter-status",
            tooltip="counter.key.status.tip",
            key_display="V",
        ),
    ]

    def __init__(self, guide: TissGuide) -> None:
        super().__init__()
        self.guide = guide
        self.checking = False
        self.asked_here = False  # the operator was asked from this screen (V or the timer)

    def compose(self) -> ComposeResult:
        guide = self.guide
        yield TopBar()
        yield ConnectionBanner()
        with Horizontal(id="body"), Vertical(id="result-box", classes=f"tiss -{guide.status}"):
            yield Static(headline(guide.status), id="result-status", markup=False)
            yield Static(
                f"{t('guide.title', number=guide.number)} · {guide.beneficiary.display_name}",
                id="result-guide",
                markup=False,
            )
            auth = guide.authorization
            if auth is not None:
                yield Static(t("result.auth_label"), id="result-auth-label", markup=False)
                with Center():
                    yield Static(spaced(auth.number), id="result-auth", markup=False)
            yield Static("", id="tiss-result-facts", markup=False)
            yield Static("", id="tiss-result-glosas", markup=False)
            yield Static("", id="tiss-result-write", markup=False)
            yield Static("", id="tiss-result-next", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.desk.simulator.show_guide(self.guide)
        self.show()
        self.set_interval(POLL_TICK, self._tick)

    def show(self) -> None:
        guide = self.guide
        facts: list[str] = []
        auth = guide.authorization
        if auth is not None and auth.valid_until:
            facts.append(t("result.valid_until", date=date_text(auth.valid_until)))
        if guide.operator_number and guide.operator_number != "—":
            facts.append(t("counter.result.operator_number", number=guide.operator_number))
        if guide.tiss.eligibility and guide.status == "authorized":
            facts.append(t("counter.result.eligibility"))
        if guide.absence_reason:
            code = guide.absence_reason
            facts.append(t("guide.absence", code=code, reason=label("reason", code)))
        if guide.status == "under_review":
            facts.append(t("counter.result.review"))
        self._say("#tiss-result-facts", "\n".join(facts))
        glosas = glosa_lines(guide)
        if glosas and guide.tiss.field:
            card = format_card(guide.beneficiary.card)
            glosas += "\n" + t(f"counter.field.{guide.tiss.field}", value=card)
        self._say("#tiss-result-glosas", glosas)
        self._say("#tiss-result-write", write_text(guide))
        self._say("#tiss-result-next", self._next_text())
        self.refresh_bindings()

    def _say(self, selector: str, text: str) -> None:
        widget = self.query_one(selector, Static)
        widget.update(text)
        widget.display = bool(text)

    def _next_text(self) -> str:
        due = self.guide.tiss.next_check
        checked = self.guide.tiss.checked_at
        if self.guide.status == "under_review" and due is not None:
            if self.asked_here and checked is not None:  # asked, and nothing changed: say so
                return t(
                    "counter.result.still_review", checked=clock_text(checked), time=clock_text(due)
                )
            return t("counter.result.next_check", time=clock_text(due))
        if self.guide.authorization is not None:
            return t("result.next_copy")
        return t("counter.result.next")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "copy":
            return self.guide.authorization is not None
        if action == "check_status":
            return self.guide.status == "under_review"
        return True

    # -- actions -------------------------------------------------------------------------------

    def action_next(self) -> None:
        self.desk.navigation.back_to_lookup()

    def action_copy(self) -> None:
        auth = self.guide.authorization
        if auth is not None:
            self.app.copy_to_clipboard(auth.number)
            self.notify(t("app.copied", number=auth.number))

    def action_check_status(self) -> None:
        if self.guide.status == "under_review" and not self.checking:
            self.check_status(quiet=False)

    def _tick(self) -> None:
        """The quiet background check, once the operator's next check is due."""
        desk = self.desk.backend.tiss_desk
        due = self.guide.tiss.next_check
        if desk is None or due is None or self.guide.status != "under_review":
            return
        if not self.checking and not self.has_problem and desk.clock() >= due:
            self.check_status(quiet=True)

    @work(exclusive=True, exit_on_error=False, group="status", description="status check")
    async def check_status(self, *, quiet: bool) -> None:
        desk = self.desk.backend.tiss_desk
        if desk is None:
            return
        self.checking = True
        self._say("#tiss-result-next", t("counter.result.checking"))
        try:
            guide = await desk.check_status(self.guide.number)
        except FrontdeskClientError as exc:
            self.checking = False
            self.desk.audit_trail.record("status", guide=self.guide.number, outcome="error")
            if quiet:  # in the background: said on the line, tried again at the next tick
                self._say("#tiss-result-next", t("counter.result.check_failed"))
            else:
                self.report(exc, retry=lambda: self.check_status(quiet=False))
                self._say("#tiss-result-next", self._next_text())
            return
        self.checking = False
        self.clear_problem()
        self.desk.audit_trail.record("status", guide=guide.number, outcome=guide.status)
        assert isinstance(guide, TissGuide)
        changed = guide.status != self.guide.status
        self.guide = guide
        self.asked_here = True
        if changed:
            await self.recompose()
            self.sync_simulator()
            self.show()
            self.desk.simulator.refresh()
        else:
            self.show()
