"""Language of the tools' messages: `tr(pt, en)` picks Brazilian Portuguese or English.

The language is `--lang`, else the profile's, else the locale (LC_ALL, LC_MESSAGES, LANG:
English when it starts with "en"), else pt, the same rule as the app's catalog. The app
calls `set_language` when it chooses its own, so both speak the same language.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Final, Literal

Language = Literal["pt", "en"]
LANGUAGES: Final[tuple[Language, ...]] = ("pt", "en")

_current: Language | None = None


def detect_language(environ: Mapping[str, str] | None = None) -> Language:
    """English when the locale is English, else pt."""
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if value:
            return "en" if value.lower().startswith("en") else "pt"
    return "pt"


def set_language(lang: Language | None) -> None:
    """Fix the language of later messages (None: back to the locale)."""
    global _current
    if lang is not None and lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}")
    _current = lang


def get_language() -> Language:
    return _current if _current is not None else detect_language()


def tr(pt: str, en: str, /, **values: object) -> str:
    """The message in the current language, with its `{name}` placeholders filled."""
    text = pt if get_language() == "pt" else en
    return text.format(**values) if values else text
