"""Local mode's simulator: the panel (F2) with the patient's SMS, e-mail and app code, the
SAC's dictated code (F6) and the backend's clock moved forward (F7)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work

from frontdesk.app.backend_link import BackendLink
from frontdesk.app.screens.base import DeskScreen, GuideChanged
from frontdesk.app.widgets.simulator import SimState
from frontdesk.core.i18n import t

if TYPE_CHECKING:
    from frontdesk.client.models import Guide

SIMULATOR_CLOCK_STEP = 30 * 60


class SimulatorActions(BackendLink):
    """What the simulator shows (`sim_state`, set on every panel) and its keys' actions."""

    simulator_poll: float  # seconds between refreshes while the panel is shown

    def __init__(self) -> None:
        super().__init__()
        self._sac_codes: dict[str, str] = {}  # guide number → the code the SAC dictated

    def action_toggle_simulator(self) -> None:
        if self.local_mode:
            self.simulator_visible = not self.simulator_visible

    def watch_simulator_visible(self, visible: bool) -> None:
        if visible:
            self._sync_simulator_panel()
            self.refresh_simulator()
        self.refresh_bindings()

    def watch_local_mode(self, local: bool) -> None:
        if local:
            self._sync_simulator_panel()

    def _sync_simulator_panel(self) -> None:
        stack = self.screen_stack
        screen = stack[-1] if stack else None
        if isinstance(screen, DeskScreen):
            screen.sync_simulator()

    def _poll_simulator(self) -> None:
        if self.local_mode and self.simulator_visible:
            self.refresh_simulator()

    def show_guide_in_simulator(self, guide: Guide | None) -> None:
        """The guide on screen: the simulator shows its beneficiary's app and SAC code."""
        previous = self.current_guide
        self.current_guide = guide
        self.refresh_bindings()
        if self.local_mode and self.simulator_visible:
            changed = (previous is None) != (guide is None) or (
                previous is not None and guide is not None and previous.number != guide.number
            )
            if changed:
                self.refresh_simulator()

    @work(exclusive=True, exit_on_error=False, group="simulator", description="simulator")
    async def refresh_simulator(self) -> None:
        # The client's errors load after the first frame (12–15 ms of imports): problems.py.
        from frontdesk.client.client_errors import FrontdeskClientError, NotFound

        if not self.local_mode:
            return
        guide = self.current_guide
        try:
            client = await self.ready_client()
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
            self.sim_state = SimState(
                messages=self.sim_state.messages,
                guide=guide.number if guide else None,
                error=t("sim.unavailable"),
            )
            return
        self.sim_state = SimState(
            messages=messages,
            guide=guide.number if guide else None,
            beneficiary=guide.beneficiary.display_name if guide else None,
            app_code=app_code,
            has_app=has_app,
            sac_code=self._sac_codes.get(guide.number) if guide else None,
        )

    def action_sim_sac(self) -> None:
        guide = self.current_guide
        if self.local_mode and guide is not None and guide.status == "awaiting_token":
            self.simulate_sac(guide.number)

    def action_sim_sac_unseen(self) -> None:
        self.action_sim_sac()

    @work(exclusive=True, exit_on_error=False, group="simulator-sac", description="SAC")
    async def simulate_sac(self, number: str) -> None:
        # The client's errors load after the first frame (12–15 ms of imports): problems.py.
        from frontdesk.client.client_errors import FrontdeskClientError

        try:
            client = await self.ready_client()
            code = await client.sac_code(number)
        except FrontdeskClientError as exc:
            self._report_on_screen(exc)
            return
        self._sac_codes[number] = code
        self.refresh_simulator()
        self.screen.post_message(GuideChanged(number))

    def action_sim_clock(self) -> None:
        if self.local_mode:
            self.simulate_clock()

    def action_sim_clock_unseen(self) -> None:
        self.action_sim_clock()

    @work(exclusive=True, exit_on_error=False, group="simulator-clock", description="clock")
    async def simulate_clock(self) -> None:
        # The client's errors load after the first frame (12–15 ms of imports): problems.py.
        from frontdesk.client.client_errors import FrontdeskClientError

        try:
            client = await self.ready_client()
            await client.advance_clock(SIMULATOR_CLOCK_STEP)
        except FrontdeskClientError as exc:
            self._report_on_screen(exc)
            return
        self.notify(t("sim.clock_moved"))
        self.refresh_simulator()
        if self.current_guide is not None:
            self.screen.post_message(GuideChanged(self.current_guide.number))

    def _report_on_screen(self, exc: BaseException) -> None:
        screen = self.screen
        if isinstance(screen, DeskScreen):
            screen.report(exc)
