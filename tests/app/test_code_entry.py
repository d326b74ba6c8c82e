"""Code entry: countdown, attempts, resend, and every validation error with its next step."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from frontdesk.app.keys import bar_keys
from frontdesk.app.screens.code_entry import CodeEntryScreen
from frontdesk.backend.policy import Policy

from .desk_harness import Desk, latest_code, make_desk, press, running, screen_name, text_of


async def _to_code_entry(desk: Desk, pilot: Pilot[Any], name: str) -> str:
    """Open `name`'s guide, send a token to the preselected contact; returns the guide number."""
    guide = await desk.guide_of(name)
    await press(pilot, *guide.number, "enter", "e", "enter")
    assert isinstance(pilot.app.screen, CodeEntryScreen)
    return guide.number


def _wrong(code: str) -> str:
    return "".join(str((int(ch) + 1) % 10) for ch in code)


async def test_countdown_and_resend_wait_follow_the_monotonic_clock() -> None:
    desk = make_desk()
    async with running(desk) as pilot:
        await _to_code_entry(desk, pilot, "João Pedro Oliveira")
        screen = pilot.app.screen
        assert isinstance(screen, CodeEntryScreen)
        token_text = text_of(desk.app, "#code-token")
        assert "(11) *****-4321" in token_text
        assert "expira em 30 min" in token_text
        assert "5 tentativas restantes" in token_text
        assert text_of(desk.app, "#code-resend") == "Ctrl+R reenvia o código daqui a 60 s."
        # Shown during the wait, and pressed it says why; the line under it says when.
        assert desk.app.screen.check_action("resend", ()) is True
        desk.mono.advance(18)
        await press(pilot, "ctrl+r")
        assert screen_name(desk.app) == "CodeEntryScreen"
        assert len(await desk.client.outbox()) == 1
        desk.mono.advance(47)
        screen.panel.tick()
        await press(pilot)
        assert "expira em 29 min" in text_of(desk.app, "#code-token")
        assert text_of(desk.app, "#code-resend") == "Ctrl+R reenvia o código."
        assert desk.app.screen.check_action("resend", ()) is True


async def test_wrong_code_shows_attempts_left_and_keeps_counting_on_the_backend() -> None:
    desk = make_desk()
    async with running(desk) as pilot:
        number = await _to_code_entry(desk, pilot, "João Pedro Oliveira")
        code = await latest_code(desk, number)
        await press(pilot, *_wrong(code), "enter")
        assert screen_name(desk.app) == "CodeEntryScreen"
        hint = text_of(desk.app, "#code-hint")
        assert "Código incorreto" in hint and "4 tentativas restantes" in hint
        assert (await desk.client.get_token(number)).attempts_left == 4
        assert "4 tentativas restantes" in text_of(desk.app, "#code-token")
        # The wrong code is selected, so typing the right one replaces it.
        await press(pilot, *code, "enter")
        assert screen_name(desk.app) == "ResultScreen"
    assert (await desk.client.get_guide(number)).status == "authorized"


async def test_locked_after_the_last_attempt_then_a_new_code_works() -> None:
    desk = make_desk(policy=Policy(max_attempts=2))
    async with running(desk) as pilot:
        number = await _to_code_entry(desk, pilot, "João Pedro Oliveira")
        code = await latest_code(desk, number)
        await press(pilot, *_wrong(code), "enter")
        assert "Última tentativa" in text_of(desk.app, "#code-hint")
        await press(pilot, *_wrong(code), "enter")
        await press(pilot, *code, "enter")
        assert text_of(desk.app, "#code-token") == "Código bloqueado: muitas tentativas erradas."
        assert text_of(desk.app, "#code-resend") == "Ctrl+R envia um novo código daqui a 60 s."
        assert (await desk.client.get_token(number)).state == "locked"
        desk.advance(61)
        await press(pilot, "f5")  # reload the token: the resend wait is over
        assert text_of(desk.app, "#code-resend") == "Ctrl+R envia um novo código."
        await press(pilot, "ctrl+r")
        assert screen_name(desk.app) == "SendTokenModal"
        await press(pilot, "enter")
        assert screen_name(desk.app) == "CodeEntryScreen"
        assert len([m for m in await desk.client.outbox() if m.guide == number]) == 2
        field = desk.app.screen.query_one("#code-input", Input)
        assert field.value == ""
        await press(pilot, *await latest_code(desk, number), "enter")
        assert screen_name(desk.app) == "ResultScreen"


async def test_five_wrong_codes_lock_with_one_message_and_a_key_that_says_when() -> None:
    """Issue 12: locked is one state, said once, with one next step; Ctrl+R works or says
    exactly when it will; F8 (nothing left to cancel) is not offered."""
    desk = make_desk()
    async with running(desk) as pilot:
        number = await _to_code_entry(desk, pilot, "Maria Aparecida Souza")
        code = await latest_code(desk, number)
        for _ in range(5):
            await press(pilot, *_wrong(code), "enter")
        assert (await desk.client.get_token(number)).state == "locked"
        screen = desk.app.screen
        assert isinstance(screen, CodeEntryScreen)
        assert text_of(desk.app, "#code-token") == "Código bloqueado: muitas tentativas erradas."
        assert text_of(desk.app, "#code-hint") == ""  # no "0 tentativas… leia de novo"
        assert text_of(desk.app, "#code-resend") == "Ctrl+R envia um novo código daqui a 60 s."
        shown = " ".join(
            text_of(desk.app, s) for s in ("#code-token", "#code-hint", "#code-resend")
        )
        assert "tentativas restantes" not in shown and "ler de novo" not in shown
        bar = {k.action: k.enabled for k in bar_keys(screen)}
        assert bar.get("resend") is True and "cancel_token" not in bar
        # The right code now: no validation is attempted; the way on is marked, not repeated.
        desk.advance(18)
        await press(pilot, *code, "enter")
        assert text_of(desk.app, "#code-hint") == ""
        assert desk.app.screen.query_one("#code-resend").has_class("-error")
        await press(pilot, "ctrl+r")
        assert screen_name(desk.app) == "CodeEntryScreen"
        assert text_of(desk.app, "#code-hint") == (
            "Ainda não: a operadora exige um intervalo entre um envio e outro."
        )
        await press(pilot, "f8")
        assert screen_name(desk.app) == "CodeEntryScreen"  # nothing to cancel
        desk.advance(42)
        screen.panel.tick()
        await press(pilot, "ctrl+r")
        assert screen_name(desk.app) == "SendTokenModal"
        await press(pilot, "enter")
        assert screen_name(desk.app) == "CodeEntryScreen"
        assert (await desk.client.get_token(number)).state == "pending"
        await press(pilot, *await latest_code(desk, number), "enter")
        assert screen_name(desk.app) == "ResultScreen"
    assert (await desk.client.get_guide(number)).status == "authorized"


async def test_expired_code_says_send_a_new_one() -> None:
    desk = make_desk()
    async with running(desk) as pilot:
        number = await _to_code_entry(desk, pilot, "João Pedro Oliveira")
        code = await latest_code(desk, number)
        desk.advance(31 * 60)
        screen = desk.app.screen
        assert isinstance(screen, CodeEntryScreen)
        screen.panel.tick()
        await press(pilot)
        # The state once, and the one way on.
        assert text_of(desk.app, "#code-token") == "O código expirou."
        assert text_of(desk.app, "#code-resend") == "Ctrl+R envia um novo código."
        assert text_of(desk.app, "#code-hint") == ""
        await press(pilot, *code, "enter")
        assert text_of(desk.app, "#code-hint") == ""  # the panel and the line say it once
        assert desk.app.screen.query_one("#code-resend").has_class("-error")
        assert (await desk.client.get_guide(number)).status == "awaiting_token"
        assert (await desk.client.get_token(number)).state == "expired"
        await press(pilot, "ctrl+r", "enter")
        assert (await desk.client.get_token(number)).state == "pending"
        await press(pilot, *await latest_code(desk, number), "enter")
        assert screen_name(desk.app) == "ResultScreen"


async def test_resend_too_soon_from_the_guide_screen_says_how_long_to_wait() -> None:
    desk = make_desk()
    async with running(desk) as pilot:
        await _to_code_entry(desk, pilot, "João Pedro Oliveira")
        await press(pilot, "ctrl+r")  # the wait runs: it says so, and opens nothing
        assert screen_name(desk.app) == "CodeEntryScreen"
        assert "Ainda não" in text_of(desk.app, "#code-hint")
        assert "60 s" in text_of(desk.app, "#code-resend")
        await press(pilot, "escape")
        assert screen_name(desk.app) == "GuideScreen"
        assert "(11) *****-4321" in text_of(desk.app, "#guide-token")
        desk.advance(20)
        await press(pilot, "e", "enter")
        assert screen_name(desk.app) == "SendTokenModal"
        detail = text_of(desk.app, "#send-detail")
        assert "Espere 40 s para enviar de novo" in detail
        assert len(await desk.client.outbox()) == 1  # no second SMS


async def test_too_many_failures_on_the_card_points_to_absence() -> None:
    desk = make_desk(policy=Policy(card_failures_per_day=2))
    async with running(desk) as pilot:
        number = await _to_code_entry(desk, pilot, "João Pedro Oliveira")
        code = await latest_code(desk, number)
        await press(pilot, *_wrong(code), "enter")
        await press(pilot, *_wrong(code), "enter")
        await press(pilot, *code, "enter")
        hint = text_of(desk.app, "#code-hint")
        assert "Muitos códigos errados" in hint and "Sem token" in hint and "min" in hint
        assert (await desk.client.get_guide(number)).status == "awaiting_token"


async def test_code_of_another_length_is_learned_from_the_backend() -> None:
    desk = make_desk(policy=Policy(code_length=8))
    async with running(desk) as pilot:
        number = await _to_code_entry(desk, pilot, "João Pedro Oliveira")
        field = desk.app.screen.query_one("#code-input", Input)
        assert field.border_title == "Código (6 dígitos)"
        await press(pilot, *"123456", "enter")
        assert field.border_title == "Código (8 dígitos)"
        assert "8 dígitos" in text_of(desk.app, "#code-hint")
        assert (await desk.client.get_token(number)).attempts_left == 5  # not an attempt
        await press(pilot, "backspace", *await latest_code(desk, number), "enter")
        assert screen_name(desk.app) == "ResultScreen"


async def test_letters_in_the_code_are_refused_with_the_reason() -> None:
    desk = make_desk()
    async with running(desk) as pilot:
        number = await _to_code_entry(desk, pilot, "João Pedro Oliveira")
        await press(pilot, *"12a", "enter")
        assert text_of(desk.app, "#code-hint") == "Somente números"
        assert (await desk.client.get_token(number)).attempts_left == 5


async def test_already_authorized_elsewhere_shows_the_authorization() -> None:
    desk = make_desk()
    async with running(desk) as pilot:
        number = await _to_code_entry(desk, pilot, "João Pedro Oliveira")
        code = await latest_code(desk, number)
        other_desk = await desk.client.validate(number, code)  # another desk was faster
        assert other_desk.authorization is not None
        await press(pilot, *code, "enter")
        assert screen_name(desk.app) == "ResultScreen"
        shown = text_of(desk.app, "#result-auth").replace(" ", "")
        assert shown == other_desk.authorization.number


async def test_no_token_pending_says_to_send_one() -> None:
    desk = make_desk()
    guide = await desk.guide_of("João Pedro Oliveira")  # no app: a code must be sent
    async with running(desk) as pilot:
        await press(pilot, *guide.number, "enter", "c")
        assert screen_name(desk.app) == "CodeEntryScreen"
        assert "Nenhum código enviado" in text_of(desk.app, "#code-token")
        assert text_of(desk.app, "#code-resend") == "Ctrl+R envia um código ao paciente."
        await press(pilot, *"123456", "enter")
        assert "Nenhum código pendente" in text_of(desk.app, "#code-hint")
        await press(pilot, "ctrl+r")  # "Enviar código": nothing was sent yet
        assert screen_name(desk.app) == "SendTokenModal"


async def test_cancel_the_pending_code_after_confirming() -> None:
    desk = make_desk()
    async with running(desk) as pilot:
        number = await _to_code_entry(desk, pilot, "João Pedro Oliveira")
        await press(pilot, "f8")
        assert screen_name(desk.app) == "ConfirmModal"
        await press(pilot, "enter")
        assert screen_name(desk.app) == "GuideScreen"
        assert (await desk.client.get_token(number)).state == "cancelled"
        assert "Código cancelado" in text_of(desk.app, "#guide-token")


def _shown(desk: Desk) -> str:
    return " / ".join(text_of(desk.app, s) for s in ("#code-token", "#code-hint", "#code-resend"))


async def test_the_resend_wait_is_one_countdown_and_its_not_yet_ends_with_it() -> None:
    """Issue 18 C9: Ctrl+R pressed during the wait gave a second, exact number in the hint
    ("Novo envio possível em 38 s") above the line's ("Reenviar em até 40 s"), and the hint
    stayed after the wait, and after the code expired."""
    desk = make_desk()
    async with running(desk) as pilot:
        await _to_code_entry(desk, pilot, "João Pedro Oliveira")
        screen = desk.app.screen
        assert isinstance(screen, CodeEntryScreen)
        desk.mono.advance(22)
        screen.panel.tick()
        await press(pilot, "ctrl+r")
        shown = _shown(desk)
        assert shown.count(" s") == 1, shown  # one countdown on screen
        assert text_of(desk.app, "#code-resend") == "Ctrl+R reenvia o código daqui a 40 s."
        assert "em até" not in shown
        line = screen.query_one("#code-resend")
        assert line.has_class("-error")
        # The wait is over: "not yet" goes, the line is a plain next step again.
        desk.mono.advance(40)
        screen.panel.tick()
        await press(pilot)
        assert text_of(desk.app, "#code-resend") == "Ctrl+R reenvia o código."
        assert text_of(desk.app, "#code-hint") == "Faltam 6 dígitos"
        assert not line.has_class("-error")


async def test_not_yet_goes_when_the_code_expires_during_the_wait() -> None:
    desk = make_desk()
    async with running(desk) as pilot:
        number = await _to_code_entry(desk, pilot, "João Pedro Oliveira")
        await press(pilot, "ctrl+r")
        assert text_of(desk.app, "#code-hint") != ""  # "not yet"
        desk.clock.advance(31 * 60)  # the simulator's F7: the backend's clock only
        await desk.app.screen.refresh_token().wait()
        await press(pilot)
        assert (await desk.client.get_token(number)).state == "expired"
        assert text_of(desk.app, "#code-token") == "O código expirou."
        assert text_of(desk.app, "#code-hint") == ""
        assert text_of(desk.app, "#code-resend") == "Ctrl+R envia um novo código."


async def test_a_code_read_out_in_two_halves_is_accepted() -> None:
    """Issue 18 P4: "288 955" (a space where the patient paused) gave "Somente números"."""
    desk = make_desk()
    async with running(desk) as pilot:
        number = await _to_code_entry(desk, pilot, "João Pedro Oliveira")
        code = await latest_code(desk, number)
        await press(pilot, *code[:3], "space", *code[3:])
        assert text_of(desk.app, "#code-hint") == "Enter valida"
        await press(pilot, "enter")
        assert screen_name(desk.app) == "ResultScreen"
    assert (await desk.client.get_guide(number)).status == "authorized"


async def test_the_hint_follows_a_code_digit_in_the_same_update_as_the_field() -> None:
    """As on the lookup: the hint changes with the field's value, so a digit of the code
    and its hint are drawn in one layout and one frame, not two (bench/key_cpu.py)."""
    desk = make_desk()
    async with running(desk) as pilot:
        await _to_code_entry(desk, pilot, "João Pedro Oliveira")
        field = pilot.app.screen.query_one("#code-input", Input)
        empty = text_of(desk.app, "#code-hint")
        field.insert_text_at_cursor("4")  # what a key does; no message handled since
        said = text_of(desk.app, "#code-hint")
        await press(pilot)
        assert said == text_of(desk.app, "#code-hint") != empty
