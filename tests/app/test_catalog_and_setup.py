"""The app's texts at work (statuses, error messages), bindings, start-up choices and styles.

The catalogs themselves (both languages, every key used exists and is used):
tests/core/test_i18n.py.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest
from textual.binding import Binding
from textual.dom import DOMNode

from frontdesk.app.app import FrontdeskApp, css_paths, styles_dir
from frontdesk.app.formatting import (
    CARD_MIN_DIGITS,
    DigitsProblem,
    card_problem,
    card_text,
    code_problem,
    date_text,
    guide_number_problem,
    label,
    wait_text,
)
from frontdesk.app.problems import code_problem_text, describe, number_problem_text
from frontdesk.cli.app import choose_language, cursor_blink
from frontdesk.client import client_errors as e
from frontdesk.core import i18n
from frontdesk.core.contacts import mask_destination, mobile_digits, valid_email
from frontdesk.core.domain import ERROR_STATUS, GUIDE_STATUSES


def test_statuses_use_the_glossary_words() -> None:
    assert [label("status", s) for s in GUIDE_STATUSES] == [
        "AGUARDANDO TOKEN",
        "EM ANÁLISE",
        "AUTORIZADA",
        "AUTORIZADA PARCIALMENTE",
        "NEGADA",
        "CANCELADA",
    ]


@pytest.mark.parametrize("lang", ["pt", "en"])
@pytest.mark.parametrize("code", sorted(ERROR_STATUS))
def test_every_error_code_has_a_message_in_both_languages(lang: i18n.Language, code: str) -> None:
    i18n.set_language(lang)
    cls = e.ERROR_CLASSES.get(code, e.ApiError)
    extra = {
        "retry_after": 90,
        "attempts_left": 3,
        "expected_length": 6,
        "guide_status": "authorized",
        "authorization": {"number": "Q7K2M9XA", "valid_until": "2026-12-18"},
    }
    trouble = describe(cls(status=ERROR_STATUS[code], code=code, detail="x", extra=extra))
    assert trouble.text and "{" not in trouble.text
    assert not re.search(r"\b(err|banner|status)\.[a-z_]+", trouble.text)
    if code in {"resend_too_soon"}:
        assert "90" in trouble.text
    if code in {"too_many_sends", "too_many_failures"}:
        assert "2 min" in trouble.text
    if code == "invalid_code":
        assert "3" in trouble.text
    if code == "already_authorized":
        assert "Q7K2M9XA" in trouble.text
    if code == "guide_not_awaiting_token":
        assert ("AUTORIZADA" if lang == "pt" else "AUTHORIZED") in trouble.text


def test_transport_troubles_go_to_the_banner() -> None:
    assert describe(e.BackendUnavailable("x")).banner
    assert describe(e.BackendUnavailable("x", timeout=True)).banner
    assert describe(e.MalformedResponse("x")).banner
    assert describe(e.ServerError(status=503, code="internal_error")).banner
    assert describe(RuntimeError("bug")).code == "bug"
    assert not describe(e.InvalidCode(status=422, extra={"attempts_left": 2})).banner


def test_formatting() -> None:
    # Waits change once a minute, then every ten seconds (an idle screen over SSH).
    assert wait_text(1800) == "30 min"
    assert wait_text(1785) == "30 min"
    assert wait_text(61) == "2 min"
    assert wait_text(60) == "60 s"
    assert wait_text(51) == "60 s"
    assert wait_text(50) == "50 s"
    assert wait_text(1) == "10 s"
    assert wait_text(0) == wait_text(-3) == "0 s"
    assert card_text("0064800012345678") == "0064 8000 1234 5678"
    assert card_text("0064 8000.1234-567") == "0064 8000 1234 567"
    assert date_text("2026-12-22") == "22/12/2026"
    assert guide_number_problem("2026112200017") is None
    assert guide_number_problem("20261122000") == DigitsProblem("too_short", 11, 13)
    assert number_problem_text(DigitsProblem("too_short", 11, 13)) == "Faltam 2 dígitos"
    assert guide_number_problem("2026-11") == DigitsProblem("not_digits")
    assert number_problem_text(DigitsProblem("not_digits")) == "Somente números"
    assert guide_number_problem("") == DigitsProblem("too_short", 0, 13)
    assert guide_number_problem("20261122000170") == DigitsProblem("too_long", 14, 13)
    assert card_problem("0064 80") == DigitsProblem("too_short", 6, CARD_MIN_DIGITS)
    assert card_problem("0064.8000-1234") is None
    assert card_problem("0064/8000") == DigitsProblem("not_digits")
    assert code_problem("12345", 6) == DigitsProblem("too_short", 5, 6)
    assert code_problem_text(DigitsProblem("too_short", 5, 6)) == "Falta 1 dígito"
    assert code_problem("123456", 6) is None
    assert label("channel", None) == ""
    assert label("status", "archived") == "ARCHIVED"  # unknown: as it came, in capitals
    assert label("reason", "99") == "99"
    assert mobile_digits("(43) 99123-4567") == "43991234567"
    assert mobile_digits("+55 43 99123 4567") == "43991234567"
    assert mobile_digits("(43) 3123-4567") is None  # a landline gets no SMS
    assert mobile_digits("(03) 99123-4567") is None
    assert valid_email("ana.lima@uol.com.br")
    assert not valid_email("ana@uol")
    assert mask_destination("sms", "43991234567") == "(43) *****-4567"
    assert mask_destination("email", "ana.lima@uol.com.br") == "an****@u*****.com.br"


def test_every_binding_has_an_id_and_a_tooltip() -> None:
    from frontdesk.app.screens import (
        absence,
        base,
        code_entry,
        confirm,
        guide,
        history,
        lookup,
        profiles,
        result,
        send_token,
        settings,
    )
    from frontdesk.app.widgets import inputs

    classes: list[type[DOMNode]] = [
        FrontdeskApp,
        base.DeskScreen,
        base.DeskModal,
        lookup.LookupScreen,
        lookup.QueueTable,
        guide.GuideScreen,
        send_token.SendTokenModal,
        code_entry.CodeEntryScreen,
        result.ResultScreen,
        absence.AbsenceModal,
        history.HistoryScreen,
        confirm.ConfirmModal,
        profiles.ProfileSwitcher,
        settings.SettingsModal,
        send_token.SendOptions,
        inputs.GuideField,
        inputs.CodeField,
        inputs.DestinationField,
        inputs.ReasonList,
        inputs.ProfileList,
        inputs.SettingList,
    ]
    ids: dict[str, str] = {}
    for cls in classes:
        for binding in cls.BINDINGS:
            assert isinstance(binding, Binding)
            assert binding.id, (cls.__name__, binding.key)
            assert binding.description.startswith("key."), binding.id
            if binding.show:
                assert binding.tooltip.startswith("key."), binding.id
            assert ids.setdefault(binding.id, binding.action) == binding.action, binding.id


def test_language_choice() -> None:
    assert choose_language(argparse.Namespace(lang="en"), {"LANG": "pt_BR.UTF-8"}) == "en"
    assert choose_language(argparse.Namespace(lang=None), {"LANG": "en_US.UTF-8"}) == "en"
    assert choose_language(argparse.Namespace(lang=None), {"LC_ALL": "en_GB", "LANG": "pt"}) == "en"
    assert choose_language(argparse.Namespace(lang=None), {"LC_MESSAGES": "en_US"}) == "en"
    assert choose_language(argparse.Namespace(lang=None), {"LANG": "C.UTF-8"}) == "pt"
    assert choose_language(argparse.Namespace(lang=None), {}) == "pt"
    # the profile's (or the file's) language comes between --lang and the locale
    assert choose_language(argparse.Namespace(lang=None), {"LANG": "pt_BR"}, "en") == "en"
    assert choose_language(argparse.Namespace(lang="pt"), {}, "en") == "pt"


def test_cursor_blink_is_off_over_ssh_unless_asked() -> None:
    assert cursor_blink({}) is True
    assert cursor_blink({"SSH_CONNECTION": "10.0.0.2 5000 10.0.0.1 22"}) is False
    ssh_and_asked = {"SSH_CONNECTION": "x", "FRONTDESK_CURSOR_BLINK": "1"}
    assert cursor_blink(ssh_and_asked) is True
    assert cursor_blink({"FRONTDESK_CURSOR_BLINK": "0"}) is False


def test_styles_are_found_and_loaded_from_tcss_files() -> None:
    folder = styles_dir()
    assert folder.is_dir()
    paths = [Path(p) for p in css_paths()]
    assert paths[0].name == "app.tcss"
    names = {p.name for p in paths}
    assert {"lookup.tcss", "guide.tcss", "modals.tcss", "result.tcss"} <= names
    assert all(p.exists() for p in paths)
