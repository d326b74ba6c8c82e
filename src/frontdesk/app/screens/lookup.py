"""The first screen: type or scan a guide number (or a card), or pick from today's queue.

A little over 400 lines: the field's two modes, the queue's column layout (names whole
before the type, at every width) and its three workers are one screen's; split, each part
would reach into the others' state.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import DataTable, Input, Static

from frontdesk.app.formatting import (
    DigitsProblem,
    card_problem,
    card_text,
    compact,
    guide_number_problem,
    local_time,
    type_short,
)
from frontdesk.app.problems import card_problem_text, number_problem_text
from frontdesk.app.screens.base import DeskScreen, audit_outcome
from frontdesk.app.widgets.banner import ConnectionBanner
from frontdesk.app.widgets.hint import HintLine
from frontdesk.app.widgets.inputs import GuideField
from frontdesk.app.widgets.key_bar import KeyBar
from frontdesk.app.widgets.status_badge import status_cell
from frontdesk.app.widgets.top_bar import TopBar
from frontdesk.core.contacts import digits_only
from frontdesk.core.i18n import t

if TYPE_CHECKING:
    from frontdesk.client.models import Guide

WIDE_TABLE = 100  # from this width on, the queue also shows the time of each request
NAME_MIN_WIDTH = 12
TYPE_MIN_WIDTH = 7  # `SP/SADT`: the type gives the names its room down to this
SCROLLBAR = 2
SETTLE_AFTER_FIRST_QUEUE = 0.3  # seconds: the complete first screen is written by then
WARM_STEP = 0.02  # seconds between the parts of `_after_first_queue`: keys typed get a turn
FIRST_QUEUE_HOLD_LIMIT = 0.25  # seconds: repaints are never held longer for the first queue
Layout = tuple[bool, int, int]  # the time column shown, the names' width, the type's (0: none)


def queue_order(guides: list[Guide]) -> list[Guide]:
    """Awaiting-token guides first; otherwise the backend's order (newest first)."""
    return sorted(guides, key=lambda g: g.status != "awaiting_token")


def guide_placeholders() -> tuple[str, ...]:
    """The guide field's placeholder, longest first (the simulator narrows the field)."""
    return tuple(
        t(key)
        for key in (
            "lookup.placeholder.guide",
            "lookup.placeholder.barcode",
            "lookup.placeholder.short",
        )
    )


DIGITS = "0123456789"


class QueueTable(DataTable[object]):
    """The queue; tells the screen when its width changes, so names are refitted.

    Enter opens the highlighted guide (said in the key bar). Entering the queue lands on its
    highlighted row: the first Down after the queue was focused for the receptionist (a
    card's results) stays there instead of skipping the first guide.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter", "select_cursor", "key.open", id="lookup.queue.open", tooltip="key.open.tip"
        ),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.entered = False  # focused for the receptionist, who has not moved yet
        self.when_laid_out: Callable[[], object] | None = None

    def on_idle(self) -> None:
        # Before DataTable's own idle handler, which measures the rows just added and asks
        # the screen for a layout: `when_laid_out` runs once both are done.
        then, self.when_laid_out = self.when_laid_out, None
        if then is not None:
            self.call_next(then)

    class Resized(Message):
        pass

    def on_resize(self) -> None:
        self.post_message(self.Resized())

    def enter(self) -> None:
        """Focus the queue on its highlighted row, as if the receptionist had moved there."""
        self.entered = True
        self.focus()

    def on_blur(self) -> None:
        self.entered = False

    def action_cursor_down(self) -> None:
        if self.entered:
            self.entered = False
            return
        super().action_cursor_down()

    def action_cursor_up(self) -> None:
        self.entered = False
        super().action_cursor_up()


class LookupScreen(DeskScreen[None]):
    """Guide number field (scanner-friendly), card search, and the queue."""

    HAS_SIMULATOR = True
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f3", "toggle_card", "key.card", id="lookup.card", tooltip="key.card.tip"),
        Binding("escape", "clear", "key.clear", id="lookup.clear", tooltip="key.clear.tip"),
        Binding(
            "down",
            "focus_queue",
            "key.queue",
            id="lookup.queue",
            tooltip="key.queue.tip",
            show=False,
        ),
        # A digit typed (or scanned) while the queue has focus goes to the number field, in
        # order: a priority binding runs as the key arrives, before the next one is routed.
        *[
            Binding(
                d,
                f"type_digit('{d}')",
                "key.digit",
                id=f"lookup-digit-{d}",
                tooltip="key.digit.tip",
                show=False,
                priority=True,
            )
            for d in DIGITS
        ],
    ]

    card_mode: reactive[bool] = reactive(False)
    GUIDE_HINT: ClassVar[str] = "lookup.hint.guide"
    """The hint under an empty guide field (a TISS counter's says a card works too)."""

    def __init__(
        self, *, number_problem: Callable[[str], DigitsProblem | None] = guide_number_problem
    ) -> None:
        """`number_problem` says what is wrong with a typed guide number (the desk's own
        rule; a test gives one that fails)."""
        super().__init__()
        self.number_problem = number_problem
        self.guides: list[Guide] = []
        self.card_filter: str | None = None
        self._loaded = False
        self._layout: Layout | None = None
        self._new_list = False  # the next list is another one (a search): cursor on top

    def compose(self) -> ComposeResult:
        yield TopBar(t("lookup.title"))
        yield ConnectionBanner()
        with Horizontal(id="body"), Vertical(id="main"):
            field = GuideField(id="lookup-input", max_length=40)
            field.set_placeholders(*guide_placeholders())
            field.border_title = t("lookup.field.guide")
            yield field
            yield HintLine(t(self.GUIDE_HINT), id="lookup-hint")
            yield Static(t("lookup.queue_loading"), id="queue-title", markup=False)
            yield QueueTable(id="queue")
        yield KeyBar()

    def on_mount(self) -> None:
        # No loading indicator at start: "Carregando a fila…" says it, and the indicator's
        # animation (a widget and a 16 fps timer) would slow the first frame on a thin client.
        self.query_one("#lookup-input", Input).focus()
        # Connect (and import the backend) only once the first screen is on the terminal:
        # the app starts the first lookup's load on Ready (its first frame written).
        if self.desk.first_frame_shown:
            self.call_after_refresh(self.load_queue)
        # The statuses' cell colours depend on the theme (ANSI or not): redraw on a change.
        self.watch(self.app, "theme", self._theme_changed, init=False)
        self._follow_field()

    def _theme_changed(self, _: str) -> None:
        if self._loaded:
            self._populate()

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        self.desk.simulator.show_guide(None)
        if self._loaded:
            self.load_queue()

    def reload(self) -> None:
        self.load_queue()

    # -- the field -------------------------------------------------------------------------

    @property
    def field(self) -> Input:
        return self.query_one("#lookup-input", Input)

    @on(Input.Submitted, "#lookup-input")
    def _submitted(self) -> None:
        self.action_open()

    def _follow_field(self) -> None:
        """The hint follows the field as its value changes, not on its Changed message:
        the digit and the hint it changes are then drawn in one update (one layout, one
        frame), where the message, handled after the screen's next update, cost two."""
        self.watch(self.field, "value", self._validate_as_typed, init=False)

    def _validate_as_typed(self, typed: str) -> None:
        value = compact(typed)
        if not value:
            self.hint.say(t("lookup.hint.card" if self.card_mode else self.GUIDE_HINT))
            return
        if self.card_mode:
            problem = card_problem(value)
            if problem is None:
                self.hint.say(t("lookup.card_ready"))
            else:
                self.hint.say(card_problem_text(problem), error=True)
            return
        problem = self.number_problem(value)
        if problem is None:
            self.hint.say(t("lookup.ready"))
        else:  # digits still missing are no error yet: the receptionist is typing
            self.hint.say(number_problem_text(problem), error=problem.kind != "too_short")

    def watch_card_mode(self, card_mode: bool) -> None:
        if not self.is_mounted:
            return
        self._show_mode()
        self.field.value = ""
        self.hint.say(t("lookup.hint.card" if card_mode else self.GUIDE_HINT))
        self.field.focus()

    def _show_mode(self) -> None:
        field, card_mode = self.field, self.card_mode
        field.border_title = t("lookup.field.card" if card_mode else "lookup.field.guide")
        card = (t("lookup.placeholder.card"), t("lookup.placeholder.short"))
        wordings = card if card_mode else guide_placeholders()
        self.query_one("#lookup-input", GuideField).set_placeholders(*wordings)

    async def relabel(self) -> None:
        value = self.field.value
        await super().relabel()
        self._show_mode()
        self._follow_field()  # a field composed again
        field = self.field
        field.value = value  # its hint follows, in the new words
        if not value:
            self.hint.say(t("lookup.hint.card" if self.card_mode else self.GUIDE_HINT))
        table = self.query_one("#queue", DataTable)
        if self._loaded:
            self._populate()
        else:
            table.loading = True
            self.load_queue()
        field.focus()

    # -- actions ---------------------------------------------------------------------------

    def action_open(self) -> None:
        table = self.query_one("#queue", DataTable)
        if table.has_focus:
            if table.row_count:
                row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
                if row_key.value is not None:
                    self.open_guide(row_key.value)
            return
        value = compact(self.field.value)
        if self.card_mode:
            card = card_problem(value)
            if card is not None:
                self.hint.say(card_problem_text(card), error=True)
                return
            self.search_card(digits_only(value))
            return
        if not value:  # Enter on an empty field: no digit is "missing" yet
            self.hint.say(t("lookup.empty"), error=True)
            return
        problem = self.number_problem(value)
        if problem is not None:
            self.hint.say(number_problem_text(problem), error=True)
            return
        self.open_guide(value)

    def action_toggle_card(self) -> None:
        self.card_mode = not self.card_mode

    def action_clear(self) -> None:
        self.field.value = ""
        self.card_mode = False
        if self.card_filter is not None:
            self.card_filter = None
            self._new_list = True
            self.load_queue()
        self.field.focus()

    def action_focus_queue(self) -> None:
        self.query_one("#queue", DataTable).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "type_digit":  # the field takes its own keys, in order
            return self.is_mounted and not self.field.has_focus
        return super().check_action(action, parameters)

    def action_type_digit(self, digit: str) -> None:
        """A digit typed away from the field: into the field, which takes the next ones."""
        self.query_one(GuideField).take(digit)

    def reset_for_next_patient(self) -> None:
        """Empty field, guide mode, the whole queue with the first guide still waiting
        highlighted (not the one just released): ready for the next patient."""
        self.card_filter = None
        self.card_mode = False
        self.field.value = ""
        self.hint.say(t(self.GUIDE_HINT))
        self.field.focus()
        self._new_list = True  # the queue reloads on resume: its first row highlighted
        self.query_one("#queue", DataTable).move_cursor(row=0, animate=False)

    @on(DataTable.RowSelected, "#queue")
    def _row_chosen(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.open_guide(event.row_key.value)

    # -- work ------------------------------------------------------------------------------

    @work(exclusive=True, exit_on_error=False, group="open", description="open guide")
    async def open_guide(self, number: str) -> None:
        # The client's errors load after the first frame: docs/performance.md, "Lazy imports".
        from frontdesk.client.client_errors import FrontdeskClientError, GuideNotFound

        self.hint.say(t("lookup.searching"))
        try:
            client = await self.client()
            guide = await client.get_guide(number)
        except GuideNotFound:
            self.desk.audit_trail.record("lookup", guide=number, outcome="not_found")
            self.clear_problem()
            self.hint.say(t("lookup.not_found", number=number), error=True)
            return
        except FrontdeskClientError as exc:
            self.desk.audit_trail.record("lookup", guide=number, outcome=audit_outcome(exc))
            trouble = self.report(exc, retry=lambda: self.open_guide(number))
            if trouble.banner:  # the banner says it, with F5; the number stays typed
                self.hint.say(t("lookup.ready"))
            else:
                self.hint.say(trouble.text, error=True)
            return
        self.desk.audit_trail.record("lookup", guide=number, outcome="found")
        self.clear_problem()
        if compact(self.field.value) == number:
            self.field.value = ""
        self.hint.say(t("lookup.hint.card" if self.card_mode else self.GUIDE_HINT))
        self.desk.navigation.open_guide(guide)

    @work(exclusive=True, exit_on_error=False, group="card", description="search card")
    async def search_card(self, card: str) -> None:
        # The client's errors load after the first frame: docs/performance.md, "Lazy imports".
        from frontdesk.client.client_errors import FrontdeskClientError

        self.hint.say(t("lookup.searching"))
        try:
            client = await self.client()
            guides = await client.list_guides(card=card)
        except FrontdeskClientError as exc:
            trouble = self.report(exc, retry=lambda: self.search_card(card))
            if trouble.banner:
                self.hint.say(t("lookup.card_ready"))
            else:
                self.hint.say(trouble.text, error=True)
            return
        self.clear_problem()
        if not guides:
            self.hint.say(t("lookup.card_none", card=card_text(card)), error=True)
            return
        self.card_filter = card
        self.guides = queue_order(guides)
        self._new_list = True  # a new search starts on its first row, whatever came before
        self._populate()
        self.hint.say(t("lookup.card_ready"))
        self.query_one(QueueTable).enter()

    @work(exclusive=True, exit_on_error=False, group="queue", description="load queue")
    async def load_queue(self) -> None:
        # The client's errors load after the first frame: docs/performance.md, "Lazy imports".
        from frontdesk.client.client_errors import FrontdeskClientError

        card = self.card_filter
        try:
            # Beside the first health check, not after it (bench/app.py, complete screen).
            guides = await self.desk.backend.ready_answer(
                lambda client: client.list_guides(card=card)
            )
        except FrontdeskClientError as exc:
            self.report(exc, retry=self.load_queue)
            table = self.query_one("#queue", DataTable)  # after the wait: it may be redrawn
            table.loading = False
            if not self._loaded:
                self.query_one("#queue-title", Static).update(t("lookup.queue_unavailable"))
            return
        first = not self._loaded
        if first:  # in the step that said `ok` (`ready_answer`): before anything is drawn
            self._draw_first_queue_at_once()
        self.clear_problem()
        self.query_one("#queue", DataTable).loading = False
        ordered = queue_order(guides)
        if self._loaded and ordered == self.guides:
            return  # nothing changed: no repaint
        self._loaded = True
        self.guides = ordered
        self._populate()
        if first:  # the first screen is complete: tidy up what starting it left behind
            # Once the frame is on the terminal: a collection holds the interpreter, and
            # the driver's writer thread cannot write the queue meanwhile.
            self.set_timer(SETTLE_AFTER_FIRST_QUEUE, self._after_first_queue)

    def _after_first_queue(self) -> None:
        """What the first queue's start left for later, one part per turn of the loop, so a
        key typed meanwhile waits for one part only: the client's later needs (a remote
        client's httpx session, then anyio's backend), then the start-up's garbage
        collected and the rest frozen."""
        more = self.desk.backend.warm()
        self.set_timer(WARM_STEP, self._after_first_queue if more else self._settle_start)

    def _settle_start(self) -> None:
        self.desk.keep_parsed_styles()
        self.desk.memory.settle(freeze=True)

    def _draw_first_queue_at_once(self) -> None:
        """Hold every repaint until the queue has laid out its rows, then draw the screen
        at once: the first queue, its heading and the top bar's `ok` in one frame, without
        waiting for the screen's refresh timer (docs/performance.md, "Start-up")."""
        hold = ExitStack()
        hold.enter_context(self.app.batch_update())
        held = True

        def draw() -> None:
            nonlocal held
            if not held:  # the table's idle or the time limit, whichever came first
                return
            held = False
            hold.close()
            if self.is_current:
                # Textual's refresh step, as its timer would run it (and its Pilot does):
                # docs/architecture.md, "Private seams".
                self._on_timer_update()

        # In the screen's queue behind the table's request for a layout, which the table
        # sends from the idle handler that measures its rows, before `when_laid_out` runs.
        self.query_one(QueueTable).when_laid_out = lambda: self.call_later(draw)
        self.app.set_timer(FIRST_QUEUE_HOLD_LIMIT, draw)  # never held longer

    @on(QueueTable.Resized)
    def _refit(self) -> None:
        """The table's width changed (terminal resized, simulator toggled): refit the names."""
        table = self.query_one("#queue", DataTable)
        if self._loaded and self._columns(table.size.width, table.size.height) != self._layout:
            self._populate()

    def _columns(self, width: int, height: int) -> Layout:
        """The layout of a table `width` × `height`: the time column from WIDE_TABLE on;
        the names take the rest, and get it whole first: the type gives up its room (down
        to TYPE_MIN_WIDTH) before a name is cut, and goes (the guide screen says it) before
        a name is cut below NAME_MIN_WIDTH. The scrollbar's room only when the rows do not
        fit."""
        widths = self._widths()
        show_time = width >= WIDE_TABLE
        fixed = widths["number"] + widths["status"]
        fixed += widths["time"] if show_time else 0
        scrollbar = SCROLLBAR if len(self.guides) + 1 > height else 0
        room = width - fixed - 2 * (4 if show_time else 3) - scrollbar  # cells' padding
        names = max(
            [cell_len(self.name_header())] + [cell_len(self.name_cell(g)) for g in self.guides]
        )
        type_width = widths["type"]
        if room - type_width - 2 < names:
            type_width = max(min(type_width, TYPE_MIN_WIDTH), room - 2 - names)
        if room - type_width - 2 < NAME_MIN_WIDTH:
            return show_time, max(NAME_MIN_WIDTH, room), 0
        return show_time, room - type_width - 2, type_width

    def name_cell(self, guide: Guide) -> str:
        """The queue's Beneficiário cell: the name to call the patient by."""
        return guide.beneficiary.display_name

    def name_header(self) -> str:
        """The Beneficiário column's label."""
        return t("lookup.col.beneficiary")

    def _widths(self) -> dict[str, int]:
        """Every column's width, measured here: the table never has to guess (auto width)."""

        def widest(header: str, cells: list[str]) -> int:
            return max([cell_len(header), *(cell_len(c) for c in cells)])

        guides = self.guides
        return {
            "time": widest(t("lookup.col.requested"), ["00:00"]),
            "number": widest(t("lookup.col.number"), [g.number for g in guides]),
            "status": widest(
                t("lookup.col.status"), [status_cell(g.status, short=True).plain for g in guides]
            ),
            "type": widest(t("lookup.col.type"), [type_short(g.type) for g in guides]),
        }

    def _populate(self) -> None:
        # The heading first: its layout then reaches the screen before the table's, which
        # measures its rows on its idle (`_draw_first_queue_at_once` waits for that one).
        title = self.query_one("#queue-title", Static)
        if self.card_filter is not None:
            card = card_text(self.card_filter)
            title.update(t("lookup.queue_card", card=card, n=len(self.guides)))
        elif self.guides:
            title.update(t("lookup.queue", n=len(self.guides)))
        else:
            title.update(t("lookup.queue_empty"))
        table = self.query_one("#queue", DataTable)
        width = table.size.width or self.size.width
        show_time, name_width, type_width = self._layout = self._columns(
            width, table.size.height or self.size.height
        )
        widths = self._widths()
        selected = None
        if table.row_count and not self._new_list:
            row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
            selected = row_key.value
        self._new_list = False
        table.clear(columns=True)
        # Labels and cells are given as Text, never as str: DataTable reads a str as Rich
        # markup, so a name with "[/b]" in it broke the queue, and parsing markup loads Rich's
        # emoji table (~2 MiB, the queue's whole memory budget) for labels that have none.
        if show_time:
            table.add_column(Text(t("lookup.col.requested")), key="time", width=widths["time"])
        table.add_column(Text(t("lookup.col.number")), key="number", width=widths["number"])
        table.add_column(Text(t("lookup.col.status")), key="status", width=widths["status"])
        table.add_column(Text(self.name_header()), key="beneficiary", width=name_width)
        if type_width:
            table.add_column(Text(t("lookup.col.type")), key="type", width=type_width)
        for guide in self.guides:
            cells: list[object] = [Text(local_time(guide.requested_at))] if show_time else []
            cells += [
                Text(guide.number),
                status_cell(
                    guide.status,
                    short=True,
                    ansi=self.app.native_ansi_color,
                    no_color=self.app.no_color,
                ),
                Text(self.name_cell(guide)),
            ]
            if type_width:
                cells.append(Text(type_short(guide.type), no_wrap=True, overflow="ellipsis"))
            table.add_row(*cells, key=guide.number)
        numbers = [g.number for g in self.guides]
        if selected in numbers:
            table.move_cursor(row=numbers.index(selected), animate=False)
