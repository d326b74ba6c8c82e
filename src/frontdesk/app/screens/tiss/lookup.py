"""The lookup at a TISS counter: the clinic's guide number or the patient's card, typed or
read by a barcode scanner (keystrokes ending in Enter), and the queue of today's exports.

A card with one guide awaiting its token opens that guide at once (a scanned card is one
key); with several, the queue shows them; with none, its eligibility check opens (the code
goes to the operator in a VerificaElegibilidade). F4 starts a guide by hand from the card, F8 shows
what the last import found wrong in the practice system's files.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Static

from frontdesk.app.formatting import DigitsProblem, card_problem, compact
from frontdesk.app.screens.base import audit_outcome
from frontdesk.app.screens.lookup import LookupScreen, QueueTable, queue_order
from frontdesk.app.screens.tiss.imports import ImportReportModal
from frontdesk.app.screens.tiss.new_guide import NewGuideModal
from frontdesk.app.typeahead import caught_up
from frontdesk.core.contacts import digits_only
from frontdesk.core.i18n import t

if TYPE_CHECKING:
    from frontdesk.client.models import Guide

MAX_GUIDE_NUMBER = 20  # numeroGuiaPrestador: st_texto20
CARD_DIGITS = 14  # from this many digits on, a value typed as a guide number is a card


def tiss_number_problem(value: str) -> DigitsProblem | None:
    """A guide number of the clinic's system: 1–20 visible characters, no spaces."""
    if not value:
        return DigitsProblem("too_short", 0, 1)
    if len(value) > MAX_GUIDE_NUMBER:
        return DigitsProblem("too_long", len(value), MAX_GUIDE_NUMBER)
    if not (value.isascii() and value.isprintable()) or " " in value:
        return DigitsProblem("not_digits")
    return None


def learned_name(guide: Guide) -> str | None:
    """The name the operator gave for this guide's card in an earlier answer, shown because
    no answer about this guide has named the patient yet; else None."""
    # Loaded with the counter, before any queue: docs/performance.md, "Lazy imports".
    from frontdesk.counter.guides import TissGuide

    return guide.tiss.learned_name if isinstance(guide, TissGuide) else None


def looks_like_card(value: str) -> bool:
    """A card rather than a guide number: printed as a card (spaces, dots, dashes) or with
    at least `CARD_DIGITS` digits (the counter's own guide numbers have 13)."""
    if card_problem(value) is not None:
        return False
    return len(digits_only(value)) >= CARD_DIGITS or any(ch in " .-" for ch in value)


class TissLookupScreen(LookupScreen):
    """The lookup of a TISS profile."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # Priority: the form is up and focused before the keys typed after F4 are handed on
        # (app/typeahead.py); otherwise they reach the lookup's field.
        Binding(
            "f4",
            "new_guide",
            "counter.key.new",
            id="counter-new",
            tooltip="counter.key.new.tip",
            priority=True,
        ),
        Binding(
            "f8",
            "import_report",
            "counter.key.import",
            id="counter-import",
            tooltip="counter.key.import.tip",
        ),
    ]

    GUIDE_HINT = "counter.lookup.hint"

    def __init__(self) -> None:
        super().__init__(number_problem=tiss_number_problem)

    # -- a name learned from an earlier answer: short in the queue, said in its header -----

    def name_cell(self, guide: Guide) -> str:
        learned = learned_name(guide)
        if learned is None:
            return super().name_cell(guide)
        return t("counter.queue.learned_name", name=learned)

    def name_header(self) -> str:
        if any(learned_name(g) is not None for g in self.guides):
            return t("counter.queue.col.learned")
        return super().name_header()

    # -- a card or a number ----------------------------------------------------------------

    def action_open(self) -> None:
        table = self.query_one("#queue", DataTable)
        value = compact(self.field.value)
        known = {g.number for g in self.guides}
        if (
            not table.has_focus
            and not self.card_mode
            and value not in known
            and looks_like_card(value)
        ):
            self.search_card(digits_only(value))
            return
        super().action_open()

    @work(exclusive=True, exit_on_error=False, group="card", description="find card")
    async def search_card(self, card: str) -> None:
        """The card's guide (one: opened), its guides (several: the queue shows them), or
        its eligibility check (none)."""
        # The client's errors load after the first frame: docs/performance.md, "Lazy imports".
        from frontdesk.client.client_errors import FrontdeskClientError

        self.hint.say(t("lookup.searching"))
        try:
            client = await self.client()
            guides = await client.list_guides(card=card)
        except FrontdeskClientError as exc:
            self.desk.audit_trail.record("lookup", guide=None, outcome=audit_outcome(exc))
            trouble = self.report(exc, retry=lambda: self.search_card(card))
            self.hint.say("" if trouble.banner else trouble.text, error=not trouble.banner)
            return
        self.clear_problem()
        awaiting = [g for g in guides if g.status == "awaiting_token"]
        if len(awaiting) == 1:  # the patient's one guide: open it (a scanned card is one key)
            guide = awaiting[0]
            self.desk.audit_trail.record("lookup", guide=guide.number, outcome="found")
            self.field.value = ""
            self.hint.say(t(self.GUIDE_HINT))
            self.desk.navigation.open_guide(guide)
            return
        if not guides:  # only the card is known: its eligibility, with the code
            desk = self.desk.backend.tiss_desk
            if desk is None:
                self.hint.say(t("counter.lookup.no_guides", card=card), error=True)
                return
            check = await desk.card_check(card)
            self.desk.audit_trail.record("lookup", guide=None, outcome="card_only")
            self.field.value = ""
            self.hint.say(t(self.GUIDE_HINT))
            self.desk.navigation.open_guide(check)
            return
        self.card_filter = card
        self.guides = queue_order(guides)
        self._populate()
        self.hint.say(t("lookup.card_ready"))
        self.query_one(QueueTable).enter()

    # -- the queue's title says what the import left out -----------------------------------

    def _populate(self) -> None:
        super()._populate()
        desk = self.desk.backend.tiss_desk
        if desk is None:
            return
        left_out = sum(len(r.rejected) + (1 if r.problems else 0) for r in desk.reports)
        if left_out:
            title = self.query_one("#queue-title", Static)
            text = t("counter.lookup.left_out", n=left_out)
            title.update(f"{title.content} · {text}")

    # -- F4, F8 ------------------------------------------------------------------------------

    async def action_new_guide(self) -> None:
        # The card typed just before F4 may still wait in the field's queue: let it land.
        await caught_up(self.field)
        value = compact(self.field.value)
        card = value if value and card_problem(value) is None else ""

        def answered(number: str | None) -> None:
            if number is not None:
                self.field.value = ""
                self.load_queue()
                self.open_guide(number)

        # Awaited: the app hands on no further key until the form is mounted and focused.
        await self.app.push_screen(NewGuideModal(card), answered)

    def action_import_report(self) -> None:
        self.app.push_screen(ImportReportModal())
