"""What every screen shares: the banner with F5 retry, error reporting, the hint line, the
backend's health as each request ends, and redrawing in a newly chosen language.

`DeskScreen` is a place in the flow; `DeskModal` is a question over one, a Textual
`ModalScreen` with the same behaviour. Bindings name catalog keys (`key.refresh`);
`frontdesk.app.keys` puts them in words where they are shown.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar, TypeVar

from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.worker import Worker, WorkerState

from frontdesk.app.desk_app import desk_app
from frontdesk.app.problems import Trouble, describe
from frontdesk.app.widgets.banner import ConnectionBanner
from frontdesk.app.widgets.hint import HintLine
from frontdesk.app.widgets.simulator import SimulatorPanel

if TYPE_CHECKING:
    from frontdesk.app.app import FrontdeskApp
    from frontdesk.app.service import DeskService

ResultT = TypeVar("ResultT")


def audit_outcome(exc: BaseException) -> str:
    """How a failed request goes into the audit log: the contract's code (`invalid_code`,
    `token_expired`…), or `error:<code>` for a connection-type trouble."""
    trouble = describe(exc)
    return f"error:{trouble.code}" if trouble.banner else trouble.code


class GuideChanged(Message):
    """Something outside the screen (the simulator) changed this guide's token: reload it."""

    def __init__(self, number: str) -> None:
        super().__init__()
        self.number = number


class DeskScreen(Screen[ResultT]):
    """A place in the flow. Subclasses yield a `ConnectionBanner` and override `reload`."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # Not in the footer (no room at 80 columns): the banner says "F5: tentar de novo".
        Binding(
            "f5",
            "refresh_screen",
            "key.refresh",
            id="refresh",
            tooltip="key.refresh.tip",
            show=False,
        ),
    ]

    HAS_SIMULATOR: ClassVar[bool] = False
    """Screens with a `#body` that shows the simulator panel in local mode (built on first use)."""

    def __init__(
        self, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._retry: Callable[[], object] | None = None
        self._trouble: BaseException | None = None
        self._laid_out_at: Size | None = None  # the size of the last layout (`on_resize`)

    def on_resize(self, event: events.Resize) -> None:
        """A Resize to the size the screen is laid out at changes nothing, yet Textual's own
        handler lays the whole screen out again: its first layout posts one to the screen,
        and the terminal's first size report another (2.5–3 ms after the first frame;
        docs/performance.md, "Where the time goes"). Those are dropped here; any other
        size is laid out as Textual does."""
        if event.size == self._laid_out_at:
            event.prevent_default()  # Screen's handler (the layout) does not run
        else:
            self._laid_out_at = event.size

    @property
    def desk(self) -> FrontdeskApp:
        """The front desk this screen is on (`desk_app`)."""
        return desk_app(self)

    @property
    def hint(self) -> HintLine:
        """The screen's hint line (screens with a field or a list have one)."""
        return self.query_one(HintLine)

    async def client(self) -> DeskService:
        """The connected client (connecting first if need be; raises like any call)."""
        return await self.desk.backend.ready_client()

    # -- trouble ---------------------------------------------------------------------------

    def report(self, exc: BaseException, *, retry: Callable[[], object] | None = None) -> Trouble:
        """Show `exc` in the user's words: banner-type troubles here, with F5 to `retry`.

        Contract errors are returned for the screen to show next to the work.
        """
        trouble = describe(exc)
        if trouble.code == "bug":
            self.desk.record_bug(exc)
        self.desk.backend.note(exc)
        if trouble.banner:
            self._retry = retry
            self._trouble = exc
            self.query_one(ConnectionBanner).show_problem(trouble.text, retry=retry is not None)
        else:
            self.clear_problem()
        self.refresh_bindings()
        return trouble

    def clear_problem(self) -> None:
        """The request just made was answered: no banner, and the backend is reachable."""
        self.desk.backend.note(None)
        self.forget_problem()

    def forget_problem(self) -> None:
        """No banner and nothing to retry (saying nothing about the backend's health)."""
        self._retry = None
        self._trouble = None
        for banner in self.query(ConnectionBanner):
            banner.clear()

    @property
    def has_problem(self) -> bool:
        return self._retry is not None

    def action_refresh_screen(self) -> None:
        retry, self._retry = self._retry, None
        if retry is not None:
            self.query_one(ConnectionBanner).show_working()
            retry()
        else:
            self.reload()

    def reload(self) -> None:
        """Fetch this screen's data again (F5 with nothing to retry)."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker that died of an unexpected error: a banner, never a traceback."""
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.report(event.worker.error)

    def on_screen_resume(self) -> None:
        # Textual's own resume handler, after this one, lays the screen out at the app's size.
        self._laid_out_at = self.app.size
        self.sync_simulator()
        self.refresh_bindings()

    def sync_simulator(self) -> None:
        """Local mode with the simulator shown: build this screen's panel the first time.

        The panel is not composed into every screen: at 80 columns it is hidden until F2,
        and a remote backend never shows it, so most screens never pay for its widgets.
        """
        if not self.HAS_SIMULATOR or not self.is_mounted:
            return
        desk = self.desk
        if not (desk.local_mode and desk.simulator_visible):
            return
        if not self.query(SimulatorPanel):
            self.query_one("#body").mount(SimulatorPanel())

    # -- a new language ----------------------------------------------------------------------

    async def relabel(self) -> None:
        """Redraw every text in the language just chosen: the whole screen, and its keys.

        The screen is composed again; subclasses override this to put back what `compose`
        alone does not draw (typed values, tables, countdowns), calling it first.
        """
        await self.recompose()
        self.sync_simulator()
        if self._retry is not None and self._trouble is not None:  # the banner, in new words
            text = describe(self._trouble).text
            self.query_one(ConnectionBanner).show_problem(text, retry=True)
        self.refresh_bindings()


class DeskModal(ModalScreen[ResultT], DeskScreen[ResultT]):
    """A question over the current screen (dims it); Esc answers `None`.

    ModalScreen comes first: Textual takes a class's styles (its DEFAULT_CSS and the names
    CSS selects it by) from its first base only, and a modal's are ModalScreen's. Its
    behaviour, after ModalScreen's, is DeskScreen's.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "key.cancel", id="cancel", tooltip="key.cancel.tip"),
        # A modal hides the app's keys; F1 must still explain this one.
        Binding("f1", "app.help", "key.help", id="help.modal", tooltip="key.help.tip"),
        # ...and Ctrl+C must still say how to quit, as on every screen (the app's binding).
        Binding(
            "ctrl+c",
            "quit_hint",
            "key.quit_hint",
            id="quit_hint.modal",
            tooltip="key.quit_hint.tip",
            show=False,
        ),
    ]

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_quit_hint(self) -> None:
        """Ctrl+C: copy the text selected with the mouse, if any; else say how to quit."""
        if self.get_selected_text():
            self.action_copy_text()
            return
        self.desk.action_help_quit()
