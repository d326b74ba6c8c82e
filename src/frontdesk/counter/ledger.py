"""What the operator answered for each guide, and the guides started by hand: one JSON file.

Kept in the user data directory (`<data>/tiss-desk/<profile>.json`, mode 0600) so a restart
shows the queue as it was: each guide's status, senha and its validity, the operator's guide
number, the beneficiary's name as the operator gave it, the glosas, the absence reason, the
next status check and the file written back; and the name the operator last gave for each
card, so a patient who comes back is named before the operator answers about the new guide
(TISS requests carry no name). Never a code: the code travels to the operator
and into the written-back XML, nowhere else. Writes replace the file atomically.
"""

from __future__ import annotations

import json
import os
import tempfile
from contextlib import suppress
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

VERSION = 1


@dataclass(frozen=True)
class Answer:
    """The last answer about one guide (status in the app's words: `GuideStatus`)."""

    status: str = "awaiting_token"
    senha: str | None = None
    valid_until: str | None = None
    operator_number: str | None = None
    name: str | None = None
    reason: str | None = None
    glosas: tuple[tuple[str, str, str], ...] = ()  # (code, description, operator's words)
    sequence: str = ""
    eligibility: bool = False
    field: str | None = None
    checked_at: float | None = None
    next_check: float | None = None
    write_state: str = "none"
    written: str | None = None
    write_problem: str | None = None

    @classmethod
    def load(cls, data: dict[str, Any]) -> Answer:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["glosas"] = tuple(tuple(g) for g in values.get("glosas", ()))
        return cls(**values)


@dataclass(frozen=True)
class ManualProcedure:
    code: str
    description: str
    quantity: int = 1
    value: str | None = None  # odonto: valorProc per unit, as text ("80.00")
    tooth: str | None = None


@dataclass(frozen=True)
class ManualGuide:
    """A request started by hand at the counter from the card."""

    number: str
    kind: str  # sp_sadt | odonto
    card: str
    procedures: tuple[ManualProcedure, ...]
    created_at: float
    plan: str | None = None  # odonto: planoBeneficiario
    indication: str | None = None  # SP/SADT: indicação clínica

    @classmethod
    def load(cls, data: dict[str, Any]) -> ManualGuide:
        procedures = tuple(ManualProcedure(**p) for p in data.get("procedures", ()))
        return cls(
            number=str(data["number"]),
            kind=str(data["kind"]),
            card=str(data["card"]),
            procedures=procedures,
            created_at=float(data["created_at"]),
            plan=data.get("plan"),
            indication=data.get("indication"),
        )


@dataclass
class Ledger:
    """The file at `path`, read on first use; every change is written at once."""

    path: Path
    answers: dict[str, Answer] = field(default_factory=dict)
    manual: list[ManualGuide] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)  # card's digits -> operator's name
    _loaded: bool = False

    def load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return  # none yet (or unreadable: start afresh rather than stop the counter)
        if not isinstance(data, dict):
            return
        with suppress(TypeError, ValueError, KeyError):
            self.answers = {str(k): Answer.load(v) for k, v in (data.get("answers") or {}).items()}
            self.manual = [ManualGuide.load(m) for m in data.get("manual") or ()]
            names = data.get("names") or {}
            self.names = {str(k): str(v) for k, v in names.items() if isinstance(v, str)}

    def answer(self, number: str) -> Answer | None:
        self.load()
        return self.answers.get(number)

    def put(self, number: str, answer: Answer, *, card: str | None = None) -> None:
        """Keep `answer` for guide `number`; with `card`, learn the name it gives."""
        self.load()
        self.answers[number] = answer
        if card and answer.name:
            self.names[card] = answer.name
        self.save()

    def name_of(self, card: str) -> str | None:
        """The name the operator last gave for `card` (its digits), if it ever did."""
        self.load()
        return self.names.get(card)

    def add_manual(self, guide: ManualGuide) -> None:
        self.load()
        self.manual.append(guide)
        self.save()

    def save(self) -> None:
        document = {
            "version": VERSION,
            "answers": {k: asdict(v) for k, v in self.answers.items()},
            "manual": [asdict(m) for m in self.manual],
            "names": self.names,
        }
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".ledger-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(document, handle, ensure_ascii=False, indent=1)
            with suppress(OSError):
                os.chmod(tmp, 0o600)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
