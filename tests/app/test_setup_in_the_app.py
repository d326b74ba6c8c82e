"""Issue 4 in the app: start-up from the configuration, the profile and its health in the top
bar, the insecure marker, switching profile (to a real served backend), the settings screen,
and the audit log after a whole flow. Every test runs in its own home (see conftest.py).
"""

from __future__ import annotations

import errno
import functools
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import OptionList

from frontdesk.app.app import Connector, FrontdeskApp
from frontdesk.app.connector import connector_for
from frontdesk.app.keys import screen_keys
from frontdesk.app.screens.lookup import LookupScreen
from frontdesk.app.screens.profiles import ProfileSwitcher
from frontdesk.app.screens.settings import SettingsModal
from frontdesk.audit_log import AuditLog
from frontdesk.backend.service import BackendSettings
from frontdesk.cli import build_parser, main
from frontdesk.cli.app import build_app
from frontdesk.client.client import FrontdeskClient
from frontdesk.config.connection import Connection, ConnectionOptions, resolve
from frontdesk.config.profile_editing import save_settings
from frontdesk.core import i18n as texts
from support.isolation import SERVED_KEY, Home, served_backend

from .desk_harness import API_KEY, latest_code, make_desk, press, running, screen_name, text_of

COMMENT = "# written by the clinic's technician: keep this line"


def local_connection(home: Home) -> Connection:
    return Connection(url=None, config_path=home.config)


def in_memory(connection: Connection) -> Connector:
    """What the command line's `--db :memory:` gives: a fresh demo when switching to local."""
    return connector_for(connection, ":memory:")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`frontdesk serve` on a loopback port (plain HTTP is fine to this machine)."""
    with served_backend(tmp_path_factory.mktemp("served")) as url:
        yield url


# -- start-up ---------------------------------------------------------------------------------


def test_a_broken_config_stops_the_app_with_the_place_and_exit_2(
    home: Home, capsys: pytest.CaptureFixture[str]
) -> None:
    path = home.write_config(f'{COMMENT}\ndefault = "lab"\n\n[profiles.lab]\nurl = 3\n')
    assert main([]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("frontdesk: ")
    assert f'{path}, linha 5, chave "profiles.lab.url"' in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    # --lang decides the language of that message too
    assert main(["--lang", "en"]) == 2
    assert f'{path}, line 5, key "profiles.lab.url"' in capsys.readouterr().err


def test_an_unknown_profile_or_a_missing_key_stops_the_app_with_exit_2(
    home: Home, capsys: pytest.CaptureFixture[str]
) -> None:
    home.write_config('[profiles.lab]\nurl = "https://lab.example/v1"\n')
    assert main(["--profile", "nope"]) == 2
    assert 'o perfil "nope" não existe' in capsys.readouterr().err
    assert main(["--profile", "lab"]) == 2  # no key in the (in-memory) keyring
    err = capsys.readouterr().err
    assert 'nenhuma chave de API guardada para o perfil "lab"' in err
    assert "Traceback" not in err


def _started(argv: list[str]) -> FrontdeskApp:
    """The app `frontdesk ARGV` would run, built as `run_app` builds it but not run."""
    app = build_app(build_parser().parse_args(argv))
    assert isinstance(app, FrontdeskApp)
    return app


def test_run_app_takes_profile_language_theme_and_key_from_the_config(
    home: Home, monkeypatch: pytest.MonkeyPatch
) -> None:
    home.write_config(
        'language = "en"\ntheme = "nord"\ndefault = "lab"\n\n'
        '[profiles.lab]\nurl = "https://lab.example/v1"\noperator = "Lab"\n\n'
        '[profiles.dental]\nurl = "https://dental.example/v1"\nlanguage = "pt"\n'
        'theme = "ansi-dark"\n'
    )
    home.keyring.set_password("frontdesk", "lab", "lab-key-0123456789")
    home.keyring.set_password("frontdesk", "dental", "dental-key-0123456789")

    app = _started([])
    assert app.connection is not None and app.connection.profile == "lab"
    assert app.connection.api_key == "lab-key-0123456789"
    assert (app.lang, app._initial_theme, app.profile_label) == ("en", "nord", "lab (Lab)")
    assert app.audit_trail.log is not None and app.audit_trail.log.profile == "lab"
    assert texts.get_language() == "en"  # the setup layer's messages follow the app

    monkeypatch.setenv("FRONTDESK_PROFILE", "dental")
    app = _started([])
    assert (app.profile_label, app.lang, app._initial_theme) == ("dental", "pt", "ansi-dark")

    app = _started(["--profile", "lab", "--lang", "pt"])  # the command line wins
    assert (app.profile_label, app.lang, app.setup.fixed_language) == ("lab (Lab)", "pt", "pt")

    monkeypatch.setenv("FRONTDESK_THEME", "textual-light")  # and the variable still works
    app = _started(["--profile", "lab"])
    assert (app._initial_theme, app.setup.fixed_theme) == ("textual-light", "textual-light")


def test_run_app_without_profiles_is_the_local_demonstration(home: Home) -> None:
    app = _started(["--db", ":memory:"])
    assert app.connection is not None and app.connection.is_local
    assert app.profile_label == "local"
    assert not app.insecure


async def test_top_bar_shows_the_profile_and_the_health_as_requests_end() -> None:
    desk = make_desk()
    guide = (await desk.guides())[0]
    async with running(desk) as pilot:
        assert text_of(desk.app, "#top-connection") == "local · ok"
        assert text_of(desk.app, "#top-mode") == "MODO DEMONSTRAÇÃO LOCAL"
        assert text_of(desk.app, "#top-insecure") == ""
        desk.transport.mode = "down"
        await press(pilot, *guide.number, "enter")
        assert desk.app.health_state == "offline"
        assert text_of(desk.app, "#top-connection") == "local · SEM CONEXÃO"
        assert desk.app.health_state == "offline"
        desk.transport.mode = "ok"
        await press(pilot, "f5")
        assert screen_name(desk.app) == "GuideScreen"
        assert text_of(desk.app, "#top-connection") == "local · ok"
        assert desk.app.health_state == "ok"
        # a contract error is an answer: the backend is reachable
        await press(pilot, "escape", *"2026010100000", "enter")
        assert desk.app.health_state == "ok"
        # no health polling: an idle desk sends nothing
        sent = len(desk.transport.requests)
        for _ in range(5):
            await pilot.pause()
        assert len(desk.transport.requests) == sent


@pytest.mark.parametrize(("lang", "marker"), [("pt", "INSEGURO (http)"), ("en", "INSECURE (http)")])
async def test_plain_http_allowed_by_insecure_is_marked_on_every_screen(
    home: Home, lang: str, marker: str
) -> None:
    home.write_config('[profiles.lab]\noperator = "Lab"\nurl = "http://192.0.2.10:8080/v1"\n')
    home.keyring.set_password("frontdesk", "lab", API_KEY)
    texts.set_language("pt")
    connection = resolve(options=ConnectionOptions(profile="lab", insecure=True))
    assert connection.insecure
    desk = make_desk(
        lang="en" if lang == "en" else "pt",
        connection=connection,
        settings=BackendSettings(simulator=False),
    )
    guide = (await desk.guides())[0]
    async with running(desk) as pilot:
        assert text_of(desk.app, "#top-insecure") != ""
        assert text_of(desk.app, "#top-insecure") == marker
        assert text_of(desk.app, "#top-connection") == "lab (Lab) · ok"
        await press(pilot, *guide.number, "enter")
        assert screen_name(desk.app) == "GuideScreen"
        assert text_of(desk.app, "#top-insecure") != ""


# -- switching profile ------------------------------------------------------------------------


def _option_ids(app: Any) -> list[str | None]:
    options = app.screen.query_one("#profile-options", OptionList)
    return [options.get_option_at_index(i).id for i in range(options.option_count)]


async def test_switching_to_a_served_profile_then_looking_up_a_guide_there(
    home: Home, served: str
) -> None:
    home.write_config(
        f'{COMMENT}\n[profiles.lab]\noperator = "Laboratório"\nurl = "{served}"\n\n'
        '[profiles.nokey]\nurl = "https://nokey.example/v1"\n'
    )
    home.keyring.set_password("frontdesk", "lab", SERVED_KEY)
    async with FrontdeskClient(served, api_key=SERVED_KEY) as remote:
        there = (await remote.list_guides(status="awaiting_token"))[0]
    desk = make_desk(
        connection=local_connection(home),
        connector_for=in_memory,
        audit=AuditLog(profile="local"),
    )
    async with running(desk) as pilot:
        await press(pilot, "f9")
        assert isinstance(pilot.app.screen, ProfileSwitcher)
        assert _option_ids(pilot.app) == ["profile:lab", "profile:nokey", "local"]
        assert "em uso" in str(pilot.app.screen.query_one(OptionList).get_option("local").prompt)

        # A profile without a key: said plainly, and the desk stays where it was.
        await press(pilot, "up", "enter")
        assert isinstance(pilot.app.screen, ProfileSwitcher)
        detail = text_of(desk.app, "#profile-detail")
        assert "Perfil não trocado; continua local" in detail
        assert 'nenhuma chave de API guardada para o perfil "nokey"' in detail
        assert desk.app.connection is not None and desk.app.connection.is_local

        await press(pilot, "up", "enter")
        assert isinstance(pilot.app.screen, LookupScreen)
        assert desk.app.connection is not None and desk.app.connection.profile == "lab"
        assert text_of(desk.app, "#top-connection") == "lab (Laboratório) · ok"
        assert pilot.app.screen.query_one("#lookup-input").has_focus
        assert text_of(desk.app, "#queue-title").startswith("Fila de atendimento")

        await press(pilot, *there.number, "enter")
        assert screen_name(desk.app) == "GuideScreen"
        assert there.number in text_of(desk.app, "#guide-number")
        assert there.beneficiary.display_name in text_of(desk.app, "#guide-details")

        # And back to the local demonstration: a fresh demo, the simulator again.
        await press(pilot, "f9", "end", "enter")
        assert desk.app.connection is not None and desk.app.connection.is_local
        assert isinstance(pilot.app.screen, LookupScreen)
        assert desk.app.local_mode
        assert text_of(desk.app, "#top-connection") == "local · ok"
        assert text_of(desk.app, "#queue-title") == "Fila de atendimento (13)"

    lines = home.audit_lines()
    assert [(x["action"], x["profile"], x["outcome"]) for x in lines] == [
        ("profile_switch", "local", "error:key_not_found"),
        ("profile_switch", "lab", "ok"),
        ("lookup", "lab", "found"),
        ("profile_switch", "local", "ok"),
    ]
    assert lines[2]["guide"] == there.number
    assert SERVED_KEY not in home.audit_file.read_text(encoding="utf-8")


async def test_a_profile_with_its_own_language_and_theme_brings_them_along(
    home: Home, served: str
) -> None:
    home.write_config(f'[profiles.lab]\nurl = "{served}"\nlanguage = "en"\ntheme = "ansi-dark"\n')
    home.keyring.set_password("frontdesk", "lab", SERVED_KEY)
    desk = make_desk(connection=local_connection(home), connector_for=in_memory)
    async with running(desk) as pilot:
        await press(pilot, "f9", "home", "enter")
        assert desk.app.connection is not None and desk.app.connection.profile == "lab"
        assert (desk.app.lang, desk.app.theme) == ("en", "ansi-dark")
        assert text_of(desk.app, "#lookup-hint").startswith("Guide number: 13 digits")
        assert text_of(desk.app, "#queue-title").startswith("Queue (")
        assert texts.get_language() == "en"


async def test_switcher_without_profiles_offers_the_local_demo_and_says_how_to_add_one() -> None:
    desk = make_desk()
    async with running(desk) as pilot:
        await press(pilot, "f9")
        assert _option_ids(pilot.app) == ["local"]
        assert "frontdesk profiles add" in text_of(desk.app, "#profile-detail")
        await press(pilot, "escape")
        assert isinstance(pilot.app.screen, LookupScreen)


async def test_the_switcher_says_which_tiss_version_each_tiss_profile_speaks(home: Home) -> None:
    tiss = (
        '[profiles.{name}]\nkind = "tiss"\noperator = "{label}"\n'
        'url = "https://{name}.example/{{operation}}"\nregistro_ans = "123456"\n'
        'prestador_type = "codigo"\nprestador = "1"\n'
    )
    home.write_config(
        tiss.format(name="nova", label="Operadora Nova")
        + tiss.format(name="antiga", label="Operadora Antiga")
        + 'tiss_version = "4.02.00"\n'
        + '[profiles.lab]\nurl = "https://lab.example/v1"\n'
    )
    desk = make_desk(connection=local_connection(home), connector_for=in_memory)
    async with running(desk) as pilot:
        await press(pilot, "f9")
        options = pilot.app.screen.query_one("#profile-options", OptionList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(3)]
        assert prompts[0].startswith("nova · Operadora Nova · TISS 4.03.00\n")
        assert prompts[1].startswith("antiga · Operadora Antiga · TISS 4.02.00\n")
        assert prompts[2].startswith("lab\n") and "TISS" not in prompts[2]


async def test_profiles_and_settings_are_in_the_command_palette_and_help() -> None:
    desk = make_desk()
    async with running(desk) as pilot:
        titles = [c.title for c in desk.app.get_system_commands(pilot.app.screen)]
        assert {"Perfis", "Configurações"} <= set(titles)
        await press(pilot, "f1")
        keys = text_of(desk.app, "#help-keys")
        assert "F9" in keys and "Perfis" in keys and "F10" in keys and "Configurações" in keys
        await press(pilot, "escape")
        await _from_the_palette(pilot, "Configurações")
        assert isinstance(pilot.app.screen, SettingsModal)
        await press(pilot, "escape")
        await _from_the_palette(pilot, "Perfis")
        assert isinstance(pilot.app.screen, ProfileSwitcher)


async def _from_the_palette(pilot: Any, title: str) -> None:
    """Ctrl+P, type `title`, wait for the palette's (background) search to offer it, Enter."""
    from textual.command import CommandList, CommandPalette

    await press(pilot, "ctrl+p", *title)
    for _ in range(200):
        screen = pilot.app.screen
        if isinstance(screen, CommandPalette):
            found = screen.query_one(CommandList)
            if found.option_count and found.highlighted is not None:
                prompt = str(found.get_option_at_index(found.highlighted).prompt)
                if title in prompt:
                    break
        await pilot.pause(0.02)
    else:
        raise AssertionError(f"the palette never offered {title!r}")
    await press(pilot, "enter")


# -- settings ---------------------------------------------------------------------------------


async def test_settings_save_the_language_keep_comments_and_redraw_every_screen(
    home: Home,
) -> None:
    path = home.write_config(f'{COMMENT}\nlanguage = "pt"  # for the counter\n')
    desk = make_desk(connection=local_connection(home), audit=AuditLog(profile="local"))
    guide = await desk.guide_of("João Pedro Oliveira")
    async with running(desk) as pilot:
        await press(pilot, *guide.number, "enter", "f10")
        assert isinstance(pilot.app.screen, SettingsModal)
        assert "todos os perfis" in text_of(desk.app, "#settings-detail")
        await press(pilot, "down", "enter")  # English

        saved = path.read_text(encoding="utf-8")
        assert COMMENT in saved and "# for the counter" in saved
        assert tomllib.loads(saved) == {"language": "en"}  # the theme was not touched

        # At once, the screen underneath and the one below it are in English.
        assert screen_name(desk.app) == "GuideScreen"
        assert text_of(desk.app, "#guide-status").strip() == "AWAITING TOKEN"
        assert "Next step: E sends the token" in text_of(desk.app, "#guide-next")
        descriptions = {k.description for k in screen_keys(pilot.app.screen)}
        assert {"Send token", "Enter code", "No token", "History", "Help"} <= descriptions
        assert texts.get_language() == "en"
        await press(pilot, "escape")
        assert isinstance(pilot.app.screen, LookupScreen)
        assert text_of(desk.app, "#lookup-hint").startswith("Guide number: 13 digits")
        assert text_of(desk.app, "#queue-title") == "Queue (13)"
        assert text_of(desk.app, "#top-mode") == "LOCAL DEMONSTRATION MODE"
        assert pilot.app.screen.query_one("#lookup-input").has_focus
        await press(pilot, *guide.number, "enter", "e", "enter")
        assert screen_name(desk.app) == "CodeEntryScreen"
        assert pilot.app.screen.query_one("#code-input").border_title == "Code (6 digits)"

    assert [(x["action"], x["outcome"]) for x in home.audit_lines()][1] == ("settings", "saved")


async def test_a_new_language_keeps_the_typed_code_and_the_countdown(home: Home) -> None:
    home.write_config(f"{COMMENT}\n")
    desk = make_desk(connection=local_connection(home))
    guide = await desk.guide_of("João Pedro Oliveira")
    async with running(desk) as pilot:
        await press(pilot, *guide.number, "enter", "e", "enter", "1", "2")
        desk.mono.advance(65)  # the countdown ran for a while: not restarted by the redraw
        await press(pilot, "f10", "down", "enter")
        assert screen_name(desk.app) == "CodeEntryScreen"
        field = pilot.app.screen.query_one("#code-input")
        assert field.border_title == "Code (6 digits)"
        assert getattr(field, "value", None) == "12"
        assert field.has_focus
        assert text_of(desk.app, "#code-hint") == "4 digits missing"
        countdown = text_of(desk.app, "#code-token")
        assert "Code sent by SMS to (11) *****-4321" in countdown
        assert "expires in 29 min" in countdown, countdown  # not back to 30 min


async def test_settings_save_a_theme_in_the_profile_that_has_its_own(home: Home) -> None:
    path = home.write_config(
        f'{COMMENT}\ntheme = "textual-dark"\n\n[profiles.lab]\nurl = "https://lab.example/v1"\n'
        'theme = "nord"  # the lab likes blue\n'
    )
    home.keyring.set_password("frontdesk", "lab", API_KEY)
    connection = resolve(options=ConnectionOptions(profile="lab"))
    desk = make_desk(connection=connection, theme=connection.theme)
    async with running(desk) as pilot:
        assert desk.app.theme == "nord"
        await press(pilot, "f10", "tab")
        assert "perfil lab" in text_of(desk.app, "#settings-detail")
        await press(pilot, "down", "down", "down")  # nord → gruvbox → solarized → ansi-dark
        assert desk.app.theme == "ansi-dark"  # previewed while highlighted
        await press(pilot, "enter")
        assert isinstance(pilot.app.screen, LookupScreen)
        assert desk.app.theme == "ansi-dark"
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert data["theme"] == "textual-dark"  # the top level is untouched
    assert data["profiles"]["lab"] == {"url": "https://lab.example/v1", "theme": "ansi-dark"}
    assert COMMENT in path.read_text(encoding="utf-8")


async def test_a_settings_write_failure_is_shown_and_nothing_is_lost(home: Home) -> None:
    path = home.write_config(f'{COMMENT}\nlanguage = "pt"\n')
    before = path.read_bytes()

    def disk_full(target: Path, text: str) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(target))

    desk = make_desk(
        connection=local_connection(home),
        save_settings=functools.partial(save_settings, write=disk_full),
    )
    async with running(desk) as pilot:
        await press(pilot, "f10", "down", "tab", "end", "enter")
        assert isinstance(pilot.app.screen, SettingsModal)
        detail = text_of(desk.app, "#settings-detail")
        assert "Não foi possível salvar" in detail and "No space left on device" in detail
        assert pilot.app.screen.query_one("#settings-detail").has_class("-error")
        assert pilot.app.screen.chosen() == ("en", "ansi-light")  # the choices are kept
        assert desk.app.lang == "pt" and desk.app.theme == "ansi-light"  # only a preview
        await press(pilot, "escape")
        assert isinstance(pilot.app.screen, LookupScreen)
        assert desk.app.theme == "textual-dark"  # the preview is undone
    assert path.read_bytes() == before


async def test_settings_on_a_broken_file_say_where_it_is_broken(home: Home) -> None:
    path = home.write_config('language = "pt"\n')
    desk = make_desk(connection=local_connection(home))
    async with running(desk) as pilot:
        path.write_text('language = "pt"\ntheme = \n', encoding="utf-8")  # edited meanwhile
        await press(pilot, "f10", "enter")
        assert isinstance(pilot.app.screen, SettingsModal)
        assert "linha 2" in text_of(desk.app, "#settings-detail")
    assert path.read_text(encoding="utf-8") == 'language = "pt"\ntheme = \n'


# -- the audit log ----------------------------------------------------------------------------

MASKED_PHONE = re.compile(r"\(\d\d\) \*{5}-\d{4}")
MASKED_EMAIL = re.compile(r"[^@*]{1,2}\*+@[^@*]\*+\.[a-z.]+")


async def test_the_audit_log_after_a_whole_flow_has_every_action_and_no_code(home: Home) -> None:
    desk = make_desk(connection=local_connection(home), audit=AuditLog(profile="local"))
    joao = await desk.guide_of("João Pedro Oliveira")
    ana = await desk.guide_of("Ana Beatriz Lima")
    carlos = await desk.guide_of("Carlos Eduardo Santos")
    async with running(desk) as pilot:
        await press(pilot, *"2026010100000", "enter")  # not found
        await press(pilot, "escape", *joao.number, "enter", "e", "enter")
        code = await latest_code(desk, joao.number)
        wrong = "".join(str((int(c) + 1) % 10) for c in code)
        await press(pilot, *wrong, "enter")
        await press(pilot, *code, "enter")  # the wrong one is selected: typing replaces it
        assert screen_name(desk.app) == "ResultScreen"
        await press(pilot, "enter", *ana.number, "enter", "e", "enter", "f8", "enter")
        await press(pilot, "escape", "escape", *carlos.number, "enter", "s", "enter", "enter")
        assert screen_name(desk.app) == "ResultScreen"

    lines = home.audit_lines()
    summary = [(x["action"], x["guide"], x["channel"], x["outcome"]) for x in lines]
    assert summary == [
        ("lookup", "2026010100000", None, "not_found"),
        ("lookup", joao.number, None, "found"),
        ("send", joao.number, "sms", "sent"),
        ("validate", joao.number, "sms", "invalid_code"),
        ("validate", joao.number, "sms", "authorized"),
        ("lookup", ana.number, None, "found"),
        ("send", ana.number, "email", "sent"),  # her last-used contact
        ("cancel", ana.number, "email", "cancelled"),
        ("lookup", carlos.number, None, "found"),
        ("absence", carlos.number, None, (await desk.client.get_guide(carlos.number)).status),
    ]
    assert {x["profile"] for x in lines} == {"local"}
    assert lines[-1]["reason"] == "01"
    for line in lines:
        if line["channel"] == "sms":
            assert MASKED_PHONE.fullmatch(line["destination"]), line
        elif line["channel"] == "email":
            assert MASKED_EMAIL.fullmatch(line["destination"]), line
    text = home.audit_file.read_text(encoding="utf-8")
    outbox = await desk.client.outbox()
    assert outbox
    for message in outbox:
        assert message.code not in text
        assert message.to not in text  # never a full phone or e-mail
    assert wrong not in text and API_KEY not in text
    assert home.audit_file.stat().st_mode & 0o077 == 0


async def test_a_new_language_keeps_the_typed_number_and_its_hint_follows_the_next_digit(
    home: Home,
) -> None:
    """The lookup is composed again in the new language; its hint still follows the new
    field (the screen watches the field that is there now, not the one it replaced)."""
    home.write_config(f"{COMMENT}\n")
    desk = make_desk(connection=local_connection(home))
    async with running(desk) as pilot:
        await press(pilot, "1", "2")
        await press(pilot, "f10", "down", "enter")
        assert isinstance(pilot.app.screen, LookupScreen)
        assert getattr(pilot.app.screen.query_one("#lookup-input"), "value", None) == "12"
        assert text_of(desk.app, "#lookup-hint") == "11 digits missing"
        await press(pilot, "3")
        assert text_of(desk.app, "#lookup-hint") == "10 digits missing"
