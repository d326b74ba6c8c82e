"""The one language setting and the one catalog mechanism, for every layer that speaks to users.

`t("key", name=value)` is the text of `key` in the current language (Brazilian Portuguese by
default, English selectable) with its `{name}` placeholders filled. The language is set once
(`--lang`, else the profile's, else the locale's, else pt) with `set_language`, and every
layer (the app, the setup commands, doctor) reads the same setting.

Catalogs are modules of this package, each a `CATALOG` dict of key -> (pt-BR, en). A key's
first segment picks its catalog (`doctor.…` in `doctor.py`, `setup.…` in `setup.py`,
`web.…` in `web.py`, `counter.…` (the TISS counter) in `counter.py`, `cli.…` (every
command's --help, argparse's words, `frontdesk serve`'s lines) in `cli.py`, the rest in
`desk.py`), and a catalog is imported the first time one of its keys is asked for: the app
does not pay for the technician's texts, nor `frontdesk doctor` for the app's.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Final, Literal

if TYPE_CHECKING:
    from datetime import datetime

Language = Literal["pt", "en"]
LANGUAGES: Final[tuple[Language, ...]] = ("pt", "en")

Catalog = Mapping[str, tuple[str, str]]

# A key's first segment -> the module holding it; any other segment lives in DEFAULT_CATALOG.
CATALOG_OF_PREFIX: Final[dict[str, str]] = {
    "setup": "setup",
    "doctor": "doctor",
    "tiss": "tiss",
    "web": "web",
    "counter": "counter",
    "cli": "cli",
}
DEFAULT_CATALOG: Final = "desk"

_current: Language | None = None
_loaded: dict[str, Catalog] = {}


def detect_language(environ: Mapping[str, str] | None = None) -> Language:
    """English when the locale (LC_ALL, LC_MESSAGES, LANG, the first one set) is English."""
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if value:
            return "en" if value.lower().startswith("en") else "pt"
    return "pt"


def set_language(lang: Language | None) -> None:
    """Fix the language of every later message (None: back to the locale's)."""
    global _current
    if lang is not None and lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}")
    _current = lang


def get_language() -> Language:
    return _current if _current is not None else detect_language()


def catalog_name(key: str) -> str:
    """The catalog module that holds `key`."""
    return CATALOG_OF_PREFIX.get(key.partition(".")[0], DEFAULT_CATALOG)


def catalog(name: str) -> Catalog:
    """The catalog module `name` (imported on first use)."""
    found = _loaded.get(name)
    if found is None:
        module = importlib.import_module(f"{__name__}.{name}")
        found = _loaded[name] = module.CATALOG
    return found


def has_text(key: str) -> bool:
    return key in catalog(catalog_name(key))


def text_in(lang: Language, key: str, /, **values: object) -> str:
    """The text for `key` in `lang`, with `{name}` placeholders filled.

    An unknown key comes back as itself (a test makes sure none is used).
    """
    pair = catalog(catalog_name(key)).get(key)
    if pair is None:
        return key
    text = pair[0] if lang == "pt" else pair[1]
    return text.format(**values) if values else text


def t(key: str, /, **values: object) -> str:
    """The text for `key` in the current language (`text_in`)."""
    return text_in(get_language(), key, **values)


class Texts:
    """The texts in one language, whatever the process-wide setting: a web page is in its
    request's language, the server's other pages in theirs."""

    def __init__(self, lang: Language) -> None:
        self.lang = lang

    def __call__(self, key: str, /, **values: object) -> str:
        return text_in(self.lang, key, **values)

    def when(self, moment: datetime) -> str:
        """A date and time of day, in this machine's time zone, as the language writes it."""
        local = moment.astimezone()
        return local.strftime("%d/%m/%Y %H:%M" if self.lang == "pt" else "%Y-%m-%d %H:%M")
