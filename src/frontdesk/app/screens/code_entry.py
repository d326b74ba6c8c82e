"""Code entry: the code the patient reads out, the code's state, and the one next step.

Three lines say three things: the panel, the code's state (sent where, delivery, time
left, attempts; or locked, expired); the hint under the field, what is wrong with what
was typed or the last answer; the line under it, the next step (Ctrl+R: send, or resend,
and when). Nothing is said twice: the resend wait is one countdown, on the next-step line
only; Ctrl+R pressed during it, or Enter on a code that no longer works, marks that line
(and Ctrl+R says why in the hint, without a second number, until the wait is over). A key
that cannot act now is not shown (F8 without a pending code).
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, ClassVar

from msgspec.structs import replace
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Static

from frontdesk.app.formatting import DEFAULT_CODE_LENGTH, code_problem, compact, wait_text
from frontdesk.app.problems import code_problem_text, describe
from frontdesk.app.screens.base import DeskScreen, GuideChanged, audit_outcome
from frontdesk.app.widgets.banner import ConnectionBanner
from frontdesk.app.widgets.hint import HintLine
from frontdesk.app.widgets.inputs import CodeField
from frontdesk.app.widgets.key_bar import KeyBar
from frontdesk.app.widgets.token_panel import DELIVERY_POLL_SECONDS, TokenPanel
from frontdesk.app.widgets.top_bar import TopBar
from frontdesk.client import client_errors as e
from frontdesk.client.models import Guide, Token

if TYPE_CHECKING:
    from frontdesk.app.screens.send_token import SendKind
from frontdesk.core.i18n import t

MAX_CODE_LENGTH = 10  # TISS codValidacao
DEAD_STATES = frozenset({"locked", "expired", "cancelled"})  # only a new code goes on


class CodeEntryScreen(DeskScreen[None]):
    """Type the code; Enter validates. Ctrl+R sends (or resends) once the wait is over."""

    HAS_SIMULATOR = True
    BINDINGS: ClassVar[list[BindingType]] = [
        # One key, two words: "Reenviar" once the desk sent a code, "Enviar código" before.
        Binding("ctrl+r", "resend", "key.resend", id="code.resend", tooltip="key.resend.tip"),
        Binding(
            "ctrl+r", "send_first", "key.send_code", id="code.send", tooltip="key.send_code.tip"
        ),
        Binding(
            "f8",
            "cancel_token",
            "key.cancel_token",
            id="code.cancel_token",
            tooltip="key.cancel_token.tip",
        ),
        Binding("escape", "back", "key.back", id="code.back", tooltip="key.back.tip"),
    ]

    def __init__(
        self, guide: Guide, token: Token | None = None, via: SendKind | None = None
    ) -> None:
        super().__init__()
        self.guide = guide
        self.token = token if token is not None else guide.token
        self.via = via
        self.code_length = DEFAULT_CODE_LENGTH
        self.length_known = False
        self.busy = False
        self._resend_ready: bool | None = None

    def compose(self) -> ComposeResult:
        b = self.guide.beneficiary
        yield TopBar(t("code.title"))
        yield ConnectionBanner()
        with Horizontal(id="body"), Vertical(id="main"):
            yield Static(
                f"{t('guide.title', number=self.guide.number)} · {b.display_name}",
                id="code-guide",
                markup=False,
            )
            yield Static("", id="code-via", markup=False)
            yield TokenPanel(self.desk.monotonic, id="code-token")
            field = CodeField(id="code-input", max_length=32)
            field.set_placeholders(t("code.placeholder"), t("code.placeholder_short"))
            field.border_title = t("code.field", n=self.code_length)
            yield field
            yield HintLine(id="code-hint")
            yield Static("", id="code-resend", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self._show_token(self.token)
        self._show_via()
        self._hint_typed("")
        self.query_one("#code-input", Input).focus()
        self._follow_field()
        self.desk.simulator.show_guide(self.guide)
        self.set_interval(DELIVERY_POLL_SECONDS, self._poll_delivery)
        if self.token.state in {"none", "pending"}:
            self.refresh_token()

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        self.desk.simulator.show_guide(self.guide)
        if self.is_mounted:
            self.panel.catch_up()  # its timer paused while another screen hid this one

    def reload(self) -> None:
        self.refresh_token()

    async def relabel(self) -> None:
        value = self.field.value
        kept = self.panel.countdowns()
        await super().relabel()
        self._resend_ready = None
        self._show_token(self.token)
        self.panel.resume(kept)
        self._show_via()
        self._show_resend()
        field = self.field
        field.border_title = t("code.field", n=self.code_length)
        self._follow_field()  # a field composed again
        field.value = value  # its hint follows, in the new words
        if not value:
            self._hint_typed("")
        field.focus()

    # -- drawing ---------------------------------------------------------------------------

    @property
    def panel(self) -> TokenPanel:
        return self.query_one("#code-token", TokenPanel)

    @property
    def field(self) -> Input:
        return self.query_one("#code-input", Input)

    def _show_via(self) -> None:
        via = self.query_one("#code-via", Static)
        if self.via == "app":
            via.update(t("code.via_app"))
        elif self.via == "sac" and self.token.channel != "sac":
            via.update(t("code.via_sac"))
        else:
            via.update("")
        via.display = bool(self.via in {"app", "sac"})
        self.panel.display = self._panel_says_something()

    def _panel_says_something(self) -> bool:
        """On the app's or the SAC's way nothing was sent: no "Nenhum código enviado"."""
        return not (self.token.state == "none" and self.via in {"app", "sac"})

    def _show_token(self, token: Token) -> None:
        changed = token.state != self.token.state
        self.token = token
        self.guide = replace(self.guide, token=token)
        self.panel.set_token(token)
        self.panel.display = self._panel_says_something()
        self._show_resend()
        if changed:  # a new state: its own next step, not pressed yet
            self._mark_next_step(False)
            self._end_wait_hint()
        self.refresh_bindings()  # Ctrl+R's words and F8 depend on the token's state

    def next_step(self) -> str:
        """The one next step, in words: send a code, resend it, or send a new one, and when."""
        state = self.token.state
        left = self.panel.resend_left
        if state == "used":
            return ""
        if state == "none":
            return t("code.next.other_way" if self.via in {"app", "sac"} else "code.next.send")
        if state in DEAD_STATES:
            return t("code.next.new_in", wait=wait_text(left)) if left else t("code.next.new")
        return t("code.resend_in", wait=wait_text(left)) if left else t("code.resend_ready")

    def _show_resend(self) -> None:
        line = self.query_one("#code-resend", Static)
        text = self.next_step()
        if line.content != text:
            line.update(text)
        ready = self.panel.resend_left == 0
        if ready != self._resend_ready:
            self._resend_ready = ready
            if ready:
                self._mark_next_step(False)
                self._end_wait_hint()
            self.refresh_bindings()

    def _mark_next_step(self, marked: bool) -> None:
        """The next-step line in the error style: the step to take, pressed too early."""
        self.query_one("#code-resend", Static).set_class(marked, "-error")

    def _end_wait_hint(self) -> None:
        """The hint said "not yet" to Ctrl+R: once the wait or the code is over, it goes."""
        if self.hint.content != t("code.send_wait"):
            return
        if self.token.state in DEAD_STATES:
            self.hint.say("")
        else:
            self._hint_typed(compact(self.field.value))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        state = self.token.state
        if action == "resend":
            return state not in {"none", "used"}
        if action == "send_first":
            return state == "none"
        if action == "cancel_token":
            return state == "pending"
        return True

    @on(TokenPanel.Ticked)
    def _second_passed(self) -> None:
        left = self.panel.expires_left
        if left == 0 and self.token.state == "pending":
            # Expired as counted here: say so now; the backend's word follows.
            self._show_token(replace(self.token, state="expired"))
            self.hint.say("")
            self.refresh_token()
            return
        self._show_resend()

    def _poll_delivery(self) -> None:
        """While a sent code's delivery is not known, ask again (no key needed to see it)."""
        if self.is_active and not self.has_problem and self.panel.follows_delivery:
            self.refresh_token()

    @on(Input.Submitted, "#code-input")
    def _submitted(self) -> None:
        self.action_validate()

    def _follow_field(self) -> None:
        """The hint follows the field as its value changes, not on its Changed message
        (handled after the screen's next update): a digit and its hint are one update."""
        self.watch(self.field, "value", self._validate_as_typed, init=False)

    def _validate_as_typed(self, typed: str) -> None:
        self._hint_typed(compact(typed))

    def _hint_typed(self, value: str) -> None:
        """What is still wrong with the code typed so far. Missing digits are no error (it
        is being typed), nor extra ones while the backend has not said the length."""
        problem = code_problem(value, self.code_length)
        if problem is None:
            self.hint.say(t("code.ready"))
            return
        error = problem.kind == "not_digits" or (problem.kind == "too_long" and self.length_known)
        self.hint.say(code_problem_text(problem), error=error)

    # -- actions ---------------------------------------------------------------------------

    def action_validate(self) -> None:
        if self.busy:
            return
        if self.token.state in DEAD_STATES:
            # Nothing to validate against: the panel says why, the next-step line what to
            # do; it is marked, not said a second time. And the state is checked again.
            self.hint.say("")
            self._mark_next_step(True)
            self.refresh_token()
            return
        value = compact(self.field.value)
        problem = code_problem(value, self.code_length)
        digits = bool(value) and value.isascii() and value.isdigit()
        if not digits or len(value) > MAX_CODE_LENGTH or (problem and self.length_known):
            text = code_problem_text(problem) if problem is not None else t("lookup.only_digits")
            self.hint.say(text, error=True)
            return
        self.validate_code(value, uuid.uuid4().hex)

    def action_resend(self) -> None:
        left = self.panel.resend_left
        if left > 0:  # the backend would refuse it: say why; the line under it says when
            self.hint.say(t("code.send_wait"), error=True)
            self._mark_next_step(True)
            return
        self.desk.navigation.open_send_token(self.guide, None, on_sent=self.after_send)

    def action_send_first(self) -> None:
        self.action_resend()

    def after_send(self, outcome_kind: SendKind, token: Token | None) -> None:
        """The Enviar Token modal answered while this screen was open."""
        self.via = outcome_kind
        if token is not None:
            self._show_token(token)
            self.field.value = ""
        self._show_via()
        self._hint_typed("")
        self.field.focus()
        self.refresh_token()

    def action_cancel_token(self) -> None:
        if self.token.state != "pending":
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.cancel_token(uuid.uuid4().hex)

        self.desk.navigation.confirm(t("confirm.cancel_token"), answered)

    def action_back(self) -> None:
        self.dismiss(None)

    def on_guide_changed(self, event: GuideChanged) -> None:
        if event.number == self.guide.number:
            self.refresh_token()

    # -- work ------------------------------------------------------------------------------

    @work(exclusive=True, exit_on_error=False, group="validate", description="validate code")
    async def validate_code(self, code: str, idempotency_key: str) -> None:
        self.busy = True
        self.hint.say(t("code.validating"))
        try:
            client = await self.client()
            guide = await client.validate(self.guide.number, code, idempotency_key=idempotency_key)
        except e.AlreadyAuthorized as exc:
            self._audit("validate", audit_outcome(exc))
            self.busy = False
            self.clear_problem()
            self.hint.say(describe(exc).text)
            self.show_authorized_elsewhere(exc)
            return
        except e.FrontdeskClientError as exc:
            self._audit("validate", audit_outcome(exc))
            self.busy = False
            self._validation_failed(exc, code, idempotency_key)
            return
        self._audit("validate", guide.status)
        self.busy = False
        self.clear_problem()
        self.desk.simulator.refresh()
        self.desk.navigation.show_result(guide)

    def _audit(self, action: str, outcome: str) -> None:
        """One audit line with the token's channel kind and masked destination (as the
        backend gave them); never the code."""
        token = self.token
        self.desk.audit_trail.record(
            action,
            guide=self.guide.number,
            channel=token.channel,
            destination=token.destination,
            outcome=outcome,
        )

    def _validation_failed(self, exc: e.FrontdeskClientError, code: str, key: str) -> None:
        trouble = self.report(exc, retry=lambda: self.validate_code(code, key))
        if isinstance(exc, e.MalformedCode) and exc.expected_length:
            self.code_length = exc.expected_length
            self.length_known = True
            self.field.border_title = t("code.field", n=self.code_length)
        if trouble.banner:
            self.hint.say(t("code.ready"))
            return  # the banner says it; what was typed stays for F5
        if (isinstance(exc, e.InvalidCode) and exc.attempts_left == 0) or isinstance(
            exc, e.TokenLocked
        ):
            # One state, one message: the panel says it is locked, the line under it how
            # to go on; no "0 tentativas restantes, leia de novo" beside them.
            self.hint.say("")
            self._show_token(replace(self.token, state="locked", attempts_left=0))
        elif isinstance(exc, e.TokenExpired):
            self.hint.say("")
            self._show_token(replace(self.token, state="expired"))
        else:
            self.hint.say(trouble.text, error=True)
            if isinstance(exc, e.InvalidCode):
                self._show_token(replace(self.token, attempts_left=exc.attempts_left))
        self.field.select_all()
        if isinstance(exc, e.InvalidCode | e.TokenExpired | e.TokenLocked | e.TooManyFailures):
            self.refresh_token()

    @work(exclusive=True, exit_on_error=False, group="authorized", description="authorized")
    async def show_authorized_elsewhere(self, exc: e.AlreadyAuthorized) -> None:
        """Someone (another desk, a replay) authorized it: show the result with the number."""
        try:
            client = await self.client()
            guide = await client.get_guide(self.guide.number)
        except e.FrontdeskClientError:
            guide = replace(self.guide, status="authorized", authorization=exc.authorization)
        self.desk.navigation.show_result(guide)

    @work(exclusive=True, exit_on_error=False, group="token", description="refresh token")
    async def refresh_token(self) -> None:
        try:
            client = await self.client()
            token = await client.get_token(self.guide.number)
        except e.FrontdeskClientError as exc:
            if describe(exc).banner:
                self.report(exc, retry=self.refresh_token)
            return
        self._show_token(token)

    @work(exclusive=True, exit_on_error=False, group="cancel", description="cancel token")
    async def cancel_token(self, idempotency_key: str) -> None:
        try:
            client = await self.client()
            token = await client.cancel_token(self.guide.number, idempotency_key=idempotency_key)
        except e.FrontdeskClientError as exc:
            self._audit("cancel", audit_outcome(exc))
            trouble = self.report(exc, retry=lambda: self.cancel_token(idempotency_key))
            if not trouble.banner:
                self.hint.say(trouble.text, error=True)
            return
        self._audit("cancel", token.state)
        self.clear_problem()
        self._show_token(token)
        self.notify(t("code.cancelled"))
        self.dismiss(None)
