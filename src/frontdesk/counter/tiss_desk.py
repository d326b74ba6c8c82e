"""`TissDesk`: the counter's service on a TISS operator, shaped like the token client.

It answers the calls the app makes of any backend (`list_guides`, `get_guide`, `channels`,
`validate`, `absence`, `events`, the simulator's four) with the app's result types, so the
screens work unchanged; and a few only TISS has (`check_status`, `instructions`,
`import_reports`, `card_check`, `start_guide`). Guides come from the practice system's
exports (`exports`), the counter itself (`manual`) or a card alone (`entries`); what the
operator answered is kept in the `ledger`; each answer (AUTORIZADA, EM ANÁLISE, NEGADA) is
written back into the guide's XML (`write`), numbered from `sequence` like the messages.
Every call to the operator goes through `frontdesk.tiss.client.TissClient`; its errors
become the counter's (`counter_errors`), with the sequencialTransacao for a bug report.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from frontdesk import __version__
from frontdesk.client.client_errors import (
    ChannelNotSendable,
    GuideNotAwaitingToken,
    GuideNotFound,
    MalformedCode,
    NotFound,
    UnknownReason,
)
from frontdesk.client.models import (
    Channel,
    Channels,
    Event,
    Guide,
    Health,
    OutboxMessage,
    SacPhone,
    Token,
)
from frontdesk.core.contacts import digits_only
from frontdesk.core.domain import ABSENCE_REASONS
from frontdesk.core.i18n import t
from frontdesk.core.tuss import PROCEDURE_NAMES
from frontdesk.counter import answers, manual
from frontdesk.counter.counter_errors import (
    MessageRefused,
    OperatorLoginRefused,
    OperatorUnavailable,
    SchemaCheckUnavailable,
    VersionRefused,
)
from frontdesk.counter.entries import (
    Entry,
    card_entry,
    export_entry,
    format_card,
    guide_of,
    manual_entry,
    rfc3339,
)
from frontdesk.counter.export_checks import CachedChecker
from frontdesk.counter.exports import ExportFolder, FileReport
from frontdesk.counter.guides import TissGuide
from frontdesk.counter.ledger import Answer, Ledger
from frontdesk.counter.write import write_answer
from frontdesk.tiss import tiss_errors as te
from frontdesk.tiss.checker import IN_PROCESS, SchemaChecker, SchemaCheckFailed
from frontdesk.tiss.message import SAO_PAULO
from frontdesk.tiss.models import TokenProof

if TYPE_CHECKING:
    from frontdesk.client.client import FrontdeskClient
    from frontdesk.config.tiss_reading import TissProfileData
    from frontdesk.tiss.client import TissClient
    from frontdesk.tiss.models import Authorization as TissAuthorization
    from frontdesk.tiss.models import Eligibility
    from frontdesk.tiss.sequence import SequenceSource

__all__ = ["Entry", "Instructions", "SimulatorMaker", "TissDesk", "format_card"]

SimulatorMaker = Callable[[], "FrontdeskClient"]

WRITTEN_BACK = frozenset({"authorized", "partially_authorized", "under_review", "denied"})
"""The answers written back into the guide's XML: every one the operator recorded with the
code (or the reason) it was sent; a refusal of the message itself records nothing."""


@dataclass(frozen=True)
class Instructions:
    """How the patient gets the code from this operator (the Enviar Token of a TISS desk)."""

    operator: str
    app_name: str | None
    sac_phones: tuple[str, ...]
    portal: str | None
    code_length: int | None
    letters: bool


class TissDesk:
    """One TISS profile's counter. `sequence`: where the files written back get their
    `sequencialTransacao` (the source the client's messages draw from); `simulator`: the
    local operator's simulator client (the patient's app and the SAC, the clock), for the
    local demonstration only (`simulator_at`: what builds it when first used). `checker`:
    what consults the TISS schemas for the exports, the write-backs (the client is given
    the same one) and is closed with the desk;
    `checks_cache`: the folder where the exports' checks are kept across restarts (None:
    kept in memory only)."""

    def __init__(
        self,
        *,
        profile: str,
        operator: str,
        data: TissProfileData,
        client: TissClient,
        ledger: Ledger,
        sequence: SequenceSource,
        simulator: FrontdeskClient | None = None,
        simulator_at: SimulatorMaker | None = None,
        clock: Callable[[], float] = time.time,
        last_sequence: Callable[[], str] = lambda: "",
        checker: SchemaChecker = IN_PROCESS,
        checks_cache: Path | None = None,
    ) -> None:
        self.profile = profile
        self.operator = operator
        self.data = data
        self.settings = data.settings
        self.counter = data.counter
        self.client = client
        self.ledger = ledger
        self.sequence = sequence
        self.simulator = simulator
        self._simulator_at = simulator_at
        self.clock = clock
        self.last_sequence = last_sequence
        self.checker = checker
        exports = checker if checks_cache is None else CachedChecker(checker, checks_cache)
        self.folder = ExportFolder(self.counter.import_folder, exports)
        self.reports: tuple[FileReport, ...] = ()
        self._entries: dict[str, Entry] = {}
        self._cards: dict[str, Entry] = {}  # eligibility checks of a card alone
        self._lost: dict[str, str] = {}  # idempotency key -> sequencialTransacao to send again
        self._warming: asyncio.Task[None] | None = None  # the transport, after the first queue

    # -- what the app asks of any backend --------------------------------------------------

    async def health(self) -> Health:
        local = self.simulator is not None or self._simulator_at is not None
        mode = "local" if local else "tiss"
        return Health(status="ok", version=__version__, mode=mode, time=rfc3339(self.clock()))

    async def list_guides(
        self, *, status: str | None = None, card: str | None = None
    ) -> list[Guide]:
        await self.refresh()
        wanted = digits_only(card) if card else None
        guides = [self._guide(e) for e in self._entries.values()]
        if status is not None:
            guides = [g for g in guides if g.status == status]
        if wanted:
            guides = [g for g in guides if digits_only(g.beneficiary.card) == wanted]
        return sorted(guides, key=lambda g: g.requested_at, reverse=True)

    async def get_guide(self, number: str) -> Guide:
        return self._guide(await self._entry(number))

    async def channels(self, number: str) -> Channels:
        await self._entry(number)
        found = [Channel(id="app", kind="app", label=self.counter.app_name)]
        if self.counter.sac_phones:
            phones = tuple(SacPhone(p, "") for p in self.counter.sac_phones)
            found.append(Channel(id="sac", kind="sac", phones=phones))
        return Channels(tuple(found))

    async def send_token(
        self,
        number: str,
        *,
        channel_id: str | None = None,
        channel: str | None = None,
        destination: str | None = None,
        idempotency_key: str | None = None,
    ) -> Token:
        raise ChannelNotSendable(
            status=422, code="channel_not_sendable", detail=t("counter.no_send")
        )

    async def get_token(self, number: str) -> Token:
        await self._entry(number)
        return Token(state="none")

    async def cancel_token(self, number: str, *, idempotency_key: str | None = None) -> Token:
        return await self.get_token(number)

    async def validate(
        self, number: str, code: str, *, idempotency_key: str | None = None
    ) -> Guide:
        entry = await self._awaiting(number)
        length = self.settings.code_length
        problem = self.code_problem(code)
        if problem is not None:
            extra = {"expected_length": length} if length else {}
            raise MalformedCode(status=400, code="malformed_code", detail=problem, extra=extra)
        return await self._release(entry, TokenProof(code=code), idempotency_key)

    async def absence(
        self, number: str, reason: str, *, idempotency_key: str | None = None
    ) -> Guide:
        if reason not in ABSENCE_REASONS:
            raise UnknownReason(status=422, code="unknown_reason", detail=reason[:8])
        entry = await self._awaiting(number)
        return await self._release(entry, TokenProof(reason=reason), idempotency_key)

    async def events(self, number: str) -> list[Event]:
        await self._entry(number)
        answer = self.ledger.answer(number)
        if answer is None or answer.checked_at is None:
            return []
        at = rfc3339(answer.checked_at)
        if answer.status in ("authorized", "partially_authorized"):
            return [Event(at=at, kind="authorized", authorization=answer.senha)]
        if answer.reason is not None:
            return [Event(at=at, kind="absence", reason=answer.reason)]  # type: ignore[arg-type]
        return []

    # -- the simulator (the local operator only) ------------------------------------------

    def _sim(self) -> FrontdeskClient:
        if self.simulator is None and self._simulator_at is not None:
            self.simulator = self._simulator_at()
        if self.simulator is None:
            raise NotFound(status=404, code="not_found", detail="no simulator at an operator")
        return self.simulator

    async def outbox(self) -> list[OutboxMessage]:
        return await self._sim().outbox()

    async def app_code(self, card: str) -> str:
        return await self._sim().app_code(card)

    async def sac_code(self, guide: str) -> str:
        """The SAC's code for `guide`. A guide started here (by hand, or a card's eligibility
        check) is new to the operator until its request: the simulator's call centre opens it
        for the card, as a real one gives the patient a code before the request arrives."""
        entry = await self._entry(guide)
        if entry.source == "export":
            return await self._sim().sac_code(guide)
        return await self._sim().sac_code(
            guide, card=entry.card, kind=entry.kind, provider=self.settings.prestador
        )

    async def advance_clock(self, seconds: int) -> None:
        await self._sim().advance_clock(seconds)

    def warm(self) -> bool:
        """Nothing here: the transport gets ready by itself once the queue is read (`refresh`)."""
        return False

    async def aclose(self) -> None:
        if self._warming is not None:
            await asyncio.gather(self._warming, return_exceptions=True)
        await self.client.aclose()
        if self.simulator is not None:
            await self.simulator.aclose()
        await asyncio.to_thread(self.checker.close)

    # -- only at a TISS counter ------------------------------------------------------------

    def instructions(self) -> Instructions:
        return Instructions(
            operator=self.operator,
            app_name=self.counter.app_name,
            sac_phones=self.counter.sac_phones,
            portal=self.counter.portal,
            code_length=self.settings.code_length,
            letters=self.counter.code_chars == "letters",
        )

    def code_problem(self, code: str) -> str | None:
        """What is wrong with a typed code for this operator (None: it may be sent)."""
        length = self.settings.code_length
        letters = self.counter.code_chars == "letters"
        if not code or not code.isascii() or not (code.isalnum() if letters else code.isdigit()):
            return t("counter.code.chars" if letters else "counter.code.digits")
        if length is not None and len(code) != length:
            key = "counter.code.length_letters" if letters else "counter.code.length"
            return t(key, length=length)
        if len(code) > 10:
            return t("counter.code.too_long")
        return None

    async def import_reports(self) -> tuple[FileReport, ...]:
        await self.refresh()
        return self.reports

    async def check_status(self, number: str) -> Guide:
        """SolicitacaoStatusAutorizacao for a guide EM ANÁLISE (or any answered one)."""
        entry = await self._entry(number)
        previous = self.ledger.answer(number) or Answer()
        if entry.kind == "consulta" or previous.checked_at is None:
            return self._guide(entry)
        try:
            result: TissAuthorization = await self.client.authorization_status(number, entry.card)
        except te.TissError as error:
            raise self._trouble(error, number) from None
        answer = answers.from_authorization(
            result,
            previous,
            card=entry.card,
            now=self.clock(),
            poll_seconds=self.counter.status_check_minutes * 60,
            status_query=True,
        )
        if answer.status != previous.status and answer.status in WRITTEN_BACK:
            answer = await self._write(entry, answer, None)
        self.ledger.put(number, answer, card=digits_only(entry.card))
        return self._guide(entry)

    async def card_check(self, card: str) -> Guide:
        """Only the card is known: a VerificaElegibilidade with the code, as a guide of its
        own (`E` and the card's digits) that E, C and S work on like any other."""
        digits = digits_only(card)
        if not 8 <= len(digits) <= 20:
            raise GuideNotFound(status=404, code="guide_not_found", detail=card[:40])
        entry = card_entry(digits, self.clock())
        self._cards[entry.number] = entry
        self._entries[entry.number] = entry
        return self._guide(entry)

    async def start_guide(self, form: manual.GuideForm) -> Guide:
        """A guide started by hand (raises `manual.FormProblem`)."""
        await self.refresh()
        now = self.clock()
        number = manual.next_number(
            set(self._entries) | {m.number for m in self.ledger.manual}, now
        )
        plan = self._plan_of(form.card) if form.kind == "odonto" else None
        form = manual.filled(form, self.known_procedure(form.code.strip()), plan)
        guide = manual.guide_from_form(form, self.counter.clinic, number=number, now=now)
        self.ledger.add_manual(guide)
        entry = manual_entry(guide, self.data)
        self._entries[entry.number] = entry
        return self._guide(entry)

    def known_procedure(self, code: str) -> manual.KnownProcedure | None:
        """What the queue's guides (the clinic's exports, then the guides started here) say
        of TUSS `code`: its description and, where one carries it, its value; else the
        common name in TUSS table 22 (`core.tuss`). None for a code known nowhere."""
        entries = sorted(self._entries.values(), key=lambda e: e.source != "export")
        procedures = [p for e in entries for p in e.procedures if p.code == code]
        if procedures:
            value = next((p.value for p in procedures if p.value is not None), None)
            shown = f"{value:.2f}" if value is not None else None
            return manual.KnownProcedure(procedures[0].description, shown)
        name = PROCEDURE_NAMES.get(code)
        return manual.KnownProcedure(name) if name else None

    def _plan_of(self, card: str) -> str | None:
        """The patient's plan as the clinic's other guides of this card name it."""
        digits = digits_only(card)
        plans = (e.plan for e in self._entries.values() if digits_only(e.card) == digits)
        return next((p for p in plans if p), None)

    # -- the queue ---------------------------------------------------------------------------

    async def refresh(self) -> None:
        """Read the import folder again (changed files only) and the ledger's manual guides."""
        queue, reports = await asyncio.to_thread(self.folder.scan)
        self.reports = reports
        entries = {number: export_entry(q) for number, q in queue.items()}
        self.ledger.load()
        for guide in self.ledger.manual:
            entries.setdefault(guide.number, manual_entry(guide, self.data))
        for number, entry in self._cards.items():
            entries.setdefault(number, entry)
        self._entries = entries
        if self._warming is None:
            # The queue is read: the transport's TLS context now, off the event loop, so
            # that neither the queue nor the first release waits for it.
            self._warming = asyncio.get_running_loop().create_task(self.client.warm())

    async def _entry(self, number: str) -> Entry:
        entry = self._entries.get(number)
        if entry is None:
            await self.refresh()
            entry = self._entries.get(number)
        if entry is None:
            raise GuideNotFound(status=404, code="guide_not_found", detail=number[:40])
        return entry

    def _guide(self, entry: Entry) -> TissGuide:
        learned = self.ledger.name_of(digits_only(entry.card))
        answer = self.ledger.answer(entry.number)
        return guide_of(entry, answer, self.data, self.operator, learned=learned)

    async def _awaiting(self, number: str) -> Entry:
        entry = await self._entry(number)
        answer = self.ledger.answer(number)
        if answer is not None and answer.status != "awaiting_token":
            raise GuideNotAwaitingToken(
                status=409,
                code="guide_not_awaiting_token",
                detail=answer.status,
                extra={"guide_status": answer.status},
            )
        return entry

    # -- releasing ---------------------------------------------------------------------------

    async def _release(self, entry: Entry, proof: TokenProof, key: str | None) -> Guide:
        previous = self.ledger.answer(entry.number) or Answer()
        now = self.clock()
        try:
            if entry.kind == "consulta" or entry.request is None:
                eligibility: Eligibility = await self.client.check_eligibility(entry.card, proof)
                answer = answers.from_eligibility(
                    eligibility,
                    previous,
                    card=format_card(entry.card),
                    now=now,
                    reason=proof.reason,
                )
            else:
                request = replace(entry.request, proof=proof)
                sequence = self._lost.pop(key, None) if key else None
                try:
                    result = await self.client.request_procedures(request, sequence=sequence)
                except te.OutcomeUnknown as lost:
                    if key:
                        self._lost[key] = lost.sequence
                    raise
                answer = answers.from_authorization(
                    result,
                    previous,
                    card=format_card(entry.card),
                    now=now,
                    poll_seconds=self.counter.status_check_minutes * 60,
                    reason=proof.reason,
                )
        except te.TissError as error:
            raise self._trouble(error, entry.number) from None
        if answer.status in WRITTEN_BACK:
            answer = await self._write(entry, answer, proof)
        self.ledger.put(entry.number, answer, card=digits_only(entry.card))
        return self._guide(entry)

    async def _write(self, entry: Entry, answer: Answer, proof: TokenProof | None) -> Answer:
        return await asyncio.to_thread(
            write_answer,
            entry,
            answer,
            proof,
            folder=self.counter.export_folder,
            sequence=self.sequence,
            now=datetime.fromtimestamp(self.clock(), tz=SAO_PAULO),
            checker=self.checker,
        )

    def _trouble(self, error: te.TissError, guide: str) -> Exception:
        """The counter's error for a TISS one."""
        operator = self.operator
        sequence = self.last_sequence()
        if isinstance(error, te.OutcomeUnknown):
            return OperatorUnavailable(
                operator, error.detail, timeout=True, sequence=error.sequence
            )
        if isinstance(error, SchemaCheckFailed):
            return SchemaCheckUnavailable(operator, error.detail)
        if isinstance(error, te.TissUnavailable):
            timeout = isinstance(error, te.TissTimeout)
            return OperatorUnavailable(operator, error.detail, timeout=timeout)
        if isinstance(error, te.LoginInvalido):
            return OperatorLoginRefused(operator, self.profile)
        if isinstance(error, te.VersionMismatch):
            return VersionRefused(operator, self.profile, error.sent, error.answered, error.to_try)
        if isinstance(error, te.TissFault):
            return MessageRefused(operator, error.code, guide, sequence)
        if isinstance(error, te.InvalidReply):
            return MessageRefused(operator, f"InvalidReply:{error.reason}", guide, sequence)
        if isinstance(error, te.TissInputError):
            return MessageRefused(operator, f"TissInputError:{error.field}", guide, sequence)
        return MessageRefused(operator, type(error).__name__, guide, sequence)
