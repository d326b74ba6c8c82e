"""The TISS catalog: registered under its prefix, both languages with the same placeholders,
and every key the TISS command and profile reader use (dynamic ones too) present."""

from __future__ import annotations

import re
import string
from pathlib import Path

from frontdesk.core import i18n
from frontdesk.tiss.tiss_errors import FAULTS

SOURCES = Path(i18n.__file__).parents[2]


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_the_tiss_catalog_is_chosen_by_its_prefix() -> None:
    assert i18n.catalog_name("tiss.eligible") == "tiss"
    assert i18n.catalog_name("app.title") == "desk"
    i18n.set_language("en")
    assert i18n.t("tiss.eligible") == "ELIGIBLE"
    i18n.set_language("pt")
    assert i18n.t("tiss.eligible") == "ELEGÍVEL"


def test_every_entry_has_both_languages_with_the_same_placeholders() -> None:
    catalog = i18n.catalog("tiss")
    assert all(key.startswith("tiss.") for key in catalog)
    for key, (pt, en) in catalog.items():
        assert pt.strip() and en.strip(), key
        assert _fields(pt) == _fields(en), key


def test_every_key_used_is_in_the_catalog() -> None:
    used: set[str] = set()
    for name in ("cli/tiss.py", "config/tiss_profile.py", "tiss/error_wording.py"):
        text = (SOURCES / name).read_text(encoding="utf-8")
        used |= set(re.findall(r'\bt\(\s*"(tiss\.[a-z_.]+)"', text))
    used |= {f"tiss.fault.{code}" for code in FAULTS}  # t(f"tiss.fault.{error.code}")
    used |= {f"tiss.environment.{name}" for name in ("production", "test")}
    assert len(used) > 30, "the scan found too little"
    assert sorted(used - set(i18n.catalog("tiss"))) == []
