"""The TISS client: VerificaElegibilidade, SolicitacaoProcedimento, SolicitacaoStatusAutorizacao
and CancelaGuia against one operator, async.

Every call builds its message (cabeçalho with a fresh `sequencialTransacao`, date and time
in America/Sao_Paulo, origem = the clinic, destino = the operator's registro ANS, Padrao,
login and MD5 password; body; hash), checks it against the schemas, posts it in a SOAP
envelope to the operation's URL, and accepts only a reply that is the operation's own,
schema-valid and correctly hashed. Replies come back as typed results; a SOAP Fault as its
`TissFault`; the rest as the errors of `frontdesk.tiss.tiss_errors`. Every message goes out in
the settings' version (its `Padrao`, its schemas); a `VersaoInvalida` fault, or a reply in
another version, is `VersionMismatch` naming both.

Retries: VerificaElegibilidade and SolicitacaoStatusAutorizacao only read, so they are tried
again (same sequencialTransacao) after a timeout, a lost connection or a 502/503/504.
SolicitacaoProcedimento is never sent again by the client: when its answer is lost after it
may have left, the client asks SolicitacaoStatusAutorizacao for the guide first; what the
operator registered is the answer (`recovered=True`), and if it registered nothing,
`OutcomeUnknown` says so and leaves the decision to the caller. CancelaGuia is not retried.

The password is kept only as its MD5 (which stands for it on the wire: never logged); the
log (`frontdesk.tiss`) names the operation, the sequence number, the outcome and the time,
never a message, a card, a code or a password.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime
from typing import Final

from lxml import etree

from frontdesk.tiss.checker import IN_PROCESS, SchemaChecker, SchemaCheckFailed
from frontdesk.tiss.hashing import message_hash, password_digest, same_hash
from frontdesk.tiss.message import (
    CANCEL,
    ELIGIBILITY,
    PROCEDURES,
    STATUS,
    Operation,
    find,
    q,
    sao_paulo_now,
    text,
    transaction_date_time,
)
from frontdesk.tiss.models import (
    Authorization,
    Cancellation,
    Eligibility,
    Header,
    OdontoRequest,
    Party,
    SpSadtRequest,
    TokenProof,
)
from frontdesk.tiss.replies import (
    read_authorization_reply,
    read_cancel_reply,
    read_eligibility_reply,
)
from frontdesk.tiss.requests import build_cancel, build_eligibility, build_procedures, build_status
from frontdesk.tiss.safexml import charset_of
from frontdesk.tiss.schema import errors_of
from frontdesk.tiss.sequence import SequenceSource
from frontdesk.tiss.soap import HEADERS, body_of, envelope
from frontdesk.tiss.tiss_errors import (
    InvalidReply,
    OutcomeUnknown,
    TissError,
    TissFault,
    TissInputError,
    TissTimeout,
    TissUnavailable,
    VersaoInvalida,
    VersionMismatch,
)
from frontdesk.tiss.tiss_settings import TissSettings
from frontdesk.tiss.transport import (
    HttpReply,
    HttpxTransport,
    Transport,
    TransportFailure,
    TransportTimeout,
)

log = logging.getLogger("frontdesk.tiss")

BACKOFF: Final = (0.5, 1.5, 3.0, 5.0, 8.0)
"""Seconds before each retry of a read-only call."""
_GATEWAY: Final = frozenset({502, 503, 504})
_VERSION_NUMBER: Final = re.compile(r"\b\d\.\d{2}\.\d{2}\b")

Sleep = Callable[[float], Awaitable[None]]


class TissClient:
    """One operator's TISS web services, as `settings` describe them.

    `password` is the operator's password for the clinic's login (item 114 sends its MD5);
    `sequence` hands out sequencialTransacao numbers (a `SequenceFile` keeps them across
    restarts). `transport`, `now` and `sleep` are there to be replaced by tests.
    """

    def __init__(
        self,
        settings: TissSettings,
        password: str,
        *,
        sequence: SequenceSource,
        transport: Transport | None = None,
        now: Callable[[], datetime] = sao_paulo_now,
        sleep: Sleep = asyncio.sleep,
        verify_reply_hash: bool = True,
        checker: SchemaChecker = IN_PROCESS,
    ) -> None:
        if not password:
            raise TissInputError("senhaPrestador", "a password is required")
        self.settings = settings
        self._digest = password_digest(password)
        self._sequence = sequence
        self._now = now
        self._sleep = sleep
        self._verify_hash = verify_reply_hash
        self._checker = checker
        if transport is None:
            try:
                transport = HttpxTransport(
                    ca_bundle=settings.ca_bundle,
                    connect_timeout=settings.connect_timeout,
                    read_timeout=settings.read_timeout,
                )
            except TransportFailure as failure:  # an unreadable CA bundle
                raise TissUnavailable(failure.detail) from None
        self._transport: Transport = transport

    def __repr__(self) -> str:
        return f"TissClient({self.settings.registro_ans}, login={self.settings.effective_login})"

    async def __aenter__(self) -> TissClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._transport.aclose()

    async def warm(self) -> None:
        """Get the transport ready for the first message, off the event loop (its TLS
        context: `HttpxTransport.warm`); a transport without that has nothing to get ready."""
        warm = getattr(self._transport, "warm", None)
        if callable(warm):
            await asyncio.to_thread(warm)

    # -- the four operations ------------------------------------------------------------------

    async def check_eligibility(
        self, card: str, proof: TokenProof | None, *, identification: str | None = None
    ) -> Eligibility:
        """VerificaElegibilidade: is the card's beneficiary covered, and is the code good."""
        header = self._header(ELIGIBILITY)
        s = self.settings
        message = build_eligibility(header, s.identity, card, proof, identification=identification)
        reply = await self._call(ELIGIBILITY, message, header.sequence, retry=True)
        return read_eligibility_reply(reply)

    async def request_procedures(
        self, request: SpSadtRequest | OdontoRequest, *, sequence: str | None = None
    ) -> Authorization:
        """SolicitacaoProcedimento (SP/SADT or odontologia); never re-sent by itself.

        `sequence`: the sequencialTransacao of an earlier try of this same request, to send
        it again deliberately after `OutcomeUnknown` (an operator that keeps transactions
        answers the first one again).
        """
        header = self._header(PROCEDURES, sequence)
        s = self.settings
        today = header.date
        message = build_procedures(
            header, s.registro_ans, s.identity, request, today=today, cnes=s.cnes
        )
        try:
            reply = await self._call(PROCEDURES, message, header.sequence, retry=False)
        except TransportLost as lost:
            return await self._recover(request, header.sequence, lost.detail)
        return read_authorization_reply(reply, PROCEDURES)

    async def authorization_status(self, guide_number: str, card: str) -> Authorization:
        """SolicitacaoStatusAutorizacao: where a request for `guide_number` stands."""
        header = self._header(STATUS)
        s = self.settings
        message = build_status(header, s.registro_ans, s.identity, guide_number, card)
        reply = await self._call(STATUS, message, header.sequence, retry=True)
        return read_authorization_reply(reply, STATUS)

    async def cancel_guide(
        self, guide_number: str, *, operator_number: str | None = None
    ) -> Cancellation:
        """CancelaGuia for one request guide."""
        header = self._header(CANCEL)
        message = build_cancel(header, self.settings.identity, guide_number, operator_number)
        try:
            reply = await self._call(CANCEL, message, header.sequence, retry=False)
        except TransportLost as lost:
            raise TissTimeout(lost.detail, sent=True) from None
        return read_cancel_reply(reply, guide_number)

    # -- the exchange -------------------------------------------------------------------------

    def _header(self, operation: Operation, sequence: str | None = None) -> Header:
        s = self.settings
        date, clock = transaction_date_time(self._now())
        return Header(
            transaction=operation.request_transaction,
            sequence=sequence or self._sequence.next(self._scope()),
            date=date,
            time=clock,
            origin=Party(prestador=s.identity),
            destination=Party(registro_ans=s.registro_ans),
            version=s.version,
            login=s.effective_login,
            password_digest=self._digest,
        )

    def _scope(self) -> str:
        s = self.settings
        return f"{s.registro_ans}:{s.prestador_kind}:{s.prestador}"

    async def _recover(
        self, request: SpSadtRequest | OdontoRequest, sequence: str, detail: str
    ) -> Authorization:
        guide = request.guide_number
        log.warning(
            "tissSolicitacaoProcedimento seq=%s: answer lost (%s); asking its status first",
            sequence,
            detail,
        )
        try:
            status = await self.authorization_status(guide, request.card)
        except TissError as error:
            raise OutcomeUnknown(
                guide, sequence, f"the answer was lost and the status query failed too ({error})"
            ) from None
        if status.status == "refused":
            raise OutcomeUnknown(guide, sequence, "the operator has no record of the request")
        return replace(status, recovered=True)

    async def _call(
        self, operation: Operation, message: etree._Element, sequence: str, *, retry: bool
    ) -> etree._Element:
        """Send `message`; the operation's validated, hash-checked reply element.

        `TransportLost` (internal) when a non-retried call may have reached the operator
        but its answer did not come back.
        """
        invalid = await self._schema_errors(message)  # SchemaCheckFailed: nothing is sent
        if invalid:
            problems = "; ".join(invalid)
            raise TissInputError("mensagem", f"invalid against the schemas: {problems}")
        body = envelope(message)
        url = self.settings.url_for(operation.service)
        tries = 1 + (self.settings.retries if retry else 0)
        for attempt in range(tries):
            started = time.perf_counter()
            try:
                element = await self._exchange(operation, url, body)
            except (TissUnavailable, TransportLost) as failure:
                outcome = (
                    "lost"  # it may have arrived: its answer did not
                    if isinstance(failure, TransportLost)
                    else "timeout"
                    if isinstance(failure, TissTimeout)
                    else "unavailable"
                )
                self._log(operation, sequence, outcome, started)
                if attempt + 1 < tries and getattr(failure, "retryable", True):
                    await self._sleep(BACKOFF[min(attempt, len(BACKOFF) - 1)])
                    continue
                if isinstance(failure, TransportLost) and retry:
                    raise TissTimeout(failure.detail, sent=True) from None
                raise
            except TissFault as fault:
                self._log(operation, sequence, f"fault:{fault.code}", started)
                if isinstance(fault, VersaoInvalida):
                    raise self._mismatch(fault) from None
                raise
            except TissError as error:
                self._log(operation, sequence, f"error:{type(error).__name__}", started)
                raise
            self._log(operation, sequence, "ok", started)
            return element
        raise AssertionError("unreachable")  # pragma: no cover

    async def _exchange(self, operation: Operation, url: str, body: bytes) -> etree._Element:
        try:
            reply = await self._transport.post(url, body, HEADERS)
        except TransportTimeout as timeout:
            if timeout.sent:
                raise TransportLost(f"no answer in time: {timeout.detail}") from None
            raise TissTimeout(timeout.detail, sent=False) from None
        except TransportFailure as failure:
            if failure.sent:
                raise TransportLost(failure.detail) from None
            raise TissUnavailable(failure.detail, retryable=failure.retryable) from None
        element = self._accept(operation, reply)
        try:
            problems = await self._schema_errors(element)
        except SchemaCheckFailed as failed:  # the answer came, and cannot be trusted unread
            raise TransportLost(f"the answer could not be checked ({failed.detail})") from None
        if problems:
            raise InvalidReply("schema", "; ".join(problems)[:500])
        if self._verify_hash:
            given = text(element, "hash") or ""
            if not same_hash(given, message_hash(element, strict=False)):
                raise InvalidReply("hash", "the reply's epílogo hash does not match its contents")
        if find(element, "cabecalho") is None:  # pragma: no cover - schema-valid
            raise InvalidReply("schema", "no cabeçalho")
        return element

    async def _schema_errors(self, element: etree._Element) -> tuple[str, ...]:
        """The schemas' complaints about `element`, in the profile's version (a worker's
        answer is awaited off the event loop)."""
        version = self.settings.version
        if self._checker is IN_PROCESS:
            return errors_of(element, version)
        return await asyncio.to_thread(errors_of, element, version, self._checker)

    def _accept(self, operation: Operation, reply: HttpReply) -> etree._Element:
        """The reply element, or the error the HTTP answer amounts to (before the schemas)."""
        looks_xml = reply.body.lstrip()[:1] == b"<"
        if reply.status in _GATEWAY and not looks_xml:
            raise TransportLost(f"HTTP {reply.status} from the operator's gateway")
        if not looks_xml:
            raise InvalidReply(
                "http", f"HTTP {reply.status} without a SOAP message", status=reply.status
            )
        element = body_of(reply.body, charset=charset_of(reply.content_type))  # faults raise
        if element.tag != q(operation.reply):
            raise InvalidReply(
                "unexpected", f"{etree.QName(element).localname} is not {operation.reply}"
            )
        answered = (text(element, "cabecalho", "Padrao") or "").strip()
        if answered and answered != self.settings.version:
            # before the schemas: a reply in another version may not be valid in ours
            raise VersionMismatch(self.settings.version, answered[:20], fault=False)
        return element

    def _mismatch(self, fault: VersaoInvalida) -> VersionMismatch:
        """The fault as `VersionMismatch`, with the version its text names if it names one."""
        sent = self.settings.version
        named = [v for v in _VERSION_NUMBER.findall(fault.fault_string) if v != sent]
        return VersionMismatch(sent, named[0] if named else None, fault=True)

    @staticmethod
    def _log(operation: Operation, sequence: str, outcome: str, started: float) -> None:
        log.info(
            "%s seq=%s %s %.0fms",
            operation.service,
            sequence,
            outcome,
            (time.perf_counter() - started) * 1000,
        )


class TransportLost(Exception):
    """Internal: the request may have reached the operator, and no answer came back."""

    def __init__(self, detail: str) -> None:
        self.detail = detail
        super().__init__(detail)
