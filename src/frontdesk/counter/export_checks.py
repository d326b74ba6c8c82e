"""The exports' schema checks kept on disk, so that a restart does not check an unchanged
export against the schemas again (nor compile them, nor start their worker).

`CachedChecker` wraps the desk's checker for the import folder. Each answer (libxml2's
(line, message) pairs, empty for a valid file) is kept as one small JSON file in the user's
cache folder (platformdirs), named by a SHA-256 of everything the answer depends on: the
document's bytes as checked, its first line, its TISS version, frontdesk's version and
libxml2's. An entry can therefore never be stale: a file changed by one byte, or read by
another frontdesk or libxml2, is another key. An entry that cannot be read or parsed is
treated as absent; a cache that cannot be written is only a slower start. Entries unused
for `KEEP_DAYS` are removed.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from contextlib import suppress
from pathlib import Path
from typing import Final

from lxml import etree

from frontdesk import __version__
from frontdesk.config.paths import ensure_private_dir
from frontdesk.tiss.checker import SchemaChecker
from frontdesk.tiss.schema import Found

KEEP_DAYS: Final = 60
_SUFFIX: Final = ".json"


class CachedChecker:
    """`inner`'s answers, kept in `folder` (created on the first answer kept)."""

    def __init__(self, inner: SchemaChecker, folder: Path) -> None:
        self.inner = inner
        self.folder = folder
        self._pruned = False

    def errors(self, element: etree._Element, version: str) -> Found:
        name = self.key(etree.tostring(element), element.sourceline, version) + _SUFFIX
        kept = self._kept(self.folder / name)
        if kept is not None:
            return kept
        found = self.inner.errors(element, version)
        self._keep(name, found)
        return found

    def close(self) -> None:
        self.inner.close()

    @staticmethod
    def key(document: bytes, line: int | None, version: str) -> str:
        """The entry's name: what the answer depends on, hashed."""
        digest = hashlib.sha256()
        for part in (__version__, etree.LIBXML_VERSION, version, line):
            digest.update(repr(part).encode("utf-8") + b"\0")
        digest.update(document)
        return digest.hexdigest()

    @staticmethod
    def _kept(path: Path) -> Found | None:
        try:
            entry = json.loads(path.read_text("utf-8"))
            found = [(int(line), str(message)) for line, message in entry["errors"]]
        except (OSError, ValueError, TypeError, KeyError):
            return None
        with suppress(OSError):
            os.utime(path)  # in use: not pruned
        return found

    def _keep(self, name: str, found: Found) -> None:
        try:
            ensure_private_dir(self.folder)
            self._prune()
            fd, temporary = tempfile.mkstemp(dir=self.folder, prefix=".", suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump({"errors": found}, handle, ensure_ascii=False)
            os.replace(temporary, self.folder / name)
        except OSError:
            return  # a cache that cannot be written only makes the next start slower

    def _prune(self) -> None:
        if self._pruned:
            return
        self._pruned = True
        oldest = time.time() - KEEP_DAYS * 86400
        for path in self.folder.glob("*" + _SUFFIX):
            with suppress(OSError):
                if path.stat().st_mtime < oldest:
                    path.unlink()
