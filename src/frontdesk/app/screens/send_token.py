"""Enviar Token: where the code goes (registered phone/e-mail, typed, the app or the SAC)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import ClassVar, Literal

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.reactive import reactive
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from frontdesk.app.screens.base import DeskModal, audit_outcome
from frontdesk.app.widgets.banner import ConnectionBanner
from frontdesk.app.widgets.hint import HintLine
from frontdesk.app.widgets.inputs import DestinationField
from frontdesk.app.widgets.key_bar import KeyBar
from frontdesk.client.client_errors import FrontdeskClientError, TooManySends
from frontdesk.client.models import Channel, Channels, Guide, Token
from frontdesk.core.contacts import mask_destination, mobile_digits, valid_email
from frontdesk.core.i18n import t

Stage = Literal["loading", "choose", "instructions", "typing", "sending"]
TypedProblem = Literal["not_a_mobile", "not_an_email"]
EnterDoes = Literal["send", "continue", "code"]
SendKind = Literal["sent", "app", "sac"]  # a code was sent; the patient uses the app/the SAC


@dataclass(frozen=True)
class SendOutcome:
    """The modal's answer: a code was sent (with its Token), or the patient uses the app/SAC."""

    kind: SendKind
    token: Token | None = None


def option_label(channel: Channel, *, last_used: bool) -> str:
    if channel.kind == "sms":
        text = t("send.option.sms", label=channel.label or "?")
    elif channel.kind == "email":
        text = t("send.option.email", label=channel.label or "?")
    elif channel.kind == "app":
        text = t("send.option.app")
    else:
        text = t("send.option.sac")
    return f"{text}  ({t('send.last_used')})" if last_used else text


def typed_problem(kind: str | None, value: str) -> TypedProblem | None:
    """Why a dictated destination cannot be sent to (an SMS needs a mobile number), or None."""
    if kind == "sms":
        return None if mobile_digits(value) else "not_a_mobile"
    return None if valid_email(value) else "not_an_email"


def typed_problem_text(problem: TypedProblem) -> str:
    if problem == "not_a_mobile":
        return t("send.typed.bad_sms")
    return t("send.typed.bad_email")


def other_ways(channels: Channels) -> str:
    """The ways on without a phone or e-mail that this patient really has: the app only if
    they have it, the SAC if the operator has one, and Sem token always."""
    ways = [t(f"send.way.{kind}") for kind in ("app", "sac") if channels.of_kind(kind)]
    ways.append(t("send.way.absence"))
    if len(ways) == 1:
        return ways[0]
    return t("send.ways", first=", ".join(ways[:-1]), last=ways[-1])


def preselected(channels: Channels) -> str | None:
    """The option Enter sends to: the last used contact, else the first phone, e-mail, app."""
    if channels.last_used is not None:
        return channels.last_used.id
    for kind in ("sms", "email", "app", "sac"):
        found = channels.of_kind(kind)
        if found:
            return found[0].id
    return None


class SendOptions(OptionList):
    """The destinations. Enter picks the highlighted one; what that does next (send a
    code, go on to the app's or the SAC's steps, or type the code they gave) is
    `enter_does`, set by the modal, and the key bar says it (one binding each, only the
    current one enabled: Textual's way to change what a key says)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "pick('send')",
            "key.send_confirm",
            id="send.choose",
            tooltip="key.send_confirm.tip",
        ),
        Binding(
            "enter",
            "pick('continue')",
            "key.continue",
            id="send.continue",
            tooltip="key.send_confirm.tip",
        ),
        Binding(
            "enter", "pick('code')", "key.code", id="send.type_code", tooltip="key.send_confirm.tip"
        ),
    ]

    enter_does: reactive[EnterDoes] = reactive("send", bindings=True)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "pick":
            return parameters == (self.enter_does,)
        return True

    def action_pick(self, does: str) -> None:
        self.action_select()


class SendTokenModal(DeskModal[SendOutcome]):
    """Pick a destination; Enter sends to the highlighted one (the last used, at first)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "confirm",
            "key.send_confirm",
            id="send.confirm",
            tooltip="key.send_confirm.tip",
        ),
    ]

    def __init__(self, guide: Guide, channels: Channels | None = None) -> None:
        super().__init__()
        self.guide = guide
        self.channels = channels
        self.stage: Stage = "loading"
        self.typed_kind: str | None = None
        self.chosen: Channel | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield ConnectionBanner()
            yield Static(t("send.question"), classes="dialog-question")
            yield SendOptions(id="send-options")
            field = DestinationField(id="send-destination", max_length=120)
            field.display = False
            yield field
            yield HintLine(id="send-detail", collapse=True)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = t("send.title")
        if self.channels is None:
            self.hint.say(t("send.loading"))
            self.load_channels()
        else:
            self._show_channels(self.channels)

    def reload(self) -> None:
        if self.stage in {"loading", "choose"}:
            self.load_channels()

    # -- drawing ---------------------------------------------------------------------------

    def _show_channels(self, channels: Channels) -> None:
        self.channels = channels
        options = self.query_one("#send-options", OptionList)
        options.clear_options()
        for channel in channels.channels:
            options.add_option(
                Option(option_label(channel, last_used=channel.last_used), id=channel.id)
            )
        for kind in ("sms", "email"):
            if channels.typed_destination.get(kind):
                options.add_option(Option(t(f"send.option.typed_{kind}"), id=f"typed:{kind}"))
        chosen = preselected(channels)
        if chosen is not None:
            options.highlighted = options.get_option_index(chosen)
        self.stage = "choose"
        if not channels.of_kind("sms") and not channels.of_kind("email"):
            self.hint.say(t("send.no_contacts", ways=other_ways(channels)))
        else:
            self.hint.say("")
        options.focus()

    def _channel(self, option_id: str) -> Channel | None:
        if self.channels is None:
            return None
        return next((c for c in self.channels.channels if c.id == option_id), None)

    # -- the answer ------------------------------------------------------------------------

    def action_confirm(self) -> None:
        if self.stage == "choose":
            options = self.query_one("#send-options", OptionList)
            if options.highlighted is not None:
                option = options.get_option_at_index(options.highlighted)
                if option.id is not None:
                    self._choose(option.id)
        elif self.stage == "instructions" and self.chosen is not None:
            self._patient_asks(self.chosen)
        elif self.stage == "typing":
            self._send_typed()

    @on(OptionList.OptionHighlighted, "#send-options")
    def _highlighted(self) -> None:
        self._enter_label()

    def _enter_label(self) -> None:
        """What Enter does now, in the key bar: send, continue (app/SAC), or type the code."""
        options = self.query_one("#send-options", SendOptions)
        index = options.highlighted
        option_id = options.get_option_at_index(index).id if index is not None else None
        kind = option_id if option_id in {"app", "sac"} else None
        chosen = self.chosen
        if self.stage == "instructions" and chosen is not None and chosen.id == option_id:
            options.enter_does = "code"
        elif kind is not None or (option_id or "").startswith("typed:"):
            options.enter_does = "continue"
        else:
            options.enter_does = "send"

    @on(OptionList.OptionSelected, "#send-options")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        """Enter (or a click) on an option: choose it, or go on after the app/SAC steps."""
        option_id = event.option.id
        if option_id is None or self.stage not in {"choose", "instructions"}:
            return
        chosen = self.chosen
        if self.stage == "instructions" and chosen is not None and chosen.id == option_id:
            self._patient_asks(chosen)
            return
        self._choose(option_id)

    def _patient_asks(self, chosen: Channel) -> None:
        """The patient gets the code from the app or the SAC: nothing is sent from here."""
        kind: Literal["app", "sac"] = "app" if chosen.kind == "app" else "sac"
        self.desk.audit_trail.record(
            "send", guide=self.guide.number, channel=kind, outcome="instructed"
        )
        self.dismiss(SendOutcome(kind))

    @on(Input.Submitted, "#send-destination")
    def _typed_submitted(self) -> None:
        if self.stage == "typing":
            self._send_typed()

    def _choose(self, option_id: str) -> None:
        if option_id.startswith("typed:"):
            self.typed_kind = option_id.removeprefix("typed:")
            self.stage = "typing"
            field = self.query_one("#send-destination", Input)
            field.border_title = t(f"send.typed.{self.typed_kind}")
            field.placeholder = t(f"send.typed.{self.typed_kind}_placeholder")
            field.display = True
            field.focus()
            self.hint.say("")
            return
        channel = self._channel(option_id)
        if channel is None:
            return
        self.chosen = channel
        if channel.kind == "app":
            self.stage = "instructions"
            self.hint.say(t("send.app.steps"))
            self._enter_label()
        elif channel.kind == "sac":
            self.stage = "instructions"
            phones = "\n".join(f"  {p.number}  ({p.note})" for p in channel.phones)
            self.hint.say(f"{t('send.sac.steps')}\n{phones}\n{t('send.sac.then')}")
            self._enter_label()
        else:
            key = uuid.uuid4().hex
            self.send(channel.label or "?", key, channel_id=channel.id)

    def action_cancel(self) -> None:
        if self.stage in {"instructions", "typing"}:
            self.stage = "choose"
            self.chosen = None
            self.query_one("#send-destination", Input).display = False
            self.hint.say("")
            self.query_one("#send-options", OptionList).focus()
            self._enter_label()
            return
        if self.stage != "sending":
            self.dismiss(None)

    @on(Input.Changed, "#send-destination")
    def _validate_typed(self, event: Input.Changed) -> None:
        problem = typed_problem(self.typed_kind, event.value)
        if not event.value.strip():
            self.hint.say("")
        elif problem is None:
            self.hint.say(t("send.typed.ok"))
        else:
            self.hint.say(typed_problem_text(problem), error=True)

    def _send_typed(self) -> None:
        value = self.query_one("#send-destination", Input).value.strip()
        problem = typed_problem(self.typed_kind, value)
        if problem is not None:
            self.hint.say(typed_problem_text(problem), error=True)
            return
        kind = self.typed_kind or "email"
        destination = (mobile_digits(value) or value) if kind == "sms" else value
        shown = mask_destination(kind, destination) or ""
        self.send(shown, uuid.uuid4().hex, channel=kind, destination=destination)

    # -- work ------------------------------------------------------------------------------

    @work(exclusive=True, exit_on_error=False, group="channels", description="load channels")
    async def load_channels(self) -> None:
        try:
            client = await self.client()
            channels = await client.channels(self.guide.number)
        except FrontdeskClientError as exc:
            trouble = self.report(exc, retry=self.load_channels)
            if not trouble.banner:
                self.hint.say(trouble.text, error=True)
            return
        self.clear_problem()
        self._show_channels(channels)

    @work(exclusive=True, exit_on_error=False, group="send", description="send token")
    async def send(
        self,
        shown_as: str,
        idempotency_key: str,
        *,
        channel_id: str | None = None,
        channel: str | None = None,
        destination: str | None = None,
    ) -> None:
        previous = self.stage
        registered = self._channel(channel_id) if channel_id is not None else None
        kind = channel or (registered.kind if registered is not None else None)
        self.stage = "sending"
        self.query_one("#send-options", OptionList).disabled = True
        self.hint.say(t("send.sending", destination=shown_as))
        try:
            client = await self.client()
            token = await client.send_token(
                self.guide.number,
                channel_id=channel_id,
                channel=channel,
                destination=destination,
                idempotency_key=idempotency_key,
            )
        except FrontdeskClientError as exc:
            self.desk.audit_trail.record(
                "send",
                guide=self.guide.number,
                channel=kind,
                destination=shown_as,  # a masked label, never what was typed
                outcome=audit_outcome(exc),
            )
            self.stage = previous
            options = self.query_one("#send-options", OptionList)
            options.disabled = False

            def again() -> None:
                self.send(
                    shown_as,
                    idempotency_key,
                    channel_id=channel_id,
                    channel=channel,
                    destination=destination,
                )

            trouble = self.report(exc, retry=again)
            text = trouble.text
            if isinstance(exc, TooManySends) and self.channels is not None:
                text += " " + t("send.or_use", ways=other_ways(self.channels))
            self.hint.say("" if trouble.banner else text, error=not trouble.banner)
            if previous == "typing":
                self.query_one("#send-destination", Input).focus()
            else:
                options.focus()
            return
        self.desk.audit_trail.record(
            "send",
            guide=self.guide.number,
            channel=token.channel or kind,
            destination=token.destination or shown_as,
            outcome="sent",
        )
        self.clear_problem()
        self.hint.say(t("send.sent", destination=token.destination or shown_as))
        self.desk.simulator.refresh()
        self.dismiss(SendOutcome("sent", token))
