"""Local mode's simulator: the panel (F2) with the patient's SMS, e-mail and app code, the
SAC's dictated code (F6) and the backend's clock moved forward (F7)."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from functools import partial
from typing import TYPE_CHECKING

from frontdesk.app.screens.base import DeskScreen, GuideChanged
from frontdesk.app.widgets.simulator import SimState
from frontdesk.core.i18n import t

if TYPE_CHECKING:
    from textual.worker import Worker

    from frontdesk.app.app import FrontdeskApp
    from frontdesk.client.models import Guide

SIMULATOR_CLOCK_STEP = 30 * 60


class Simulator:
    """What the simulator shows (`app.sim_state`, set on every panel) and its keys' actions;
    `current_guide` is the guide on screen, whose beneficiary's phone and app it shows."""

    def __init__(self, app: FrontdeskApp) -> None:
        self._app = app
        self.current_guide: Guide | None = None
        self._sac_codes: dict[str, str] = {}  # guide number → the code the SAC dictated

    def toggle(self) -> None:
        app = self._app
        if app.local_mode:
            app.simulator_visible = not app.simulator_visible

    def shown(self, visible: bool) -> None:
        """The panel was shown (`visible`) or hidden."""
        if visible:
            self.sync_panel()
            self.refresh()
        self._app.refresh_bindings()

    def sync_panel(self) -> None:
        stack = self._app.screen_stack
        screen = stack[-1] if stack else None
        if isinstance(screen, DeskScreen):
            screen.sync_simulator()

    def poll(self) -> None:
        if self._app.local_mode and self._app.simulator_visible:
            self.refresh()

    def forget(self) -> None:
        """Another backend: no guide on screen, no code dictated."""
        self.current_guide = None
        self._sac_codes = {}

    def show_guide(self, guide: Guide | None) -> None:
        """The guide on screen: the simulator shows its beneficiary's app and SAC code."""
        app = self._app
        previous = self.current_guide
        self.current_guide = guide
        app.refresh_bindings()
        if app.local_mode and app.simulator_visible:
            changed = (previous is None) != (guide is None) or (
                previous is not None and guide is not None and previous.number != guide.number
            )
            if changed:
                self.refresh()

    def refresh(self) -> None:
        """Ask the backend again for the outbox and the guide's app code (an app worker)."""
        self._start(self._refresh, "simulator", "simulator")

    async def _refresh(self) -> None:
        # The client's errors load after the first frame: docs/performance.md, "Lazy imports".
        from frontdesk.client.client_errors import FrontdeskClientError, NotFound

        app = self._app
        if not app.local_mode:
            return
        guide = self.current_guide
        try:
            client = await app.backend.ready_client()
            messages = tuple(await client.outbox())
            app_code: str | None = None
            has_app = False
            if guide is not None:
                try:
                    app_code = await client.app_code(guide.beneficiary.card)
                    has_app = True
                except NotFound:
                    has_app = False
        except FrontdeskClientError:
            app.sim_state = SimState(
                messages=app.sim_state.messages,
                guide=guide.number if guide else None,
                error=t("sim.unavailable"),
            )
            return
        app.sim_state = SimState(
            messages=messages,
            guide=guide.number if guide else None,
            beneficiary=guide.beneficiary.display_name if guide else None,
            app_code=app_code,
            has_app=has_app,
            sac_code=self._sac_codes.get(guide.number) if guide else None,
        )

    def sac(self) -> None:
        """F6: the SAC dictates a code for the guide waiting for one."""
        guide = self.current_guide
        if self._app.local_mode and guide is not None and guide.status == "awaiting_token":
            self._start(partial(self._sac, guide.number), "simulator-sac", "SAC")

    async def _sac(self, number: str) -> None:
        # The client's errors load after the first frame: docs/performance.md, "Lazy imports".
        from frontdesk.client.client_errors import FrontdeskClientError

        app = self._app
        try:
            client = await app.backend.ready_client()
            code = await client.sac_code(number)
        except FrontdeskClientError as exc:
            self._report_on_screen(exc)
            return
        self._sac_codes[number] = code
        self.refresh()
        app.screen.post_message(GuideChanged(number))

    def clock(self) -> None:
        """F7: the backend's clock moved forward."""
        if self._app.local_mode:
            self._start(self._clock, "simulator-clock", "clock")

    async def _clock(self) -> None:
        # The client's errors load after the first frame: docs/performance.md, "Lazy imports".
        from frontdesk.client.client_errors import FrontdeskClientError

        app = self._app
        try:
            client = await app.backend.ready_client()
            await client.advance_clock(SIMULATOR_CLOCK_STEP)
        except FrontdeskClientError as exc:
            self._report_on_screen(exc)
            return
        app.notify(t("sim.clock_moved"))
        self.refresh()
        if self.current_guide is not None:
            app.screen.post_message(GuideChanged(self.current_guide.number))

    def _start(
        self, work: Callable[[], Coroutine[None, None, None]], group: str, description: str
    ) -> Worker[None]:
        """`work` as an app worker, the only one of its `group` (a newer one replaces it)."""
        return self._app.run_worker(
            work, exclusive=True, exit_on_error=False, group=group, description=description
        )

    def _report_on_screen(self, exc: BaseException) -> None:
        screen = self._app.screen
        if isinstance(screen, DeskScreen):
            screen.report(exc)
