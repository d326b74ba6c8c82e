"""The counter flow end to end on the real embedded backend: SMS, e-mail, app, SAC, absence."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static

from frontdesk.app.screens.lookup import LookupScreen
from frontdesk.app.screens.send_token import SendTokenModal

from .desk_harness import (
    latest_code,
    make_desk,
    plain,
    press,
    running,
    screen_name,
    text_of,
)

MARIA_SECOND_PHONE = "43988708870"


async def test_release_by_sms_takes_four_keystrokes_besides_digits() -> None:
    """Lookup → guide → Enviar Token → Enter (last-used phone) → code → result: ≤ 4 keys."""
    desk = make_desk()
    maria = [g for g in await desk.guides() if g.beneficiary.name == "Maria Aparecida Souza"]
    earlier, today = maria[0], maria[1]
    # Yesterday the patient received her code on her second phone: that is the last used.
    await desk.client.send_token(earlier.number, channel_id="c2")
    pressed: list[str] = []

    async with running(desk) as pilot:

        async def key(*keys: str) -> None:
            pressed.extend(keys)
            await press(pilot, *keys)

        assert isinstance(desk.app.screen, LookupScreen)
        await key(*today.number)
        await key("enter")
        assert screen_name(desk.app) == "GuideScreen"
        await key("e")
        modal = desk.app.screen
        assert isinstance(modal, SendTokenModal)
        options = modal.query_one("#send-options", OptionList)
        assert options.highlighted is not None
        assert options.get_option_at_index(options.highlighted).id == "c2"
        await key("enter")
        assert screen_name(desk.app) == "CodeEntryScreen"
        newest = (await desk.client.outbox())[0]
        assert (newest.guide, newest.to, newest.channel) == (
            today.number,
            MARIA_SECOND_PHONE,
            "sms",
        )
        await key(*newest.code)
        await key("enter")
        assert screen_name(desk.app) == "ResultScreen"

        not_digits = [k for k in pressed if not k.isdigit()]
        assert not_digits == ["enter", "e", "enter", "enter"]
        assert len(not_digits) <= 4

        guide = await desk.client.get_guide(today.number)
        assert guide.status == "authorized"
        assert guide.authorization is not None
        shown = text_of(desk.app, "#result-auth").replace(" ", "")
        assert shown == guide.authorization.number
        assert "AUTORIZADA" in text_of(desk.app, "#result-status")

        # One key back to an empty lookup for the next patient.
        await press(pilot, "enter")
        assert isinstance(desk.app.screen, LookupScreen)
        field = desk.app.screen.query_one("#lookup-input", Input)
        assert field.value == ""
        assert field.has_focus


async def test_release_by_email_to_a_typed_address_validates_it_first() -> None:
    desk = make_desk()
    guide = await desk.guide_of("Ana Beatriz Lima")
    async with running(desk) as pilot:
        await press(pilot, *guide.number, "enter", "e")
        modal = desk.app.screen
        assert isinstance(modal, SendTokenModal)
        options = modal.query_one("#send-options", OptionList)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        # No phone: the e-mail comes first; the operator allows a typed e-mail, not a phone.
        assert ids == ["c1", "app", "sac", "typed:email"]
        options.highlighted = ids.index("typed:email")
        await press(pilot, "enter")
        await press(pilot, *"ana@exemplo")
        assert "E-mail inválido" in text_of(desk.app, "#send-detail")
        await press(pilot, "enter")
        assert screen_name(desk.app) == "SendTokenModal"
        assert await desk.client.outbox() == []  # nothing was sent
        await press(pilot, *".com.br")
        assert text_of(desk.app, "#send-detail") == "Enter envia"
        await press(pilot, "enter")
        assert screen_name(desk.app) == "CodeEntryScreen"
        message = (await desk.client.outbox())[0]
        assert (message.channel, message.to) == ("email", "ana@exemplo.com.br")
        token_text = text_of(desk.app, "#code-token")
        assert "an****@e*****.com.br" in token_text
        assert "ana@exemplo" not in token_text
        await press(pilot, *message.code, "enter")
        assert screen_name(desk.app) == "ResultScreen"
    assert (await desk.client.get_guide(guide.number)).status == "authorized"


async def test_release_with_the_app_code_from_the_simulator() -> None:
    desk = make_desk(show_simulator=True)
    guide = await desk.guide_of("Maria Aparecida Souza")
    async with running(desk, size=(120, 40)) as pilot:
        await press(pilot, *guide.number, "enter", "e")
        modal = desk.app.screen
        assert isinstance(modal, SendTokenModal)
        options = modal.query_one("#send-options", OptionList)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        options.highlighted = ids.index("app")
        await press(pilot, "enter")
        steps = text_of(desk.app, "#send-detail")
        assert "Gerar token" in steps
        assert screen_name(desk.app) == "SendTokenModal"  # instructions first
        await press(pilot, "enter")
        assert screen_name(desk.app) == "CodeEntryScreen"
        assert "Gerar token" in text_of(desk.app, "#code-via")
        # The simulator shows what the patient's app shows now.
        app_text = text_of(desk.app, "#sim-app")
        code = await desk.client.app_code(guide.beneficiary.card)
        assert code in app_text
        assert await desk.client.outbox() == []  # nothing is sent for the app
        await press(pilot, *code, "enter")
        assert screen_name(desk.app) == "ResultScreen"
    assert (await desk.client.get_guide(guide.number)).status == "authorized"


async def test_release_with_a_sac_code_shows_the_phones_then_code_entry() -> None:
    desk = make_desk(show_simulator=True)
    guide = await desk.guide_of("Carlos Eduardo Santos")  # no phone, no e-mail, no app
    async with running(desk, size=(120, 40)) as pilot:
        await press(pilot, *guide.number, "enter", "e")
        modal = desk.app.screen
        assert isinstance(modal, SendTokenModal)
        options = modal.query_one("#send-options", OptionList)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert ids == ["sac", "typed:email"]
        assert options.highlighted == 0
        assert "Sem celular ou e-mail" in text_of(desk.app, "#send-detail")
        await press(pilot, "enter")
        detail = text_of(desk.app, "#send-detail")
        assert "4007-2400" in detail
        assert "0800 643 4300" in detail
        assert "demais localidades" in detail
        await press(pilot, "enter")
        assert screen_name(desk.app) == "CodeEntryScreen"
        assert desk.app.simulator.current_guide is not None
        # The patient calls the SAC, which dictates a code (F6 in the simulator).
        await press(pilot, "f6")
        sac_line = next(
            line for line in text_of(desk.app, "#sim-app").splitlines() if "SAC" in line
        )
        code = sac_line.rsplit(" ", 1)[-1]
        assert code.isdigit() and len(code) == 6
        token = await desk.client.get_token(guide.number)
        assert (token.state, token.channel) == ("pending", "sac")
        assert "SAC" in text_of(desk.app, "#code-token")
        await press(pilot, *code, "enter")
        assert screen_name(desk.app) == "ResultScreen"
    assert (await desk.client.get_guide(guide.number)).status == "authorized"


async def _absence(desk_reason: str, pilot: Pilot[Any], number: str) -> None:
    await press(pilot, *number, "enter", "s")
    assert screen_name(pilot.app) == "AbsenceModal"
    options = pilot.app.screen.query_one("#absence-options", OptionList)
    options.highlighted = int(desk_reason) - 1
    await press(pilot, "enter")
    confirm = plain(pilot.app.screen.query_one("#absence-detail", Static))
    assert desk_reason in confirm and "Enter confirma" in confirm
    await press(pilot, "enter")


async def test_a_digit_in_the_absence_list_chooses_that_reason() -> None:
    """Issue 18 P3: typing 7 chooses reason 07 (it took six arrows); Enter confirms it."""
    desk = make_desk()
    guide = await desk.guide_of("João Pedro Oliveira")
    async with running(desk) as pilot:
        await press(pilot, *guide.number, "enter", "s")
        assert screen_name(desk.app) == "AbsenceModal"
        await press(pilot, "0", "7")  # as printed in the list: 07
        confirm = plain(pilot.app.screen.query_one("#absence-detail", Static))
        assert "motivo 07 – Beneficiário não possui celular" in confirm
        await press(pilot, "enter")
    after = await desk.client.get_guide(guide.number)
    assert after.absence_reason == "07"
    assert after.status != "awaiting_token"


async def test_absence_reason_02_authorizes_at_once() -> None:
    desk = make_desk()
    guide = await desk.guide_of("João Pedro Oliveira")
    async with running(desk) as pilot:
        await _absence("02", pilot, guide.number)
        assert screen_name(desk.app) == "ResultScreen"
        assert "AUTORIZADA" in text_of(desk.app, "#result-status")
        after = await desk.client.get_guide(guide.number)
        assert after.status == "authorized"
        assert after.absence_reason == "02"
        assert after.authorization is not None
        assert text_of(desk.app, "#result-auth").replace(" ", "") == after.authorization.number
        assert "urgência" in text_of(desk.app, "#result-absence")


async def test_absence_reason_07_goes_to_review() -> None:
    desk = make_desk()
    guide = await desk.guide_of("Carlos Eduardo Santos")
    async with running(desk) as pilot:
        await _absence("07", pilot, guide.number)
        assert screen_name(desk.app) == "ResultScreen"
        assert "EM ANÁLISE" in text_of(desk.app, "#result-status")
        assert not desk.app.screen.query("#result-auth")
        after = await desk.client.get_guide(guide.number)
        assert (after.status, after.absence_reason) == ("under_review", "07")
        await press(pilot, "escape")
        assert isinstance(desk.app.screen, LookupScreen)


async def test_absence_can_be_reconsidered_and_cancelled() -> None:
    desk = make_desk()
    guide = await desk.guide_of("Carlos Eduardo Santos")
    async with running(desk) as pilot:
        await press(pilot, *guide.number, "enter", "s", "enter")
        assert "Enter confirma" in text_of(desk.app, "#absence-detail")
        await press(pilot, "escape")  # back to the list of reasons
        assert screen_name(desk.app) == "AbsenceModal"
        assert text_of(desk.app, "#absence-detail") == ""
        await press(pilot, "escape")  # closes without doing anything
        assert screen_name(desk.app) == "GuideScreen"
    assert (await desk.client.get_guide(guide.number)).status == "awaiting_token"


async def test_result_copies_the_authorization_number() -> None:
    desk = make_desk()
    guide = await desk.guide_of("João Pedro Oliveira")
    async with running(desk) as pilot:
        await press(pilot, *guide.number, "enter", "e", "enter")
        await press(pilot, *await latest_code(desk, guide.number), "enter")
        assert screen_name(desk.app) == "ResultScreen"
        await press(pilot, "c")
        after = await desk.client.get_guide(guide.number)
        assert after.authorization is not None
        assert desk.app.clipboard == after.authorization.number


async def test_typed_phone_where_the_operator_allows_it_is_validated_as_a_br_mobile() -> None:
    from frontdesk.backend.service import BackendSettings

    desk = make_desk(settings=BackendSettings(typed_destination={"sms": True, "email": False}))
    guide = await desk.guide_of("Carlos Eduardo Santos")  # nothing registered
    async with running(desk) as pilot:
        await press(pilot, *guide.number, "enter", "e")
        modal = desk.app.screen
        assert isinstance(modal, SendTokenModal)
        options = modal.query_one("#send-options", OptionList)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert ids == ["sac", "typed:sms"]
        options.highlighted = 1
        await press(pilot, "enter", *"(43) 3123-4567")  # a landline: no SMS
        assert "Celular inválido" in text_of(desk.app, "#send-detail")
        await press(pilot, "enter")
        assert await desk.client.outbox() == []
        field = modal.query_one("#send-destination", Input)
        field.value = ""
        await press(pilot, *"(43) 99123-4567", "enter")
        assert screen_name(desk.app) == "CodeEntryScreen"
        message = (await desk.client.outbox())[0]
        assert (message.channel, message.to) == ("sms", "43991234567")
        assert "(43) *****-4567" in text_of(desk.app, "#code-token")
