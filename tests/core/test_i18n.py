"""The catalogs (desk, setup, doctor): both languages, the same placeholders, every key used
exists, every key is used, and one language setting for every layer.

The scan reads the source of the installed package (`src/frontdesk`, or site-packages in CI):
`t("key")`, `has_text("key")`, Binding descriptions and tooltips, `show_enter(…, "key")`, any
string constant starting with a dedicated catalog's prefix (`setup.`, `doctor.`: literal key
tables), and the keys built at run time from the names in `frontdesk.core.domain` (FAMILIES).
"""

from __future__ import annotations

import ast
import re
import string
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import get_args

import pytest

from frontdesk.app.screens.tiss.new_guide import FIELDS as NEW_GUIDE_FIELDS
from frontdesk.backend.database import URL_REFUSALS
from frontdesk.config.tiss_reading import EDITABLE_KEYS
from frontdesk.core import cnpj, domain, i18n
from frontdesk.counter.counter_errors import FIELD_OF_GLOSA
from frontdesk.counter.schema_words import LENGTHS
from frontdesk.tiss.lote import WITHOUT_CODE
from frontdesk.tiss.tiss_errors import FAULTS

SRC = Path(i18n.__file__).parents[2]  # src/frontdesk
I18N = Path(i18n.__file__).parent
CATALOGS = ("desk", *sorted(set(i18n.CATALOG_OF_PREFIX.values())))
KEY_SHAPE = "abcdefghijklmnopqrstuvwxyz0123456789_-."

# Keys built at run time: the template (what the f-string reads, `{}` for each value) and
# the values it is filled with. Complete families must have a text for every value.
FAMILIES: dict[str, tuple[str, ...]] = {
    "status.{}": domain.GUIDE_STATUSES,
    "cli.database.{}": URL_REFUSALS,
    "counter.schema.{}_length": LENGTHS,
    "type.{}": domain.GUIDE_TYPES,
    "channel.{}": get_args(domain.ChannelKind),
    "delivery.{}": get_args(domain.Delivery),
    "reason.{}": domain.ABSENCE_REASONS,
    "event.{}": get_args(domain.EventKind),
    "language.{}": i18n.LANGUAGES,
    "send.option.typed_{}": ("sms", "email"),  # the typed destinations (docs/api.md)
    "send.typed.{}": ("sms", "email"),
    "token.pending.{}": ("sms", "email"),
    "send.way.{}": (
        "app",
        "sac",
    ),  # the ways on without a phone or e-mail  # where a code was sent (the SAC has its own)
    "send.typed.{}_placeholder": ("sms", "email"),
    "tiss.environment.{}": ("production", "test"),
    "tiss.fault.{}": tuple(FAULTS),
    "tiss.cnpj.{}": get_args(cnpj.Reason),  # CnpjError's reasons
    # The TISS counter (frontdesk.counter, app/screens/tiss): the fields a glosa points at,
    # the guides without a field for the code, the forms' fields.
    "counter.field.{}": tuple(sorted(set(FIELD_OF_GLOSA.values()))),
    "counter.import.no_code.{}": tuple(sorted(WITHOUT_CODE)),
    "counter.write.no_field.{}": tuple(sorted(WITHOUT_CODE)),
    "counter.new.{}": NEW_GUIDE_FIELDS,
    "counter.settings.{}": EDITABLE_KEYS,
}
# Families where only some values have a text and the code falls back for the others:
# `err.{code}` for the codes the module that builds it names (the rest get err.generic or a
# banner), `theme.{name}` behind has_text() (a theme without a description shows its name).
PARTIAL_FAMILIES: dict[str, tuple[str, ...] | None] = {
    "err.{}": tuple(domain.ERROR_STATUS),
    "theme.{}": None,
    "status_short.{}": None,  # the queue's short words, where a status has them
}


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _sources() -> Iterator[tuple[Path, ast.Module]]:
    for path in sorted(SRC.rglob("*.py")):
        if I18N not in path.parents:
            yield path, ast.parse(path.read_text(encoding="utf-8"))


def _template(node: ast.JoinedStr) -> str:
    return "".join(part.value if isinstance(part, ast.Constant) else "{}" for part in node.values)


def _is_key_template(text: str) -> bool:
    """`status.{}`, `send.typed.{}_placeholder`: a catalog's first word, a dot, key characters."""
    first_words = {key.partition(".")[0] for key in all_keys()}
    return (
        "{}" in text
        and re.fullmatch(r"[a-z_]+\.[a-z0-9_.{}-]*", text) is not None
        and text.partition(".")[0] in first_words
    )


def _text(node: ast.expr | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _called(node: ast.Call) -> str:
    func = node.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


@cache
def scan() -> tuple[frozenset[str], frozenset[str], dict[str, set[str]]]:
    """(keys used by name, every string constant, key templates -> constants of their file)."""
    used: set[str] = set()
    constants: set[str] = set()
    templates: dict[str, set[str]] = {}
    dedicated = tuple(f"{prefix}." for prefix in i18n.CATALOG_OF_PREFIX)
    for _path, tree in _sources():
        found: list[str] = []
        file_constants: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                file_constants.add(node.value)
                key_like = set(node.value) <= set(KEY_SHAPE) and not node.value.endswith(".")
                if node.value.startswith(dedicated) and key_like:
                    used.add(node.value)
            elif isinstance(node, ast.JoinedStr) and _is_key_template(_template(node)):
                found.append(_template(node))
            elif isinstance(node, ast.Call):
                name = _called(node)
                candidates: list[ast.expr | None] = []
                if name in ("t", "has_text") and node.args:
                    candidates.append(node.args[0])
                elif name == "label" and node.args and _text(node.args[0]):
                    # app.formatting.label("status", code) reads the key `status.<code>`
                    found.append(f"{_text(node.args[0])}.{{}}")
                elif name == "show_enter" and len(node.args) > 1:
                    candidates.append(node.args[1])
                elif name == "Binding":
                    candidates.append(node.args[2] if len(node.args) > 2 else None)
                    named = ("description", "tooltip")
                    candidates += [k.value for k in node.keywords if k.arg in named]
                used.update(text for text in map(_text, candidates) if text)
        constants |= file_constants
        for template in found:
            templates.setdefault(template, set()).update(file_constants)
    for page in sorted(SRC.rglob("templates/*.html")):  # web pages: {{ tx("web.…") }}
        used.update(re.findall(r'\btx\(\s*"([a-z0-9_.]+)"', page.read_text(encoding="utf-8")))
    return frozenset(used), frozenset(constants), templates


def all_keys() -> dict[str, str]:
    """Every catalog key -> the catalog holding it."""
    keys: dict[str, str] = {}
    for name in CATALOGS:
        for key in i18n.catalog(name):
            assert key not in keys, f"{key} is in both {keys[key]} and {name}"
            keys[key] = name
    return keys


@pytest.mark.parametrize("name", CATALOGS)
def test_every_entry_has_both_languages_with_the_same_placeholders(name: str) -> None:
    entries = i18n.catalog(name)
    assert entries
    for key, (pt, en) in entries.items():
        assert pt.strip() and en.strip(), key
        assert _fields(pt) == _fields(en), key
        assert i18n.catalog_name(key) == name, f"{key} would be looked up in another catalog"


def test_the_dedicated_catalogs_hold_only_their_prefix() -> None:
    assert set(CATALOGS) == {"desk", "setup", "doctor", "tiss", "web", "counter", "cli"}
    for prefix, name in i18n.CATALOG_OF_PREFIX.items():
        assert all(key.startswith(f"{prefix}.") for key in i18n.catalog(name)), name


def test_every_key_used_in_the_source_exists() -> None:
    used, _, templates = scan()
    keys = all_keys()
    for name in CATALOGS:  # the scan must see each catalog at work
        seen = sum(1 for key in used if keys.get(key) == name)
        assert seen > min(40, len(i18n.catalog(name)) // 2), name
    assert sorted(key for key in used if key not in keys) == []

    unknown = sorted(set(templates) - set(FAMILIES) - set(PARTIAL_FAMILIES))
    assert unknown == [], "keys built at run time: add them to FAMILIES with their values"
    missing = [
        template.format(value)
        for template, values in FAMILIES.items()
        for value in values
        if template.format(value) not in keys
    ]
    assert missing == []
    assert set(FAMILIES) <= set(templates), "a family no longer built: remove it from FAMILIES"


def test_every_catalog_key_is_used() -> None:
    used, constants, templates = scan()
    keys = all_keys()
    built = {template.format(value) for template, values in FAMILIES.items() for value in values}
    for template, domain_values in PARTIAL_FAMILIES.items():
        prefix, _, suffix = template.partition("{}")
        if domain_values is None:  # guarded by has_text: every text of the family is reachable
            built |= {k for k in keys if k.startswith(prefix) and k.endswith(suffix)}
        else:  # the values the building module names
            named = templates.get(template, set()) & set(domain_values)
            built |= {template.format(value) for value in named}
    # A narrow key bar reads `<description>.short` for the key a binding describes.
    short = {f"{key}.short" for key in used | built if f"{key}.short" in keys}
    reachable = used | built | short | (constants & set(keys))
    assert sorted(set(keys) - reachable) == []


def test_there_is_one_language_setting() -> None:
    own = {"set_language", "get_language", "detect_language", "_current"}
    elsewhere = []
    for path, tree in _sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.name in own:
                elsewhere.append(f"{path.relative_to(SRC)}: def {node.name}")
            if isinstance(node, ast.Constant) and node.value == "LC_MESSAGES":
                elsewhere.append(f"{path.relative_to(SRC)}: reads LC_MESSAGES")
    assert elsewhere == []
    i18n.set_language("en")
    assert i18n.get_language() == "en"
    assert i18n.t("doctor.title.clock") == "clock" and i18n.t("setup.none") == "none"
    i18n.set_language("pt")
    assert i18n.t("doctor.title.clock") == "relógio" and i18n.t("setup.none") == "nenhum"
    i18n.set_language(None)
    assert i18n.get_language() == i18n.detect_language()
    assert i18n.detect_language({"LC_ALL": "en_GB", "LANG": "pt_BR"}) == "en"
    assert i18n.detect_language({}) == "pt"


def test_an_unknown_key_comes_back_as_itself_and_placeholders_are_filled() -> None:
    i18n.set_language("pt")
    assert i18n.t("setup.no_such_key") == "setup.no_such_key"
    assert i18n.t("doctor.report.all_good", w=2) == "Resultado: tudo certo (2 aviso(s))."
    i18n.set_language("en")
    assert i18n.t("doctor.report.all_good", w=2) == "Result: all good (2 warning(s))."


def test_the_operators_app_button_has_one_wording() -> None:
    """The button the patient taps is named alike at every counter, in both languages."""
    named = {
        (key, text)
        for name in CATALOGS
        for key, pair in i18n.catalog(name).items()
        for text in pair
        if re.search(r"gerar token|generate token", text, re.IGNORECASE)
    }
    assert len(named) >= 6  # the desk's steps and code screen, the simulator, the counter
    assert sorted(key for key, text in named if "Gerar token" not in text) == []
