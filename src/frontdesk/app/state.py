"""What the front desk keeps beside its screens: the audit log of desk actions (`AuditTrail`)
and the memory tidying for thin clients (`MemoryTidying`), both owned by `FrontdeskApp`.
"""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING, Literal

from frontdesk.core.i18n import t

if TYPE_CHECKING:
    from frontdesk.app.app import FrontdeskApp
    from frontdesk.audit_log import AuditLog

HealthState = Literal["checking", "ok", "offline"]


class AuditTrail:
    """One line per desk action in the audit log (`log`; none without one)."""

    def __init__(self, app: FrontdeskApp, log: AuditLog | None) -> None:
        self._app = app
        self.log = log
        self._warned = False

    def record(
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
        if self.log is None:
            return
        written = self.log.record(
            action,
            outcome=outcome,
            guide=guide,
            channel=channel,
            destination=destination,
            reason=reason,
        )
        if written is None and not self._warned:
            self._warned = True  # said once; the desk's work goes on
            error = self.log.last_error
            reason_text = (error.strerror or type(error).__name__) if error else "?"
            self._app.notify(
                t("app.audit_unwritable", path=self.log.path, reason=reason_text),
                severity="warning",
                timeout=15,
            )


class MemoryTidying:
    """The cyclic collector's work done when the desk can afford it (`enabled`: the real
    program; tests leave the process's collector alone)."""

    def __init__(self, *, enabled: bool) -> None:
        self.enabled = enabled
        self.frozen = False

    def settle(self, *, freeze: bool = False) -> None:
        """Collect the screens that were closed, so the next one reuses their memory.

        Textual's widgets form reference cycles, so a closed screen is freed only by the
        cyclic collector, which may run long after the next screen was built on fresh
        memory: each step of the flow then raised the peak (docs/performance.md). `freeze`
        (once, when the first screen is ready): everything built at start-up goes to the
        collector's permanent generation, so later collections are short; `thaw` undoes
        it when whole parts are replaced.
        """
        if not self.enabled:
            return
        gc.collect()
        if freeze and not self.frozen:
            gc.freeze()
            self.frozen = True
        self.resume_collector()

    def resume_collector(self) -> None:
        """The cyclic collector back on after the start-up pause (`frontdesk.cli.app.run_app`)."""
        if self.enabled and not gc.isenabled():
            gc.enable()

    def thaw(self) -> None:
        """Start-up objects may become garbage now (another backend, a recovery)."""
        if self.frozen:
            gc.unfreeze()
            self.frozen = False
