"""The guide's token state: where the code went, its delivery, the time to expiry, attempts.

The time left is shown in whole minutes while more than one is left, then in tens of
seconds (`formatting.wait_text`): the panel ticks once a second but repaints only when its
text changes, and only the line that changed (where the code went and its delivery; the
time left and the attempts: two widgets), so an idle code-entry screen writes a few bytes a
minute over SSH, not two lines a second.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.message import Message
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Static

from frontdesk.app.formatting import label, wait_text
from frontdesk.app.problems import attempts_text
from frontdesk.core.i18n import t

if TYPE_CHECKING:
    from frontdesk.client.models import Token

DELIVERY_POLL_SECONDS = 3.0  # how often a screen asks for a pending code's delivery status
FINAL_DELIVERIES = frozenset({"delivered", "failed"})


@dataclass(frozen=True)
class Countdown:
    """`seconds` to go as of the monotonic instant `started` (the backend's count, not clocks)."""

    seconds: int
    started: float

    def left(self, now: float) -> int:
        return max(0, math.ceil(self.seconds - (now - self.started)))


class TokenPanel(Widget):
    """Renders a `Token` on two lines; ticks once a second only while a pending code counts
    down. `text` is what it shows."""

    DEFAULT_CSS = """
    TokenPanel {
        height: auto;
        & > Static { height: auto; }
    }
    """

    class Ticked(Message):
        """A second went by while something counted down (the screen may redraw its part)."""

    def __init__(self, monotonic: Callable[[], float], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._lines = (Static("", markup=False), Static("", markup=False))
        for line in self._lines:
            line.display = False
        self._monotonic = monotonic
        self.token: Token | None = None
        self.expiry: Countdown | None = None
        self.resend: Countdown | None = None
        self._timer: Timer | None = None
        self._shown = ""

    def compose(self) -> ComposeResult:
        yield from self._lines

    @property
    def text(self) -> str:
        """What the panel shows (its two lines, or one)."""
        return self._shown

    def on_mount(self) -> None:
        self._timer = self.set_interval(1.0, self.tick, pause=True)
        self._render_token()

    def set_token(self, token: Token | None) -> None:
        """Show `token` as just fetched: its `expires_in`/`resend_in` count from now."""
        now = self._monotonic()
        self.token = token
        self.expiry = None
        self.resend = None
        if token is not None and token.state == "pending" and token.expires_in is not None:
            self.expiry = Countdown(token.expires_in, now)
        if token is not None and token.resend_in is not None:
            self.resend = Countdown(token.resend_in, now)
        self._render_token()

    def countdowns(self) -> tuple[Countdown | None, Countdown | None]:
        """The running countdowns (expiry, resend), to carry over to a redrawn panel."""
        return self.expiry, self.resend

    def resume(self, countdowns: tuple[Countdown | None, Countdown | None]) -> None:
        """Go on with countdowns taken from `countdowns()` (same token, a redrawn screen)."""
        self.expiry, self.resend = countdowns
        self._shown = ""
        self._render_token()

    @property
    def expires_left(self) -> int | None:
        return None if self.expiry is None else self.expiry.left(self._monotonic())

    @property
    def resend_left(self) -> int:
        return 0 if self.resend is None else self.resend.left(self._monotonic())

    @property
    def follows_delivery(self) -> bool:
        """A code sent by SMS or e-mail whose delivery is not known yet: worth asking again."""
        token = self.token
        return (
            token is not None
            and token.state == "pending"
            and token.delivery is not None
            and token.delivery not in FINAL_DELIVERIES
        )

    @property
    def counting(self) -> bool:
        return self.expiry is not None or self.resend_left > 0

    def tick(self) -> None:
        """Redraw the countdown (a timer calls this once a second while one is running).

        While another screen hides this one, the timer pauses: a repaint on a hidden screen
        makes Textual repaint the whole current screen. `catch_up` restarts it.
        """
        if not self.on_view:
            if self._timer is not None:
                self._timer.pause()
            return
        self._render_token()
        self.post_message(self.Ticked())

    @property
    def on_view(self) -> bool:
        """Is its screen seen: on top, or under screens that all let it show through?

        (`Screen.is_current` is no help: the screen right under the top one counts as current.)
        """
        if not self.is_attached:
            return False
        stack = self.app.screen_stack
        screen = self.screen
        if screen not in stack:
            return False
        above = stack[stack.index(screen) + 1 :]
        return all(other.styles.background.a < 1 for other in above)

    def catch_up(self) -> None:
        """The screen is shown again: redraw the countdown now and go on ticking."""
        self.tick()

    def _render_token(self) -> None:
        text = self.describe()
        if text != self._shown:
            self._shown = text
            first, _, second = text.partition("\n")
            for line, words in zip(self._lines, (first, second), strict=True):
                if line.content != words:  # only the line that changed is repainted
                    line.update(words)
            self._lines[0].display = bool(first)  # no token: no blank line
            self._lines[1].display = bool(second)
        if self._timer is not None:
            if self.counting:
                self._timer.resume()
            else:
                self._timer.pause()

    def describe(self) -> str:
        token = self.token
        if token is None:
            return ""
        if token.state == "none":
            return t("token.none")
        if token.state == "locked":
            return t("token.locked")
        if token.state == "expired":
            return t("token.expired")
        if token.state == "used":
            return t("token.used")
        if token.state == "cancelled":
            return t("token.cancelled")
        if token.channel == "sac":
            first = t("token.pending_sac")
        else:
            kind = "email" if token.channel == "email" else "sms"
            first = t(f"token.pending.{kind}", destination=token.destination or "?")
        if token.delivery:
            first += " · " + t("token.delivery", delivery=label("delivery", token.delivery))
        parts: list[str] = []
        left = self.expires_left
        if left is not None:
            parts.append(
                t("token.expires", wait=wait_text(left)) if left > 0 else t("token.expired")
            )
        if token.attempts_left is not None and (left is None or left > 0):
            parts.append(attempts_text(token.attempts_left))
        return first + ("\n" + " · ".join(parts) if parts else "")
