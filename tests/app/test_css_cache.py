"""The file of parsed styles (`app.css_cache`): a second start draws the same screen without
parsing its styles again; a file from someone else, a damaged one or a disk that refuses
writes costs a parse, never the start; a theme never gets another theme's colours."""

from __future__ import annotations

import os
import pickle
import stat
import sys
from pathlib import Path
from typing import Any

import pytest
from textual.color import Color
from textual.css.model import RuleSet
from textual.css.stylesheet import Stylesheet
from textual.layout import Layout
from textual.widget import Widget

import frontdesk.app.screens as screens_package
from frontdesk.app.app import css_paths
from frontdesk.app.css_cache import FORMAT, ParsedStyles, _dumps, _loads

from .desk_harness import make_desk, running, settle, text_of


def _every_widget_class() -> list[type[Widget]]:
    """Every Textual widget and every one of ours (all screens imported)."""
    import importlib
    import pkgutil

    import textual.widgets

    for module in pkgutil.iter_modules(screens_package.__path__):
        importlib.import_module(f"{screens_package.__name__}.{module.name}")
    for name in textual.widgets.__all__:
        getattr(textual.widgets, name)
    found: list[type[Widget]] = []
    pending: list[type[Widget]] = [Widget]
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return found


def _facts(rule: RuleSet) -> tuple[Any, ...]:
    """What Textual reads of a rule (layouts have no equality: Textual makes one per
    parse, so they are compared by kind)."""
    declared = {
        name: (type(value), value.name) if isinstance(value, Layout) else value
        for name, value in rule.styles._rules.items()
    }
    return (
        rule.selectors,
        rule.selector_set,
        declared,
        rule.styles.important,
        rule.is_default_rules,
        rule.tie_breaker,
        rule.selector_names,
        rule.pseudo_classes,
    )


def test_every_source_of_the_desk_reads_back_as_parsed() -> None:
    """Our styles and every widget's DEFAULT_CSS (Textual's and ours), with the desk's
    theme: the rules read from the file are the rules Textual parsed, and their selectors
    still match (they are rebuilt, not trusted as stored functions)."""
    variables = make_desk().app.get_css_variables()
    sources: list[tuple[str, tuple[str, str], bool, str]] = [
        (Path(path).read_text(encoding="utf-8"), (str(path), ""), False, "") for path in css_paths()
    ]
    for cls in _every_widget_class():
        css = cls.__dict__.get("DEFAULT_CSS", "")
        if css.strip():
            scope = cls._css_type_name if cls.SCOPED_CSS else ""
            sources.append((css, (cls.__module__, f"{cls.__name__}.DEFAULT_CSS"), True, scope))
    assert len(sources) > 90
    rules_read = 0
    for css, read_from, is_default, scope in sources:
        parsed = Stylesheet(variables=variables)._parse_rules(
            css, read_from, is_default_rules=is_default, scope=scope
        )
        back = _loads(_dumps(parsed))
        assert back is not None
        assert [_facts(rule) for rule in back] == [_facts(rule) for rule in parsed], read_from
        rules_read += len(back)
    assert rules_read > 300

    (rule,) = Stylesheet(variables=variables)._parse_rules("#a, .-on { color: red; }", ("t", ""))
    (read,) = _loads(_dumps([rule])) or []
    by_id, by_class = (selectors.selectors[0] for selectors in read.selector_set)
    named, marked, plain = Widget(id="a"), Widget(classes="-on"), Widget()
    assert [by_id.check(node) for node in (named, marked, plain)] == [True, False, False]
    assert [by_class.check(node) for node in (named, marked, plain)] == [False, True, False]


async def test_a_second_start_draws_the_same_screen_without_parsing(tmp_path: Path) -> None:
    path = tmp_path / "cache" / "css-rules.pickle"
    first = ParsedStyles(path)
    desk = make_desk(parsed_styles=first)
    async with running(desk) as pilot:
        drawn = pilot.app.export_screenshot()
        queue_title = text_of(pilot.app, "#queue-title")
    assert first.parsed > 20 and first.hits == 0
    assert path.is_file() and first.unsaved == 0  # written on the way out
    if sys.platform != "win32":  # the user's alone, as the other files of the cache folder
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
        assert stat.S_IMODE(path.stat().st_mode) == 0o600

    again = ParsedStyles(path)
    desk = make_desk(parsed_styles=again)
    async with running(desk) as pilot:
        assert pilot.app.export_screenshot() == drawn
        assert text_of(pilot.app, "#queue-title") == queue_title
    assert again.hits == first.parsed and again.parsed == 0
    assert again.unsaved == 0


async def test_a_theme_set_at_start_or_later_reads_the_file_too(tmp_path: Path) -> None:
    """A 16-colour theme (a technician over SSH) is set once the desk is up, and Textual
    parses every source again then: that parse reads the file as well."""
    path = tmp_path / "css-rules.pickle"
    first = ParsedStyles(path)
    async with running(make_desk(theme="ansi-dark", parsed_styles=first)) as pilot:
        assert pilot.app.theme == "ansi-dark"
        drawn = pilot.app.export_screenshot()
    assert first.parsed > 20

    again = ParsedStyles(path)
    async with running(make_desk(theme="ansi-dark", parsed_styles=again)) as pilot:
        assert pilot.app.export_screenshot() == drawn
    assert again.hits >= first.parsed and again.parsed == 0

    later = ParsedStyles(path)
    async with running(make_desk(parsed_styles=later)) as pilot:
        default_theme = pilot.app.export_screenshot()
        parsed_before = later.parsed  # the default theme's own sources, not in the file yet
        pilot.app.theme = "ansi-dark"
        await settle(pilot)
        assert pilot.app.export_screenshot() == drawn != default_theme
        assert later.parsed == parsed_before  # every source of the switch read from the file


def _entries(path: Path) -> dict[bytes, bytes]:
    version, entries = pickle.loads(path.read_bytes())
    assert version == FORMAT
    assert isinstance(entries, dict)
    return entries


class _MakesAFolder:
    """A pickle that, if trusted, would make a folder (any call would do)."""

    def __init__(self, where: Path) -> None:
        self.where = where

    def __reduce__(self) -> tuple[Any, ...]:
        return os.mkdir, (str(self.where),)


async def test_a_file_written_by_someone_else_is_refused_and_the_desk_parses(
    tmp_path: Path,
) -> None:
    path = tmp_path / "css-rules.pickle"
    first = ParsedStyles(path)
    async with running(make_desk(parsed_styles=first)) as pilot:
        drawn = pilot.app.export_screenshot()

    planted = tmp_path / "planted"
    evil = pickle.dumps(_MakesAFolder(planted))
    entries = {key: evil for key in _entries(path)}
    path.write_bytes(pickle.dumps((FORMAT, entries)))

    again = ParsedStyles(path)
    async with running(make_desk(parsed_styles=again)) as pilot:
        assert pilot.app.export_screenshot() == drawn
    assert not planted.exists()
    assert again.hits == 0 and again.parsed == first.parsed
    assert evil not in _entries(path).values()  # each refused entry parsed and written anew

    # The file's outer layer is plain data: a call there is refused too.
    path.write_bytes(pickle.dumps((FORMAT, _MakesAFolder(planted))))
    third = ParsedStyles(path)
    async with running(make_desk(parsed_styles=third)) as pilot:
        assert pilot.app.export_screenshot() == drawn
    assert not planted.exists()
    assert third.hits == 0 and third.parsed == first.parsed


@pytest.mark.parametrize(
    "content",
    [b"", b"not a pickle at all", pickle.dumps((FORMAT + 1, {})), pickle.dumps([1, 2])],
    ids=["empty", "garbage", "another-format", "another-shape"],
)
async def test_a_damaged_file_costs_a_parse_then_is_replaced(
    tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "css-rules.pickle"
    path.write_bytes(content)
    first = ParsedStyles(path)
    async with running(make_desk(parsed_styles=first)) as pilot:
        assert "Fila de atendimento (" in text_of(pilot.app, "#queue-title")
    assert first.hits == 0 and first.parsed > 20
    second = ParsedStyles(path)
    async with running(make_desk(parsed_styles=second)):
        pass
    assert second.hits == first.parsed and second.parsed == 0


@pytest.mark.parametrize("refusal", ["no-folder", "a-folder-in-its-place"])
async def test_a_disk_that_refuses_the_file_costs_only_the_parse(
    tmp_path: Path, refusal: str
) -> None:
    """The cache folder cannot be made (a file has its name), or the file cannot replace
    what has its name (a folder): the desk starts, parses, and leaves nothing behind."""
    place = tmp_path / "place"
    if refusal == "no-folder":
        place.write_text("a file where the cache folder should be")
        path = place / "css-rules.pickle"
    else:
        place.mkdir()
        path = place / "css-rules.pickle"
        path.mkdir()
    styles = ParsedStyles(path)
    async with running(make_desk(parsed_styles=styles)) as pilot:
        assert "Fila de atendimento (" in text_of(pilot.app, "#queue-title")
    assert styles.parsed > 20 and styles.unsaved == styles.parsed  # kept for a later try
    if refusal == "no-folder":
        assert place.read_text() == "a file where the cache folder should be"
    else:
        assert [p.name for p in place.iterdir()] == ["css-rules.pickle"]  # no temporary file
        assert path.is_dir() and not any(path.iterdir())


def _parsed(
    styles: ParsedStyles, primary: str, css: str = "Screen { background: $primary; }"
) -> Color:
    stylesheet = styles.stylesheet({"primary": primary})
    stylesheet.add_source(css, read_from=("theme.tcss", ""))
    stylesheet.parse()
    background = stylesheet.rules[0].styles.background
    assert isinstance(background, Color)
    return background


def test_a_theme_never_gets_the_colours_another_theme_parsed(tmp_path: Path) -> None:
    path = tmp_path / "css-rules.pickle"
    red = ParsedStyles(path)
    assert _parsed(red, "#ff0000") == Color.parse("#ff0000")
    red.save()

    blue = ParsedStyles(path)
    assert _parsed(blue, "#0000ff") == Color.parse("#0000ff")
    assert (blue.hits, blue.parsed) == (0, 1)
    blue.save()

    both = ParsedStyles(path)
    assert _parsed(both, "#ff0000") == Color.parse("#ff0000")
    assert _parsed(both, "#0000ff") == Color.parse("#0000ff")
    assert (both.hits, both.parsed) == (2, 0)


def test_entries_are_let_go_once_saved_and_read_again_when_needed(tmp_path: Path) -> None:
    """After the start (`save`), the entries read are not kept in memory: a screen opened
    later finds its styles by reading the file again."""
    path = tmp_path / "css-rules.pickle"
    for primary in ("#ff0000", "#0000ff"):
        styles = ParsedStyles(path)
        _parsed(styles, primary)
        styles.save()
    later = ParsedStyles(path)
    assert _parsed(later, "#ff0000") == Color.parse("#ff0000")
    later.save()
    assert later._blobs is None
    assert _parsed(later, "#0000ff") == Color.parse("#0000ff")
    assert (later.hits, later.parsed) == (2, 0)


def test_the_file_keeps_the_newest_entries_only(tmp_path: Path) -> None:
    path = tmp_path / "css-rules.pickle"
    for primary in ("#ff0000", "#00ff00", "#0000ff"):
        styles = ParsedStyles(path, max_entries=2)
        _parsed(styles, primary)
        styles.save()
    assert len(_entries(path)) == 2
    last = ParsedStyles(path, max_entries=2)
    _parsed(last, "#ff0000")  # the oldest: dropped, parsed again
    _parsed(last, "#0000ff")
    assert (last.hits, last.parsed) == (1, 1)
