"""A TISS counter's guide: the app's `Guide`, plus what only TISS tells (`TissFacts`).

Screens that show any guide take a `TissGuide` as the `Guide` it is; the few that show TISS
(NEGADA with each glosa, EM ANÁLISE with the next status check, the senha and the operator's
guide number, what was written back to the clinic's system) read its `tiss` member.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import msgspec

from frontdesk.client.models import Guide
from frontdesk.tiss.models import Glosa

Source = Literal["export", "manual", "card"]
WriteState = Literal["none", "written", "no_field", "not_exported", "failed"]
# "not_exported": a guide started by hand, or a card alone: no file to write back into


@dataclass(frozen=True)
class TissFacts:
    """What the operator answered, and what became of it, for one guide.

    `next_check`: when the desk asks the operator again about a guide EM ANÁLISE (epoch
    seconds; None: no check is due). `written`: the file written back for the clinic's
    system, or why none was (`write_state`, `write_problem`). `eligibility`: the answer came
    from VerificaElegibilidade (a consulta, or only the card known), which has no senha.
    """

    source: Source = "export"
    file: str | None = None  # the export file's name, for a guide that came from one
    glosas: tuple[Glosa, ...] = ()
    next_check: float | None = None
    checked_at: float | None = None
    sequence: str = ""
    eligibility: bool = False
    field: str | None = None  # the field a glosa points at ("card" …)
    write_state: WriteState = "none"
    written: str | None = None
    write_problem: str | None = None
    learned_name: str | None = None  # shown as the beneficiary's: from an earlier answer


class TissGuide(Guide, frozen=True):
    """A `Guide` at a TISS counter (a Struct, as `Guide` is)."""

    tiss: TissFacts = msgspec.field(default_factory=TissFacts)
