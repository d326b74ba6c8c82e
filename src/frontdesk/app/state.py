"""The front desk's state that every part of the app shares: what the top bar and the
simulator panel follow (reactive), the audit log of desk actions, and the memory tidying
for thin clients. The app's layers build on it: `BackendLink` › `SimulatorActions` ›
`Navigation` › `SetupActions` › `FrontdeskApp`.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import TYPE_CHECKING, Literal

from textual.app import App
from textual.reactive import reactive

from frontdesk.app.widgets.simulator import SimState
from frontdesk.core.i18n import Language, t

if TYPE_CHECKING:
    from frontdesk.audit_log import AuditLog
    from frontdesk.client.models import Guide
    from frontdesk.config.connection import Connection

HealthState = Literal["checking", "ok", "offline"]


class DeskState(App[int]):
    """Reactive state for the widgets that follow the app, and what every layer needs."""

    profile_label: reactive[str] = reactive("")
    health_state: reactive[HealthState] = reactive[HealthState]("checking")
    insecure: reactive[bool] = reactive(False)
    local_mode: reactive[bool] = reactive(False)
    simulator_visible: reactive[bool] = reactive(False)
    sim_state: reactive[SimState] = reactive(SimState)

    # Given to FrontdeskApp (see its constructor).
    lang: Language
    connection: Connection | None
    audit: AuditLog | None
    monotonic: Callable[[], float]
    input_cursor_blink: bool
    show_simulator: bool | None
    tidy_memory: bool

    def __init__(self) -> None:
        super().__init__()
        self.current_guide: Guide | None = None  # the guide on screen (the simulator's)
        self._audit_warned = False
        self._frozen = False
        # Set once the first frame is on the terminal (Textual's Ready event).
        self.first_frame_shown = False

    # -- the audit log -----------------------------------------------------------------------

    def audit_record(
        self,
        action: str,
        *,
        outcome: str,
        guide: str | None = None,
        channel: str | None = None,
        destination: str | None = None,
        reason: str | None = None,
    ) -> None:
        """One line in the audit log (none without one). Never a code, never a full contact:
        callers pass the masked labels and destinations the backend gave them."""
        if self.audit is None:
            return
        written = self.audit.record(
            action,
            outcome=outcome,
            guide=guide,
            channel=channel,
            destination=destination,
            reason=reason,
        )
        if written is None and not self._audit_warned:
            self._audit_warned = True  # said once; the desk's work goes on
            error = self.audit.last_error
            reason_text = (error.strerror or type(error).__name__) if error else "?"
            self.notify(
                t("app.audit_unwritable", path=self.audit.path, reason=reason_text),
                severity="warning",
                timeout=15,
            )

    # -- memory (thin clients) ---------------------------------------------------------------

    def settle_memory(self, *, freeze: bool = False) -> None:
        """Collect the screens that were closed, so the next one reuses their memory.

        Textual's widgets form reference cycles, so a closed screen is freed only by the
        cyclic collector, which may run long after the next screen was built on fresh
        memory: each step of the flow then raised the peak (docs/performance.md). `freeze`
        (once, when the first screen is ready): everything built at start-up goes to the
        collector's permanent generation, so later collections are short; `thaw_memory`
        undoes it when whole parts are replaced.
        """
        if not self.tidy_memory:
            return
        gc.collect()
        if freeze and not self._frozen:
            gc.freeze()
            self._frozen = True
        self.resume_collector()

    def resume_collector(self) -> None:
        """The cyclic collector back on after the start-up pause (`frontdesk.cli.app.run_app`)."""
        if self.tidy_memory and not gc.isenabled():
            gc.enable()

    def thaw_memory(self) -> None:
        """Start-up objects may become garbage now (another backend, a recovery)."""
        if self._frozen:
            gc.unfreeze()
            self._frozen = False
