"""The operator's answer written back for the clinic's system, beside the original export.

For a guide that came from an export file, `write_answer` writes `<file>.<guide>.retorno.xml`
into the profile's export folder (default: the import folder, beside the original, which is
never touched): the guide with `codValidacao` (or `ausenciaCodValidacao`), the senha, its
dates and the operator's guide number, in the export's own TISS version, compact, with a
`sequencialTransacao` of its own, validated and re-hashed (`tiss.writeback`). Every answer
that settles something is written: AUTORIZADA, EM ANÁLISE and NEGADA (the code was spent
on it; the practice system learns it from the file, with the operator's number). When a
later answer completes it (EM ANÁLISE, then AUTORIZADA after a status check), the code or
reason is taken from the file written the first time (the desk keeps no code). A guide
started by hand has no file to write into; a failure to write is kept with its reason:
neither stops the release, which the operator has recorded.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import suppress
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from frontdesk.core.i18n import t
from frontdesk.counter.exports import WRITTEN_SUFFIX
from frontdesk.counter.ledger import Answer
from frontdesk.tiss.checker import IN_PROCESS, SchemaChecker, SchemaCheckFailed
from frontdesk.tiss.tiss_errors import TissError, TissInputError, UnsafeXml
from frontdesk.tiss.writeback import NoCodeField, Release, proof_in, write_back

if TYPE_CHECKING:
    from frontdesk.counter.entries import Entry
    from frontdesk.tiss.models import TokenProof
    from frontdesk.tiss.sequence import SequenceSource


def target_of(source: Path, number: str, folder: Path | None) -> Path:
    """Where the answer for guide `number` of `source` is written."""
    name = f"{source.stem}.{''.join(c for c in number if c.isalnum() or c in '-_')}{WRITTEN_SUFFIX}"
    return (folder or source.parent) / name


def write_answer(
    entry: Entry,
    answer: Answer,
    proof: TokenProof | None,
    *,
    folder: Path | None,
    sequence: SequenceSource,
    now: datetime,
    checker: SchemaChecker = IN_PROCESS,
) -> Answer:
    """`answer` with what became of its write-back (`write_state` and the file or problem);
    `folder`: the profile's export folder (None: beside the original); `sequence` numbers
    the file's transaction, written at `now`."""
    if entry.source != "export" or entry.path is None:
        return replace(answer, write_state="not_exported", written=None, write_problem=None)
    target = target_of(entry.path, entry.number, folder)
    try:
        if proof is not None:
            code, reason = proof.code, proof.reason
            source = entry.path.read_bytes()
        elif answer.written and Path(answer.written).is_file():
            source = Path(answer.written).read_bytes()
            code, reason = proof_in(source, entry.number)
        else:
            source = entry.path.read_bytes()
            code, reason = None, answer.reason
        if code is None and reason is None:
            return replace(answer, write_state="failed", write_problem=t("counter.write.no_proof"))
        release = Release(
            code=code,
            reason=reason if code is None else None,
            senha=answer.senha,
            operator_number=answer.operator_number,
            valid_until=answer.valid_until,
        )
        data = write_back(
            source, entry.number, release, sequence=sequence, now=now, checker=checker
        )
        _write_atomic(target, data)
    except NoCodeField as no_field:
        return replace(
            answer,
            write_state="no_field",
            write_problem=t(f"counter.write.no_field.{no_field.kind}"),
        )
    except SchemaCheckFailed as failed:
        problem = t("counter.write.unchecked", reason=failed.detail)
        return replace(answer, write_state="failed", written=None, write_problem=problem[:300])
    except (OSError, TissInputError, UnsafeXml, TissError) as error:
        problem = getattr(error, "strerror", None) or str(error)
        return replace(answer, write_state="failed", written=None, write_problem=problem[:300])
    return replace(answer, write_state="written", written=str(target), write_problem=None)


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".frontdesk-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        with suppress(OSError):
            os.chmod(tmp, 0o640)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
