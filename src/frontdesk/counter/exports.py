"""The practice system's exports in the profile's import folder, read into today's queue.

Every `*.xml` file of the folder (not its subfolders, not the files this desk wrote back:
`*.retorno.xml`) is read with `frontdesk.tiss.lote.read_export` when it is new or changed
(size and modification time), so the queue follows the folder without reading it all each
time. Good guides go to the queue; each file keeps a report: its lote and TISS version (each
file is read in its own: 4.01.00, 4.02.00 and 4.03.00 may sit side by side), the guides
taken, the guides left out with what is wrong with each, and the file's own problems (a
version frontdesk has no schemas for is one, naming the versions it reads). Guides that
have no field for the code (honorários, resumos de internação) are left out with a note,
not as an error. A guide number seen in two files is taken once, from the first file.

The schemas are consulted through the desk's `checker` (a worker process holding them, with
the answers for files already seen kept on disk: `export_checks`); a file it could not
check gets that problem in words and is read again at the next scan.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Final

from frontdesk.core.i18n import t
from frontdesk.tiss.checker import IN_PROCESS, SchemaChecker, SchemaCheckFailed
from frontdesk.tiss.lote import WITHOUT_CODE, Export, ExportedGuide, read_export
from frontdesk.tiss.safexml import MAX_XML_BYTES
from frontdesk.tiss.versions import numbers

WRITTEN_SUFFIX: Final = ".retorno.xml"
"""How the desk names what it writes back (never read as an export)."""


@dataclass(frozen=True)
class FileReport:
    """What became of one export file."""

    name: str
    lote: str = ""
    version: str = ""  # the file's TISS version (its Padrao), as written
    accepted: tuple[str, ...] = ()
    rejected: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (guide, its problems)
    notes: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()

    @property
    def has_problems(self) -> bool:
        return bool(self.rejected or self.problems)


@dataclass(frozen=True)
class QueuedGuide:
    """A good guide of an export, with where it came from."""

    guide: ExportedGuide
    path: Path
    modified: float


class ExportFolder:
    """The import folder (None: the profile sets none, so no exports)."""

    def __init__(self, folder: Path | None, checker: SchemaChecker = IN_PROCESS) -> None:
        self.folder = folder
        self.checker = checker
        self._cache: dict[Path, tuple[tuple[int, int], Export | str]] = {}

    def scan(self) -> tuple[dict[str, QueuedGuide], tuple[FileReport, ...]]:
        """The queue's guides by number, and a report per file (sorted by name)."""
        if self.folder is None:
            return {}, ()
        try:
            paths = sorted(
                p
                for p in self.folder.iterdir()
                if p.suffix.lower() == ".xml"
                and not p.name.lower().endswith(WRITTEN_SUFFIX)
                and p.is_file()
            )
        except OSError as error:
            reason = error.strerror or type(error).__name__
            return {}, (
                FileReport(str(self.folder), problems=(t("counter.import.folder", reason=reason),)),
            )
        queue: dict[str, QueuedGuide] = {}
        reports: list[FileReport] = []
        for path in paths:
            read, modified = self._read(path)
            if isinstance(read, str):
                reports.append(FileReport(path.name, problems=(read,)))
                continue
            reports.append(self._report(path, read, modified, queue))
        self._cache = {p: v for p, v in self._cache.items() if p in paths}
        return queue, tuple(reports)

    def _read(self, path: Path) -> tuple[Export | str, float]:
        try:
            stat = path.stat()
            key = (stat.st_size, stat.st_mtime_ns)
            cached = self._cache.get(path)
            if cached is not None and cached[0] == key:
                return cached[1], stat.st_mtime
            if stat.st_size > MAX_XML_BYTES:
                result: Export | str = t("counter.import.too_big", limit=MAX_XML_BYTES // 1024)
            else:
                result = read_export(path.read_bytes(), self.checker)
        except OSError as error:
            return t(
                "counter.import.unreadable", reason=error.strerror or type(error).__name__
            ), 0.0
        except SchemaCheckFailed as failed:  # not kept: the next scan reads it again
            return t("counter.import.unchecked", reason=failed.detail), stat.st_mtime
        self._cache[path] = (key, result)
        return result, stat.st_mtime

    @staticmethod
    def _report(
        path: Path, export: Export, modified: float, queue: dict[str, QueuedGuide]
    ) -> FileReport:
        accepted: list[str] = []
        rejected: list[tuple[str, tuple[str, ...]]] = []
        notes: list[str] = []
        for guide in export.guides:
            name = guide.number or f"#{guide.index + 1}"
            if guide.kind in WITHOUT_CODE:
                notes.append(t(f"counter.import.no_code.{guide.kind}", guide=name))
            elif guide.problems:
                rejected.append((name, guide.problems))
            elif guide.number in queue:
                rejected.append(
                    (name, (t("counter.import.twice", file=queue[guide.number].path.name),))
                )
            else:
                queue[guide.number] = QueuedGuide(guide, path, modified)
                accepted.append(guide.number)
        problems = [t("counter.import.file_problem", problem=p) for p in export.problems]
        if not export.known_version:
            known = ", ".join(numbers())
            problems.insert(
                0, t("counter.import.version", version=export.version or "?", known=known)
            )
        return FileReport(
            path.name,
            export.lote,
            export.version,
            tuple(accepted),
            tuple(rejected),
            tuple(notes),
            tuple(problems),
        )
