"""Textual's parsed styles kept between starts, in the user's cache folder.

Parsing the desk's styles (`styles/*.tcss` and every widget's `DEFAULT_CSS`) is the largest
single cost of the first frame (docs/performance.md, "Start-up of the desk"). Textual keeps
the rules it parsed from each CSS source in its stylesheet's `_parse_cache`, for the
process; `ParsedStyles.stylesheet` makes the app's stylesheet with a cache in its place
that also looks in a file an earlier start wrote, and `ParsedStyles.save` writes what this
one parsed.

An entry is keyed by everything the parse depends on: the CSS text, where it came from, its
place among the sources, the CSS variables (the theme) and the Textual installed. The file
is read by unpicklers that build nothing but plain data and Textual's CSS classes
(`_SAFE_MODULES`): a file changed by someone else is refused, and the styles are parsed as
if there were no file. No error reading or writing it reaches the receptionist: the cost
of one is a parse.
"""

from __future__ import annotations

import io
import os
import pickle
import sys
import tempfile
from collections.abc import Callable, Hashable, Mapping
from pathlib import Path
from typing import Any

import textual.css.parse
from textual.cache import LRUCache
from textual.css.model import RuleSet, Selector
from textual.css.styles import Styles
from textual.css.stylesheet import Stylesheet

from frontdesk.config.paths import ensure_private_dir

try:  # hashlib's blake2b without hashlib's OpenSSL start (~1.4 ms before the first frame)
    from _blake2 import blake2b
except ImportError:  # not CPython
    from hashlib import blake2b

FILE_NAME = "css-rules.pickle"
FORMAT = 1
MAX_ENTRIES = 400  # ~120 sources of a screen's widgets × a few themes, a few installs
_SAFE_MODULES = ("textual.css.", "textual.color", "textual.geometry", "textual.layouts.")


def _installed_textual() -> str:
    """Which Textual parsed: its parser's path, size and time (a stat, not a metadata read)."""
    where = textual.css.parse.__file__ or ""
    try:
        stat = os.stat(where)
    except OSError:
        return where
    return f"{where}:{stat.st_size}:{stat.st_mtime_ns}:{sys.version_info[:2]}"


class _PlainData(pickle.Unpickler):
    """The file's outer layer: a tuple of bytes, ints and dicts; no class at all."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"{module}.{name} is not plain data")


class _CssClasses(pickle.Unpickler):
    """One entry: Textual's CSS classes (rules, selectors, styles, colours, scalars,
    layouts) and nothing else, never a function."""

    def find_class(self, module: str, name: str) -> Any:
        if module.startswith(_SAFE_MODULES):
            found = super().find_class(module, name)
            if isinstance(found, type):
                return found
        raise pickle.UnpicklingError(f"{module}.{name} is not a CSS class")


class _CssPickler(pickle.Pickler):
    """Writes styles and selectors by their fields: Textual keeps bound methods and
    partial functions in them, which a reader would have to trust as callables."""

    def reducer_override(self, obj: Any) -> Any:
        if type(obj) is Styles:
            return Styles, (None, obj._rules, 0, obj.important)
        if type(obj) is Selector:
            fields = (obj.name, obj.combinator, obj.type, obj.pseudo_classes)
            return Selector, (*fields, obj.specificity, obj.advance)
        return NotImplemented


def _dumps(rules: list[RuleSet]) -> bytes:
    out = io.BytesIO()
    _CssPickler(out, protocol=pickle.HIGHEST_PROTOCOL).dump(rules)
    return out.getvalue()


def _loads(blob: bytes) -> list[RuleSet] | None:
    rules = _CssClasses(io.BytesIO(blob)).load()
    if isinstance(rules, list) and all(type(rule) is RuleSet for rule in rules):
        return rules
    return None


class ParsedStyles:
    """The file of parsed styles: read on the first parse, written by `save`.

    `hits` and `parsed` count this process's sources found in the file and parsed anew
    (the tests read them).
    """

    def __init__(self, path: Path, *, max_entries: int = MAX_ENTRIES) -> None:
        self.path = path
        self.max_entries = max_entries
        self.hits = 0
        self.parsed = 0
        self._installed = _installed_textual()
        self._blobs: dict[bytes, bytes] | None = None  # read on first use
        self._new: dict[bytes, bytes] = {}

    def stylesheet(self, variables: dict[str, str]) -> Stylesheet:
        """A stylesheet (the app's) whose parses look in this file first."""
        return _RememberingStylesheet(self, variables)

    def key(self, parse_key: tuple[Hashable, ...], variables: bytes) -> bytes:
        """One source's entry: its parse key (the CSS, where from, default or not, its
        order, its scope) with the CSS variables' digest and the Textual installed."""
        text = repr((FORMAT, self._installed, parse_key)).encode("utf-8", "surrogatepass")
        return blake2b(text + variables, digest_size=20).digest()

    @staticmethod
    def variables_digest(variables: Mapping[str, str]) -> bytes:
        text = repr(sorted(variables.items())).encode("utf-8", "surrogatepass")
        return blake2b(text, digest_size=20).digest()

    def rules(self, key: bytes) -> list[RuleSet] | None:
        blob = self._read().get(key)
        if blob is None:
            return None
        try:
            rules = _loads(blob)
        except Exception:  # refused or damaged: parse it again, and forget this one
            rules = None
        if rules is None:
            self._read().pop(key, None)
            return None
        self.hits += 1
        return rules

    def remember(self, key: bytes, rules: list[RuleSet]) -> None:
        self.parsed += 1
        if any(rule.errors for rule in rules):
            return  # Textual refuses these; nothing to keep
        try:
            blob = _dumps(rules)
        except Exception:  # a value this module cannot write: that source is parsed each time
            return
        self._new[key] = blob

    @property
    def unsaved(self) -> int:
        return len(self._new)

    def save(self) -> None:
        """Write the file if this process parsed something new: what the file holds now
        (another desk may have written it), then this process's entries, the oldest
        dropped beyond `max_entries`. Replaced at once, so a reader never sees half of it.
        Either way the entries read are let go (a thin client's memory): a screen opened
        later reads the file again."""
        self._blobs = None
        if not self._new:
            return
        entries = {**self._file_entries(), **self._new}
        kept = dict(list(entries.items())[-self.max_entries :])
        try:
            ensure_private_dir(self.path.parent)
            handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".css-rules-")
            try:
                with os.fdopen(handle, "wb") as out:
                    pickle.dump((FORMAT, kept), out, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(temporary, self.path)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except OSError:
            return  # a read-only or full disk: the next start parses, as without the file
        self._new.clear()

    def _read(self) -> dict[bytes, bytes]:
        if self._blobs is None:
            self._blobs = self._file_entries()
        return self._blobs

    def _file_entries(self) -> dict[bytes, bytes]:
        try:
            data = self.path.read_bytes()
        except OSError:
            return {}
        try:
            found = _PlainData(io.BytesIO(data)).load()
        except Exception:
            return {}
        if not (isinstance(found, tuple) and len(found) == 2 and found[0] == FORMAT):
            return {}
        entries = found[1]
        if not isinstance(entries, dict):
            return {}
        return {k: v for k, v in entries.items() if type(k) is bytes and type(v) is bytes}


class _ParseCache(LRUCache[Any, Any]):
    """Textual's in-process cache of parsed sources, backed by `ParsedStyles`."""

    __slots__ = ("_file", "_seen_digest", "_seen_variables", "_variables")

    def __init__(
        self, file: ParsedStyles, variables: Callable[[], dict[str, str]], maxsize: int
    ) -> None:
        super().__init__(maxsize)
        self._file = file
        self._variables = variables
        self._seen_variables: object = None
        self._seen_digest = b""

    def _key(self, key: Any) -> bytes:
        variables = self._variables()
        if variables is not self._seen_variables:  # a theme set: Textual replaces the dict
            self._seen_variables = variables
            self._seen_digest = self._file.variables_digest(variables)
        return self._file.key(tuple(key), self._seen_digest)

    def __getitem__(self, key: Any) -> Any:
        try:
            return super().__getitem__(key)
        except KeyError:
            rules = self._file.rules(self._key(key))
            if rules is None:
                raise
        super().set(key, rules)
        return rules

    def set(self, key: Any, value: Any) -> None:
        super().set(key, value)
        if isinstance(value, list):
            self._file.remember(self._key(key), value)

    __setitem__ = set


class _RememberingStylesheet(Stylesheet):
    """Textual's stylesheet, its parse cache backed by the file (`_ParseCache`).

    Textual's `reparse` (a theme set, a screen's own CSS) parses every source again in a
    fresh `Stylesheet`, so that an error leaves this one whole: here the fresh one is of
    this class too, so it also reads the file. Otherwise the same steps as Textual 8.2's.
    """

    def __init__(self, file: ParsedStyles, variables: dict[str, str]) -> None:
        super().__init__(variables=variables)
        self._file = file
        self._parse_cache = _ParseCache(file, lambda: self._variables, self._parse_cache.maxsize)

    def reparse(self) -> None:
        fresh = _RememberingStylesheet(self._file, self._variables)
        for read_from, (css, is_defaults, tie_breaker, scope) in self.source.items():
            fresh.add_source(
                css,
                read_from=read_from,
                is_default_css=is_defaults,
                tie_breaker=tie_breaker,
                scope=scope,
            )
        try:
            fresh.parse()
        except Exception:
            self._invalid_css.update(fresh._invalid_css)
            raise
        self._rules = fresh.rules
        self._rules_map = None
        self.source = fresh.source
        self._require_parse = False
